"""Generators and cocycles of Rips bars.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

import numpy as np

from .._config import njit, njit_inner
from .._kernels.unionfind import find

from ._combinatorics import edge_value, simplex_vertices
from ._state import kernel_graph


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


@njit_inner
def diameter_edge(graph, B, idx, dim, diam, vs):
    """The edge (i, j), i > j, of simplex idx with value diam and the smallest index C(i, 2) + j.

    The vertices come in decreasing order, so pairs are visited by increasing edge index: the
    larger vertex from the smallest up, then the smaller one. (giotto-ph's rule for the edge that
    names a simplex with several edges of its diameter.)"""
    simplex_vertices(B, idx, dim, graph.n, vs)
    for a in range(dim - 1, -1, -1):
        for b in range(dim, a, -1):
            if edge_value(graph, vs[a], vs[b]) == diam:
                return vs[a], vs[b]
    return vs[0], vs[dim]


def generators_higher(dense, D, indptr, indices, data, B, n, dim, bidx, didx, births, deaths):
    """:func:`bar_edges` on the graph of these arrays."""
    return bar_edges(kernel_graph(dense, D, indptr, indices, data, n), B, dim, bidx, didx, births,
                     deaths)


@njit
def bar_edges(graph, B, dim, bidx, didx, births, deaths):
    """giotto-ph style generators: birth edge (2 vertices) and death edge (2 vertices, -1 when
    essential) realising the diameters of the birth and death simplices of ``graph``."""
    m = bidx.shape[0]
    out = np.full((m, 4), -1, dtype=np.int64)
    vs = np.empty(dim + 3, dtype=np.int64)
    for k in range(m):
        a, b = diameter_edge(graph, B, bidx[k], dim, births[k], vs)
        out[k, 0] = a
        out[k, 1] = b
        if didx[k] >= 0:
            a, b = diameter_edge(graph, B, didx[k], dim + 1, deaths[k], vs)
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
