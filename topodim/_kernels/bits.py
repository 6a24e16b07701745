"""Bit tricks on uint64 words and CSR neighbourhoods as bitsets."""

from __future__ import annotations

import numpy as np

from ._jit import njit, njit_inner


#: De Bruijn lookup table of :func:`ctz` and :func:`msb`.
DEBRUIJN = np.array([0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36,
                      53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37,
                      16, 54, 35, 52, 21, 44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14,
                      19, 9, 13, 8, 7, 6], dtype=np.int64)


@njit_inner
def ctz(low, table):
    """Index of the single set bit of ``low`` (a power of two), by a de Bruijn multiplication."""
    return table[np.int64((low * np.uint64(0x03F79D71B4CB0A89)) >> np.uint64(58))]


@njit_inner
def msb(x, table):
    """Index of the highest set bit of x != 0."""
    x |= x >> np.uint64(1)
    x |= x >> np.uint64(2)
    x |= x >> np.uint64(4)
    x |= x >> np.uint64(8)
    x |= x >> np.uint64(16)
    x |= x >> np.uint64(32)
    return ctz(x ^ (x >> np.uint64(1)), table)


@njit
def csr_bitsets(indptr, indices, n):
    """Adjacency bitsets (n, ceil(n / 64)) of a CSR graph."""
    W = (n + 63) >> 6
    A = np.zeros((n, W), dtype=np.uint64)
    one = np.uint64(1)
    for i in range(n):
        for q in range(indptr[i], indptr[i + 1]):
            j = indices[q]
            A[i, j >> 6] |= one << np.uint64(j & 63)
    return A


