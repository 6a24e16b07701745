"""Distances, graphs and the flat pass over all edges of a Rips filtration.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from .._config import njit, njit_inner, njit_parallel
from .._parallel import one_thread
from ..metrics import finish_distance, PANEL, panel_reduced_distances

from ._coboundary import _next_common
from ._state import kernel_graph


@njit
def _fill_rows(X, Pn, metric, D, r0, r1, step):
    """Rows r0, r0 + step, ... below r1 of :func:`fill_dense_from_points`, on one thread."""
    n = X.shape[0]
    nb = Pn.shape[0]
    acc = np.empty(PANEL, dtype=D.dtype)
    for i in range(r0, r1, step):
        D[i, i] = 0
        x = X[i]
        for b in range((i + 1) // PANEL, nb):
            lo = b * PANEL
            w = min(PANEL, n - lo)
            panel_reduced_distances(Pn, b, w, x, metric, acc)
            t0 = i + 1 - lo if i + 1 > lo else 0
            for t in range(t0, w):
                D[i, lo + t] = finish_distance(acc[t], metric)


def fill_dense_from_points(X, Pn, metric, D, r0, r1):
    """Rows r0..r1-1 of the upper triangle: D[i, j] = distance of points i < j, one evaluation
    per pair, contiguous writes (the lower triangle is then filled by :func:`mirror_lower`).

    ``Pn`` is ``topodim.metrics.to_panels(X)``: the distances from point i to a block of points
    come from :func:`topodim.metrics.panel_reduced_distances` (vectorised across the points,
    bit-identical to :func:`topodim.metrics.point_distance`). D[i, i] = 0. On one thread (see
    :func:`topodim._parallel.one_thread`) the serial kernel runs alone, else its parallel shell."""
    if one_thread():
        _fill_rows(X, Pn, metric, D, r0, r1, 1)
    else:
        _fill_dense_parallel(X, Pn, metric, D, r0, r1)


@njit_parallel
def _fill_dense_parallel(X, Pn, metric, D, r0, r1):
    """:func:`fill_dense_from_points` on all threads: rows interleaved over the chunks, each
    chunk the serial :func:`_fill_rows` (a small body for the parfor pass)."""
    nr = r1 - r0
    nch = min(nr, 256) if nr > 0 else 1
    for c in prange(nch):
        _fill_rows(X, Pn, metric, D, r0 + c, r1, nch)


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


@njit_inner
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


@njit
def row_counts(kind, graph, thresh):
    """Per-row counts of one of the ROWS_* kinds on ``graph`` (one compiled kernel for all of
    them)."""
    D, indptr, indices, data, n = graph.D, graph.indptr, graph.indices, graph.data, graph.n
    counts = np.zeros(n, dtype=np.int64)
    for i in range(n):
        c = 0
        if kind == ROWS_SPARSE_LOWER:
            q = indptr[i]
            while q < indptr[i + 1] and indices[q] < i:
                if data[q] <= thresh:
                    c += 1
                q += 1
        else:
            top = i if kind == ROWS_DENSE_LOWER else n
            for j in range(top):
                if j != i and D[i, j] <= thresh:
                    c += 1
        counts[i] = c
    return counts


@njit
def flag_counts(graph, flags, want):
    """Per row i: edges {i > j} of ``graph`` whose flag (see :func:`_flag_of`) is ``want`` (any
    non-zero flag when want < 0). A kernel of its own: a Rips call counts only flags, and does
    not compile the threshold counts of :func:`row_counts`."""
    dense, D, indptr, indices, data, n = graph
    counts = np.zeros(n, dtype=np.int64)
    for i in range(n):
        c = 0
        if dense:
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


def empty_graph(dtype):
    """(D, indptr, indices, data) placeholders of the right types for the unused representation."""
    dt = np.dtype(dtype)
    return (np.zeros((0, 0), dtype=dt), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=dt))


def dense_graph(D):
    """The kernel :data:`~topodim.rips._state.Graph` of the dense matrix D (empty CSR arrays)."""
    _d, ip, ix, dv = empty_graph(D.dtype)
    return kernel_graph(True, D, ip, ix, dv, D.shape[0])


def sparse_graph(indptr, indices, data):
    """The kernel :data:`~topodim.rips._state.Graph` of CSR arrays without their matrix."""
    Dd, _ip, _ix, _dv = empty_graph(data.dtype)
    return kernel_graph(False, Dd, indptr, indices, data, indptr.shape[0] - 1)


def count_lower(dense, D, indptr, indices, data, thresh):
    """Per row i: edges {i > j} with value <= thresh (Python wrapper of row_counts)."""
    if dense:
        return row_counts(ROWS_DENSE_LOWER, dense_graph(D), thresh)
    return row_counts(ROWS_SPARSE_LOWER, sparse_graph(indptr, indices, data), thresh)


def dense_degrees(D, thresh):
    return row_counts(ROWS_DENSE_DEGREE, dense_graph(D), thresh)


def count_flags(graph, flags, want):
    """Per row i: edges {i > j} of the kernel ``graph`` whose code in ``flags`` has the flag
    ``want`` (see :func:`flag_counts`)."""
    return flag_counts(graph, flags, np.int64(want))


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


def gather_edges(dense, D, indptr, indices, data, flags, n, want, offsets, out_idx, out_diam):
    """:func:`gather_graph_edges` on the graph of these arrays."""
    gather_graph_edges(kernel_graph(dense, D, indptr, indices, data, n), flags, np.int64(want),
                       offsets, out_idx, out_diam)


@njit
def gather_graph_edges(graph, flags, want, offsets, out_idx, out_diam):
    """Write the edges of ``graph`` whose flag is ``want`` (any non-zero flag when want < 0) in
    index order; row i starts at offsets[i] (prefix sums of :func:`flag_counts`)."""
    dense, D, indptr, indices, data, n = graph
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


@njit_inner
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


@njit_inner
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


@njit
def _edge_rows(graph, thresh, flags, r0, r1, step):
    """Rows r0, r0 + step, ... below r1 of :func:`edge_pass`, on one thread."""
    dense, D, indptr, indices, data, n = graph
    vs = np.empty(2, dtype=np.int64)
    ptrs = np.empty(2, dtype=np.int64)
    for i in range(r0, r1, step):
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


def edge_pass(graph, thresh, flags, r0, r1):
    """Code every edge {i > j} of ``graph`` (int32): -2 above thresh, k >= 0 when it is in a
    zero-persistence apparent pair with the triangle {i, j, k} (its zero-pivot cofacet, which has
    it as zero-pivot facet), -1 otherwise. Dense: codes are indexed by C(i, 2) + j; sparse: by
    the CSR position of j in row i. Rows r0..r1-1 only; on one thread (:func:`topodim._parallel.one_thread`) the
    serial kernel, else its parallel shell."""
    if one_thread():
        _edge_rows(graph, thresh, flags, r0, r1, 1)
    else:
        _edge_pass_parallel(graph, thresh, flags, r0, r1)


@njit_parallel
def _edge_pass_parallel(graph, thresh, flags, r0, r1):
    """:func:`edge_pass` on all threads. Race-free: each edge writes its own slot; rows are
    interleaved over the chunks, each chunk the serial :func:`_edge_rows` (a small body for the
    parfor pass)."""
    nr = r1 - r0
    nch = min(nr, 512) if nr > 0 else 1
    for c in prange(nch):
        _edge_rows(graph, thresh, flags, r0 + c, r1, nch)


@njit_inner
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


