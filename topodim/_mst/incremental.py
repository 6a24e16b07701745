"""Minimum spanning trees of the prefixes of an ordering, one vertex at a time, and their E_alpha.

The MST of the first v + 1 points of an ordering is the MST of (the MST of the first v points)
plus the v edges of the new point: the cycle property discards every other old edge. The update
is a linear-time dynamic programme over the tree (the classical vertex-insertion update of a
minimum spanning tree, :func:`_insert_vertex`). At chosen prefix lengths ("reports") the kernels
record ``E_alpha``, the sum of (edge length) ** alpha over the finite tree edges, in float64, and
the number of finite edges: one incremental computation yields the trees of every prefix for
about the cost of the MST of the whole ordering.

Distances of a block of new points to all earlier points are computed together in the panel
layout of :mod:`topodim.metrics` (bit-identical to :func:`topodim.metrics.reduced_distance`), so
memory stays O(n·d). Entry points:

* :func:`chain_points` / :func:`chain_matrix`: one ordering of points, or of a dense (D) or
  condensed (C) distance matrix, on one thread;
* :func:`chain_points_batch` / :func:`chain_matrix_batch`: many orderings, one per ``prange``
  iteration (each writes its own report slots);
* :func:`chain_points_threaded`: one ordering on several threads: while one thread inserts a
  block of new points, the others compute the distance block of the next ones.

Every path gives the same bits, whatever the number of threads.
"""

from __future__ import annotations

from collections import namedtuple

import numba
import numpy as np
from numba import prange

from .._config import njit, njit_inner, njit_parallel
from ..metrics import (
    EUCLIDEAN,
    PANEL,
    SQEUCLIDEAN,
    condensed_index,
    finish_distance,
    panel_reduced_distances,
    to_panels,
)

__all__ = [
    "bar_power",
    "chain_matrix",
    "chain_matrix_batch",
    "chain_points",
    "chain_points_batch",
    "chain_points_threaded",
    "gather",
    "panel4_sq",
]

# State of the tree on vertices 0..v-1 of an ordering (capacity n):
#   parent[x], x >= 1    its parent (the tree is rooted at vertex 0)
#   wt[x], x < n         weight (reduced distance) of the tree edge (parent[x], x)
#   wt[n + u]            weight of the star edge (u, v) of the vertex v being inserted
#   order[0..v-1]        the vertices, every parent before its children
# Edge ids: tree edge of x -> x (1 <= x < n); star edge of u -> n + u.
#: The tree of a prefix of an ordering, as laid out above, with its scratch arrays ``M``, ``flags``
#: and ``work``.
Tree = namedtuple("Tree", ["parent", "wt", "order", "M", "flags", "work"])
#: Where a chain records its energies: the report sizes (ascending), E_alpha and the finite-edge
#: count at each, and ``next`` (one int64), the index of the next report.
Reports = namedtuple("Reports", ["sizes", "out", "counts", "next"])


@njit
def _chain_state(n, dtype_like):
    parent = np.zeros(n, dtype=np.int64)
    wt = np.zeros(2 * n, dtype=dtype_like.dtype)
    order = np.zeros(n, dtype=np.int64)
    M = np.zeros(n, dtype=np.int64)
    flags = np.zeros(4 * n, dtype=np.bool_)  # dead edge ids [0, 2n), moved [2n, 3n), on a path [3n, 4n)
    work = np.zeros(3 * n, dtype=np.int64)  # new order [0, n), path vertices [n, 2n), cut edges [2n, 3n)
    return Tree(parent, wt, order, M, flags, work)


@njit_inner
def _insert_vertex(v, tree):
    """Insert vertex v (star weights in wt[n:n+v], M[u] = n + u) into the MST of vertices 0..v-1.

    Dynamic programme over the tree, children before parents: M[u] is the heaviest edge on the
    path from u to v in the MST of (u's subtree + v). Merging child c into its parent u closes
    the cycle (u, c) + path(c -> v) + path(v -> u); its heaviest edge is the heavier of w(u, c),
    M[c] and M[u], and is deleted. Every piece of the old tree left by the deleted tree edges then
    hangs from v by exactly one surviving star edge: re-root it there. The new order (parents
    before children) is the old one with the root's piece first, then v, then the re-rooted paths,
    then the rest of the moved pieces in their old order. O(v) time; when no tree edge is cut
    (v joins as a leaf) only the programme itself runs.
    """
    parent, wt, order, M, flags, work = tree
    cap = parent.shape[0]
    if v == 1:
        parent[1] = 0
        wt[1] = wt[cap]
        order[0] = 0
        order[1] = 1
        return
    ncut = 0
    for idx in range(v - 1, 0, -1):
        c = order[idx]
        u = parent[c]
        wc = wt[c]
        pc = M[c]
        wpc = wt[pc]
        mu = M[u]
        wmu = wt[mu]
        if wc >= wpc and wc >= wmu:
            kill = c
        elif wpc >= wmu:
            kill = pc
        else:
            kill = mu
            M[u] = c if wc >= wpc else pc
        flags[kill] = True
        if kill < cap:
            work[2 * cap + ncut] = kill
            ncut += 1
    if ncut == 0:  # v is a leaf: exactly one star edge survives
        for u in range(v):
            if flags[cap + u]:
                flags[cap + u] = False
            else:
                parent[v] = u
                wt[v] = wt[cap + u]
        order[v] = v
        return
    # moved[x]: x is below a deleted tree edge (computed in the old order, before re-rooting)
    mv = 2 * cap
    nroot = 0
    for idx in range(v):
        x = order[idx]
        if x != 0 and (flags[x] or flags[mv + parent[x]]):
            flags[mv + x] = True
        else:
            nroot += 1
    # re-root every moved piece at its surviving star edge
    op = 3 * cap
    npath = 0
    for u in range(v):
        if flags[cap + u]:
            flags[cap + u] = False
            continue
        if not flags[mv + u]:  # u is in the root's piece: v hangs from u
            parent[v] = u
            wt[v] = wt[cap + u]
            continue
        prev = v
        prevw = wt[cap + u]
        y = u
        while True:  # reverse the path u -> top of the piece
            nxt = parent[y]
            nw = wt[y]
            parent[y] = prev
            wt[y] = prevw
            work[cap + npath] = y
            npath += 1
            flags[op + y] = True
            if flags[y]:
                break
            prev = y
            prevw = nw
            y = nxt
    for k in range(ncut):
        flags[work[2 * cap + k]] = False
    # the new order: root piece, v, re-rooted paths, the other moved vertices (old order)
    a = 0
    b = nroot + 1 + npath
    work[nroot] = v
    for k in range(npath):
        work[nroot + 1 + k] = work[cap + k]
    for idx in range(v):
        x = order[idx]
        if not flags[mv + x]:
            work[a] = x
            a += 1
        else:
            flags[mv + x] = False
            if flags[op + x]:
                flags[op + x] = False
            else:
                work[b] = x
                b += 1
    for k in range(v + 1):
        order[k] = work[k]


@njit_inner
def bar_power(r, metric, alpha):
    """(finished length) ** alpha in float64; 0 for infinite lengths (essential bars)."""
    w = np.float64(finish_distance(r, metric))
    if w == np.inf:
        return 0.0
    if alpha == 1.0:
        return w
    return w ** alpha


@njit_inner
def _tree_energy(wt, v, metric, alpha):
    """E_alpha of the tree on vertices 0..v (edges of vertices 1..v)."""
    s = 0.0
    for x in range(1, v + 1):
        s += bar_power(wt[x], metric, alpha)
    return s


@njit_inner
def _finite_count(wt, v):
    k = 0
    for x in range(1, v + 1):
        if wt[x] != np.inf:
            k += 1
    return k


# --- distance blocks in the panel layout ----------------------------------------------------


@njit_inner
def panel4_sq(P, b, w, X, i0, acc):
    """acc[r, t] = squared distance from X[i0 + r] (r < 4) to panel point b * PANEL + t, t < w.

    Same arithmetic as :func:`topodim.metrics.reduced_distance` for euclidean / sqeuclidean
    (one accumulator, coordinates in order, no FMA), four rows per pass over the panel.
    """
    d = P.shape[1]
    zero = P.dtype.type(0)
    for r in range(4):
        for t in range(w):
            acc[r, t] = zero
    a0 = acc[0]
    a1 = acc[1]
    a2 = acc[2]
    a3 = acc[3]
    for k in range(d):
        x0 = X[i0, k]
        x1 = X[i0 + 1, k]
        x2 = X[i0 + 2, k]
        x3 = X[i0 + 3, k]
        for t in range(w):
            y = P[b, k, t]
            q = y - x0
            a0[t] += q * q
            q = y - x1
            a1[t] += q * q
            q = y - x2
            a2[t] += q * q
            q = y - x3
            a3[t] += q * q


@njit_inner
def _block_rows(X, P, b, s, e, metric, tile, acc):
    """tile[i - s, j] = reduced distance (i, j) for rows s <= i < e and the j < i of panel b."""
    lo = b * PANEL
    i = max(s, lo + 1)
    if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
        while i + 4 <= e:
            panel4_sq(P, b, min(PANEL, i + 3 - lo), X, i, acc)
            for r in range(4):
                for t in range(min(PANEL, i + r - lo)):
                    tile[i + r - s, lo + t] = acc[r, t]
            i += 4
    while i < e:
        w = min(PANEL, i - lo)
        panel_reduced_distances(P, b, w, X[i], metric, acc[0])
        for t in range(w):
            tile[i - s, lo + t] = acc[0, t]
        i += 1


@njit
def _tile_rows(X, P, s, e, metric, tile, acc):
    for b in range((e - 2) // PANEL + 1):
        _block_rows(X, P, b, s, e, metric, tile, acc)


@njit_inner
def gather(Xp, ids):
    W = np.empty((ids.shape[0], Xp.shape[1]), dtype=Xp.dtype)
    for i in range(ids.shape[0]):
        for k in range(Xp.shape[1]):
            W[i, k] = Xp[ids[i], k]
    return W


@njit_inner
def _insert_block(s, e, tile, tree, metric, alpha, rep):
    """Insert vertices s..e-1 (distances in tile rows); record E at the report sizes."""
    wt, M = tree.wt, tree.M
    cap = tree.parent.shape[0]
    for v in range(s, e):
        row = tile[v - s]
        for u in range(v):
            wt[cap + u] = row[u]
            M[u] = cap + u
        _insert_vertex(v, tree)
        _record(v, tree, metric, alpha, rep)


@njit_inner
def _record(v, tree, metric, alpha, rep):
    """E_alpha and the finite-edge count of the tree on vertices 0..v if v + 1 is the next report size."""
    r = rep.next[0]
    if r < rep.sizes.shape[0] and v + 1 == rep.sizes[r]:
        rep.out[r] = _tree_energy(tree.wt, v, metric, alpha)
        rep.counts[r] = _finite_count(tree.wt, v)
        rep.next[0] = r + 1


@njit
def chain_points(Xp, ids, metric, reports, alpha, out, counts, chunk):
    """E_alpha (``out``) and finite-edge counts (``counts``) of the MSTs of the prefixes of sizes
    ``reports`` (ascending) of the ordering ``ids`` of the points Xp; ``chunk`` new points per
    distance block. One thread."""
    n = ids.shape[0]
    W = gather(Xp, ids)
    P = to_panels(W)
    tree = _chain_state(n, W[:0, 0])
    rep = Reports(reports, out, counts, np.zeros(1, dtype=np.int64))
    tile = np.empty((chunk, n), dtype=W.dtype)
    acc = np.empty((4, PANEL), dtype=W.dtype)
    s = 1
    while s < n:
        e = min(n, s + chunk)
        _tile_rows(W, P, s, e, metric, tile, acc)
        _insert_block(s, e, tile, tree, metric, alpha, rep)
        s = e


@njit_inner
def chain_matrix(D, C, N, dense, ids, reports, alpha, out, counts):
    """As :func:`chain_points` for a dense (D) or condensed (C) distance matrix of N points."""
    n = ids.shape[0]
    tree = _chain_state(n, D[:0, 0] if dense else C[:0])
    rep = Reports(reports, out, counts, np.zeros(1, dtype=np.int64))
    wt, M = tree.wt, tree.M
    cap = n
    for v in range(1, n):
        a = ids[v]
        for u in range(v):
            if dense:
                wt[cap + u] = D[a, ids[u]]
            else:
                wt[cap + u] = C[condensed_index(a, ids[u], N)]
            M[u] = cap + u
        _insert_vertex(v, tree)
        _record(v, tree, -1, alpha, rep)


@njit_parallel
def chain_points_batch(Xp, ids, offs, metric, reports, roffs, alpha, out, counts, chunk):
    """:func:`chain_points` for the orderings ``ids[offs[c]:offs[c + 1]]``, reporting at
    ``reports[roffs[c]:roffs[c + 1]]`` into the same slots of out / counts; one ordering per
    iteration."""
    for c in prange(offs.shape[0] - 1):  # each ordering writes its own slots of out / counts
        chain_points(Xp, ids[offs[c]:offs[c + 1]], metric, reports[roffs[c]:roffs[c + 1]], alpha,
                     out[roffs[c]:roffs[c + 1]], counts[roffs[c]:roffs[c + 1]], chunk)


@njit_parallel
def chain_matrix_batch(D, C, N, dense, ids, offs, reports, roffs, alpha, out, counts):
    """:func:`chain_matrix` for many orderings, laid out as in :func:`chain_points_batch`."""
    for c in prange(offs.shape[0] - 1):  # each ordering writes its own slots
        chain_matrix(D, C, N, dense, ids[offs[c]:offs[c + 1]], reports[roffs[c]:roffs[c + 1]], alpha,
                     out[roffs[c]:roffs[c + 1]], counts[roffs[c]:roffs[c + 1]])


@njit_parallel
def _overlap_step(W, P, code, tile_cur, tile_next, s, e, s2, e2, tree, alpha, rep):
    """Task 0 inserts rows s..e-1 (tile_cur); tasks 1.. fill tile_next (rows s2..e2-1) by panel.

    On one thread the tasks run in order, at the cost of the serial insert-then-tile step.
    """
    nb = (e2 - 2) // PANEL + 1 if s2 < e2 else 0
    for t in prange(nb + 1):  # task 0 writes the tree state, task b+1 its own columns of tile_next
        if t == 0:
            _insert_block(s, e, tile_cur, tree, code, alpha, rep)
        else:
            acc = np.empty((4, PANEL), dtype=P.dtype)
            _block_rows(W, P, t - 1, s2, e2, code, tile_next, acc)


@njit
def _init_chain_state(Xp, ids):
    W = gather(Xp, ids)
    P = to_panels(W)
    return W, P


def chain_points_threaded(Xp, ids, code, reports, alpha, out, counts, chunk):
    """As :func:`chain_points` for one ordering, on the threads Numba is set to use.

    Step k inserts the new points of block k (one task) while the other threads compute the
    distance block k + 1 panel by panel: one parallel region per step, dynamic scheduling (chunks
    of one task), the same bits as :func:`chain_points`.
    """
    n = len(ids)
    W, P = _init_chain_state(Xp, ids)
    tree = _chain_state(n, W[:0, 0])
    rep = Reports(reports, out, counts, np.zeros(1, dtype=np.int64))
    tiles = (np.empty((chunk, n), dtype=W.dtype), np.empty((chunk, n), dtype=W.dtype))
    acc = np.empty((4, PANEL), dtype=W.dtype)
    _tile_rows(W, P, 1, min(n, 1 + chunk), code, tiles[0], acc)
    s, cur = 1, 0
    with numba.parallel_chunksize(1):
        while s < n:
            e = min(n, s + chunk)
            s2, e2 = e, min(n, e + chunk)
            _overlap_step(W, P, code, tiles[cur], tiles[1 - cur], s, e, s2, e2, tree, alpha, rep)
            s, cur = e, 1 - cur
