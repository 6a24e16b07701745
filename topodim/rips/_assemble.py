"""The columns of dimension >= 2 of a Rips filtration, enumerated from their facets.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

from numba import prange
import numpy as np

from .._config import njit_inner, njit_parallel
from .._kernels.bits import DEBRUIJN, msb
from .._kernels.hashmap import hash_find

from ._coboundary import (
    _edge_zero_cofacet,
    _next_common,
    zero_apparent_cofacet,
    zero_apparent_facet,
    zero_pivot_cofacet,
)
from ._combinatorics import simplex_vertices
from ._state import Graph, Scratch


@njit_inner
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


@njit_inner
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


@njit_inner
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
    table = DEBRUIJN
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


