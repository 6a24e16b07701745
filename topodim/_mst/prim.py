"""Prim's algorithm: on points with distances computed on the fly, and on distance matrices.

On points (O(n·d) memory, O(n²·d) time) the algorithm works on a private panel copy of the
points (:func:`topodim.metrics.to_panels`): the vertices not yet in the tree ("active") occupy
panel positions [0, m), and a vertex that joins the tree is swapped to position m, so every step
scans one contiguous range. Each step updates every active vertex's best distance to the tree
from the newest tree vertex and takes the active vertex with the smallest (value, id).

With several threads a step's scan is split into per-thread ranges of blocks, each writing its own
(minimum, id, position) slot, merged serially in the same (value, id) order: the tree does not
depend on the thread count. When a step runs on several threads is the parallel policy of
:mod:`topodim._parallel` (a fixed work threshold, :data:`topodim._tuning.PRIM_PARALLEL_WORK`).
"""

from __future__ import annotations

import time

import numpy as np
from numba import prange

from .._kernels._jit import njit, njit_inner, njit_parallel
from .._kernels.condensed import condensed_index
from .._parallel import ParallelOrSerial, is_adaptive
from .._tuning import PRIM_BATCHES, PRIM_PARALLEL_WORK
from ..metrics import PANEL, panel_point, panel_reduced_distances, panel_swap, to_panels

__all__ = ["prim_points", "prim_serial", "prim_matrix"]

_INT_MAX = np.iinfo(np.int64).max


# ==========================================================================================
# Prim on points: the state and one step
# ==========================================================================================


@njit_inner
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


@njit_inner
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
    # vertex 0 enters the tree first (a typed 0: a literal argument would compile another
    # specialisation of every kernel it reaches)
    _retire(P, ids, best, parent, np.int64(0), n - 1)
    return P, ids, best, parent


@njit_inner
def _take(P, ids, best, parent, out_u, out_v, out_w, m, bid, bval, bpos):
    """Record the edge to the chosen active vertex (position ``bpos``) and move it into the tree;
    returns the new number of active vertices."""
    step = ids.shape[0] - 1 - m
    out_u[step] = parent[bpos]
    out_v[step] = bid
    out_w[step] = bval
    m -= 1
    _retire(P, ids, best, parent, bpos, m)
    return m


# ==========================================================================================
# Prim on points: the step loops
# ==========================================================================================


@njit_parallel
def _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, n_steps, metric, n_chunks, parallel_work):
    """Run ``n_steps`` Prim steps from the state with ``m`` active points; return the new m.

    With ``n_chunks > 1`` and enough work in a step (active points x features >=
    ``parallel_work``) the step scans ``n_chunks`` ranges of blocks in parallel, each with its own
    accumulator and (min, id, position) slot; the serial merge uses the scan's (value, id) order,
    so the tree does not depend on ``n_chunks``.
    """
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
            bval, bid, bpos = _scan_blocks(P, np.int64(0), used, m, x, metric, best, parent, ids, cur_id, acc[0])
        m = _take(P, ids, best, parent, out_u, out_v, out_w, m, bid, bval, bpos)
    return m


@njit
def prim_serial(X, metric):
    """Serial Prim on points X (not modified); returns (u, v, reduced length) of the n-1 edges.

    Never starts a parallel region, so it may run inside a ``prange`` over many independent
    clouds (PH-dimension subsamples); allocates its own panel copy (O(n·d)). Same tree as
    :func:`prim_points`.
    """
    n = X.shape[0]
    P, ids, best, parent = _prim_init(X)
    out_u = np.empty(n - 1, dtype=np.int64)
    out_v = np.empty(n - 1, dtype=np.int64)
    out_w = np.empty(n - 1, dtype=X.dtype)
    x = np.empty(P.shape[1], dtype=P.dtype)
    acc = np.empty(PANEL, dtype=P.dtype)
    m = n - 1
    while m > 0:
        panel_point(P, m, x)
        bval, bid, bpos = _scan_blocks(P, np.int64(0), (m + PANEL - 1) // PANEL, m, x, metric, best, parent,
                                       ids, ids[m], acc)
        m = _take(P, ids, best, parent, out_u, out_v, out_w, m, bid, bval, bpos)
    return out_u, out_v, out_w


def prim_points(X, metric, n_threads, parallel_work=PRIM_PARALLEL_WORK, adaptive=None):
    """Prim on prepared points X (metric code ``metric``) on ``n_threads`` threads.

    Returns (u, v, reduced length) of the n-1 tree edges in the order Prim adds them. Steps with
    at least ``parallel_work`` work (active points x features) scan on ``n_threads`` threads,
    smaller ones on one (:mod:`topodim._parallel`). With ``adaptive`` (default
    :data:`topodim._parallel.ADAPTIVE`) the steps above the threshold run in timed batches, each
    on all threads or on one, whichever has measured faster.
    """
    n, d = X.shape
    if (n - 1) * d < parallel_work:
        # every step is below the threshold: the serial kernel, so that a small first call does
        # not compile the parallel one (the same tree, bit for bit)
        return prim_serial(X, metric)
    P, ids, best, parent = _prim_init(X)
    out_u = np.empty(n - 1, dtype=np.int64)
    out_v = np.empty(n - 1, dtype=np.int64)
    out_w = np.empty(n - 1, dtype=X.dtype)
    m = n - 1
    if not is_adaptive(adaptive) or n_threads <= 1 or m * d < parallel_work:
        _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, m, metric, n_threads, parallel_work)
        return out_u, out_v, out_w
    batch = max(16, (n - 1) // PRIM_BATCHES)
    probe = max(4, batch // 8)
    chooser = ParallelOrSerial()
    # the first parallel region starts the thread pool: do it outside the measurements
    m = _prim_steps(P, ids, best, parent, out_u, out_v, out_w, m, 1, metric, n_threads, parallel_work)
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


# ==========================================================================================
# Prim on dense / condensed matrices (forests when +inf entries disconnect the graph)
# ==========================================================================================


@njit
def prim_matrix(D, v, n, dense):
    """Prim on a dense (``dense=True``, D) or condensed (v) matrix; +inf means no edge.

    Returns (u, v, length) of the forest's edges in the order they are added; when the tree
    cannot grow, a new component starts at the smallest remaining vertex.
    """
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
