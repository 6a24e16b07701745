"""An open-addressing hash map int64 -> int64 in flat arrays, for Numba kernels."""

from __future__ import annotations

import numpy as np

from ._jit import njit_inner


def hash_capacity(n_keys: int) -> int:
    cap = 16
    while cap < 2 * n_keys + 2:
        cap *= 2
    return cap


def new_hash_map(n_keys: int) -> np.ndarray:
    """An empty table for n_keys keys: (capacity, 2) int64, column 0 the key (-1 = empty)."""
    h = np.zeros((hash_capacity(n_keys), 2), dtype=np.int64)
    h[:, 0] = -1
    return h


@njit_inner
def _hash_slot(key, mask):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    return np.int64(h & np.uint64(mask))


@njit_inner
def hash_find(table, key):
    """Slot of ``key`` in the table, or -1."""
    mask = table.shape[0] - 1
    s = _hash_slot(key, mask)
    while True:
        k = table[s, 0]
        if k == key:
            return s
        if k == -1:
            return -1
        s = (s + 1) & mask


@njit_inner
def hash_insert(table, key, val):
    """Insert (key, val); the table must have room (capacity >= 2 x keys)."""
    mask = table.shape[0] - 1
    s = _hash_slot(key, mask)
    while True:
        k = table[s, 0]
        if k == -1 or k == key:
            table[s, 0] = key
            table[s, 1] = val
            return
        s = (s + 1) & mask


