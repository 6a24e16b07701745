"""The MST engines of the PH-dimension (hom_dim = 0), the choice between them, and the Rips path
(hom_dim >= 1): E_alpha and the finite-bar count of every subsample of a set of draws.

``method=`` of :func:`topodim.ph_dimension`:

``"incremental"``
    The points of an ordering are inserted one at a time (:mod:`topodim._mst.incremental`): one
    computation gives the trees of every prefix, i.e. every subsample of a nested repeat, for
    about the cost of one MST of the largest. O(n·d) memory; points, dense and condensed
    distance matrices. Orderings run in parallel; a single ordering parallelises its distance
    blocks (:data:`THREADED_CHAIN_MIN_POINTS`).
``"prim"``
    For points, :func:`topodim.mst.prim_serial` on a private gathered copy of every subsample;
    for matrices, a dense Prim with lookups; in parallel across subsamples.
``"boruvka"``
    The KD-tree Borůvka engine of :mod:`topodim.mst` per subsample (points in low dimension,
    box metrics; O(n log n) per subsample, worth it from tens of thousands of points).
``"auto"``
    "boruvka" for points with a box metric in at most 8 dimensions and a largest subsample of at
    least :data:`BORUVKA_AUTO_MIN_POINTS`; otherwise whichever of "incremental" and "prim" the
    cost model (:data:`PRIM_PAIR_NS`, :data:`INCREMENTAL_VISIT_NS`) says is cheaper for these
    subsamples. The incremental engine pays a tree update per (new, earlier) vertex pair but
    computes each distance once per ordering; Prim pays per pair of every subsample but
    streams: with the default schedule, Prim below about 17 dimensions and for distance
    matrices, the incremental engine above.

All engines give the same E values for the same subsamples (up to the order of a floating-point
sum), on any number of threads.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import prange

from .._config import njit_inner, njit_parallel
from .._mst.incremental import (
    bar_power,
    chain_matrix_batch,
    chain_points_batch,
    chain_points_threaded,
    gather,
)
from .._validate import DistanceInput, check_memory
from ..metrics import BOX_METRICS, condensed_index, metric_code, prepare_points
from .._mst.prim import prim_serial
from ..mst import minimum_spanning_tree
from ..rips import ripser
from ._schedule import Draws

#: ``method="auto"`` picks KD-tree Borůvka for low-dimensional points from this largest size on.
BORUVKA_AUTO_MIN_POINTS = 50000

#: Cost model of ``method="auto"`` in nanoseconds: Prim per pair of a subsample, and the incremental
#: engine per (new vertex, earlier vertex) visit, for points in d dimensions (a + b·d) and for
#: distance matrices (lookups). Single-thread timings of both engines on the same subsamples,
#: fitted as a + b·d; only the ratio of the two engines matters (the asv case
#: bench/benchmarks/bench_dimension.py:PHDimEngines times them side by side).
PRIM_PAIR_NS = (1.5, 0.205)
INCREMENTAL_VISIT_NS = (17.0, 0.125)
MATRIX_PRIM_PAIR_NS = 6.0
MATRIX_INCREMENTAL_VISIT_NS = 25.0

#: One ordering runs on several threads (:func:`topodim._mst.incremental.chain_points_threaded`:
#: its next distance block beside its tree updates, a parallel region per block) only when there
#: are fewer orderings than threads, it has at least this many points, and its distances cost at
#: least as much as its tree updates (b·d >= a in :data:`INCREMENTAL_VISIT_NS`: the other threads
#: can only take the distances off the thread that updates the tree, so below that the best case
#: saves less than half). Otherwise every ordering runs on one thread, all of them in parallel.
#: Below this size an ordering is a few milliseconds of work, of the order of its barriers.
THREADED_CHAIN_MIN_POINTS = 1000


def _threaded_chains(n_chains: int, n_threads: int, nmax: int, d: int) -> bool:
    """Whether each ordering runs on all threads (else one ordering per thread); see
    :data:`THREADED_CHAIN_MIN_POINTS`."""
    return (n_chains < n_threads and nmax >= THREADED_CHAIN_MIN_POINTS
            and INCREMENTAL_VISIT_NS[1] * d >= INCREMENTAL_VISIT_NS[0])


def _chunk_rows(n: int, d: int) -> int:
    """New points per distance block: at most d (the blocks stay O(n·d)), at most 32768 / d (the
    block's rows stay in L2: 256 KB in float64), at least 16 (kernel-call overhead)."""
    d = max(d, 1)
    return int(max(16, min(256, d, 32768 // d, 4_194_304 // max(n, 1))))


def _pairs(lengths) -> float:
    lengths = np.asarray(lengths, dtype=np.float64)
    return float(np.sum(lengths * (lengths - 1) / 2))


def choose_method(inp: DistanceInput, method: str, draws: Draws) -> str:
    methods = ("auto", "incremental", "prim", "boruvka")
    if method not in methods:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(methods)}")
    nmax = int(draws.reports.max())
    # work of each engine: the incremental one pays once per ordering, the others per subsample
    chain_pairs = _pairs(np.diff(draws.offs))
    sub_pairs = _pairs(draws.reports)
    if inp.kind == "points":
        code = metric_code(inp.metric)
        d = inp.points.shape[1]
        if method == "auto":
            if code in BOX_METRICS and d <= 8 and nmax >= BORUVKA_AUTO_MIN_POINTS:
                return "boruvka"
            prim = sub_pairs * (PRIM_PAIR_NS[0] + PRIM_PAIR_NS[1] * d)
            inc = chain_pairs * (INCREMENTAL_VISIT_NS[0] + INCREMENTAL_VISIT_NS[1] * d)
            return "prim" if prim < inc else "incremental"
        if method == "boruvka" and code not in BOX_METRICS:
            raise ValueError(f"method='boruvka' needs a box metric (euclidean, sqeuclidean, manhattan, chebyshev), not {inp.metric!r}")
        return method
    if method == "boruvka":
        raise ValueError("method='boruvka' needs a point cloud; distance matrices use 'prim', 'incremental' or 'auto'")
    if method == "auto":
        return "prim" if sub_pairs * MATRIX_PRIM_PAIR_NS < chain_pairs * MATRIX_INCREMENTAL_VISIT_NS else "incremental"
    return method


# --- per-subsample Prim ------------------------------------------------------------------------


@njit_parallel
def _prim_subsamples(Xp, ids, offs, metric, alpha, out, counts):
    """E_alpha of the MST of every subsample (prim_serial on a private copy), in parallel."""
    for s in prange(offs.shape[0] - 1):
        W = gather(Xp, ids[offs[s]:offs[s + 1]])
        u, v, w = prim_serial(W, metric)
        t = 0.0
        k = 0
        for e in range(w.shape[0]):
            t += bar_power(w[e], metric, alpha)
            if w[e] != np.inf:
                k += 1
        out[s] = t
        counts[s] = k


@njit_inner
def _prim_lookup(D, C, N, dense, ids, alpha):
    """E_alpha and the finite-edge count of the MST of the subsample ``ids`` of a dense (D) or
    condensed (C) matrix of N points: dense Prim with lookups, remaining vertices kept contiguous.
    +inf entries are absent edges: the tree becomes a forest and only finite edges count."""
    n = ids.shape[0]
    rem = ids.copy()
    best = np.full(n, np.inf)
    m = n - 1
    cur = rem[m]  # the last id enters the tree first
    total = 0.0
    count = 0
    while m > 0:
        bval = np.inf
        bpos = 0
        for p in range(m):
            if dense:
                r = D[cur, rem[p]]
            else:
                r = C[condensed_index(cur, rem[p], N)]
            if r < best[p]:
                best[p] = r
            if best[p] < bval:
                bval = best[p]
                bpos = p
        if bval != np.inf:
            total += bar_power(bval, -1, alpha)
            count += 1
        m -= 1
        cur = rem[bpos]
        rem[bpos] = rem[m]
        best[bpos] = best[m]
    return total, count


@njit_parallel
def _prim_subsamples_matrix(D, C, N, dense, ids, offs, alpha, out, counts):
    for s in prange(offs.shape[0] - 1):  # each subsample writes its own slots
        t, k = _prim_lookup(D, C, N, dense, ids[offs[s]:offs[s + 1]], alpha)
        out[s] = t
        counts[s] = k


# --- running the engines --------------------------------------------------------------------


def run_h0(inp: DistanceInput, draws: Draws, alpha: float, method: str, n_threads: int):
    """E_alpha and finite-bar counts for every report of every chain (hom_dim = 0)."""
    n_rep = len(draws.reports)
    out = np.zeros(n_rep, dtype=np.float64)
    counts = np.zeros(n_rep, dtype=np.int64)
    n_chains = len(draws.offs) - 1
    if inp.kind == "points":
        code = metric_code(inp.metric)
        Xp = np.ascontiguousarray(prepare_points(inp.points, inp.metric))
        d = Xp.shape[1]
        if method == "incremental":
            nmax = int(np.max(np.diff(draws.offs)))
            chunk = _chunk_rows(nmax, d)
            per_chain = nmax * (2 * d + chunk + 12) * Xp.itemsize
            check_memory(min(n_chains, n_threads) * per_chain, f"{min(n_chains, n_threads)} MST computations of {nmax} points",
                         "use fewer threads (n_threads=...) or smaller sample sizes")
            if _threaded_chains(n_chains, n_threads, nmax, d):
                for c in range(n_chains):
                    ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
                    rep = draws.reports[draws.roffs[c]:draws.roffs[c + 1]]
                    o = out[draws.roffs[c]:draws.roffs[c + 1]]
                    k = counts[draws.roffs[c]:draws.roffs[c + 1]]
                    chain_points_threaded(Xp, ids, code, rep, alpha, o, k, chunk)
            else:
                with numba.parallel_chunksize(1):
                    chain_points_batch(Xp, draws.ids, draws.offs, code, draws.reports, draws.roffs, alpha, out,
                                       counts, chunk)
            return out, counts
        # per-subsample engines: every report is its own subsample
        if method == "prim":
            flat, offs, order = _expand_subsamples(draws)
            o = np.zeros(len(order))
            k = np.zeros(len(order), dtype=np.int64)
            with numba.parallel_chunksize(1):  # subsamples of unequal sizes: dynamic scheduling
                _prim_subsamples(Xp, flat, offs, code, alpha, o, k)
            out[order] = o
            counts[order] = k
            return out, counts
        sub_ids = []
        for c in range(n_chains):
            ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
            for n in draws.reports[draws.roffs[c]:draws.roffs[c + 1]]:
                sub_ids.append(ids[:n])
        # boruvka, one subsample at a time (the engine is parallel inside)
        for i, ids in enumerate(sub_ids):
            sub = DistanceInput(kind="points", n=len(ids), dtype=inp.dtype, points=np.ascontiguousarray(inp.points[ids]),
                                metric=inp.metric)
            tree = minimum_spanning_tree(sub, method="boruvka", n_threads=n_threads)
            w = tree.lengths.astype(np.float64)
            w = w[np.isfinite(w)]
            out[i] = float(np.sum(w ** alpha)) if alpha != 1.0 else float(np.sum(w))
            counts[i] = len(w)
        return out, counts
    dense = inp.kind == "dense"
    D = inp.dense if dense else np.zeros((1, 1), dtype=inp.dtype)
    C = inp.condensed if not dense else np.zeros(1, dtype=inp.dtype)
    if method == "incremental":
        with numba.parallel_chunksize(1):
            chain_matrix_batch(D, C, inp.n, dense, draws.ids, draws.offs, draws.reports, draws.roffs, alpha, out,
                               counts)
        return out, counts
    flat, offs, order = _expand_subsamples(draws)
    o = np.zeros(len(order))
    k = np.zeros(len(order), dtype=np.int64)
    with numba.parallel_chunksize(1):
        _prim_subsamples_matrix(D, C, inp.n, dense, flat, offs, alpha, o, k)
    out[order] = o
    counts[order] = k
    return out, counts


def _expand_subsamples(draws: Draws):
    """Every report as its own subsample, largest first (load balance): (ids, offsets, report index)."""
    sub_ids, sizes = [], []
    for c in range(len(draws.offs) - 1):
        ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
        for n in draws.reports[draws.roffs[c]:draws.roffs[c + 1]]:
            sub_ids.append(ids[:n])
            sizes.append(int(n))
    sizes = np.asarray(sizes, dtype=np.int64)
    order = np.argsort(-sizes, kind="stable")
    flat = np.ascontiguousarray(np.concatenate([sub_ids[i] for i in order]), dtype=np.int64)
    offs = np.concatenate([[0], np.cumsum(sizes[order])]).astype(np.int64)
    return flat, offs, order


def _subsample_input(inp: DistanceInput, ids: np.ndarray):
    """(X, distance_matrix) of a subsample, for the Rips engine."""
    if inp.kind == "points":
        return np.ascontiguousarray(inp.points[ids]), False
    if inp.kind == "dense":
        return np.ascontiguousarray(inp.dense[np.ix_(ids, ids)]), True
    n = len(ids)
    a = np.minimum(ids[:, None], ids[None, :])
    b = np.maximum(ids[:, None], ids[None, :])
    N = inp.n
    idx = N * a - (a * (a + 1)) // 2 + b - a - 1
    D = inp.condensed[np.where(a == b, 0, idx)]
    D[np.arange(n), np.arange(n)] = 0
    return np.ascontiguousarray(D), True


def run_rips(inp: DistanceInput, draws: Draws, alpha: float, hom_dim: int, n_threads: int,
              device: str = "cpu"):
    """(E_alpha, finite-bar count) of every report for hom_dim >= 1: the Rips diagrams of each
    subsample by :func:`topodim.rips.ripser` (on the GPU with ``device="cuda"``)."""
    n_rep = len(draws.reports)
    out = np.zeros(n_rep, dtype=np.float64)
    counts = np.zeros(n_rep, dtype=np.int64)
    metric = inp.metric if inp.kind == "points" else "precomputed"
    for c in range(len(draws.offs) - 1):
        ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
        for j in range(draws.roffs[c], draws.roffs[c + 1]):
            Xs, is_dm = _subsample_input(inp, ids[: int(draws.reports[j])])
            kwargs = {"maxdim": hom_dim, "distance_matrix": is_dm, "n_threads": n_threads, "dtype": inp.dtype,
                      "keep_distances": False, "device": device}
            if not is_dm:
                kwargs["metric"] = metric
            dgm = np.asarray(ripser(Xs, **kwargs)["dgms"][hom_dim], dtype=np.float64)
            fin = dgm[np.isfinite(dgm[:, 1])] if len(dgm) else dgm.reshape(0, 2)
            life = fin[:, 1] - fin[:, 0]
            out[j] = float(np.sum(life ** alpha))
            counts[j] = len(life)
    return out, counts
