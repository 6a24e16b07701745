"""Lookups in a compressed sparse row (CSR) graph whose column indices are sorted in each row.

Row ``i`` holds its neighbours in ``indices[indptr[i]:indptr[i + 1]]`` (ascending) and their
values at the same positions of ``data``. A lookup is a binary search in one row: O(log deg).
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, njit_inner

__all__ = ["csr_position", "csr_value"]


@njit_inner
def csr_lower_bound(indptr, indices, i, j):
    """The first position in row ``i`` whose column is ``>= j`` (``indptr[i + 1]`` if none)."""
    lo = indptr[i]
    hi = indptr[i + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if indices[mid] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit
def csr_position(indptr, indices, i, j):
    """Position of column ``j`` in row ``i`` (an index into ``indices`` / ``data``), -1 if absent."""
    lo = csr_lower_bound(indptr, indices, i, j)
    if lo < indptr[i + 1] and indices[lo] == j:
        return lo
    return -1


@njit
def csr_value(indptr, indices, data, i, j):
    """The value of entry (i, j), ``+inf`` when absent (no edge)."""
    k = csr_position(indptr, indices, i, j)
    if k >= 0:
        return data[k]
    return np.inf
