"""The binary heap of a Rips working column.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

import numpy as np

from .._config import njit_inner


@njit_inner
def _heap_less(hd, hi, a, b):
    """Whether entry a must be above entry b."""
    return hd[a] < hd[b] or (hd[a] == hd[b] and hi[a] > hi[b])


@njit_inner
def _heap_swap(hd, hi, hc, a, b):
    t = hd[a]
    hd[a] = hd[b]
    hd[b] = t
    u = hi[a]
    hi[a] = hi[b]
    hi[b] = u
    c = hc[a]
    hc[a] = hc[b]
    hc[b] = c


@njit_inner
def _sift_up(hd, hi, hc, pos):
    while pos > 0:
        par = (pos - 1) >> 1
        if _heap_less(hd, hi, pos, par):
            _heap_swap(hd, hi, hc, pos, par)
            pos = par
        else:
            break


@njit_inner
def _sift_down(hd, hi, hc, size):
    pos = np.int64(0)  # typed: a literal 0 would compile the helpers once more for it
    while True:
        l = 2 * pos + 1
        if l >= size:
            break
        best = l
        r = l + 1
        if r < size and _heap_less(hd, hi, r, l):
            best = r
        if _heap_less(hd, hi, best, pos):
            _heap_swap(hd, hi, hc, pos, best)
            pos = best
        else:
            break


