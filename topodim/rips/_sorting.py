"""Sorting of Rips columns in reduction order (diameter descending, index ascending).

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

from numba import prange
import numba
import numpy as np

from .._config import njit, njit_inner, njit_parallel


@njit_inner
def _before(da, ia, db, ib):
    return da > db or (da == db and ia < ib)


@njit_inner
def _insertion_sort(d, ix, lo, hi):
    for a in range(lo + 1, hi):
        dv = d[a]
        iv = ix[a]
        b = a - 1
        while b >= lo and _before(dv, iv, d[b], ix[b]):
            d[b + 1] = d[b]
            ix[b + 1] = ix[b]
            b -= 1
        d[b + 1] = dv
        ix[b + 1] = iv


@njit_inner
def _merge(sd, si, lo, mid, hi, td, ti):
    a = lo
    b = mid
    o = lo
    while a < mid and b < hi:
        if _before(sd[b], si[b], sd[a], si[a]):
            td[o] = sd[b]
            ti[o] = si[b]
            b += 1
        else:
            td[o] = sd[a]
            ti[o] = si[a]
            a += 1
        o += 1
    while a < mid:
        td[o] = sd[a]
        ti[o] = si[a]
        a += 1
        o += 1
    while b < hi:
        td[o] = sd[b]
        ti[o] = si[b]
        b += 1
        o += 1


@njit
def sort_columns_serial(d, ix):
    """:func:`sort_columns` on one thread (small arrays: no parallel region to wait on)."""
    n = d.shape[0]
    run = 32
    for r in range(0, n, run):
        _insertion_sort(d, ix, r, min(n, r + run))
    if n <= run:
        return
    td = np.empty_like(d)
    ti = np.empty_like(ix)
    width = run
    in_src = True
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(n, lo + width)
            hi = min(n, lo + 2 * width)
            if in_src:
                _merge(d, ix, lo, mid, hi, td, ti)
            else:
                _merge(td, ti, lo, mid, hi, d, ix)
        in_src = not in_src
        width *= 2
    if not in_src:
        for k in range(n):
            d[k] = td[k]
            ix[k] = ti[k]


#: Arrays shorter than this are sorted on one thread.
PARALLEL_SORT_MIN = 1 << 16


def sort_columns(d, ix):
    """Sort the pairs (d[k], ix[k]) in place by diameter descending, then index ascending.

    The parallel sort's temporaries are allocated here, before its parallel region, so that an
    allocation that fails raises ``MemoryError`` in Python; its loops run with static scheduling
    (chunk size 0): per-iteration chunks would cost about 80 bytes and half a microsecond per
    element on the OpenMP layer, and the runs and merges of one round have equal sizes anyway."""
    if d.shape[0] < PARALLEL_SORT_MIN:
        sort_columns_serial(d, ix)
    else:
        td = np.empty_like(d)
        ti = np.empty_like(ix)
        with numba.parallel_chunksize(0):
            _sort_columns_parallel(d, ix, td, ti)


def sort_temporary_bytes(m, itemsize):
    """Bytes :func:`sort_columns` allocates for m pairs besides them (the merge buffers)."""
    return m * (8 + itemsize)


@njit_parallel
def _sort_columns_parallel(d, ix, td, ti):
    """Sort the pairs (d[k], ix[k]) in place by diameter descending, then index ascending.

    Runs of 32 are insertion-sorted in parallel, then merged pairwise in parallel rounds. The
    order is total (indices are distinct), so the result does not depend on the thread count.
    ``td`` and ``ti`` are merge buffers of the same shapes.
    """
    n = d.shape[0]
    run = 32
    nruns = (n + run - 1) // run
    for r in prange(nruns):
        _insertion_sort(d, ix, r * run, min(n, (r + 1) * run))
    if n <= run:
        return
    width = run
    in_src = True
    while width < n:
        npairs = (n + 2 * width - 1) // (2 * width)
        for q in prange(npairs):
            lo = q * 2 * width
            mid = min(n, lo + width)
            hi = min(n, lo + 2 * width)
            if in_src:
                _merge(d, ix, lo, mid, hi, td, ti)
            else:
                _merge(td, ti, lo, mid, hi, d, ix)
        in_src = not in_src
        width *= 2
    if not in_src:
        for k in prange(n):
            d[k] = td[k]
            ix[k] = ti[k]


@njit_inner
def _sort_by_index(ix, dd, cc, n):
    """Sort the first n entries of (ix, dd, cc) by ix ascending (Shell sort: tiny code, fine for
    the short working columns it sees)."""
    gap = 1
    while gap < n // 3:
        gap = 3 * gap + 1
    while gap > 0:
        for a in range(gap, n):
            iv = ix[a]
            dv = dd[a]
            cv = cc[a]
            b = a
            while b >= gap and ix[b - gap] > iv:
                ix[b] = ix[b - gap]
                dd[b] = dd[b - gap]
                cc[b] = cc[b - gap]
                b -= gap
            ix[b] = iv
            dd[b] = dv
            cc[b] = cv
        gap //= 3


