"""Borůvka's algorithm over a KD-tree, for points in low dimension (box-boundable metrics).

Each round finds, for every component, its lightest outgoing edge in the strict order (length,
smaller end, larger end), adds them all (they never close a cycle) and merges the components;
O(log n) rounds. The nearest-other-component queries of a round run in parallel, each writing only
its own point's slots, so the tree does not depend on the thread count.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from .._kernels._jit import njit, njit_inner, njit_parallel
from .._kernels.unionfind import find
from .kdtree import build_kdtree, node_components, query_other_component

__all__ = ["boruvka"]


@njit_parallel
def _boruvka_queries(Xp, tree, points, comp, node_comp, metric, nn_pos, nn_dist, lower, comp_bound,
                     n_levels):
    """Query the nearest other-component point of each point in ``points``, in parallel.

    Each query writes only its own point's slots (nn_pos, nn_dist, lower). A point whose
    ``lower`` bound already exceeds its component's bound cannot give the component's lightest
    edge and is skipped. A query that finds nothing within the bound records the bound as a new
    lower bound: components only grow, so the nearest other-component distance never decreases.
    """
    start, end, lo_box, hi_box = tree.start, tree.end, tree.lo_box, tree.hi_box
    n_points = points.shape[0]
    n_chunks = min(n_points, 1024)
    if n_chunks == 0:
        return
    size = (n_points + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        stack = np.empty(2 * n_levels + 4, dtype=np.int64)
        for k in range(c * size, min(n_points, (c + 1) * size)):
            p = points[k]
            bound = comp_bound[comp[p]]
            if lower[p] > bound:
                continue
            q, r = query_other_component(Xp, p, comp, node_comp, start, end, lo_box, hi_box, metric,
                                         bound, stack)
            nn_pos[p] = q
            if q >= 0:
                nn_dist[p] = r
                lower[p] = r
            elif bound > lower[p]:
                lower[p] = bound


@njit_inner
def _points_to_query(comp, nn_pos, nn_dist, comp_bound, needs):
    """Bound each component by its points' still-valid candidates (``comp_bound``); list in
    ``needs`` the points whose candidate joined their own component (or that have none yet) and
    return their number."""
    comp_bound[:] = np.inf
    n_needs = 0
    for p in range(comp.shape[0]):
        q = nn_pos[p]
        c = comp[p]
        if q >= 0 and comp[q] != c:
            if nn_dist[p] < comp_bound[c]:
                comp_bound[c] = nn_dist[p]
        else:
            nn_pos[p] = -1
            needs[n_needs] = p
            n_needs += 1
    return n_needs


@njit_inner
def _seeds(comp, needs, lower, comp_bound, seed):
    """One point per component without a bound: among its points in ``needs``, the one with the
    smallest lower bound (first on ties). Returns them in component order."""
    seed[:] = -1
    n_seeds = 0
    for k in range(needs.shape[0]):
        p = needs[k]
        c = comp[p]
        if comp_bound[c] == np.inf:
            s = seed[c]
            if s < 0:
                n_seeds += 1
                seed[c] = p
            elif lower[p] < lower[s]:
                seed[c] = p
    seeds = np.empty(n_seeds, dtype=np.int64)
    k = 0
    for p in range(comp.shape[0]):
        if comp[p] == p and seed[p] >= 0:  # component labels are their smallest member
            seeds[k] = seed[p]
            k += 1
    return seeds


@njit_inner
def _lightest_edges(comp, nn_pos, nn_dist, best_val, best_a, best_b):
    """The lightest edge leaving each component, by (length, smaller end, larger end)."""
    best_val[:] = np.inf
    best_a[:] = -1
    for p in range(comp.shape[0]):
        q = nn_pos[p]
        if q < 0 or comp[q] == comp[p]:
            continue
        c = comp[p]
        a = min(p, q)
        b = max(p, q)
        w = nn_dist[p]
        if (best_a[c] < 0 or w < best_val[c]
                or (w == best_val[c] and (a < best_a[c] or (a == best_a[c] and b < best_b[c])))):
            best_val[c] = w
            best_a[c] = a
            best_b[c] = b


@njit
def _merge(uf, comp, perm, best_val, best_a, best_b, out_u, out_v, out_w, n_edges):
    """Add each component's lightest edge (once when two components chose the same one), relabel
    the components by their smallest member; returns the new number of edges."""
    for c in range(comp.shape[0]):
        if best_a[c] < 0:
            continue
        ra = find(uf, best_a[c])
        rb = find(uf, best_b[c])
        if ra == rb:
            continue  # both components chose the same edge
        uf[max(ra, rb)] = min(ra, rb)
        out_u[n_edges] = perm[best_a[c]]
        out_v[n_edges] = perm[best_b[c]]
        out_w[n_edges] = best_val[c]
        n_edges += 1
    for p in range(comp.shape[0]):
        comp[p] = find(uf, p)
    return n_edges


@njit
def boruvka(X, metric, leaf_size):
    """Borůvka rounds over a KD-tree; returns the tree edges (input indices) and reduced lengths.

    Each round finds, for every component, its lightest outgoing edge in the order (length,
    smaller end, larger end) — a strict total order, so the chosen edges never form a cycle and the
    tree is deterministic. Per point we keep its nearest other-component point: it stays exact while
    that point is still in another component (the candidates only shrink). Points that need a new
    query are searched in two waves: one seed per component without a bound (the point with the
    smallest lower bound), then the others bounded by the best edge known for their component.
    """
    n = X.shape[0]
    tree = build_kdtree(X, leaf_size)
    perm = tree.perm
    n_nodes = tree.start.shape[0]
    n_levels = 0
    while (1 << n_levels) - 1 < n_nodes:
        n_levels += 1
    Xp = np.empty_like(X)
    for i in range(n):
        for t in range(X.shape[1]):
            Xp[i, t] = X[perm[i], t]
    uf = np.arange(n)
    comp = np.arange(n)
    nn_pos = np.full(n, -1, dtype=np.int64)
    nn_dist = np.full(n, np.inf, dtype=X.dtype)
    lower = np.full(n, -np.inf, dtype=X.dtype)
    comp_bound = np.full(n, np.inf, dtype=X.dtype)
    seed = np.full(n, -1, dtype=np.int64)
    needs = np.empty(n, dtype=np.int64)
    best_val = np.full(n, np.inf, dtype=X.dtype)
    best_a = np.full(n, -1, dtype=np.int64)
    best_b = np.full(n, -1, dtype=np.int64)
    out_u = np.empty(n - 1, dtype=np.int64)
    out_v = np.empty(n - 1, dtype=np.int64)
    out_w = np.empty(n - 1, dtype=X.dtype)
    n_edges = 0
    while n_edges < n - 1:
        node_comp = node_components(comp, tree)
        n_needs = _points_to_query(comp, nn_pos, nn_dist, comp_bound, needs)
        # wave 1: one unbounded query for each component that has no valid candidate yet
        seeds = _seeds(comp, needs[:n_needs], lower, comp_bound, seed)
        _boruvka_queries(Xp, tree, seeds, comp, node_comp, metric, nn_pos, nn_dist, lower,
                         comp_bound, n_levels)
        for k in range(seeds.shape[0]):
            p = seeds[k]
            if nn_pos[p] >= 0 and nn_dist[p] < comp_bound[comp[p]]:
                comp_bound[comp[p]] = nn_dist[p]
        # wave 2: everyone else, bounded by their component's best known edge
        rest = np.empty(n_needs, dtype=np.int64)
        n_rest = 0
        for k in range(n_needs):
            p = needs[k]
            if seed[comp[p]] != p:
                rest[n_rest] = p
                n_rest += 1
        _boruvka_queries(Xp, tree, rest[:n_rest], comp, node_comp, metric, nn_pos, nn_dist, lower,
                         comp_bound, n_levels)
        _lightest_edges(comp, nn_pos, nn_dist, best_val, best_a, best_b)
        merged = _merge(uf, comp, perm, best_val, best_a, best_b, out_u, out_v, out_w, n_edges)
        if merged == n_edges:
            break  # pragma: no cover - cannot happen for finite points
        n_edges = merged
    return out_u[:n_edges], out_v[:n_edges], out_w[:n_edges]
