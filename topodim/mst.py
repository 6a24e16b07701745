"""PH0 of the Vietoris–Rips filtration through minimum spanning trees.

For a Vietoris–Rips filtration every vertex is born at 0 (or at its birth value, the diagonal of a
distance matrix) and the finite H0 bars die exactly at the edge lengths of a minimum spanning tree
(MST). This module computes that tree without ever materialising an n x n matrix for point clouds.

Engines (``method=``):

``"prim"``
    Dense Prim. On points it computes distances on the fly (O(n·d) memory, O(n²·d) time); the rows
    of a private copy of the points are swapped so that the remaining vertices stay contiguous. With
    more than one thread the update step is split into per-thread chunks, each writing its own
    (minimum, argmin) slot, merged serially: the result does not depend on the thread count. Also
    runs on a dense or condensed distance matrix.
``"boruvka"``
    Borůvka rounds over a KD-tree for low-dimensional points (euclidean, sqeuclidean, manhattan or
    chebyshev; fastest up to about 8 dimensions): O(n log n) in practice, 10⁶ points in R³.
``"kruskal"``
    Kruskal with union–find over the edges of a sparse graph (scipy.sparse input).

Ties: all engines order edges by (length, smaller endpoint, larger endpoint) so the tree they
return is deterministic for a given input and engine and independent of the thread count. With
tied lengths different engines may return different (equally minimal) trees; their sorted lengths
are always identical, and lengths are computed by :func:`topodim.metrics.point_distance`, the
same arithmetic as every other code path.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np
from numba import prange

from ._config import ParallelOrSerial, njit, njit_parallel, resolve_n_threads, thread_limit
from ._validate import DistanceInput, as_distance_input, check_threshold
from .metrics import (
    BOX_METRICS,
    PANEL,
    panel_point,
    panel_reduced_distances,
    panel_swap,
    to_panels,
    EUCLIDEAN,
    MANHATTAN,
    CHEBYSHEV,
    condensed_index,
    metric_code,
    prepare_points,
    scaled_points_input,
    unscale,
    reduced_distance,
)

__all__ = ["MSTResult", "mst", "ph0", "minimum_spanning_tree", "elder_rule_h0", "METHODS"]

METHODS = ("auto", "prim", "boruvka", "kruskal")

#: Largest dimension for which ``method="auto"`` picks the KD-tree Borůvka engine.
BORUVKA_MAX_DIM = 8
#: Smallest number of points for which ``method="auto"`` picks the KD-tree Borůvka engine.
BORUVKA_MIN_POINTS = 512
#: Work per Prim step (remaining vertices x features) above which a step may run in parallel:
#: below it a step takes well under a millisecond and the barrier of a parallel region costs more
#: than the second thread saves (measured here at n = 10,000 in R^50, idle and under load).
PRIM_PARALLEL_WORK = 1 << 20

_INT_MAX = np.iinfo(np.int64).max


class MSTResult(NamedTuple):
    """A minimum spanning tree (a forest when the graph is disconnected).

    Attributes
    ----------
    edges : ndarray of int64, shape (n - c, 2)
        Endpoints (smaller index first) of the tree edges, where c is the number of connected
        components (1 for point clouds and complete distance matrices).
    lengths : ndarray, shape (n - c,)
        Edge lengths in the compute dtype, sorted ascending (ties by endpoints).
    """

    edges: np.ndarray
    lengths: np.ndarray


# ==========================================================================================
# Prim on points (distances on the fly, panel layout)
# ==========================================================================================


@njit
def _scan_blocks(P, b_lo, b_hi, m, x, metric, best, parent, ids, cur_id, acc):
    """Update best/parent of the active positions in panel blocks [b_lo, b_hi) (positions < m)
    from the point x; return the range's (min, id, position) by (value, id) order."""
    bval = P.dtype.type(np.inf)
    bid = _INT_MAX
    bpos = -1
    for b in range(b_lo, b_hi):
        lo = b * PANEL
        w = min(PANEL, m - lo)
        if w <= 0:
            break
        panel_reduced_distances(P, b, w, x, metric, acc)
        for t in range(w):
            p = lo + t
            r = acc[t]
            if r < best[p]:
                best[p] = r
                parent[p] = cur_id
            v = best[p]
            if v < bval or (v == bval and ids[p] < bid):
                bval = v
                bid = ids[p]
                bpos = p
    return bval, bid, bpos


@njit
def _retire(P, ids, best, parent, pos, last):
    """Move position ``pos`` to ``last`` (the end of the active range) in every per-point array."""
    if pos != last:
        panel_swap(P, pos, last)
        ids[pos], ids[last] = ids[last], ids[pos]
        best[pos], best[last] = best[last], best[pos]
        parent[pos], parent[last] = parent[last], parent[pos]


@njit
def _prim_init(X):
    """Prim's state for points X: panels, ids, best, parent (vertex 0 already in the tree)."""
    n = X.shape[0]
    P = to_panels(X)
    ids = np.arange(n)
    best = np.full(n, np.inf, dtype=X.dtype)
    parent = np.full(n, -1, dtype=np.int64)
    _retire(P, ids, best, parent, 0, n - 1)  # vertex 0 enters the tree first
    return P, ids, best, parent


@njit_parallel
def _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, n_steps, metric, n_chunks, parallel_work):
    """Run ``n_steps`` Prim steps from the state with ``m`` active points; return the new m.

    The active (not yet in the tree) points occupy panel positions [0, m); position m holds the
    newest tree vertex. With ``n_chunks > 1`` and enough work per step (active points x features
    >= PRIM_PARALLEL_WORK) each step scans ``n_chunks`` ranges of blocks in parallel, each with its
    own accumulator and (min, id, position) slot; the serial merge uses the same (value, id) order
    as the serial scan, so the tree does not depend on ``n_chunks``. ``parallel_work`` is the
    smallest work per step that runs in parallel (PRIM_PARALLEL_WORK; 0 in tests).
    """
    n = ids.shape[0]
    d = P.shape[1]
    slots = max(n_chunks, 1)
    x = np.empty(d, dtype=P.dtype)
    acc = np.empty((slots, PANEL), dtype=P.dtype)
    chunk_val = np.empty(slots, dtype=P.dtype)
    chunk_id = np.empty(slots, dtype=np.int64)
    chunk_pos = np.empty(slots, dtype=np.int64)
    for _ in range(n_steps):
        if m == 0:
            break
        step = n - 1 - m
        cur_id = ids[m]
        panel_point(P, m, x)
        used = (m + PANEL - 1) // PANEL
        if n_chunks > 1 and m * d >= parallel_work:
            per = (used + n_chunks - 1) // n_chunks
            for c in prange(n_chunks):
                v, i, q = _scan_blocks(P, c * per, min(used, (c + 1) * per), m, x, metric, best,
                                       parent, ids, cur_id, acc[c])
                chunk_val[c] = v
                chunk_id[c] = i
                chunk_pos[c] = q
            bval = chunk_val[0]
            bid = chunk_id[0]
            bpos = chunk_pos[0]
            for c in range(1, n_chunks):
                if chunk_pos[c] >= 0 and (chunk_val[c] < bval or (chunk_val[c] == bval and chunk_id[c] < bid)):
                    bval = chunk_val[c]
                    bid = chunk_id[c]
                    bpos = chunk_pos[c]
        else:
            bval, bid, bpos = _scan_blocks(P, 0, used, m, x, metric, best, parent, ids, cur_id, acc[0])
        out_u[step] = parent[bpos]
        out_v[step] = bid
        out_w[step] = bval
        m -= 1
        _retire(P, ids, best, parent, bpos, m)
    return m


def _prim_points(X, metric, n_threads, parallel_work=PRIM_PARALLEL_WORK):
    """Prim on points, choosing per batch of steps between the parallel and the serial scan.

    A parallel region per step pays a barrier per step: steps with less work than
    ``parallel_work`` run serially (at n = 10,000 in R^50 one and two threads take the same time
    here), larger ones gain from more threads on an idle machine (2.3x at n = 50,000 in R^50), but
    when other processes keep the cores busy a descheduled thread stalls every barrier (measured
    here: 22 s instead of 1 s). So the steps run in batches, each batch timed, and
    :class:`topodim._config.ParallelOrSerial` keeps the faster mode (short probe batches of the
    other). Both modes give the same tree, so the choice never changes the result.
    """
    n, d = X.shape
    P, ids, best, parent = _prim_init(X)
    out_u = np.empty(n - 1, dtype=np.int64)
    out_v = np.empty(n - 1, dtype=np.int64)
    out_w = np.empty(n - 1, dtype=X.dtype)
    m = n - 1
    if n_threads <= 1 or m * d < parallel_work:
        _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, n - 1, metric, 1, parallel_work)
        return out_u, out_v, out_w
    batch = max(16, (n - 1) // 128)
    probe = max(4, batch // 8)
    # the first parallel region starts the thread pool: do it outside the measurements
    m = _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, 1, metric, n_threads, parallel_work)
    chooser = ParallelOrSerial()  # work: active points x features
    while m > 0:
        if m * d < parallel_work:
            _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, m, metric, 1, parallel_work)
            break
        mode = chooser.next_mode()
        steps = probe if chooser.probing else batch
        work = d * (steps * m - steps * (steps - 1) // 2)
        t0 = time.perf_counter()
        m = _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, steps, metric,
                        n_threads if mode else 1, parallel_work)
        chooser.record(mode, work, time.perf_counter() - t0)
    return out_u, out_v, out_w


@njit
def prim_serial(X, metric):
    """Serial Prim on points X (not modified); returns (u, v, reduced length) of the n-1 edges.

    Meant to be called from a ``prange`` over many independent clouds (PH-dimension subsamples):
    it allocates its own panel copy (O(n·d)) and never starts a parallel region.
    """
    n = X.shape[0]
    P, ids, best, parent = _prim_init(X)
    out_u = np.empty(n - 1, dtype=np.int64)
    out_v = np.empty(n - 1, dtype=np.int64)
    out_w = np.empty(n - 1, dtype=X.dtype)
    _prim_steps_serial(P, ids, best, parent, out_u, out_v, out_w, n - 1, metric)
    return out_u, out_v, out_w


@njit
def _prim_steps_serial(P, ids, best, parent, out_u, out_v, out_w, m, metric):
    """All remaining Prim steps, serially (no parallel region: safe inside a prange)."""
    n = ids.shape[0]
    x = np.empty(P.shape[1], dtype=P.dtype)
    acc = np.empty(PANEL, dtype=P.dtype)
    while m > 0:
        step = n - 1 - m
        panel_point(P, m, x)
        bval, bid, bpos = _scan_blocks(P, 0, (m + PANEL - 1) // PANEL, m, x, metric, best, parent,
                                       ids, ids[m], acc)
        out_u[step] = parent[bpos]
        out_v[step] = bid
        out_w[step] = bval
        m -= 1
        _retire(P, ids, best, parent, bpos, m)


# ==========================================================================================
# Prim on dense / condensed matrices (forests when +inf entries disconnect the graph)
# ==========================================================================================


@njit
def _prim_matrix(D, v, n, dense):
    """Prim on a dense (``dense=True``, D) or condensed (v) matrix; +inf means no edge."""
    in_tree = np.zeros(n, dtype=np.bool_)
    best = np.full(n, np.inf, dtype=D.dtype)
    parent = np.full(n, -1, dtype=np.int64)
    out_u = np.empty(n - 1, dtype=np.int64)
    out_v = np.empty(n - 1, dtype=np.int64)
    out_w = np.empty(n - 1, dtype=best.dtype)
    n_edges = 0
    cur = 0
    in_tree[0] = True
    for _ in range(n - 1):
        bval = np.inf
        bj = -1
        for j in range(n):
            if in_tree[j]:
                continue
            if dense:
                r = D[cur, j]
            else:
                r = v[condensed_index(cur, j, n)]
            if r < best[j]:
                best[j] = r
                parent[j] = cur
            if bj < 0 or best[j] < bval:
                bval = best[j]
                bj = j
        if bval == np.inf:
            # the tree cannot grow: start a new component at the smallest remaining vertex
            cur = bj
            in_tree[cur] = True
            continue
        out_u[n_edges] = parent[bj]
        out_v[n_edges] = bj
        out_w[n_edges] = bval
        n_edges += 1
        in_tree[bj] = True
        cur = bj
    return out_u[:n_edges], out_v[:n_edges], out_w[:n_edges]


# ==========================================================================================
# Kruskal on sparse graphs, union-find
# ==========================================================================================


@njit
def _find(parent, x):
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@njit
def _kruskal(us, vs, ws, n):
    """Edges already sorted by (w, u, v); returns the spanning forest in that order."""
    parent = np.arange(n)
    rank = np.zeros(n, dtype=np.int64)
    keep = np.zeros(len(us), dtype=np.bool_)
    n_kept = 0
    for k in range(len(us)):
        a = _find(parent, us[k])
        b = _find(parent, vs[k])
        if a == b:
            continue
        if rank[a] < rank[b]:
            a, b = b, a
        parent[b] = a
        if rank[a] == rank[b]:
            rank[a] += 1
        keep[k] = True
        n_kept += 1
        if n_kept == n - 1:
            break
    return keep


# ==========================================================================================
# KD-tree and Borůvka for low-dimensional points
# ==========================================================================================


@njit
def _select(perm, X, lo, hi, kth, dim):
    """Reorder perm[lo:hi] so that perm[kth] has the kth key along ``dim`` (quickselect)."""
    while hi - lo > 1:
        mid = (lo + hi - 1) >> 1
        a = X[perm[lo], dim]
        b = X[perm[mid], dim]
        c = X[perm[hi - 1], dim]
        # median of three as the pivot value
        if a < b:
            pivot = b if b < c else (c if a < c else a)
        else:
            pivot = a if a < c else (c if b < c else b)
        i = lo
        j = hi - 1
        while i <= j:
            while X[perm[i], dim] < pivot:
                i += 1
            while X[perm[j], dim] > pivot:
                j -= 1
            if i <= j:
                t = perm[i]
                perm[i] = perm[j]
                perm[j] = t
                i += 1
                j -= 1
        if kth <= j:
            hi = j + 1
        elif kth >= i:
            lo = i
        else:
            return


@njit
def _build_kdtree(X, leaf_size):
    """A balanced KD-tree in implicit layout: node k has children 2k+1 and 2k+2.

    Returns the permutation (tree order -> input index), node ranges and tight bounding boxes.
    """
    n, d = X.shape
    n_levels = 1
    while (n >> (n_levels - 1)) > leaf_size and n_levels < 40:
        n_levels += 1
    n_nodes = (1 << n_levels) - 1
    perm = np.arange(n)
    start = np.empty(n_nodes, dtype=np.int64)
    end = np.empty(n_nodes, dtype=np.int64)
    lo_box = np.empty((n_nodes, d), dtype=X.dtype)
    hi_box = np.empty((n_nodes, d), dtype=X.dtype)
    start[0] = 0
    end[0] = n
    for k in range(n_nodes):
        s = start[k]
        e = end[k]
        for t in range(d):
            lo_box[k, t] = np.inf
            hi_box[k, t] = -np.inf
        for i in range(s, e):
            p = perm[i]
            for t in range(d):
                x = X[p, t]
                if x < lo_box[k, t]:
                    lo_box[k, t] = x
                if x > hi_box[k, t]:
                    hi_box[k, t] = x
        left = 2 * k + 1
        if left < n_nodes:
            dim = 0
            spread = -1.0
            for t in range(d):
                sp = hi_box[k, t] - lo_box[k, t]
                if sp > spread:
                    spread = sp
                    dim = t
            mid = (s + e) >> 1
            if e - s > 1:
                _select(perm, X, s, e, mid, dim)
            start[left] = s
            end[left] = mid
            start[left + 1] = mid
            end[left + 1] = e
    return perm, start, end, lo_box, hi_box


@njit
def _box_bound(x, p, lo_box, hi_box, node, metric):
    """Lower bound of the reduced distance from point x[p] to any point in the node's box.

    Sums the per-coordinate gaps in the same order as :func:`topodim.metrics.reduced_distance`, so
    rounding can never make the bound exceed an actual distance.
    """
    s = x.dtype.type(0)
    zero = s
    for k in range(x.shape[1]):
        g = max(lo_box[node, k] - x[p, k], x[p, k] - hi_box[node, k], zero)
        if metric == CHEBYSHEV:
            if g > s:
                s = g
        elif metric == MANHATTAN:
            s += g
        else:
            s += g * g
    return s


@njit
def _node_components(comp, start, end, n_nodes):
    """node_comp[k] = the component shared by all points of node k, or -1."""
    node_comp = np.empty(n_nodes, dtype=np.int64)
    for k in range(n_nodes - 1, -1, -1):
        left = 2 * k + 1
        if left >= n_nodes:
            c = comp[start[k]]
            for i in range(start[k] + 1, end[k]):
                if comp[i] != c:
                    c = -1
                    break
            node_comp[k] = c
        else:
            a = node_comp[left]
            node_comp[k] = a if a == node_comp[left + 1] else -1
    return node_comp


@njit
def _query_other_component(Xp, p, comp, node_comp, start, end, lo_box, hi_box, metric, bound, stack):
    """Nearest point (by reduced distance, ties by position) to Xp[p] outside p's component.

    Searches only below ``bound`` (inclusive); returns (-1, inf) when nothing lies within it.
    """
    n_nodes = start.shape[0]
    cp = comp[p]
    best = bound
    best_q = _INT_MAX
    top = 0
    stack[0] = 0
    while top >= 0:
        node = stack[top]
        top -= 1
        if node_comp[node] == cp:
            continue
        if _box_bound(Xp, p, lo_box, hi_box, node, metric) > best:
            continue
        left = 2 * node + 1
        if left >= n_nodes:
            for q in range(start[node], end[node]):
                if comp[q] != cp:
                    r = reduced_distance(Xp, p, Xp, q, metric)
                    if r < best or (r == best and q < best_q):
                        best = r
                        best_q = q
        else:
            bl = _box_bound(Xp, p, lo_box, hi_box, left, metric)
            br = _box_bound(Xp, p, lo_box, hi_box, left + 1, metric)
            # push the farther child first so the nearer one is searched first
            if bl <= br:
                top += 1
                stack[top] = left + 1
                top += 1
                stack[top] = left
            else:
                top += 1
                stack[top] = left
                top += 1
                stack[top] = left + 1
    if best_q == _INT_MAX:
        return -1, np.inf
    return best_q, best


@njit_parallel
def _boruvka_queries(Xp, points, comp, node_comp, start, end, lo_box, hi_box, metric, nn_pos, nn_dist,
                     lower, comp_bound, n_levels):
    """Query the nearest other-component point of each point in ``points``, in parallel.

    Each query writes only its own point's slots (nn_pos, nn_dist, lower). A point whose
    ``lower`` bound already exceeds its component's bound cannot give the component's lightest
    edge and is skipped. A query that finds nothing within the bound records the bound as a new
    lower bound: components only grow, so the nearest other-component distance never decreases.
    """
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
            q, r = _query_other_component(Xp, p, comp, node_comp, start, end, lo_box, hi_box,
                                          metric, bound, stack)
            nn_pos[p] = q
            if q >= 0:
                nn_dist[p] = r
                lower[p] = r
            elif bound > lower[p]:
                lower[p] = bound


@njit
def _boruvka(X, metric, leaf_size):
    """Borůvka rounds over a KD-tree; returns the tree edges (input indices) and reduced lengths.

    Each round finds, for every component, its lightest outgoing edge in the order (length,
    smaller end, larger end) — a strict total order, so the chosen edges never form a cycle and the
    tree is deterministic. Per point we keep its nearest other-component point: it stays exact while
    that point is still in another component (the candidates only shrink). Points that need a new
    query are searched in two waves: one seed per component without a bound (the point with the
    smallest lower bound), then the others bounded by the best edge known for their component.
    """
    n = X.shape[0]
    perm, start, end, lo_box, hi_box = _build_kdtree(X, leaf_size)
    n_nodes = start.shape[0]
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
        node_comp = _node_components(comp, start, end, n_nodes)
        comp_bound[:] = np.inf
        seed[:] = -1
        n_needs = 0
        for p in range(n):
            q = nn_pos[p]
            c = comp[p]
            if q >= 0 and comp[q] != c:
                if nn_dist[p] < comp_bound[c]:
                    comp_bound[c] = nn_dist[p]
            else:
                nn_pos[p] = -1
                needs[n_needs] = p
                n_needs += 1
        # wave 1: one unbounded query for each component that has no valid candidate yet
        n_seeds = 0
        for k in range(n_needs):
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
        for p in range(n):
            if comp[p] == p and seed[p] >= 0:  # component labels are their smallest member
                seeds[k] = seed[p]
                k += 1
        _boruvka_queries(Xp, seeds, comp, node_comp, start, end, lo_box, hi_box, metric, nn_pos,
                         nn_dist, lower, comp_bound, n_levels)
        for k in range(n_seeds):
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
        _boruvka_queries(Xp, rest[:n_rest], comp, node_comp, start, end, lo_box, hi_box, metric,
                         nn_pos, nn_dist, lower, comp_bound, n_levels)
        # the lightest edge leaving each component, by (length, smaller end, larger end)
        best_val[:] = np.inf
        best_a[:] = -1
        for p in range(n):
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
        merged = 0
        for c in range(n):
            if best_a[c] < 0:
                continue
            ra = _find(uf, best_a[c])
            rb = _find(uf, best_b[c])
            if ra == rb:
                continue  # both components chose the same edge
            uf[max(ra, rb)] = min(ra, rb)
            out_u[n_edges] = perm[best_a[c]]
            out_v[n_edges] = perm[best_b[c]]
            out_w[n_edges] = best_val[c]
            n_edges += 1
            merged += 1
        if merged == 0:
            break  # pragma: no cover - cannot happen for finite points
        for p in range(n):
            comp[p] = _find(uf, p)
    return out_u[:n_edges], out_v[:n_edges], out_w[:n_edges]


# ==========================================================================================
# the elder rule (vertex births)
# ==========================================================================================


@njit
def _elder_rule(us, vs, ws, births, n):
    """H0 bars from forest edges sorted by length and vertex births (elder rule).

    When two components merge at length w, the younger one (larger birth) dies: bar
    [max(birth_a, birth_b), w]. Components alive at the end give [birth, inf). Returns n rows.
    """
    uf = np.arange(n)
    root_birth = births.copy()
    out = np.empty((n, 2), dtype=births.dtype)
    k = 0
    for e in range(len(us)):
        a = _find(uf, us[e])
        b = _find(uf, vs[e])
        if a == b:
            continue
        ba = root_birth[a]
        bb = root_birth[b]
        out[k, 0] = max(ba, bb)
        out[k, 1] = ws[e]
        k += 1
        if ba <= bb:
            uf[b] = a
        else:
            uf[a] = b
    for i in range(n):
        if _find(uf, i) == i:
            out[k, 0] = root_birth[i]
            out[k, 1] = np.inf
            k += 1
    return out


# ==========================================================================================
# orchestration
# ==========================================================================================


def _choose_method(inp: DistanceInput, method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if inp.kind == "points":
        allowed = ("prim", "boruvka")
        if method == "auto":
            d = inp.points.shape[1]
            if (metric_code(inp.metric) in BOX_METRICS and d <= BORUVKA_MAX_DIM
                    and inp.n >= BORUVKA_MIN_POINTS):
                return "boruvka"
            return "prim"
        if method == "boruvka" and metric_code(inp.metric) not in BOX_METRICS:
            raise ValueError(f"method='boruvka' needs a box-boundable metric (euclidean, sqeuclidean, manhattan, chebyshev), not {inp.metric!r}; use method='prim'")
    elif inp.kind in ("dense", "condensed"):
        allowed = ("prim",)
        if method == "auto":
            return "prim"
    else:
        allowed = ("kruskal",)
        if method == "auto":
            return "kruskal"
    if method not in allowed:
        raise ValueError(f"method={method!r} does not apply to {inp.kind} input; use one of {', '.join(allowed)} or 'auto'")
    return method


def _canonical_order(u, v, w):
    a = np.minimum(u, v)
    b = np.maximum(u, v)
    order = np.lexsort((b, a, w))
    return np.stack([a[order], b[order]], axis=1).astype(np.int64), w[order]


def minimum_spanning_tree(inp: DistanceInput, method: str = "auto", n_threads=None) -> MSTResult:
    """The MST of a validated :class:`~topodim._validate.DistanceInput` (internal entry point)."""
    method = _choose_method(inp, method)
    inp, e = scaled_points_input(inp)  # exact power-of-two scale where squares would overflow / underflow
    with thread_limit(n_threads) as threads:
        if inp.kind == "points":
            code = metric_code(inp.metric)
            P = prepare_points(inp.points, inp.metric)
            if method == "boruvka":
                u, v, r = _boruvka(P, code, 16)
            else:
                u, v, r = _prim_points(P, code, threads)
            w = np.sqrt(r) if code == EUCLIDEAN else r
        elif inp.kind == "dense":
            u, v, w = _prim_matrix(inp.dense, np.empty(0, inp.dtype), inp.n, True)
        elif inp.kind == "condensed":
            u, v, w = _prim_matrix(np.empty((0, 0), inp.dtype), inp.condensed, inp.n, False)
        else:
            rows = np.repeat(np.arange(inp.n), np.diff(inp.indptr))
            upper = rows < inp.indices
            us, vs, ws = rows[upper], inp.indices[upper], inp.data[upper]
            order = np.lexsort((vs, us, ws))
            us, vs, ws = us[order], vs[order], ws[order]
            keep = _kruskal(us, vs, ws, inp.n)
            u, v, w = us[keep], vs[keep], ws[keep]
    w = unscale(w, e)  # a power of two: exact
    edges, lengths = _canonical_order(u, v, w.astype(inp.dtype, copy=False))
    return MSTResult(edges, lengths)


def mst(X, metric="euclidean", distance_matrix=False, method="auto", dtype=np.float64, n_threads=None,
        device="cpu"):
    """Minimum spanning tree of a point cloud or a distance matrix, without an n x n matrix.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix
        Points of shape (n, d), or with ``distance_matrix=True`` a square (n, n) or condensed
        distance matrix, or any scipy.sparse matrix (absent entries mean no edge; explicit zeros
        are edges of length 0; the two triangles and duplicates are combined by the minimum).
    metric : str or callable, default "euclidean"
        "euclidean", "sqeuclidean", "manhattan", "chebyshev" and "cosine" are computed on the fly;
        other scipy metric names and callables go through a condensed matrix (O(n²) memory).
    distance_matrix : bool, default False
        Whether X holds distances.
    method : {"auto", "prim", "boruvka", "kruskal"}
        "auto" takes "boruvka" for points in up to 8 dimensions with a box metric and at least
        512 points, "prim" for other points and dense / condensed matrices, "kruskal" for sparse.
    dtype : float64 or float32
        Compute dtype; the lengths keep it.
    n_threads : int, optional
        Threads for the parallel kernels (default all of Numba's).
    device : {"cpu", "cuda", "auto"}, default "cpu"
        "cuda" computes the tree on the GPU (numba-cuda; points, dense or condensed input; same
        sorted lengths bit for bit, ``method`` is then not used); "auto" uses the GPU when one is
        found and the CPU otherwise (saying so once through ``warnings``). See :mod:`topodim.cuda`.

    Returns
    -------
    MSTResult
        ``(edges, lengths)``: int64 endpoints of shape (n - c, 2), smaller index first, and their
        lengths sorted ascending. ``c`` is the number of connected components: 1 for points and for
        matrices without +inf / absent entries.
    """
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    resolve_n_threads(n_threads)
    tree = _device_tree(inp, method, device)
    if tree is not None:
        return tree
    return minimum_spanning_tree(inp, method=method, n_threads=n_threads)


def elder_rule_h0(tree: MSTResult, n: int, births=None, thresh=np.inf, dtype=np.float64) -> np.ndarray:
    """The H0 diagram from a spanning forest, vertex births and a threshold (elder rule).

    Edges longer than ``thresh`` are left out, so the components they would join stay essential.
    """
    dt = np.dtype(dtype)
    b = np.zeros(n, dtype=dt) if births is None else np.ascontiguousarray(births, dtype=dt)
    keep = tree.lengths <= thresh
    e = tree.edges[keep]
    w = np.ascontiguousarray(tree.lengths[keep], dtype=dt)
    return _elder_rule(np.ascontiguousarray(e[:, 0]), np.ascontiguousarray(e[:, 1]), w, b, n)


def ph0(X, metric="euclidean", distance_matrix=False, thresh=np.inf, method="auto", dtype=np.float64,
        n_threads=None, device="cpu"):
    """The 0-dimensional persistence diagram of the Vietoris–Rips filtration.

    Filtration values are distances (diameters, not radii): an edge enters at its length.

    Parameters
    ----------
    X, metric, distance_matrix, method, dtype, n_threads, device
        As in :func:`mst`. A non-zero diagonal of a distance matrix gives vertex birth values
        (every edge must be at least the births of its ends); bars then follow the elder rule, as
        in ripser.py.
    thresh : float, default inf
        Largest edge length in the filtration; components not joined by then are essential.

    Returns
    -------
    ndarray of shape (n, 2), the compute dtype
        One row (birth, death) per vertex: the finite bars in ascending order of death, then the
        essential bars with death ``np.inf`` (exactly one for a connected input). Bars of length
        zero (duplicate points, an edge at a vertex's birth) are kept so that there are always n
        rows; ripser.py omits them (drop them with ``dgm[dgm[:, 1] > dgm[:, 0]]``). Never NaN.
    """
    t = check_threshold(thresh)
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    resolve_n_threads(n_threads)
    tree = _device_tree(inp, method, device)
    if tree is None:
        tree = minimum_spanning_tree(inp, method=method, n_threads=n_threads)
    return elder_rule_h0(tree, inp.n, inp.births, t, inp.dtype)


# ---- device dispatch (topodim.cuda; the only CUDA-related code in this module) ----------------


def _device_tree(inp: DistanceInput, method: str, device):
    """The GPU's tree for ``device="cuda"`` / ``"auto"``, or None to run on the CPU."""
    if isinstance(device, str) and device == "cpu":
        return None
    _choose_method(inp, method)  # the same argument checks as on the CPU
    from ._config import cuda_module  # noqa: PLC0415

    return cuda_module().tree_for(inp, device)
