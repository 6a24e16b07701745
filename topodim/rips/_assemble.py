"""The columns of dimension >= 2 of a Rips filtration, enumerated from their facets.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

from numba import prange
import numpy as np

from .._config import njit, njit_inner, njit_parallel
from .._kernels.bits import msb
from .._kernels.hashmap import hash_find
from .._parallel import one_thread

from ._coboundary import (
    _edge_zero_cofacet,
    _next_common,
    zero_apparent_cofacet,
    zero_apparent_facet,
    zero_pivot_cofacet,
)
from ._combinatorics import simplex_vertices
from ._state import Scratch


@njit_inner
def _top_cofacets(graph, B, thresh, vs, dim, sidx, sdiam, ptrs, out, o, count_only):
    """Cofacets sigma + {w} with w > vs[0] and diameter <= thresh, written at out.i / out.d[o:]
    unless count_only; returns their number."""
    dense, D, indptr, indices, data, n = graph
    out_i = out.i
    out_d = out.d
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
def _triangle_class(graph, ctx, t, dt, w, i, j, sd, wi, wj, vs, ptrs):
    """Class (see :func:`assemble`) of the triangle t = {w > i > j} of diameter dt, whose edge
    values are sd = d(i, j), wi = d(w, i), wj = d(w, j); ``ctx`` is the :data:`Assembly`."""
    dense, D, indptr, indices, data, n = graph
    A, B, _thresh, pkeys, eflags, table = ctx
    if hash_find(pkeys, t) >= 0:
        return 0
    # the cofacet of a zero apparent pair? its zero-pivot facet is the first with value dt of
    # {i, j} (without w), {w, j} (without i), {w, i} (without j); is t that edge's zero cofacet?
    if sd == dt:
        code = _edge_zero_cofacet(graph, eflags, i, j, t - B[3, w])
        r = w
    elif wj == dt:
        code = _edge_zero_cofacet(graph, eflags, w, j, B[2, w] + j)
        r = i
    else:
        code = _edge_zero_cofacet(graph, eflags, w, i, B[2, w] + i)
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
        c, _k = zero_pivot_cofacet(graph, B, vs, np.int64(1), f, dt, ptrs)
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
def _edge_triangles(graph, ctx, i, j, sidx, sd, out, o, count_only, vs, ptrs):
    """The triangles {w > i > j} (diameter <= thresh) of the edge {i, j} (index sidx, value sd):
    counted, or written at out.i / out.d / out.f[o:] and classified."""
    dense, D, indptr, indices, data, n = graph
    B = ctx.B
    thresh = ctx.thresh
    out_i = out.i
    out_d = out.d
    out_f = out.f
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
                    out_f[o + cnt] = _triangle_class(graph, ctx, t, dt, w, i, j, sd, wi, wj, vs,
                                                     ptrs)
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
                out_f[o + cnt] = _triangle_class(graph, ctx, t, dt, w, i, j, sd, wi, wj, vs[2:],
                                                 ptrs[2:])
            cnt += 1
    return cnt


@njit
def _triangles_range(graph, ctx, gens, q0, q1, out, count_only):
    """:func:`assemble_triangles` for the edges gens[q0:q1], on one thread."""
    vs = np.empty(5, dtype=np.int64)
    ts = np.empty(5, dtype=np.int64)
    ptrs = np.empty(5, dtype=np.int64)
    s_idx = gens.idx
    s_diam = gens.diam
    for q in range(q0, q1):
        simplex_vertices(ctx.B, s_idx[q], np.int64(1), graph.n, vs)
        o = 0 if count_only else out.offsets[q] - out.base
        cnt = _edge_triangles(graph, ctx, vs[0], vs[1], s_idx[q], s_diam[q], out, o, count_only,
                              ts, ptrs)
        if count_only:
            out.counts[q] = cnt


@njit
def _cofacets_range(graph, ctx, gens, dim, q0, q1, out, count_only):
    """:func:`assemble` for the dim-simplices gens[q0:q1], on one thread."""
    B = ctx.B
    eflags = ctx.eflags
    n = graph.n
    d1 = dim + 1
    vs = np.empty(dim + 4, dtype=np.int64)
    ts = np.empty(dim + 4, dtype=np.int64)
    us = np.empty(dim + 4, dtype=np.int64)
    fv = np.empty(dim + 4, dtype=np.int64)
    ptrs = np.empty(dim + 4, dtype=np.int64)
    pv = np.empty((dim + 4) * (dim + 4), dtype=np.float64)
    scratch = Scratch(us, fv, pv, ptrs)
    s_idx = gens.idx
    s_diam = gens.diam
    out_i = out.i
    out_d = out.d
    out_f = out.f
    for q in range(q0, q1):
        simplex_vertices(B, s_idx[q], dim, n, vs)
        o = 0 if count_only else out.offsets[q] - out.base
        cnt = _top_cofacets(graph, B, ctx.thresh, vs, dim, s_idx[q], s_diam[q], ptrs, out, o,
                            count_only)
        if count_only:
            out.counts[q] = cnt
            continue
        for e in range(o, o + cnt):
            t = out_i[e]
            td = out_d[e]
            if hash_find(ctx.pkeys, t) >= 0:
                out_f[e] = 0
                continue
            f, r = zero_apparent_facet(graph, B, t, td, dim, scratch, eflags)
            if f >= 0:
                out_f[e] = 0
                continue
            simplex_vertices(B, t, d1, n, ts)
            a = zero_apparent_cofacet(graph, B, t, td, d1, ts, us, pv, ptrs)
            out_f[e] = 1 if a >= 0 else 2


def assemble_triangles(graph, ctx, gens, q0, q1, out, count_only):
    """:func:`assemble` for dim = 1 with the edge codes of the flat pass (``ctx.eflags`` not
    empty): the triangles of the edges gens[q0:q1], classified with those codes."""
    if one_thread():
        _triangles_range(graph, ctx, gens, q0, q1, out, count_only)
    else:
        _triangles_parallel(graph, ctx, gens, q0, q1, out, count_only)


def assemble(graph, ctx, gens, dim, q0, q1, out, count_only):
    """The (dim+1)-simplices generated (new top vertex, diameter <= ctx.thresh) by the
    dim-simplices gens[q0:q1] (a :data:`Columns`) of ``graph``; ``ctx`` is the :data:`Assembly`,
    ``out`` the :data:`Generated`.

    ``count_only``: out.counts[q] = how many each generates. Otherwise write them at
    out.offsets[q] - out.base and classify each in out.f: 0 = cleared (a pivot of dimension dim,
    or the cofacet of a zero apparent pair), 1 = the facet of a zero apparent pair (skipped),
    2 = a column to reduce. Race-free: each generating simplex writes its own range. Triangles
    with the edge codes of the flat pass take :func:`assemble_triangles` instead; ``ctx.A``
    (adjacency bitsets, may be empty) speeds that up for a sparse graph that comes with its
    matrix D. On one thread (:func:`~topodim._parallel.one_thread`) the serial kernel runs,
    else its parallel shell."""
    if one_thread():
        _cofacets_range(graph, ctx, gens, dim, q0, q1, out, count_only)
    else:
        _cofacets_parallel(graph, ctx, gens, dim, q0, q1, out, count_only)


@njit_parallel
def _triangles_parallel(graph, ctx, gens, q0, q1, out, count_only):
    """:func:`assemble_triangles` on all threads, each chunk of generating edges the serial
    :func:`_triangles_range` (a small body for the parfor pass)."""
    nq = q1 - q0
    nch = min(nq, 1024) if nq > 0 else 1
    size = (nq + nch - 1) // nch
    for c in prange(nch):
        _triangles_range(graph, ctx, gens, q0 + c * size, min(q1, q0 + (c + 1) * size), out,
                         count_only)


@njit_parallel
def _cofacets_parallel(graph, ctx, gens, dim, q0, q1, out, count_only):
    """:func:`assemble` on all threads, each chunk of generating simplices the serial
    :func:`_cofacets_range` (a small body for the parfor pass)."""
    nq = q1 - q0
    nch = min(nq, 1024) if nq > 0 else 1
    size = (nq + nch - 1) // nch
    for c in prange(nch):
        _cofacets_range(graph, ctx, gens, dim, q0 + c * size, min(q1, q0 + (c + 1) * size), out,
                        count_only)
