"""Edge collapse of a flag (Vietoris–Rips) filtration, preserving its persistent homology.

Background (Boissonnat & Pritam, "Edge collapse and persistence of flag complexes", SoCG 2020;
Glisse & Pritam, "Swap, shift and trim to edge collapse a filtration", SoCG 2022). In a graph G an
edge e = {u, v} is *dominated* by a vertex w not in e when every common neighbour of u and v is w
or a neighbour of w. Then the flag complex of G collapses onto the flag complex of G - e, and the
inclusion of the latter is a homotopy equivalence.

A flag filtration is a graph whose edges carry values; G(t) is the graph of the edges of value
<= t. If e (value t_e) is dominated in G(s) for every s in [t_e, t'), raising the value of e to t'
changes G(s) only for s in [t_e, t'), where the new complex is a collapse of the old one; the
inclusions between the two filtrations are homotopy equivalences at every s and commute with the
filtration maps, so the persistence modules are isomorphic: same diagrams in every dimension. If e
stays dominated for every s >= t_e it is removed.

Algorithm (one backward sweep, each step one such shift on the current filtration): edges are
visited in decreasing filtration order (value, then index). For edge e, at time T = t_e: collect
the common neighbours of u and v in G(T); look for a dominator w (dense graphs: the dominator that
dominates longest, the last dominators at u and v tried first; sparse graphs: the first found, the
common neighbour closest to both ends tried first); if there is none, e keeps value T. Otherwise the domination by w lasts
until the first time a new common neighbour x appears that w is not yet adjacent to:
T_w = min{max(f(u,x), f(v,x)) > T : f(w, x) > max(f(u,x), f(v,x))}; set T = T_w and repeat. When
T_w = inf the edge is removed. Values of edges visited earlier are their updated values, so every
check is made in the filtration as modified so far.

Dense graphs: the sweep compares int32 ranks of the values (equal values share a rank), not the
values, and runs on the vertices renumbered so that near points get near indices (recursive
bisection of the distance matrix); the edges keep their order (value, then the index in the
input's numbering), and the new values depend on that order and the values alone (not on which
dominators are tried, nor in what order), so they are the same; they are returned in the
input's numbering. The edges are sorted by a radix sort on the values' bits.

The result is a sparse graph with the same persistence diagrams in every dimension (vertex
births do not matter: a dominator is adjacent to both ends, so it is present). Representative
cocycles of the reduced filtration are not cocycles of the original one, so
:func:`topodim.ripser` does not collapse when ``do_cocycles=True``.
"""

from __future__ import annotations

import numpy as np

from .._config import njit
from .._kernels.csr import csr_lower_bound
from .._parallel import thread_limit
from .._validate import as_distance_input, check_memory, check_threshold

from ._combinatorics import kernel_threshold
from ._edges import count_lower, dense_degrees, dense_to_csr, edge_vertices, gather_edges
from ._collapse_dense import _collapse_dense, _sort_desc
from ._graph import graph_of

__all__ = ["collapse_edges", "collapse_graph"]


@njit
def _collapse_sparse(indptr, indices, data, order_idx):
    """Backward sweep on a symmetric CSR graph whose ``data`` (values, inf = removed) is
    modified in place. Returns (removed, shifted)."""
    n = indptr.shape[0] - 1
    maxdeg = 0
    for i in range(n):
        if indptr[i + 1] - indptr[i] > maxdeg:
            maxdeg = indptr[i + 1] - indptr[i]
    nbr = np.empty(maxdeg + 1, dtype=np.int64)
    removed = 0
    shifted = 0
    for e in range(order_idx.shape[0]):
        u, v = edge_vertices(order_idx[e])
        puv = csr_lower_bound(indptr, indices, u, v)
        pvu = csr_lower_bound(indptr, indices, v, u)
        t = data[puv]
        T = t
        while True:
            nn = 0
            best = -1
            bestc = np.inf
            a0 = indptr[u]
            a1 = indptr[u + 1]
            b0 = indptr[v]
            b1 = indptr[v + 1]
            while a0 < a1 and b0 < b1:
                xa = indices[a0]
                xb = indices[b0]
                if xa < xb:
                    a0 += 1
                elif xb < xa:
                    b0 += 1
                else:
                    a = data[a0]
                    b = data[b0]
                    c = a if a > b else b
                    if c <= T:
                        if c < bestc:
                            bestc = c
                            best = nn
                        nbr[nn] = xa
                        nn += 1
                    a0 += 1
                    b0 += 1
            if nn == 0:
                break
            w = -1
            for ci in range(-1, nn):
                if ci == best:
                    continue
                cand = nbr[best] if ci < 0 else nbr[ci]
                # nbr is sorted: merge it with cand's row
                ok = True
                r0 = indptr[cand]
                r1 = indptr[cand + 1]
                for y in range(nn):
                    z = nbr[y]
                    if z == cand:
                        continue
                    while r0 < r1 and indices[r0] < z:
                        r0 += 1
                    if r0 >= r1 or indices[r0] != z or data[r0] > T:
                        ok = False
                        break
                if ok:
                    w = cand
                    break
            if w < 0:
                break
            Tw = np.inf
            a0 = indptr[u]
            a1 = indptr[u + 1]
            b0 = indptr[v]
            b1 = indptr[v + 1]
            r0 = indptr[w]
            r1 = indptr[w + 1]
            while a0 < a1 and b0 < b1:
                xa = indices[a0]
                xb = indices[b0]
                if xa < xb:
                    a0 += 1
                elif xb < xa:
                    b0 += 1
                else:
                    a = data[a0]
                    b = data[b0]
                    c = a if a > b else b
                    if c > T and c < Tw and xa != w:
                        while r0 < r1 and indices[r0] < xa:
                            r0 += 1
                        fw = data[r0] if (r0 < r1 and indices[r0] == xa) else np.inf
                        if fw > c:
                            Tw = c
                    a0 += 1
                    b0 += 1
            T = Tw
            if T == np.inf:
                break
        if T == np.inf:
            data[puv] = np.inf
            data[pvu] = np.inf
            removed += 1
        elif T > t:
            data[puv] = T
            data[pvu] = T
            shifted += 1
    return removed, shifted


@njit
def _csr_drop_inf(indptr, indices, data):
    """Remove the +inf entries of a CSR graph."""
    n = indptr.shape[0] - 1
    keep = 0
    for q in range(data.shape[0]):
        if data[q] < np.inf:
            keep += 1
    ip = np.zeros(n + 1, dtype=np.int64)
    ix = np.empty(keep, dtype=np.int64)
    dv = np.empty(keep, dtype=data.dtype)
    o = 0
    for i in range(n):
        for q in range(indptr[i], indptr[i + 1]):
            if data[q] < np.inf:
                ix[o] = indices[q]
                dv[o] = data[q]
                o += 1
        ip[i + 1] = o
    return ip, ix, dv


_WAY_OUT = ("pass a threshold (thresh=...), dtype=np.float32, fewer points (n_perm=...), "
            "maxdim=1, or collapse_edges=False")


def working_bytes(dense: bool, n: int, m: int, nnz: int, itemsize: int) -> tuple[int, int]:
    """Peak bytes :func:`collapse_graph` allocates besides its input, for n vertices and m edges
    (nnz stored entries of a CSR input): ``(sorting, sweep)``. Sorting the edge list: the
    indices and values, with the edge flags, then with the sort's buffers. The sweep: the edge indices
    and values; for a dense graph the int32 rank matrix, with the edges' two vertices and ranks, the three
    pending arrays and the adjacency bitsets while the sweep runs, then with the value matrix F
    it writes; for a CSR graph its values. The collapsed graph's CSR arrays are checked once
    their size is known."""
    edges = m * (8 + itemsize)
    flags = (n * (n - 1) // 2 if dense else nnz) * 4
    sorting = edges + max(flags, 32 * m + itemsize * m)  # _sort_desc's keys and positions
    words = (n + 63) >> 6
    pend = (m + 1) * 12
    if dense:
        sweep = m * (8 + itemsize) + n * n * 4 + max(m * 12 + pend + 2 * n * words * 8, n * n * itemsize)
    else:
        sweep = m * 8 + nnz * itemsize
    return sorting, sweep


def _sorted_edges(dense, D, indptr, indices, data, n, thresh):
    """All edges {i > j} with value <= thresh: (index, value) in decreasing filtration order."""
    flags_len = n * (n - 1) // 2 if dense else indices.shape[0]
    counts = count_lower(dense, D, indptr, indices, data, thresh)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    m = int(offsets[-1])
    dt = D.dtype if dense else data.dtype
    sorting, _sweep = working_bytes(dense, n, m, flags_len, dt.itemsize)
    check_memory(sorting, f"sorting the {m:,} edges of {n} points for the edge collapse", _WAY_OUT)
    idx = np.empty(m, dtype=np.int64)
    val = np.empty(m, dtype=D.dtype if dense else data.dtype)
    flags = _threshold_flags(dense, D, indptr, indices, data, n, thresh, flags_len)
    gather_edges(dense, D, indptr, indices, data, flags, n, np.int64(-1), offsets, idx, val)
    del flags  # before the sort allocates its buffers
    _sort_desc(val, idx)
    return idx, val


@njit
def _threshold_flags(dense, D, indptr, indices, data, n, thresh, length):
    """Edge codes as the flat pass writes them: -1 for an edge <= thresh, -2 otherwise."""
    flags = np.full(length, -2, dtype=np.int32)
    if dense:
        for i in range(n):
            base = (i * (i - 1)) >> 1
            for j in range(i):
                if D[i, j] <= thresh:
                    flags[base + j] = -1
    else:
        for i in range(n):
            q = indptr[i]
            while q < indptr[i + 1] and indices[q] < i:
                if data[q] <= thresh:
                    flags[q] = -1
                q += 1
    return flags


def collapse_graph(dense: bool, D, indptr, indices, data, n: int, thresh: float):
    """Collapse the flag filtration of a graph (dense matrix or CSR, edges <= thresh).

    Returns ``(indptr, indices, data, stats, F)``: a symmetric CSR graph with the surviving edges
    and their (possibly raised) values, a dict with the edge counts before and after, and for a
    dense input the (n, n) matrix of the new values (inf = no edge), else None.
    Internal: arrays are the kernel representation of the Rips kernels (:mod:`topodim.rips`).
    """
    dt = D.dtype if dense else data.dtype
    thresh = kernel_threshold(thresh, dt)
    order_idx, val = _sorted_edges(dense, D, indptr, indices, data, n, thresh)
    m0 = order_idx.shape[0]
    nnz = 0 if dense else indices.shape[0]
    _sorting, sweep = working_bytes(dense, n, m0, nnz, dt.itemsize)
    check_memory(sweep - m0 * 8, f"the edge collapse of {m0:,} edges on {n} points", _WAY_OUT)
    if dense:
        F, removed, shifted = _collapse_dense(n, order_idx, val, D)
        del val
        deg = dense_degrees(F, thresh)
        ip = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(deg, out=ip[1:])
        check_memory(int(ip[-1]) * (8 + dt.itemsize), f"the {int(ip[-1]) // 2:,} edges left by the edge collapse",
                     _WAY_OUT)
        ix = np.empty(int(ip[-1]), dtype=np.int64)
        dv = np.empty(int(ip[-1]), dtype=D.dtype)
        dense_to_csr(F, thresh, ip, ix, dv)
    else:
        F = None
        dv0 = np.where(data <= thresh, data, np.inf).astype(data.dtype)
        removed, shifted = _collapse_sparse(indptr, indices, dv0, order_idx)
        ip, ix, dv = _csr_drop_inf(indptr, indices, dv0)
    stats = {"edges_before": int(m0), "edges_after": int(ix.shape[0] // 2),
             "removed": int(removed), "shifted": int(shifted)}
    return ip, ix, dv, stats, F


def collapse_edges(X, thresh=np.inf, distance_matrix=False, metric="euclidean", dtype=np.float64,
                   n_threads=None):
    """Reduce the Vietoris–Rips filtration of X to a smaller flag filtration with the same
    persistence diagrams in every dimension (edge collapse, see the module docstring).

    Parameters
    ----------
    X, distance_matrix, metric, dtype
        As in :func:`topodim.ripser` (points, dense / condensed / scipy.sparse distances).
    thresh : float, default inf
        Edges longer than thresh are left out first.
    n_threads : int, optional
        Threads for the distance matrix (the sweep itself is sequential).

    Returns
    -------
    edges : ndarray of int64, shape (m, 2)
        Surviving edges (i > j).
    values : ndarray, shape (m,)
        Their filtration values (diameters), some raised above the original distance.
    """
    t = check_threshold(thresh)
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)

    with thread_limit(n_threads):
        g = graph_of(inp, t, want_dense=True)
        ip, ix, dv, _stats, _F = collapse_graph(g.dense, g.D, g.indptr, g.indices, g.data, inp.n, t)
    rows = np.repeat(np.arange(inp.n), np.diff(ip))
    lower = ix < rows
    edges = np.stack([rows[lower], ix[lower]], axis=1).astype(np.int64)
    return edges, dv[lower]
