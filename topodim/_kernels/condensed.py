"""Condensed storage of a symmetric matrix with zero diagonal (scipy ``pdist`` order).

Pair (i, j), i < j, of n points is at ``n*i - i*(i+1)//2 + j - i - 1``: row i's pairs follow rows
0..i-1, and within a row the pairs run by increasing j. The functions are plain integer
arithmetic, so the GPU kernels compile the same Python bodies (``.py_func``) as device functions.
"""

from __future__ import annotations

from ._jit import njit

__all__ = ["condensed_index", "condensed_row_offset"]


@njit
def condensed_row_offset(i, n):
    """``condensed_index(i, j, n) - j`` for any j > i: pair (i, j) is at this offset plus j."""
    return n * i - (i * (i + 1)) // 2 - i - 1


@njit
def condensed_index(i, j, n):
    """Position of pair (i, j), i != j, in a condensed matrix of n points (scipy pdist order)."""
    if i > j:
        i, j = j, i
    return n * i - (i * (i + 1)) // 2 + j - i - 1
