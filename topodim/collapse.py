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
the common neighbours of u and v in G(T); look for a dominator w (the common neighbour closest to
both ends is tried first); if there is none, e keeps value T. Otherwise the domination by w lasts
until the first time a new common neighbour x appears that w is not yet adjacent to:
T_w = min{max(f(u,x), f(v,x)) > T : f(w, x) > max(f(u,x), f(v,x))}; set T = T_w and repeat. When
T_w = inf the edge is removed. Values of edges visited earlier are their updated values, so every
check is made in the filtration as modified so far.

The result is a sparse graph with the same persistence diagrams in every dimension (vertex
births do not matter: a dominator is adjacent to both ends, so it is present). Representative
cocycles of the reduced filtration are not cocycles of the original one, so
:func:`topodim.ripser` does not collapse when ``do_cocycles=True``.
"""

from __future__ import annotations

import numpy as np

from . import _rips_kernels as K
from ._config import njit, thread_limit
from ._validate import as_distance_input, check_threshold

__all__ = ["collapse_edges", "collapse_graph"]


@njit
def _collapse_dense(F, order_idx):
    """Backward sweep on a dense value matrix F (inf = no edge), modified in place.

    ``order_idx``: edge indices C(i,2)+j in decreasing filtration order. Returns
    (removed, shifted)."""
    n = F.shape[0]
    nbr = np.empty(n, dtype=np.int64)
    removed = 0
    shifted = 0
    for e in range(order_idx.shape[0]):
        u, v = K.edge_vertices(order_idx[e])
        t = F[u, v]
        T = t
        while True:
            nn = 0
            best = -1
            bestc = np.inf
            for x in range(n):
                a = F[u, x]
                b = F[v, x]
                c = a if a > b else b
                if c <= T and x != u and x != v:
                    if c < bestc:
                        bestc = c
                        best = nn
                    nbr[nn] = x
                    nn += 1
            if nn == 0:
                break
            w = -1
            for ci in range(-1, nn):
                if ci == best:
                    continue
                cand = nbr[best] if ci < 0 else nbr[ci]
                ok = True
                for y in range(nn):
                    z = nbr[y]
                    if z != cand and F[cand, z] > T:
                        ok = False
                        break
                if ok:
                    w = cand
                    break
            if w < 0:
                break
            Tw = np.inf
            for x in range(n):
                a = F[u, x]
                b = F[v, x]
                c = a if a > b else b
                if c > T and c < Tw and F[w, x] > c and x != w:
                    Tw = c
            T = Tw
            if T == np.inf:
                break
        if T == np.inf:
            F[u, v] = np.inf
            F[v, u] = np.inf
            removed += 1
        elif T > t:
            F[u, v] = T
            F[v, u] = T
            shifted += 1
    return removed, shifted


@njit(no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _pos(indptr, indices, i, j):
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
        u, v = K.edge_vertices(order_idx[e])
        puv = _pos(indptr, indices, u, v)
        pvu = _pos(indptr, indices, v, u)
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


def _sorted_edges(dense, D, indptr, indices, data, n, thresh):
    """All edges {i > j} with value <= thresh: (index, value) in decreasing filtration order."""
    flags_len = n * (n - 1) // 2 if dense else indices.shape[0]
    # every edge <= thresh gets flag 2 so that gather_edges picks it
    counts = K.count_lower(dense, D, indptr, indices, data, thresh)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    m = int(offsets[-1])
    idx = np.empty(m, dtype=np.int64)
    val = np.empty(m, dtype=D.dtype if dense else data.dtype)
    flags = _threshold_flags(dense, D, indptr, indices, data, n, thresh, flags_len)
    K.gather_edges(dense, D, indptr, indices, data, flags, n, np.int64(-1), offsets, idx, val)
    K.sort_columns(val, idx)
    return idx, val


@njit
def _threshold_flags(dense, D, indptr, indices, data, n, thresh, length):
    flags = np.zeros(length, dtype=np.uint8)
    if dense:
        for i in range(n):
            base = (i * (i - 1)) >> 1
            for j in range(i):
                if D[i, j] <= thresh:
                    flags[base + j] = 2
    else:
        for i in range(n):
            q = indptr[i]
            while q < indptr[i + 1] and indices[q] < i:
                if data[q] <= thresh:
                    flags[q] = 2
                q += 1
    return flags


def collapse_graph(dense: bool, D, indptr, indices, data, n: int, thresh: float):
    """Collapse the flag filtration of a graph (dense matrix or CSR, edges <= thresh).

    Returns ``(indptr, indices, data, stats)``: a symmetric CSR graph with the surviving edges and
    their (possibly raised) values, and a dict with the edge counts before and after.
    Internal: arrays are the kernel representation of :mod:`topodim._rips_kernels`.
    """
    dt = D.dtype if dense else data.dtype
    thresh = K.kernel_threshold(thresh, dt)
    order_idx, _vals = _sorted_edges(dense, D, indptr, indices, data, n, thresh)
    m0 = order_idx.shape[0]
    if dense:
        F = np.where(D <= thresh, D, np.inf).astype(D.dtype, copy=False)
        np.fill_diagonal(F, 0)
        removed, shifted = _collapse_dense(F, order_idx)
        deg = K.dense_degrees(F, thresh)
        ip = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(deg, out=ip[1:])
        ix = np.empty(int(ip[-1]), dtype=np.int64)
        dv = np.empty(int(ip[-1]), dtype=D.dtype)
        K.dense_to_csr(F, thresh, ip, ix, dv)
        del F
    else:
        dv0 = np.where(data <= thresh, data, np.inf).astype(data.dtype)
        removed, shifted = _collapse_sparse(indptr, indices, dv0, order_idx)
        ip, ix, dv = _csr_drop_inf(indptr, indices, dv0)
    stats = {"edges_before": int(m0), "edges_after": int(ix.shape[0] // 2),
             "removed": int(removed), "shifted": int(shifted)}
    return ip, ix, dv, stats


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
    from .rips import _graph_of  # noqa: PLC0415  (rips imports this module)

    with thread_limit(n_threads):
        g = _graph_of(inp, t, want_dense=True)
        ip, ix, dv, _stats = collapse_graph(g.dense, g.D, g.indptr, g.indices, g.data, inp.n, t)
    rows = np.repeat(np.arange(inp.n), np.diff(ip))
    lower = ix < rows
    edges = np.stack([rows[lower], ix[lower]], axis=1).astype(np.int64)
    return edges, dv[lower]
