"""Numba kernels of the Vietoris–Rips persistent cohomology engine (:mod:`topodim.rips`).

Written from the Ripser algorithm (U. Bauer, "Ripser: efficient computation of Vietoris–Rips
persistence barcodes", JACT 2021), with emergent and apparent pairs, clearing and a
diameter-capped working column.

Conventions (shared by every kernel here)
-----------------------------------------
* A k-simplex with vertices ``v_k > ... > v_0`` has the colexicographic index
  ``sum_i C(v_i, i + 1)``; ``B[k, v] = C(v, k)`` is the binomial table. Vertex arrays are kept in
  *decreasing* order (``vs[0]`` is the largest vertex).
* The filtration order is (diameter ascending, index descending). Cohomology columns are reduced
  in the reverse order: (diameter descending, index ascending). The pivot of a coboundary column
  is its entry of smallest diameter and, on ties, largest index.
* A graph is given either densely (``dense=True``: an (n, n) matrix ``D`` with zero diagonal,
  entries above ``thresh`` are not edges) or sparsely (``dense=False``: symmetric CSR arrays
  ``indptr, indices, data`` with column indices sorted ascending, no diagonal, absent = no edge).
  Both are passed to every kernel (the unused one empty) so that each kernel compiles once per
  dtype, not once per representation; the reduction's kernels take them as one :data:`Graph`.
* Coefficients are in Z/p, stored as int64 in 1..p-1 (p = 2 works through the same code).
  The coefficient of a cofacet tau = sigma + {w} in the coboundary of sigma is (-1)^k where k is
  the number of vertices of sigma below w.
* Diameters are never recomputed differently on different paths: a simplex's diameter is the
  maximum of the stored edge values of its vertex pairs.
"""

from __future__ import annotations

from collections import namedtuple

import numba
import numpy as np
from numba import prange

from ._config import njit, njit_parallel
from .metrics import PANEL, finish_distance, panel_reduced_distances
from ._kernels.csr import csr_lower_bound, csr_value
from ._kernels.growable import grow
from ._kernels.unionfind import find

#: Kernels called only from other kernels: no Python / C wrappers (less to compile).
_inner = njit(no_cpython_wrapper=True, no_cfunc_wrapper=True)

INF = np.inf


def kernel_threshold(thresh, dtype):
    """The threshold as the kernels take it: a value of ``dtype``, +inf clamped to the largest
    finite value so that ``x <= thresh`` is false for absent (+inf) entries."""
    dt = np.dtype(dtype)
    t = float(thresh)
    big = float(np.finfo(dt).max)
    return dt.type(big if t >= big else t)

# ==========================================================================================
# combinatorial number system
# ==========================================================================================


@_inner
def max_vertex(B, idx, k, top):
    """Largest v in [k - 1, top] with C(v, k) <= idx (binary search on row k of B)."""
    lo = k - 1
    hi = top
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if B[k, mid] <= idx:
            lo = mid
        else:
            hi = mid - 1
    return lo


@_inner
def simplex_vertices(B, idx, dim, n, out):
    """Write the dim + 1 vertices of simplex ``idx`` into out[0..dim], decreasing."""
    v = n - 1
    for t in range(dim + 1):
        k = dim + 1 - t
        v = max_vertex(B, idx, k, v)
        out[t] = v
        idx -= B[k, v]
        v -= 1


@_inner
def edge_value(dense, D, indptr, indices, data, a, b):
    """Value of edge {a, b}: from the matrix D whenever one is given (a sparse graph may come
    with its matrix of values for O(1) lookups), else by binary search in the CSR row."""
    if D.shape[0] > 0:
        return D[a, b]
    return csr_value(indptr, indices, data, a, b)


# ==========================================================================================
# sorting (diameter descending, index ascending): merge sort, parallel over runs
# ==========================================================================================


@_inner
def _before(da, ia, db, ib):
    return da > db or (da == db and ia < ib)


@_inner
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


@_inner
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
def _sort_columns_serial(d, ix):
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
        _sort_columns_serial(d, ix)
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


@_inner
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


# ==========================================================================================
# open-addressing hash map int64 -> int64 (keys >= 0; -1 marks an empty slot)
# ==========================================================================================


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


@_inner
def _hash_slot(key, mask):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    return np.int64(h & np.uint64(mask))


@_inner
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


@_inner
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


# ==========================================================================================
# bitsets
# ==========================================================================================

_DEBRUIJN = np.array([0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36,
                      53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37,
                      16, 54, 35, 52, 21, 44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14,
                      19, 9, 13, 8, 7, 6], dtype=np.int64)


@_inner
def ctz(low, table):
    """Index of the single set bit of ``low`` (a power of two), by a de Bruijn multiplication."""
    return table[np.int64((low * np.uint64(0x03F79D71B4CB0A89)) >> np.uint64(58))]


@_inner
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


# ==========================================================================================
# binary heap of (diameter, index, coefficient): top = smallest diameter, then largest index
# ==========================================================================================


@_inner
def _heap_less(hd, hi, a, b):
    """Whether entry a must be above entry b."""
    return hd[a] < hd[b] or (hd[a] == hd[b] and hi[a] > hi[b])


@_inner
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


@_inner
def _sift_up(hd, hi, hc, pos):
    while pos > 0:
        par = (pos - 1) >> 1
        if _heap_less(hd, hi, pos, par):
            _heap_swap(hd, hi, hc, pos, par)
            pos = par
        else:
            break


@_inner
def _sift_down(hd, hi, hc, size):
    pos = 0
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


# ==========================================================================================
# kernel state
# ==========================================================================================

#: A graph as the kernels take it (see the module docstring): ``dense`` (bool), the value
#: matrix ``D`` ((0, 0) when absent), the symmetric CSR arrays ``indptr, indices, data`` and the
#: number of vertices ``n``. Numba types a namedtuple of fixed field types as one type, so the
#: kernels taking it still compile once per dtype.
Graph = namedtuple("Graph", ["dense", "D", "indptr", "indices", "data", "n"])

#: The columns to reduce, in reduction order: simplex indices and diameters.
Columns = namedtuple("Columns", ["idx", "diam"])

#: The coefficient field Z/p: the prime ``p`` and the table ``inv`` of inverses mod p.
Field = namedtuple("Field", ["p", "inv"])

#: The fixed-size state of one dimension's reduction, carried between calls of
#: :func:`reduce_columns` (see its docstring): the pivot map ``pivots``, ``colinfo``, the bars
#: ``bars_d`` / ``bars_i``, the cocycle pointers ``cc_ptr``, the ``counters`` (COUNT_*), the
#: statistics ``stats`` (STAT_*), whether to keep cocycles (``do_cc``) and the heap-push
#: ``budget`` (-1: none).
Reduction = namedtuple("Reduction", ["pivots", "colinfo", "bars_d", "bars_i", "cc_ptr",
                                     "counters", "stats", "do_cc", "budget"])

#: The growable arrays of a reduction, returned (maybe reallocated) by :func:`reduce_columns`:
#: the reduction matrix V (``vst_i``: index, coefficient per entry; ``vst_d``: diameters) and the
#: cocycle entries ``cc_st`` (index, coefficient).
Store = namedtuple("Store", ["vst_i", "vst_d", "cc_st"])

#: The working reduction column V_work of :func:`reduce_columns`: simplex indices, diameters,
#: coefficients.
WorkColumn = namedtuple("WorkColumn", ["i", "d", "c"])

#: Scratch buffers of the apparent-facet search: vertices of tau (``us``) and of its facet
#: (``fv``), pairwise values (``pv``) and row pointers (``ptrs``).
Scratch = namedtuple("Scratch", ["us", "fv", "pv", "ptrs"])

#: The output buffers of :func:`coboundary`: cofacet indices, diameters and coefficient
#: parities (``i, d, s``), and the indices and parities of the cofacets of the next diameter
#: (``nl_i, nl_s``).
CobOut = namedtuple("CobOut", ["i", "d", "s", "nl_i", "nl_s"])


# ==========================================================================================
# implicit coboundaries
# ==========================================================================================


@_inner
def _cob_dense(D, B, n, thresh, vs, dim, sidx, sdiam, lo, hi, out_i, out_d, out_s,
               nl_i, nl_s, want_nl):
    """Cofacets of sigma (dense graph) with lo < diam <= hi, in decreasing index order.

    Returns (count, nxt, nl_count): nxt is the smallest cofacet diameter above hi (inf if
    none); with ``want_nl`` the cofacets of diameter exactly nxt are written to nl_i / nl_s.
    out_s / nl_s hold k & 1, the parity of the number of sigma's vertices below the new vertex.
    """
    cnt = 0
    nl = 0
    nxt = INF
    idx_below = sidx
    idx_above = np.int64(0)
    k = dim + 1
    t = 0
    for w in range(n - 1, -1, -1):
        if t <= dim and w == vs[t]:
            idx_below -= B[k, w]
            idx_above += B[k + 1, w]
            k -= 1
            t += 1
            continue
        dm = sdiam
        for s in range(dim + 1):
            x = D[vs[s], w]
            if x > dm:
                dm = x
        if dm > thresh or dm <= lo:
            continue
        if dm > hi:
            if dm < nxt:
                nxt = dm
                if want_nl:
                    nl_i[0] = idx_above + B[k + 1, w] + idx_below
                    nl_s[0] = k & 1
                    nl = 1
            elif want_nl and dm == nxt:
                nl_i[nl] = idx_above + B[k + 1, w] + idx_below
                nl_s[nl] = k & 1
                nl += 1
            continue
        out_i[cnt] = idx_above + B[k + 1, w] + idx_below
        out_d[cnt] = dm
        out_s[cnt] = k & 1
        cnt += 1
    return cnt, nxt, nl


@_inner
def _cob_dense_edge(D, B, n, thresh, i, j, sidx, sdiam, lo, hi, out_i, out_d, out_s, nl_i, nl_s,
                    want_nl):
    """:func:`_cob_dense` for an edge {i > j}: three branch-light loops over the new vertex w
    (w > i, j < w < i, w < j), whose cofacet indices are C(w,3) + C(i,2) + j,
    C(i,3) + C(w,2) + j and C(i,3) + C(j,2) + w, with coefficient parities 0, 1, 0."""
    cnt = 0
    nl = 0
    nxt = INF
    top = hi if hi < thresh else thresh
    for seg in range(3):
        if seg == 0:
            w0 = n - 1
            w1 = i
            base = sidx
            par = 0
        elif seg == 1:
            w0 = i - 1
            w1 = j
            base = B[3, i] + j
            par = 1
        else:
            w0 = j - 1
            w1 = -1
            base = B[3, i] + B[2, j]
            par = 0
        for w in range(w0, w1, -1):
            a = D[i, w]
            b = D[j, w]
            dm = a if a > b else b
            if dm < sdiam:
                dm = sdiam
            if dm <= top:
                if dm > lo:
                    if seg == 0:
                        out_i[cnt] = base + B[3, w]
                    elif seg == 1:
                        out_i[cnt] = base + B[2, w]
                    else:
                        out_i[cnt] = base + w
                    out_d[cnt] = dm
                    out_s[cnt] = par
                    cnt += 1
            elif dm <= nxt and dm <= thresh:
                if seg == 0:
                    t = base + B[3, w]
                elif seg == 1:
                    t = base + B[2, w]
                else:
                    t = base + w
                if dm < nxt:
                    nxt = dm
                    nl = 0
                if want_nl:
                    nl_i[nl] = t
                    nl_s[nl] = par
                    nl += 1
    return cnt, nxt, nl


@_inner
def _next_common(indptr, indices, vs, dim, ptrs):
    """Advance the row pointers (moving down) to the next common neighbour; -1 when none."""
    while True:
        w = np.int64(1) << 62
        for s in range(dim + 1):
            p = ptrs[s]
            if p < indptr[vs[s]]:
                return -1
            x = indices[p]
            if x < w:
                w = x
        same = True
        for s in range(dim + 1):
            p = ptrs[s]
            start = indptr[vs[s]]
            while p >= start and indices[p] > w:
                p -= 1
            ptrs[s] = p
            if p < start:
                return -1
            if indices[p] != w:
                same = False
        if same:
            return w


@_inner
def _cob_sparse(indptr, indices, data, B, thresh, vs, dim, sidx, sdiam, lo, hi, out_i, out_d,
                out_s, nl_i, nl_s, want_nl, ptrs):
    """Sparse-graph version of :func:`_cob_dense` (intersection of sorted neighbour rows)."""
    cnt = 0
    nl = 0
    nxt = INF
    idx_below = sidx
    idx_above = np.int64(0)
    k = dim + 1
    t = 0
    for s in range(dim + 1):
        ptrs[s] = indptr[vs[s] + 1] - 1
    while True:
        w = _next_common(indptr, indices, vs, dim, ptrs)
        if w < 0:
            break
        while t <= dim and vs[t] > w:
            idx_below -= B[k, vs[t]]
            idx_above += B[k + 1, vs[t]]
            k -= 1
            t += 1
        dm = sdiam
        for s in range(dim + 1):
            x = data[ptrs[s]]
            if x > dm:
                dm = x
            ptrs[s] -= 1
        if dm > thresh or dm <= lo:
            continue
        if dm > hi:
            if dm < nxt:
                nxt = dm
                if want_nl:
                    nl_i[0] = idx_above + B[k + 1, w] + idx_below
                    nl_s[0] = k & 1
                    nl = 1
            elif want_nl and dm == nxt:
                nl_i[nl] = idx_above + B[k + 1, w] + idx_below
                nl_s[nl] = k & 1
                nl += 1
            continue
        out_i[cnt] = idx_above + B[k + 1, w] + idx_below
        out_d[cnt] = dm
        out_s[cnt] = k & 1
        cnt += 1
    return cnt, nxt, nl


@_inner
def coboundary(graph, B, thresh, vs, dim, sidx, sdiam, lo, hi, out, want_nl, ptrs):
    """The cofacets of sigma (vertices vs, index sidx, diameter sdiam) on ``graph`` with
    lo < diam <= hi written to ``out`` (a CobOut), as :func:`_cob_dense` says."""
    dense, D, indptr, indices, data, n = graph
    out_i, out_d, out_s, nl_i, nl_s = out
    if dense:
        if dim == 1:
            return _cob_dense_edge(D, B, n, thresh, vs[0], vs[1], sidx, sdiam, lo, hi, out_i,
                                   out_d, out_s, nl_i, nl_s, want_nl)
        return _cob_dense(D, B, n, thresh, vs, dim, sidx, sdiam, lo, hi, out_i, out_d, out_s,
                          nl_i, nl_s, want_nl)
    return _cob_sparse(indptr, indices, data, B, thresh, vs, dim, sidx, sdiam, lo, hi, out_i,
                       out_d, out_s, nl_i, nl_s, want_nl, ptrs)


@_inner
def zero_pivot_cofacet(graph, B, vs, dim, sidx, sdiam, ptrs):
    """The cofacet of largest index with the same diameter as sigma: (index, new vertex), or
    (-1, -1)."""
    dense, D, indptr, indices, data, n = graph
    idx_below = sidx
    idx_above = np.int64(0)
    k = dim + 1
    t = 0
    if dense and dim == 1:
        i = vs[0]
        j = vs[1]
        for w in range(n - 1, i, -1):
            if D[i, w] <= sdiam and D[j, w] <= sdiam:
                return B[3, w] + sidx, np.int64(w)
        for w in range(i - 1, j, -1):
            if D[i, w] <= sdiam and D[j, w] <= sdiam:
                return B[3, i] + B[2, w] + j, np.int64(w)
        for w in range(j - 1, -1, -1):
            if D[i, w] <= sdiam and D[j, w] <= sdiam:
                return B[3, i] + B[2, j] + w, np.int64(w)
        return np.int64(-1), np.int64(-1)
    if dense:
        for w in range(n - 1, -1, -1):
            if t <= dim and w == vs[t]:
                idx_below -= B[k, w]
                idx_above += B[k + 1, w]
                k -= 1
                t += 1
                continue
            ok = True
            for s in range(dim + 1):
                if D[vs[s], w] > sdiam:
                    ok = False
                    break
            if ok:
                return idx_above + B[k + 1, w] + idx_below, w
        return np.int64(-1), np.int64(-1)
    for s in range(dim + 1):
        ptrs[s] = indptr[vs[s] + 1] - 1
    while True:
        w = _next_common(indptr, indices, vs, dim, ptrs)
        if w < 0:
            return np.int64(-1), np.int64(-1)
        ok = True
        for s in range(dim + 1):
            if data[ptrs[s]] > sdiam:
                ok = False
            ptrs[s] -= 1
        if ok:
            while t <= dim and vs[t] > w:
                idx_below -= B[k, vs[t]]
                idx_above += B[k + 1, vs[t]]
                k -= 1
                t += 1
            return idx_above + B[k + 1, w] + idx_below, w


@_inner
def zero_pivot_facet(graph, B, us, dim, tdiam, pv):
    """For a (dim + 1)-simplex tau with decreasing vertices us[0..dim+1] and diameter tdiam:
    the facet of smallest index with diameter tdiam, as (index, r) where us[r] is the removed
    vertex, or (-1, -1). ``pv`` is a scratch buffer of at least (dim + 2)^2 values.
    Facets are met in increasing index order by removing us[0], us[1], ... in turn."""
    m = dim + 2
    for a in range(m):
        for b in range(a + 1, m):
            x = edge_value(graph.dense, graph.D, graph.indptr, graph.indices, graph.data, us[a],
                           us[b])
            pv[a * m + b] = x
    for r in range(m):
        dm = -np.inf  # filtration values may be negative
        for a in range(m):
            if a == r:
                continue
            for b in range(a + 1, m):
                if b == r:
                    continue
                x = pv[a * m + b]
                if x > dm:
                    dm = x
        if dm == tdiam:
            # index of the facet without us[r]
            f = np.int64(0)
            pos = dim
            for a in range(m):
                if a == r:
                    continue
                f += B[pos + 1, us[a]]
                pos -= 1
            return f, np.int64(r)
    return np.int64(-1), np.int64(-1)


@_inner
def _edge_zero_cofacet(dense, ecof, indptr, indices, a, b, idx):
    """The flat pass's code of edge {a > b}: k >= 0 apparent with the triangle {a, b, k}, -1 not
    apparent, -2 no edge, -4 apparent with the cofacet not recorded; -3 when no codes are given."""
    if ecof.shape[0] == 0:
        return -3
    if dense:
        return ecof[idx]
    return ecof[csr_lower_bound(indptr, indices, a, b)]


@_inner
def zero_apparent_facet(graph, B, tidx, tdiam, dim, scratch, eflags):
    """For the (dim + 1)-simplex tau = (tidx, tdiam): its facet f such that (f, tau) is a
    zero-persistence apparent pair, as (f, r) with us[r] the vertex of tau not in f (``us``,
    ``fv``, ``pv``, ``ptrs``: the buffers of ``scratch``, a Scratch); (-1, -1) when there is
    none. ``eflags`` (edge codes of the flat pass, may be empty) answer dim 1."""
    us, fv, pv, ptrs = scratch
    simplex_vertices(B, tidx, dim + 1, graph.n, us)
    f, r = zero_pivot_facet(graph, B, us, dim, tdiam, pv)
    if f < 0:
        return f, r
    q = 0
    for a in range(dim + 2):
        if a != r:
            fv[q] = us[a]
            q += 1
    if dim == 1:
        code = _edge_zero_cofacet(graph.dense, eflags, graph.indptr, graph.indices, fv[0], fv[1],
                                  f)
        if code == -1 or code == -2:
            return np.int64(-1), np.int64(-1)
        if code >= 0:
            if code == us[r]:
                return f, r
            return np.int64(-1), np.int64(-1)
        # -3 (no codes) or -4 (apparent, cofacet not recorded): look for it
    c, w = zero_pivot_cofacet(graph, B, fv, dim, f, tdiam, ptrs)
    if c == tidx:
        return f, r
    return np.int64(-1), np.int64(-1)


@_inner
def zero_apparent_cofacet(graph, B, sidx, sdiam, dim, vs, us, pv, ptrs):
    """For the dim-simplex sigma with vertices vs: its cofacet tau such that (sigma, tau) is a
    zero-persistence apparent pair, or -1."""
    c, w = zero_pivot_cofacet(graph, B, vs, dim, sidx, sdiam, ptrs)
    if c < 0:
        return c
    # vertices of tau: vs with w inserted, decreasing
    q = 0
    placed = False
    for a in range(dim + 1):
        if not placed and w > vs[a]:
            us[q] = w
            q += 1
            placed = True
        us[q] = vs[a]
        q += 1
    if not placed:
        us[q] = w
    f, r = zero_pivot_facet(graph, B, us, dim, sdiam, pv)
    if f == sidx:
        return c
    return np.int64(-1)


# ==========================================================================================
# the reduction (persistent cohomology with clearing, apparent / emergent pairs and a
# diameter-capped working column)
# ==========================================================================================


@_inner
def _pop_pivot(hd, hi, hc, size, p):
    """Pop the top entry, summing the coefficients of equal indices; skip sums that vanish.

    Returns (size, found, diameter, index, coefficient)."""
    while size > 0:
        d = hd[0]
        i = hi[0]
        c = hc[0]
        size -= 1
        if size > 0:
            hd[0] = hd[size]
            hi[0] = hi[size]
            hc[0] = hc[size]
            _sift_down(hd, hi, hc, size)
        while size > 0 and hi[0] == i:
            c += hc[0]
            size -= 1
            if size > 0:
                hd[0] = hd[size]
                hi[0] = hi[size]
                hc[0] = hc[size]
                _sift_down(hd, hi, hc, size)
        c %= p
        if c != 0:
            return size, True, d, i, c
    return 0, False, hd[0], np.int64(-1), np.int64(0)


@_inner
def _push(hd, hi, hc, size, d, i, c):
    hd[size] = d
    hi[size] = i
    hc[size] = c
    _sift_up(hd, hi, hc, size)
    return size + 1


@_inner
def _consolidate(wi, wd, wc, wl, p):
    """Sort the working reduction column by index and add up equal entries mod p."""
    _sort_by_index(wi, wd, wc, wl)
    out = 0
    a = 0
    while a < wl:
        i = wi[a]
        d = wd[a]
        c = wc[a]
        a += 1
        while a < wl and wi[a] == i:
            c += wc[a]
            a += 1
        c %= p
        if c != 0:
            wi[out] = i
            wd[out] = d
            wc[out] = c
            out += 1
    return out


# Positions in Reduction.stats
STAT_COLUMNS = 0  # columns reduced
STAT_EMERGENT = 1  # zero-persistence pairs found without any addition
STAT_ADDITIONS = 2  # stored reduction columns added
STAT_APPARENT_SHORTCUTS = 3  # coboundaries of apparent facets added instead of a stored column
STAT_PUSHES = 4  # heap pushes
STAT_CAP_RAISES = 5  # raises of a working column's diameter cap
STAT_ZERO_PAIRS = 6  # zero-persistence pairs
STAT_ESSENTIAL = 7  # essential bars
STAT_ENUMERATIONS = 8  # coboundary enumerations
N_STATS = 9

# Positions in Reduction.counters
COUNT_V_ENTRIES = 0  # entries of the reduction matrix V stored
COUNT_BARS = 1  # bars recorded
COUNT_CC_ENTRIES = 2  # cocycle entries stored
COUNT_OVER_BUDGET = 3  # 1 when the reduction stopped on its budget
N_COUNTERS = 4

# What the pending enumeration of a working column pushes (``mode`` in reduce_columns)
PUSH_FIRST = 0  # sigma's first pass (also collects its cofacets of the next diameter)
PUSH_RAISE = 1  # the next slice of every coboundary after a cap raise
PUSH_ADDED = 2  # the coboundaries of the entries just added
PUSH_NEXT_LEVEL = 3  # sigma's next level, collected by the first pass


@_inner
def _record_column(c, sidx, sdiam, essential, pd, pi, pc, work, wl, red, store):
    """Record the reduced column at position c (simplex sidx of diameter sdiam, pivot (pi, pd)
    with coefficient pc unless essential, reduction column work[:wl], a WorkColumn): its bar
    (when essential or of positive persistence) with its cocycle, and, unless essential, its
    pivot and reduction column. Returns the Store."""
    wi, wd, wc = work
    counters = red.counters
    vst_i, vst_d, cc_st = store
    if essential or pd > sdiam:
        k = counters[COUNT_BARS]
        red.bars_d[k, 0] = sdiam
        red.bars_d[k, 1] = INF if essential else pd
        red.bars_i[k, 0] = sidx
        red.bars_i[k, 1] = -1 if essential else pi
        if red.do_cc:
            q = counters[COUNT_CC_ENTRIES]
            red.cc_ptr[k] = q
            cc_st = grow(cc_st, 2 * (q + wl))
            for e in range(wl):
                cc_st[2 * q] = wi[e]
                cc_st[2 * q + 1] = wc[e]
                q += 1
            red.cc_ptr[k + 1] = q
            counters[COUNT_CC_ENTRIES] = q
        counters[COUNT_BARS] = k + 1
    if not essential:
        colinfo = red.colinfo
        hash_insert(red.pivots, pi, c)
        colinfo[c, 2] = pc
        q = counters[COUNT_V_ENTRIES]
        colinfo[c, 0] = q
        if wl > 1:
            vst_i = grow(vst_i, 2 * (q + wl))
            vst_d = grow(vst_d, q + wl)
            for e in range(wl):
                if wi[e] != sidx:
                    vst_i[2 * q] = wi[e]
                    vst_i[2 * q + 1] = wc[e]
                    vst_d[q] = wd[e]
                    q += 1
        colinfo[c, 1] = q - colinfo[c, 0]
        counters[COUNT_V_ENTRIES] = q
    return Store(vst_i, vst_d, cc_st)


@_inner
def _reducer_of(pi, pd, pc, dim, cols, graph, B, field, eflags, red, scratch):
    """What cancels the pivot tau = (pi, pd, coefficient pc) of a working column: the stored
    reduction column whose pivot is tau, else the apparent facet of tau. Returns (first,
    first_d, lo, hi, factor): the simplex whose coboundary is added (-1 when none: tau is a new
    pivot), its diameter, the range of stored entries added with it and the factor.
    ``scratch``: a Scratch of buffers for the apparent-facet search."""
    p = field.p
    stats = red.stats
    slot = hash_find(red.pivots, pi)
    if slot >= 0:
        j = red.pivots[slot, 1]
        factor = (p - (pc * field.inv[red.colinfo[j, 2]]) % p) % p
        lo_e = red.colinfo[j, 0]
        stats[STAT_ADDITIONS] += 1
        return cols.idx[j], cols.diam[j], lo_e, lo_e + red.colinfo[j, 1], factor
    f, r = zero_apparent_facet(graph, B, pi, pd, dim, scratch, eflags)
    if f >= 0:
        sgn = 1 if ((dim + 1 - r) & 1) == 0 else p - 1
        stats[STAT_APPARENT_SHORTCUTS] += 1
        return f, pd, np.int64(0), np.int64(0), ((p - pc) * sgn) % p
    return np.int64(-1), pd, np.int64(0), np.int64(0), np.int64(0)


#: When the heap of a working column empties below its diameter cap L, the cap is raised to
#: L + CAP_GROWTH * (L - diam(sigma)) (at least to the next cofacet diameter). A small factor
#: keeps few entries above the final pivot in the heap (they are pushed and never popped; on
#: long columns they made most of the heap, and its pops slow) at the cost of more, narrower
#: slices (re-enumerations of the working column's coboundaries, cheap by comparison).
CAP_GROWTH = 0.1


@njit
def reduce_columns(dim, cols, c0, c1, graph, thresh, B, field, eflags, red, store):
    """Reduce the coboundary columns c0..c1-1 of ``cols`` (a Columns) of dimension ``dim`` (see
    the module docstring) on ``graph`` (a Graph) up to ``thresh``, over ``field`` (a Field);
    ``eflags``: the edge codes of the flat pass (may be empty).

    State carried between calls in ``red`` (a Reduction) and ``store`` (a Store), so that Python
    can report progress between chunks:

    * ``pivots`` (cap, 2): the pivot map, an open-addressing table pivot simplex -> column
      position;
    * ``colinfo`` (ncols, 3): per column position, the start and length of its reduction column
      in ``vst_*`` (the column's own simplex left implicit) and the coefficient of its pivot;
    * ``vst_i`` (2 per entry: index, coefficient) and ``vst_d`` (diameter): the reduction matrix V;
    * ``bars_d`` (ncols, 2): birth, death (inf when essential); ``bars_i`` (ncols, 2): birth and
      death simplices (-1 when essential), in the order found;
    * ``cc_ptr`` (per bar) into ``cc_st`` (2 per entry: index, coefficient): the cocycles;
    * ``counters`` (COUNT_*): entries of V, bars, cocycle entries, 1 when stopped by the budget;
    * ``stats`` (STAT_*): the statistics of the reduction.

    ``budget`` >= 0 stops the reduction (COUNT_OVER_BUDGET set, the state left incomplete) as
    soon as the heap pushes (STAT_PUSHES) exceed it; -1 means no budget.

    Working column: W = coboundary of V_work = sum c_s * delta(s). Only cofacets of diameter at
    most a cap L are in the heap. The heap top, once nothing below it cancels, is the true pivot:
    every entry of W of diameter <= L is in the heap and equal indices have equal diameters.
    When the heap empties, L is raised and the next slice of every coboundary in V_work is
    pushed. The first pass over sigma's own coboundary also collects its cofacets of the next
    diameter, so that a column without additions needs one enumeration only. When a column is
    added to cancel the pivot tau, tau is not pushed back and the added entries equal to tau are
    skipped (their coefficients sum to minus tau's).

    Returns the Store (its arrays possibly reallocated).
    """
    col_idx = cols.idx
    col_diam = cols.diam
    p = field.p
    n = graph.n
    stats = red.stats
    counters = red.counters
    budget = red.budget
    vst_i, vst_d, cc_st = store
    ftype = col_diam.dtype
    out_i = np.empty(n + 1, dtype=np.int64)
    out_d = np.empty(n + 1, dtype=ftype)
    out_s = np.empty(n + 1, dtype=np.int64)
    nl_i = np.empty(n + 1, dtype=np.int64)
    nl_s = np.empty(n + 1, dtype=np.int64)
    cob_out = CobOut(out_i, out_d, out_s, nl_i, nl_s)
    hd = np.empty(1024, dtype=ftype)
    hi = np.empty(1024, dtype=np.int64)
    hc = np.empty(1024, dtype=np.int64)
    wi = np.empty(64, dtype=np.int64)
    wd = np.empty(64, dtype=ftype)
    wc = np.empty(64, dtype=np.int64)
    es = np.empty(dim + 3, dtype=np.int64)
    us = np.empty(dim + 3, dtype=np.int64)
    fv = np.empty(dim + 3, dtype=np.int64)
    ptrs = np.empty(dim + 3, dtype=np.int64)
    pv = np.empty((dim + 3) * (dim + 3), dtype=np.float64)
    scratch = Scratch(us, fv, pv, ptrs)
    pm1 = p - 1
    for c in range(c0, c1):
        stats[STAT_COLUMNS] += 1
        sidx = col_idx[c]
        sdiam = col_diam[c]
        work_len = 1
        wi[0] = sidx
        wd[0] = sdiam
        wc[0] = 1
        heap_len = 0
        # the pending enumeration: entries [pending_from, pending_to) of V_work, their cofacets
        # with diam_lo < diam <= diam_hi, pushed as ``mode`` (PUSH_*) says; L: the diameter cap
        pending_from = 0
        pending_to = 1
        diam_lo = -INF
        diam_hi = sdiam
        mode = PUSH_FIRST
        skip = np.int64(-1)
        L = sdiam
        nxt = INF
        nxt_known = True
        nl = 0
        nadd = 0
        last_cons = 1
        want_cons = False
        done = False
        essential = False
        piv_d = sdiam
        piv_i = np.int64(-1)
        piv_c = np.int64(0)
        while True:
            if want_cons:
                work_len = _consolidate(wi, wd, wc, work_len, p)
                last_cons = work_len
                want_cons = False
                pending_from = 0 if mode == PUSH_RAISE else work_len
                pending_to = work_len
            if done:
                break
            if mode == PUSH_RAISE:
                nxt = INF
                nxt_known = True
            for e in range(pending_from, pending_to):
                if mode == PUSH_NEXT_LEVEL:
                    cnt = nl
                    ce = np.int64(1)
                else:
                    stats[STAT_ENUMERATIONS] += 1
                    simplex_vertices(B, wi[e], dim, n, es)
                    cnt, nm, nlg = coboundary(graph, B, thresh, es, dim, wi[e], wd[e], diam_lo,
                                              diam_hi, cob_out, mode == PUSH_FIRST, ptrs)
                    if mode == PUSH_FIRST:
                        nl = nlg
                    if nxt_known and nm < nxt:
                        nxt = nm
                    ce = wc[e]
                if heap_len + cnt > hd.shape[0]:
                    hd = grow(hd, heap_len + cnt)
                    hi = grow(hi, heap_len + cnt)
                    hc = grow(hc, heap_len + cnt)
                cneg = (ce * pm1) % p
                for q in range(cnt):
                    if mode == PUSH_NEXT_LEVEL:
                        qi = nl_i[q]
                        qd = nxt
                        qs = nl_s[q]
                    else:
                        qi = out_i[q]
                        qd = out_d[q]
                        qs = out_s[q]
                    if qi != skip:
                        heap_len = _push(hd, hi, hc, heap_len, qd, qi, cneg if qs else ce)
                stats[STAT_PUSHES] += cnt
                if budget >= 0 and stats[STAT_PUSHES] > budget:
                    counters[COUNT_OVER_BUDGET] = 1
                    return Store(vst_i, vst_d, cc_st)
            pending_from = pending_to
            if mode == PUSH_NEXT_LEVEL:
                L = nxt
                nxt_known = False
                nl = 0
                mode = PUSH_RAISE
            if mode == PUSH_ADDED and work_len > 64 and work_len > 2 * last_cons:
                want_cons = True
                continue
            heap_len, found, piv_d, piv_i, piv_c = _pop_pivot(hd, hi, hc, heap_len, p)
            if not found:
                if mode == PUSH_FIRST and nl > 0:
                    # W is still delta(sigma): push its next level, collected by the first pass
                    mode = PUSH_NEXT_LEVEL
                    pending_from = 0
                    pending_to = 1
                    continue
                if nxt_known and nxt == INF:
                    essential = True
                    done = True
                    want_cons = work_len > 1
                    continue
                # raise the cap: the next slice of every coboundary in V_work
                stats[STAT_CAP_RAISES] += 1
                Lnew = L + CAP_GROWTH * (L - sdiam)
                if nxt_known and nxt > Lnew:
                    Lnew = nxt
                if not (Lnew > L):
                    Lnew = INF
                pending_from = 0
                pending_to = work_len
                diam_lo = L
                diam_hi = Lnew
                mode = PUSH_RAISE
                skip = -1
                L = Lnew
                want_cons = work_len > 1
                continue
            first, first_d, lo_e, hi_e, factor = _reducer_of(piv_i, piv_d, piv_c, dim, cols,
                                                              graph, B, field, eflags, red,
                                                              scratch)
            if first < 0:
                # a new pivot: the pair (sigma, tau)
                done = True
                want_cons = work_len > 1
                continue
            # W += factor * delta(first + stored entries), skipping tau (it cancels)
            nadd += 1
            need = work_len + 1 + hi_e - lo_e
            if need > wi.shape[0]:
                wi = grow(wi, need)
                wd = grow(wd, need)
                wc = grow(wc, need)
            pending_from = work_len
            wi[work_len] = first
            wd[work_len] = first_d
            wc[work_len] = factor
            work_len += 1
            for e in range(lo_e, hi_e):
                wi[work_len] = vst_i[2 * e]
                wd[work_len] = vst_d[e]
                wc[work_len] = (factor * vst_i[2 * e + 1]) % p
                work_len += 1
            pending_to = work_len
            diam_lo = -INF
            diam_hi = L
            mode = PUSH_ADDED
            skip = piv_i
        if not essential and not (piv_d > sdiam):
            stats[STAT_ZERO_PAIRS] += 1
            if nadd == 0:
                stats[STAT_EMERGENT] += 1
        if essential:
            stats[STAT_ESSENTIAL] += 1
        vst_i, vst_d, cc_st = _record_column(c, sidx, sdiam, essential, piv_d, piv_i, piv_c,
                                             WorkColumn(wi, wd, wc), work_len, red,
                                             Store(vst_i, vst_d, cc_st))
    return Store(vst_i, vst_d, cc_st)


# ==========================================================================================
# distances, graphs
# ==========================================================================================


@njit_parallel
def fill_dense_from_points(X, Pn, metric, D, r0, r1):
    """Rows r0..r1-1 of the upper triangle: D[i, j] = distance of points i < j, one evaluation
    per pair, contiguous writes (the lower triangle is then filled by :func:`mirror_lower`).

    ``Pn`` is ``topodim.metrics.to_panels(X)``: the distances from point i to a block of points
    come from :func:`topodim.metrics.panel_reduced_distances` (vectorised across the points,
    bit-identical to :func:`topodim.metrics.point_distance`). D[i, i] = 0."""
    n = X.shape[0]
    nr = r1 - r0
    nch = min(nr, 256) if nr > 0 else 1
    nb = Pn.shape[0]
    for c in prange(nch):
        acc = np.empty(PANEL, dtype=D.dtype)
        for i in range(r0 + c, r1, nch):
            D[i, i] = 0
            x = X[i]
            for b in range((i + 1) // PANEL, nb):
                lo = b * PANEL
                w = min(PANEL, n - lo)
                panel_reduced_distances(Pn, b, w, x, metric, acc)
                t0 = i + 1 - lo if i + 1 > lo else 0
                for t in range(t0, w):
                    D[i, lo + t] = finish_distance(acc[t], metric)


@njit
def mirror_lower(D):
    """D[j, i] = D[i, j] for j > i, by 64 x 64 tiles so that the strided reads stay in cache
    (about a millisecond per million pairs: not worth a parallel region)."""
    n = D.shape[0]
    nt = (n + 63) >> 6
    for bj in range(nt):
        j0 = bj << 6
        j1 = min(n, j0 + 64)
        for bi in range(bj + 1):
            i0 = bi << 6
            i1 = min(n, i0 + 64)
            for j in range(j0, j1):
                top = i1 if i1 < j else j
                for i in range(i0, top):
                    D[j, i] = D[i, j]


@_inner
def _flag_of(code):
    """Edge codes of the flat pass (-2 no edge, -1 not apparent, k >= 0 apparent with zero
    cofacet vertex k) as flags 0 / 2 / 1."""
    if code == -2:
        return 0
    if code == -1:
        return 2
    return 1


#: ``row_counts`` kinds
ROWS_DENSE_LOWER = 0  # entries j < i with D[i, j] <= thresh
ROWS_DENSE_DEGREE = 1  # entries j != i with D[i, j] <= thresh
ROWS_SPARSE_LOWER = 2  # CSR entries j < i with value <= thresh
ROWS_FLAGS = 3  # edges {i > j} whose flag is ``want`` (any non-zero flag when want < 0)


@njit
def row_counts(kind, dense, D, indptr, indices, data, flags, thresh, want, n):
    """Per-row counts of one of the ROWS_* kinds (one compiled kernel for all of them)."""
    counts = np.zeros(n, dtype=np.int64)
    for i in range(n):
        c = 0
        if kind == ROWS_DENSE_LOWER or kind == ROWS_DENSE_DEGREE:
            top = i if kind == ROWS_DENSE_LOWER else n
            for j in range(top):
                if j != i and D[i, j] <= thresh:
                    c += 1
        elif kind == ROWS_SPARSE_LOWER:
            q = indptr[i]
            while q < indptr[i + 1] and indices[q] < i:
                if data[q] <= thresh:
                    c += 1
                q += 1
        elif dense:
            base = (i * (i - 1)) >> 1
            for j in range(i):
                f = _flag_of(flags[base + j])
                if (want < 0 and f != 0) or f == want:
                    c += 1
        else:
            q = indptr[i]
            while q < indptr[i + 1] and indices[q] < i:
                f = _flag_of(flags[q])
                if (want < 0 and f != 0) or f == want:
                    c += 1
                q += 1
        counts[i] = c
    return counts


_NOFLAGS = np.zeros(0, dtype=np.int32)


def empty_graph(dtype):
    """(D, indptr, indices, data) placeholders of the right types for the unused representation."""
    dt = np.dtype(dtype)
    return (np.zeros((0, 0), dtype=dt), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=dt))


def count_lower(dense, D, indptr, indices, data, thresh):
    """Per row i: edges {i > j} with value <= thresh (Python wrapper of row_counts)."""
    if dense:
        _d, ip, ix, dv = empty_graph(D.dtype)
        return row_counts(ROWS_DENSE_LOWER, True, D, ip, ix, dv, _NOFLAGS, thresh, np.int64(-1),
                          D.shape[0])
    Dd, _ip, _ix, _dv = empty_graph(data.dtype)
    return row_counts(ROWS_SPARSE_LOWER, False, Dd, indptr, indices, data, _NOFLAGS, thresh,
                      np.int64(-1), indptr.shape[0] - 1)


def dense_degrees(D, thresh):
    _d, ip, ix, dv = empty_graph(D.dtype)
    return row_counts(ROWS_DENSE_DEGREE, True, D, ip, ix, dv, _NOFLAGS, thresh, np.int64(-1),
                      D.shape[0])


def count_flags(dense, D, indptr, indices, data, flags, n, want):
    dt = D.dtype if dense else data.dtype
    return row_counts(ROWS_FLAGS, dense, D, indptr, indices, data, flags, dt.type(0),
                      np.int64(want), n)


@njit
def dense_to_csr(D, thresh, indptr, indices, data):
    """Symmetric CSR graph of the entries D[i, j] <= thresh, i != j (indptr already filled)."""
    n = D.shape[0]
    for i in range(n):
        q = indptr[i]
        for j in range(n):
            if j != i and D[i, j] <= thresh:
                indices[q] = j
                data[q] = D[i, j]
                q += 1


@njit
def gather_edges(dense, D, indptr, indices, data, flags, n, want, offsets, out_idx, out_diam):
    """Write the edges whose flag is ``want`` (any non-zero flag when want < 0) in index order;
    row i starts at offsets[i] (prefix sums of ``row_counts(ROWS_FLAGS, ...)``)."""
    for i in range(n):
        o = offsets[i]
        base = (i * (i - 1)) >> 1
        if dense:
            for j in range(i):
                f = _flag_of(flags[base + j])
                if (want < 0 and f != 0) or f == want:
                    out_idx[o] = base + j
                    out_diam[o] = D[i, j]
                    o += 1
        else:
            q = indptr[i]
            while q < indptr[i + 1] and indices[q] < i:
                f = _flag_of(flags[q])
                if (want < 0 and f != 0) or f == want:
                    out_idx[o] = base + indices[q]
                    out_diam[o] = data[q]
                    o += 1
                q += 1


# ==========================================================================================
# the flat pass over all edges: apparent pairs (edge, triangle) before any reduction
# ==========================================================================================


@_inner
def _edge_flag_dense(D, n, i, j, d):
    """k when the edge is in a zero apparent pair with the triangle {i, j, k}, else -1: its
    zero-pivot cofacet is found scanning the new vertex k downwards, and the edge must then be
    that triangle's zero-pivot facet (the facet of smallest index with the same diameter)."""
    for k in range(n - 1, i, -1):
        if D[i, k] <= d and D[j, k] <= d:
            return k
    for k in range(i - 1, j, -1):
        if D[i, k] <= d and D[j, k] <= d:
            return k if D[j, k] != d else -1
    for k in range(j - 1, -1, -1):
        if D[i, k] <= d and D[j, k] <= d:
            return k if (D[j, k] != d and D[i, k] != d) else -1
    return -1


@_inner
def _edge_flag_sparse(indptr, indices, data, i, j, d, vs, ptrs):
    vs[0] = i
    vs[1] = j
    ptrs[0] = indptr[i + 1] - 1
    ptrs[1] = indptr[j + 1] - 1
    while True:
        k = _next_common(indptr, indices, vs, np.int64(1), ptrs)
        if k < 0:
            return -1
        a = data[ptrs[0]]  # d(i, k)
        b = data[ptrs[1]]  # d(j, k)
        ptrs[0] -= 1
        ptrs[1] -= 1
        if a <= d and b <= d:
            if k > i:
                return k
            if k > j:
                return k if b != d else -1
            return k if (b != d and a != d) else -1


@njit_parallel
def edge_pass(dense, D, indptr, indices, data, thresh, flags, r0, r1):
    """Code every edge {i > j} (int32): -2 above thresh, k >= 0 when it is in a zero-persistence
    apparent pair with the triangle {i, j, k} (its zero-pivot cofacet, which has it as
    zero-pivot facet), -1 otherwise. Dense: codes are indexed by C(i, 2) + j; sparse: by the CSR
    position of j in row i.

    Rows r0..r1-1 only. Race-free: each edge writes its own slot; rows are interleaved over the
    chunks."""
    n = indptr.shape[0] - 1 if not dense else D.shape[0]
    nr = r1 - r0
    nch = min(nr, 512) if nr > 0 else 1
    for c in prange(nch):
        vs = np.empty(2, dtype=np.int64)
        ptrs = np.empty(2, dtype=np.int64)
        for i in range(r0 + c, r1, nch):
            if dense:
                base = (i * (i - 1)) >> 1
                for j in range(i):
                    d = D[i, j]
                    if d > thresh:
                        flags[base + j] = -2
                    else:
                        flags[base + j] = _edge_flag_dense(D, n, i, j, d)
            else:
                q = indptr[i]
                while q < indptr[i + 1] and indices[q] < i:
                    d = data[q]
                    if d > thresh:
                        flags[q] = -2
                    else:
                        flags[q] = _edge_flag_sparse(indptr, indices, data, i, indices[q], d, vs,
                                                     ptrs)
                    q += 1


@_inner
def edge_vertices(idx):
    """Vertices (i > j) of edge index C(i, 2) + j."""
    i = np.int64((1.0 + np.sqrt(1.0 + 8.0 * idx)) / 2.0)
    while (i * (i - 1)) >> 1 > idx:
        i -= 1
    while ((i + 1) * i) >> 1 <= idx:
        i += 1
    return i, idx - ((i * (i - 1)) >> 1)


@njit
def split_edges(idx):
    n = idx.shape[0]
    u = np.empty(n, dtype=np.int64)
    v = np.empty(n, dtype=np.int64)
    for k in range(n):
        a, b = edge_vertices(idx[k])
        u[k] = a
        v[k] = b
    return u, v


# ==========================================================================================
# columns of dimension >= 2: enumerate each simplex once from its facet without the top vertex
# ==========================================================================================


@_inner
def _top_cofacets(dense, D, indptr, indices, data, B, n, thresh, vs, dim, sidx, sdiam, ptrs,
                  out_i, out_d, o, count_only):
    """Cofacets sigma + {w} with w > vs[0] and diameter <= thresh, written at out_*[o:] unless
    count_only; returns their number."""
    cnt = 0
    top = vs[0]
    if dense:
        for w in range(n - 1, top, -1):
            dm = sdiam
            for s in range(dim + 1):
                x = D[vs[s], w]
                if x > dm:
                    dm = x
            if dm <= thresh:
                if not count_only:
                    out_i[o + cnt] = sidx + B[dim + 2, w]
                    out_d[o + cnt] = dm
                cnt += 1
        return cnt
    for s in range(dim + 1):
        ptrs[s] = indptr[vs[s] + 1] - 1
    while True:
        w = _next_common(indptr, indices, vs, dim, ptrs)
        if w <= top:
            break
        dm = sdiam
        for s in range(dim + 1):
            x = data[ptrs[s]]
            if x > dm:
                dm = x
            ptrs[s] -= 1
        if dm <= thresh:
            if not count_only:
                out_i[o + cnt] = sidx + B[dim + 2, w]
                out_d[o + cnt] = dm
            cnt += 1
    return cnt


@_inner
def _triangle_class(dense, D, indptr, indices, data, A, B, n, t, dt, w, i, j, sd, wi, wj, pkeys,
                    eflags, vs, ptrs, table):
    """Class (see :func:`assemble`) of the triangle t = {w > i > j} of diameter dt, whose edge
    values are sd = d(i, j), wi = d(w, i), wj = d(w, j)."""
    if hash_find(pkeys, t) >= 0:
        return 0
    # the cofacet of a zero apparent pair? its zero-pivot facet is the first with value dt of
    # {i, j} (without w), {w, j} (without i), {w, i} (without j); is t that edge's zero cofacet?
    if sd == dt:
        code = _edge_zero_cofacet(dense, eflags, indptr, indices, i, j, t - B[3, w])
        r = w
    elif wj == dt:
        code = _edge_zero_cofacet(dense, eflags, indptr, indices, w, j, B[2, w] + j)
        r = i
    else:
        code = _edge_zero_cofacet(dense, eflags, indptr, indices, w, i, B[2, w] + i)
        r = j
    if code == r:
        return 0
    if code == -4:
        # apparent, but its cofacet was not recorded (edge flags from elsewhere): find it
        if sd == dt:
            vs[0], vs[1], f = i, j, t - B[3, w]
        elif wj == dt:
            vs[0], vs[1], f = w, j, B[2, w] + j
        else:
            vs[0], vs[1], f = w, i, B[2, w] + i
        c, _k = zero_pivot_cofacet(Graph(dense, D, indptr, indices, data, n), B, vs, np.int64(1), f, dt,
                                   ptrs)
        if c == t:
            return 0
    # the facet of a zero apparent pair? x: the new vertex of its zero-pivot cofacet (largest
    # x with d(w,x), d(i,x), d(j,x) <= dt); the tetrahedron's zero-pivot facet must be t, i.e.
    # every facet without a vertex v > x (of w, i, j) must have a diameter below dt
    x = -1
    xw = 0.0
    xi = 0.0
    xj = 0.0
    if dense:
        for y in range(n - 1, -1, -1):
            if D[w, y] <= dt and D[i, y] <= dt and D[j, y] <= dt and y != w and y != i and y != j:
                x = y
                xw = D[w, y]
                xi = D[i, y]
                xj = D[j, y]
                break
    elif A.shape[0] > 0:
        for k in range(A.shape[1] - 1, -1, -1):
            word = A[w, k] & A[i, k] & A[j, k]
            while word != 0:
                b = msb(word, table)
                word ^= np.uint64(1) << np.uint64(b)
                y = k * 64 + b
                a1 = D[w, y]
                a2 = D[i, y]
                a3 = D[j, y]
                if a1 <= dt and a2 <= dt and a3 <= dt:
                    x = y
                    xw = a1
                    xi = a2
                    xj = a3
                    break
            if x >= 0:
                break
    else:
        vs[0] = w
        vs[1] = i
        vs[2] = j
        for s in range(3):
            ptrs[s] = indptr[vs[s] + 1] - 1
        while True:
            y = _next_common(indptr, indices, vs, np.int64(2), ptrs)
            if y < 0:
                break
            a1 = data[ptrs[0]]
            a2 = data[ptrs[1]]
            a3 = data[ptrs[2]]
            for s in range(3):
                ptrs[s] -= 1
            if a1 <= dt and a2 <= dt and a3 <= dt:
                x = y
                xw = a1
                xi = a2
                xj = a3
                break
    if x < 0:
        return 2
    if w > x and max(xi, xj, sd) == dt:
        return 2
    if i > x and max(xw, xj, wj) == dt:
        return 2
    if j > x and max(xw, xi, wi) == dt:
        return 2
    return 1


@_inner
def _assemble_triangles(dense, D, indptr, indices, data, A, B, n, thresh, i, j, sidx, sd, pkeys,
                        eflags, out_i, out_d, out_f, o, count_only, vs, ptrs, table):
    """The triangles {w > i > j} (diameter <= thresh) of the edge {i, j}: counted, or written at
    out_*[o:] and classified."""
    cnt = 0
    if dense:
        for w in range(n - 1, i, -1):
            wi = D[i, w]
            wj = D[j, w]
            dt = sd
            if wi > dt:
                dt = wi
            if wj > dt:
                dt = wj
            if dt <= thresh:
                if not count_only:
                    t = sidx + B[3, w]
                    out_i[o + cnt] = t
                    out_d[o + cnt] = dt
                    out_f[o + cnt] = _triangle_class(dense, D, indptr, indices, data, A, B, n, t,
                                                     dt, w, i, j, sd, wi, wj, pkeys, eflags, vs,
                                                     ptrs, table)
                cnt += 1
        return cnt
    vs[0] = i
    vs[1] = j
    ptrs[0] = indptr[i + 1] - 1
    ptrs[1] = indptr[j + 1] - 1
    while True:
        w = _next_common(indptr, indices, vs, np.int64(1), ptrs)
        if w <= i:
            break
        wi = data[ptrs[0]]
        wj = data[ptrs[1]]
        ptrs[0] -= 1
        ptrs[1] -= 1
        dt = sd
        if wi > dt:
            dt = wi
        if wj > dt:
            dt = wj
        if dt <= thresh:
            if not count_only:
                t = sidx + B[3, w]
                out_i[o + cnt] = t
                out_d[o + cnt] = dt
                out_f[o + cnt] = _triangle_class(dense, D, indptr, indices, data, A, B, n, t, dt,
                                                 w, i, j, sd, wi, wj, pkeys, eflags, vs[2:],
                                                 ptrs[2:], table)
            cnt += 1
    return cnt


@njit_parallel
def assemble(dense, D, indptr, indices, data, A, B, n, thresh, s_idx, s_diam, dim, q0, q1,
             counts, offsets, base, pkeys, eflags, out_i, out_d, out_f, count_only):
    """The (dim+1)-simplices generated (new top vertex, diameter <= thresh) by s_idx[q0:q1].

    ``count_only``: counts[q] = how many each generates. Otherwise write them at
    offsets[q] - base and classify each in out_f: 0 = cleared (a pivot of dimension dim,
    or the cofacet of a zero apparent pair), 1 = the facet of a zero apparent pair (skipped),
    2 = a column to reduce. Race-free: each generating simplex writes its own range.
    Triangles (dim == 1, with the edge codes of the flat pass) take a specialised path; ``A``
    (adjacency bitsets, may be empty) speeds up a sparse graph that comes with its matrix D."""
    nq = q1 - q0
    nch = min(nq, 1024) if nq > 0 else 1
    size = (nq + nch - 1) // nch
    d1 = dim + 1
    table = _DEBRUIJN
    for c in prange(nch):
        vs = np.empty(dim + 4, dtype=np.int64)
        ts = np.empty(dim + 4, dtype=np.int64)
        us = np.empty(dim + 4, dtype=np.int64)
        fv = np.empty(dim + 4, dtype=np.int64)
        ptrs = np.empty(dim + 4, dtype=np.int64)
        pv = np.empty((dim + 4) * (dim + 4), dtype=np.float64)
        scratch = Scratch(us, fv, pv, ptrs)
        graph = Graph(dense, D, indptr, indices, data, n)
        for q in range(q0 + c * size, min(q1, q0 + (c + 1) * size)):
            simplex_vertices(B, s_idx[q], dim, n, vs)
            o = 0 if count_only else offsets[q] - base
            if dim == 1 and eflags.shape[0] > 0:
                cnt = _assemble_triangles(dense, D, indptr, indices, data, A, B, n, thresh, vs[0],
                                          vs[1], s_idx[q], s_diam[q], pkeys, eflags, out_i, out_d,
                                          out_f, o, count_only, ts, ptrs, table)
                if count_only:
                    counts[q] = cnt
                continue
            cnt = _top_cofacets(dense, D, indptr, indices, data, B, n, thresh, vs, dim, s_idx[q],
                                s_diam[q], ptrs, out_i, out_d, o, count_only)
            if count_only:
                counts[q] = cnt
                continue
            for e in range(o, o + cnt):
                t = out_i[e]
                td = out_d[e]
                if hash_find(pkeys, t) >= 0:
                    out_f[e] = 0
                    continue
                f, r = zero_apparent_facet(graph, B, t, td, dim, scratch, eflags)
                if f >= 0:
                    out_f[e] = 0
                    continue
                simplex_vertices(B, t, d1, n, ts)
                a = zero_apparent_cofacet(graph, B, t, td, d1, ts, us, pv, ptrs)
                out_f[e] = 1 if a >= 0 else 2


# ==========================================================================================
# H0 generators (mirrors topodim.mst.elder_rule_h0 edge by edge)
# ==========================================================================================


@njit
def h0_generators(us, vs, births, n):
    """For the forest edges (us, vs) sorted by length: per merge the vertex whose component dies
    (elder rule, same tie-break as topodim.mst.elder_rule_h0) and, after them, the surviving roots.
    Returns (dying vertex per edge, -1 when the edge closes a cycle; surviving roots)."""
    uf = np.arange(n)
    dying = np.full(us.shape[0], -1, dtype=np.int64)
    for e in range(us.shape[0]):
        a = find(uf, us[e])
        b = find(uf, vs[e])
        if a == b:
            continue
        if births[a] <= births[b]:
            uf[b] = a
            dying[e] = b
        else:
            uf[a] = b
            dying[e] = a
    nroots = 0
    for i in range(n):
        if find(uf, i) == i:
            nroots += 1
    roots = np.empty(nroots, dtype=np.int64)
    k = 0
    for i in range(n):
        if find(uf, i) == i:
            roots[k] = i
            k += 1
    return dying, roots


@_inner
def diameter_edge(dense, D, indptr, indices, data, B, n, idx, dim, diam, vs):
    """The edge (i, j), i > j, of simplex idx with value diam and the smallest index C(i, 2) + j.

    The vertices come in decreasing order, so pairs are visited by increasing edge index: the
    larger vertex from the smallest up, then the smaller one. (giotto-ph's rule for the edge that
    names a simplex with several edges of its diameter.)"""
    simplex_vertices(B, idx, dim, n, vs)
    for a in range(dim - 1, -1, -1):
        for b in range(dim, a, -1):
            if edge_value(dense, D, indptr, indices, data, vs[a], vs[b]) == diam:
                return vs[a], vs[b]
    return vs[0], vs[dim]


@njit
def generators_higher(dense, D, indptr, indices, data, B, n, dim, bidx, didx, births, deaths):
    """giotto-ph style generators: birth edge (2 vertices) and death edge (2 vertices, -1 when
    essential) realising the diameters of the birth and death simplices."""
    m = bidx.shape[0]
    out = np.full((m, 4), -1, dtype=np.int64)
    vs = np.empty(dim + 3, dtype=np.int64)
    for k in range(m):
        a, b = diameter_edge(dense, D, indptr, indices, data, B, n, bidx[k], dim, births[k], vs)
        out[k, 0] = a
        out[k, 1] = b
        if didx[k] >= 0:
            a, b = diameter_edge(dense, D, indptr, indices, data, B, n, didx[k], dim + 1,
                                 deaths[k], vs)
            out[k, 2] = a
            out[k, 3] = b
    return out


@njit
def cocycle_rows(B, n, dim, idx, coeff, p):
    """Rows (v_0, ..., v_dim, value) of a cocycle, vertices decreasing as in ripser.py."""
    m = idx.shape[0]
    out = np.empty((m, dim + 2), dtype=np.int64)
    vs = np.empty(dim + 1, dtype=np.int64)
    for k in range(m):
        simplex_vertices(B, idx[k], dim, n, vs)
        for t in range(dim + 1):
            out[k, t] = vs[t]
        out[k, dim + 1] = coeff[k] % p
    return out
