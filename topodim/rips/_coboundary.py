"""Implicit coboundaries of Rips simplices, and the zero-persistence (apparent) pair searches.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

import numpy as np

from .._config import njit_inner
from .._kernels.csr import csr_lower_bound

from ._combinatorics import edge_value, INF, simplex_vertices


@njit_inner
def _cob_dense(graph, B, thresh, vs, dim, sidx, sdiam, lo, hi, out, want_nl):
    """Cofacets of sigma (dense graph) with lo < diam <= hi, in decreasing index order, written
    to ``out`` (a :data:`CobOut`).

    Returns (count, nxt, nl_count): nxt is the smallest cofacet diameter above hi (inf if
    none); with ``want_nl`` the cofacets of diameter exactly nxt are written to out.nl_i /
    out.nl_s. out.s / out.nl_s hold k & 1, the parity of the number of sigma's vertices below
    the new vertex.
    """
    D = graph.D
    n = graph.n
    out_i, out_d, out_s, nl_i, nl_s = out
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


@njit_inner
def _cob_dense_edge(graph, B, thresh, i, j, sidx, sdiam, lo, hi, out, want_nl):
    """:func:`_cob_dense` for an edge {i > j}: three branch-light loops over the new vertex w
    (w > i, j < w < i, w < j), whose cofacet indices are C(w,3) + C(i,2) + j,
    C(i,3) + C(w,2) + j and C(i,3) + C(j,2) + w, with coefficient parities 0, 1, 0."""
    D = graph.D
    n = graph.n
    out_i, out_d, out_s, nl_i, nl_s = out
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


@njit_inner
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


@njit_inner
def _cob_sparse(graph, B, thresh, vs, dim, sidx, sdiam, lo, hi, out, want_nl, ptrs):
    """Sparse-graph version of :func:`_cob_dense` (intersection of sorted neighbour rows)."""
    indptr = graph.indptr
    indices = graph.indices
    data = graph.data
    out_i, out_d, out_s, nl_i, nl_s = out
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


@njit_inner
def coboundary(graph, B, thresh, vs, dim, sidx, sdiam, lo, hi, out, want_nl, ptrs):
    """The cofacets of sigma (vertices vs, index sidx, diameter sdiam) on ``graph`` with
    lo < diam <= hi written to ``out`` (a CobOut), as :func:`_cob_dense` says."""
    if graph.dense:
        if dim == 1:
            return _cob_dense_edge(graph, B, thresh, vs[0], vs[1], sidx, sdiam, lo, hi, out,
                                   want_nl)
        return _cob_dense(graph, B, thresh, vs, dim, sidx, sdiam, lo, hi, out, want_nl)
    return _cob_sparse(graph, B, thresh, vs, dim, sidx, sdiam, lo, hi, out, want_nl, ptrs)


@njit_inner
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


@njit_inner
def zero_pivot_facet(graph, B, us, dim, tdiam, pv):
    """For a (dim + 1)-simplex tau with decreasing vertices us[0..dim+1] and diameter tdiam:
    the facet of smallest index with diameter tdiam, as (index, r) where us[r] is the removed
    vertex, or (-1, -1). ``pv`` is a scratch buffer of at least (dim + 2)^2 values.
    Facets are met in increasing index order by removing us[0], us[1], ... in turn."""
    m = dim + 2
    for a in range(m):
        for b in range(a + 1, m):
            x = edge_value(graph, us[a], us[b])
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


@njit_inner
def _edge_zero_cofacet(graph, ecof, a, b, idx):
    """The flat pass's code of edge {a > b} (index idx) of ``graph``: k >= 0 apparent with the
    triangle {a, b, k}, -1 not apparent, -2 no edge, -4 apparent with the cofacet not recorded;
    -3 when no codes are given."""
    if ecof.shape[0] == 0:
        return -3
    if graph.dense:
        return ecof[idx]
    return ecof[csr_lower_bound(graph.indptr, graph.indices, a, b)]


@njit_inner
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
        code = _edge_zero_cofacet(graph, eflags, fv[0], fv[1], f)
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


@njit_inner
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


