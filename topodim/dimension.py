"""Dimension estimators: the persistent-homology dimension (PH-dim), TwoNN and MLE.

PH-dimension
------------
For a finite metric space X_n of n points and alpha > 0, ``E^i_alpha(X_n)`` is the sum of
``(death - birth) ** alpha`` over the *finite* bars of the degree-i Vietoris–Rips barcode
(filtration values are edge lengths, i.e. diameters, as in ripser.py; using radii would multiply
E by 2**-alpha and leave the slope unchanged). If the points are i.i.d. from a d-Ahlfors-regular
measure and 0 < alpha < d, ``log E^0_alpha(X_n) ~ ((d - alpha) / d) log n`` (Schweinhart 2020), so
with m the least-squares slope of log E against log n over a schedule of sample sizes

    dim = alpha / (1 - m).

For i = 0 the finite bars are the n - 1 edges of a minimum spanning tree (MST), which topodim
computes without an n x n matrix; for i >= 1 the bars come from :func:`topodim.rips.ripser`.

Sampling designs (``sampling=``)
    ``"nested"`` (default): each repeat draws one random ordering of the points (a uniform random
    subset of the largest size, in random order) per subsample slot and uses its *prefixes* as the
    subsamples of the schedule. Every subsample is still a uniform random subset of its size (the
    same marginal law as independent draws, hence the same expected E per size), and all the MSTs
    of one ordering come out of one incremental computation costing about one MST of the largest
    subsample. The sizes share points, so the errors of one repeat are correlated along the sizes
    and its slope is about as noisy as with independent draws (measured: docs/estimators.md), not
    less; the saving pays for the 5 default repeats.
    ``"independent"``: a fresh random subset for every size, repeat and subsample (the published
    implementations' design).

MST engines (``method=``)
    ``"incremental"``: the points of an ordering are inserted one at a time; the MST of the first
    v + 1 points is the MST of (the MST of the first v points) plus the v edges of the new point
    (the cycle property discards every other old edge), computed by a linear-time dynamic
    programme over the tree (the classical vertex-insertion update of a minimum spanning tree). Distances of a block of new points to all earlier points
    are computed together in the panel layout of :mod:`topodim.metrics` (bit-identical to
    :func:`topodim.metrics.reduced_distance`). O(n·d) memory; works on points, dense and
    condensed distance matrices. Orderings run in parallel; a single ordering parallelises its
    distance blocks.
    ``"prim"``: for points, :func:`topodim.mst.prim_serial` on a private gathered copy of every
    subsample; for matrices, a dense Prim with lookups; in parallel across subsamples.
    ``"boruvka"``: the KD-tree Borůvka engine of :mod:`topodim.mst` per subsample (points in low
    dimension, box metrics; O(n log n) per subsample, worth it from tens of thousands of points).
    ``"auto"``: "boruvka" for points with a box metric in at most 8 dimensions and a largest
    subsample of at least :data:`BORUVKA_AUTO_MIN_POINTS`; otherwise whichever of "incremental"
    and "prim" a cost model (:data:`PRIM_PAIR_NS`, :data:`INCREMENTAL_VISIT_NS`) says is cheaper
    for these subsamples. The incremental engine pays a tree update of about 17 ns per (new,
    earlier) vertex pair but computes each distance once per ordering; Prim pays per pair of
    every subsample but streams: with the default schedule, Prim below about 17 dimensions and
    for distance matrices, the incremental engine above (4x less CPU than Prim in R^200).

All engines give the same E values for the same subsamples (up to the order of a floating-point
sum). Randomness comes only from ``random_state``; all subsamples are drawn before any parallel
work, so results do not depend on the thread count.

TwoNN and MLE
-------------
:class:`TwoNN` (Facco et al., Sci. Rep. 2017) fits ``-log(1 - F(mu)) = d log mu`` through the
origin, mu = r2 / r1 the ratio of the distances to the second and first nearest neighbours, on the
smallest ``fraction`` (0.9) of the sorted mu, discarding points with r1 = 0 or r1 = r2, as in
Ansuini et al. (NeurIPS 2019). :class:`MLE` is the Levina–Bickel estimator with MacKay &
Ghahramani's averaging (the inverse of the mean of the inverse local estimates) for each k in
[k1, k2], then averaged over k. Nearest-neighbour distances are computed by the panel kernels of
:mod:`topodim.metrics` without an n x n matrix.
"""

from __future__ import annotations

import inspect
import math
import numbers
import time
from dataclasses import dataclass, field

import numba
import numpy as np
from numba import prange

from ._config import ParallelOrSerial, njit, njit_parallel, resolve_n_threads, thread_limit
from ._validate import DistanceInput, as_distance_input, check_memory, warn
from .metrics import (
    BOX_METRICS,
    EUCLIDEAN,
    PANEL,
    SQEUCLIDEAN,
    condensed_index,
    finish_distance,
    metric_code,
    panel_reduced_distances,
    prepare_points,
    scaled_points_input,
    to_panels,
    unscale,
)
from .mst import minimum_spanning_tree, prim_serial

__all__ = [
    "MLE",
    "NotFittedError",
    "PHDim",
    "PHDimResult",
    "PHDimWarning",
    "SCHEDULES",
    "Schedule",
    "TwoNN",
    "knn_distances",
    "ph_dimension",
    "resolve_schedule",
]


class PHDimWarning(UserWarning):
    """The PH-dimension estimate is unreliable (alpha >= d regime, poor fit, dropped sizes)."""


#: Schedule names understood by :func:`resolve_schedule`.
SCHEDULES = ("geometric", "magai", "birdal", "gptid")
#: Default number of repeats of the whole schedule.
DEFAULT_REPEATS = 5
#: Sizes of the "geometric" schedule.
GEOMETRIC_SIZES = 16
#: Smallest subsample of the "geometric" schedule, as a fraction of its largest.
GEOMETRIC_LOW = 0.1
#: Largest subsample of the "geometric" schedule (the cost of one repeat grows as its square).
GEOMETRIC_MAX = 10000
#: ``method="auto"`` picks KD-tree Borůvka for low-dimensional points from this largest size on.
BORUVKA_AUTO_MIN_POINTS = 50000
#: Low-R² warning threshold.
R2_WARNING = 0.9
#: The estimate is "close to alpha" (the alpha >= d failure regime) below this multiple of alpha.
ALPHA_WARNING_RATIO = 1.1

_POINTS, _DENSE, _CONDENSED = 0, 1, 2


# ==========================================================================================
# schedules
# ==========================================================================================


@dataclass(frozen=True)
class Schedule:
    """Sample sizes and how many subsamples of each size one repeat draws.

    Attributes
    ----------
    name : str
        The schedule's name, or "explicit" for a user's list.
    sizes : ndarray of int64
        Strictly increasing sample sizes, each at least 2 and at most the number of points.
    n_subsamples : int
        Subsamples per size and repeat; their E values are combined by ``aggregate``.
    aggregate : {"mean", "median"}
        How the subsamples of one size and repeat are combined (before taking logs).
    """

    name: str
    sizes: np.ndarray
    n_subsamples: int
    aggregate: str


def _check_sizes(sizes, n_points: int, name: str) -> np.ndarray:
    arr = np.asarray(sizes)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"schedule must be a schedule name ({', '.join(SCHEDULES)}) or a 1-D list of sample sizes, got {sizes!r}")
    if not (np.issubdtype(arr.dtype, np.integer) or (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)))):
        raise TypeError(f"sample sizes must be integers, got {arr!r}")
    arr = arr.astype(np.int64)
    if arr.size < 2:
        raise ValueError(f"a schedule needs at least 2 sample sizes to fit a slope, got {arr.tolist()}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"sample sizes must be strictly increasing, got {arr.tolist()}")
    if arr[0] < 2:
        raise ValueError(f"sample sizes must be at least 2 (one MST edge), got {int(arr[0])}")
    if arr[-1] > n_points:
        raise ValueError(
            f"schedule {name!r} needs subsamples of up to {int(arr[-1])} points but X has {n_points}; "
            "pass more points, smaller sizes (schedule=[...]) or schedule='geometric' (adapts to the data)"
        )
    return arr


def resolve_schedule(schedule, n_points: int, n_subsamples=None, aggregate=None) -> Schedule:
    """The sample sizes a schedule gives for ``n_points`` points.

    Parameters
    ----------
    schedule : str or sequence of int
        ``"geometric"`` (topodim's default): 16 sizes spaced geometrically from
        ``ceil(0.1 * M)`` (at least 3) to M = min(N, 10000), rounded and deduplicated. (One repeat
        costs about one MST of M points; pass explicit sizes to go beyond 10,000.)
        ``"magai"``: 500, 850, ..., every size below N in steps of 350 (Magai & Ayzenberg's code;
        one subsample per size).
        ``"birdal"``: 200, 250, ..., 950 (``range(200, 1000, 50)``, Birdal et al. and Dupuis et
        al.); needs N >= 950.
        ``"gptid"``: 50, 90, ..., 490 (GPTID's ``range(50, 512, 40)``, sizes above N dropped),
        7 subsamples per size combined by their median. (GPTID itself draws only 3 when
        n >= N / 2 to save time; topodim draws 7 at every size.)
        A sequence: explicit, strictly increasing sizes between 2 and N.
    n_points : int
        N, the number of points.
    n_subsamples : int, optional
        Override the schedule's subsamples per size (default: 7 for "gptid", else 1).
    aggregate : {"mean", "median"}, optional
        Override how subsamples of one size are combined (default: "median" for "gptid", else
        "mean").
    """
    n = int(n_points)
    default_sub, default_agg = 1, "mean"
    if isinstance(schedule, str):
        name = schedule.strip().lower()
        if name == "geometric":
            if n < 4:
                raise ValueError(f"the 'geometric' schedule needs at least 4 points, X has {n}")
            hi = min(n, GEOMETRIC_MAX)
            lo = max(3, int(math.ceil(GEOMETRIC_LOW * hi)))
            sizes = np.unique(np.round(np.geomspace(min(lo, hi - 1), hi, GEOMETRIC_SIZES)).astype(np.int64))
        elif name == "magai":
            sizes = np.arange(500, n, 350, dtype=np.int64)
            if sizes.size < 2:
                raise ValueError(
                    f"schedule 'magai' (500, 850, ... below N) needs more than 850 points, X has {n}; "
                    "use schedule='geometric' or an explicit list of sizes"
                )
        elif name == "birdal":
            sizes = np.arange(200, 1000, 50, dtype=np.int64)
            if n < 950:
                raise ValueError(
                    f"schedule 'birdal' (200, 250, ..., 950) needs at least 950 points, X has {n}; "
                    "use schedule='geometric' or an explicit list of sizes"
                )
        elif name == "gptid":
            sizes = np.arange(50, 512, 40, dtype=np.int64)
            sizes = sizes[sizes <= n]
            default_sub, default_agg = 7, "median"
            if sizes.size < 2:
                raise ValueError(f"schedule 'gptid' (50, 90, ..., 490) needs at least 90 points, X has {n}")
        else:
            raise ValueError(f"unknown schedule {schedule!r}; use one of {', '.join(SCHEDULES)} or a list of sizes")
    else:
        name = "explicit"
        sizes = schedule
    sizes = _check_sizes(sizes, n, name)
    if n_subsamples is None:
        n_subsamples = default_sub
    if isinstance(n_subsamples, bool) or not isinstance(n_subsamples, numbers.Integral) or n_subsamples < 1:
        raise ValueError(f"n_subsamples must be a positive integer, got {n_subsamples!r}")
    if aggregate is None:
        aggregate = default_agg
    if aggregate not in ("mean", "median"):
        raise ValueError(f"aggregate must be 'mean' or 'median', got {aggregate!r}")
    return Schedule(name, sizes, int(n_subsamples), aggregate)


# ==========================================================================================
# kernels: incremental MST (one vertex at a time)
# ==========================================================================================
#
# State of the tree on vertices 0..v-1 of an ordering (capacity n):
#   parent[x], x >= 1    its parent (the tree is rooted at vertex 0)
#   wt[x], x < n         weight (reduced distance) of the tree edge (parent[x], x)
#   wt[n + u]            weight of the star edge (u, v) of the vertex v being inserted
#   order[0..v-1]        the vertices, every parent before its children
# Edge ids: tree edge of x -> x (1 <= x < n); star edge of u -> n + u.


@njit
def _chain_state(n, dtype_like):
    parent = np.zeros(n, dtype=np.int64)
    wt = np.zeros(2 * n, dtype=dtype_like.dtype)
    order = np.zeros(n, dtype=np.int64)
    M = np.zeros(n, dtype=np.int64)
    flags = np.zeros(4 * n, dtype=np.bool_)  # dead edge ids [0, 2n), moved [2n, 3n), on a path [3n, 4n)
    work = np.zeros(3 * n, dtype=np.int64)  # new order [0, n), path vertices [n, 2n), cut edges [2n, 3n)
    return parent, wt, order, M, flags, work


@njit
def _insert_vertex(v, parent, wt, order, M, flags, work):
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


@njit
def _bar_power(r, metric, alpha):
    """(finished length) ** alpha in float64; 0 for infinite lengths (essential bars)."""
    w = np.float64(finish_distance(r, metric))
    if w == np.inf:
        return 0.0
    if alpha == 1.0:
        return w
    return w ** alpha


@njit
def _tree_energy(wt, v, metric, alpha):
    """E_alpha of the tree on vertices 0..v (edges of vertices 1..v)."""
    s = 0.0
    for x in range(1, v + 1):
        s += _bar_power(wt[x], metric, alpha)
    return s


@njit
def _finite_count(wt, v):
    k = 0
    for x in range(1, v + 1):
        if wt[x] != np.inf:
            k += 1
    return k


# --- distance blocks in the panel layout ----------------------------------------------------


@njit
def _panel4_sq(P, b, w, X, i0, acc):
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


@njit
def _block_rows(X, P, b, s, e, metric, tile, acc):
    """tile[i - s, j] = reduced distance (i, j) for rows s <= i < e and the j < i of panel b."""
    lo = b * PANEL
    i = max(s, lo + 1)
    if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
        while i + 4 <= e:
            _panel4_sq(P, b, min(PANEL, i + 3 - lo), X, i, acc)
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
def _tile_serial(X, P, s, e, metric, tile, acc):
    for b in range((e - 2) // PANEL + 1):
        _block_rows(X, P, b, s, e, metric, tile, acc)


@njit
def _gather(Xp, ids):
    W = np.empty((ids.shape[0], Xp.shape[1]), dtype=Xp.dtype)
    for i in range(ids.shape[0]):
        for k in range(Xp.shape[1]):
            W[i, k] = Xp[ids[i], k]
    return W


@njit
def _insert_block(s, e, tile, parent, wt, order, M, flags, work, metric, reports, r, alpha,
                  out, counts):
    """Insert vertices s..e-1 (distances in tile rows); record E at the report sizes."""
    cap = parent.shape[0]
    for v in range(s, e):
        row = tile[v - s]
        for u in range(v):
            wt[cap + u] = row[u]
            M[u] = cap + u
        _insert_vertex(v, parent, wt, order, M, flags, work)
        if r < reports.shape[0] and v + 1 == reports[r]:
            out[r] = _tree_energy(wt, v, metric, alpha)
            counts[r] = _finite_count(wt, v)
            r += 1
    return r


@njit
def _chain_points(Xp, ids, metric, reports, alpha, out, counts, chunk):
    """MST energies of the prefixes ``reports`` of the ordering ``ids`` of points Xp (serial)."""
    n = ids.shape[0]
    W = _gather(Xp, ids)
    P = to_panels(W)
    parent, wt, order, M, flags, work = _chain_state(n, W[:0, 0])
    tile = np.empty((chunk, n), dtype=W.dtype)
    acc = np.empty((4, PANEL), dtype=W.dtype)
    r = 0
    s = 1
    while s < n:
        e = min(n, s + chunk)
        _tile_serial(W, P, s, e, metric, tile, acc)
        r = _insert_block(s, e, tile, parent, wt, order, M, flags, work, metric, reports, r,
                          alpha, out, counts)
        s = e


@njit
def _chain_matrix(D, C, N, dense, ids, reports, alpha, out, counts):
    """As :func:`_chain_points` for a dense (D) or condensed (C) distance matrix of N points."""
    n = ids.shape[0]
    parent, wt, order, M, flags, work = _chain_state(n, D[:0, 0] if dense else C[:0])
    cap = n
    r = 0
    for v in range(1, n):
        a = ids[v]
        for u in range(v):
            if dense:
                wt[cap + u] = D[a, ids[u]]
            else:
                wt[cap + u] = C[condensed_index(a, ids[u], N)]
            M[u] = cap + u
        _insert_vertex(v, parent, wt, order, M, flags, work)
        if r < reports.shape[0] and v + 1 == reports[r]:
            out[r] = _tree_energy(wt, v, -1, alpha)
            counts[r] = _finite_count(wt, v)
            r += 1


@njit_parallel
def _chains_points(Xp, ids, offs, metric, reports, roffs, alpha, out, counts, chunk):
    for c in prange(offs.shape[0] - 1):  # each chain writes its own slots of out / counts
        _chain_points(Xp, ids[offs[c]:offs[c + 1]], metric, reports[roffs[c]:roffs[c + 1]], alpha,
                      out[roffs[c]:roffs[c + 1]], counts[roffs[c]:roffs[c + 1]], chunk)


@njit_parallel
def _chains_matrix(D, C, N, dense, ids, offs, reports, roffs, alpha, out, counts):
    for c in prange(offs.shape[0] - 1):
        _chain_matrix(D, C, N, dense, ids[offs[c]:offs[c + 1]], reports[roffs[c]:roffs[c + 1]], alpha,
                      out[roffs[c]:roffs[c + 1]], counts[roffs[c]:roffs[c + 1]])


@njit_parallel
def _prim_subsamples(Xp, ids, offs, metric, alpha, out, counts):
    """E_alpha of the MST of every subsample (prim_serial on a private copy), in parallel."""
    for s in prange(offs.shape[0] - 1):
        W = _gather(Xp, ids[offs[s]:offs[s + 1]])
        u, v, w = prim_serial(W, metric)
        t = 0.0
        k = 0
        for e in range(w.shape[0]):
            t += _bar_power(w[e], metric, alpha)
            if w[e] != np.inf:
                k += 1
        out[s] = t
        counts[s] = k


@njit
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
            total += _bar_power(bval, -1, alpha)
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


@njit
def _init_chain_state(Xp, ids):
    W = _gather(Xp, ids)
    P = to_panels(W)
    return W, P


# ==========================================================================================
# drawing subsamples and running the engines
# ==========================================================================================


def _as_rng(random_state) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, bool):
        raise TypeError("random_state must be None, an int, a SeedSequence or a Generator, got a bool")
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(random_state, numbers.Integral) and random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got {random_state}")
        return np.random.default_rng(random_state)
    raise TypeError(
        f"random_state must be None, an int, a numpy SeedSequence or Generator, got {type(random_state).__name__}"
    )


@dataclass
class _Draws:
    """Orderings (chains) with the sizes at which each reports, and where each report goes."""

    ids: np.ndarray       # concatenated point indices of all chains
    offs: np.ndarray      # chain c is ids[offs[c]:offs[c+1]]
    reports: np.ndarray   # concatenated report sizes
    roffs: np.ndarray     # chain c reports reports[roffs[c]:roffs[c+1]]
    slots: np.ndarray     # (n_reports, 3): (size index, repeat, subsample) of each report


def _draw(rng, N, sched: Schedule, n_repeats: int, sampling: str) -> _Draws:
    K, S = len(sched.sizes), sched.n_subsamples
    nmax = int(sched.sizes[-1])
    ids, offs, reports, roffs, slots = [], [0], [], [0], []
    if sampling == "nested":
        for r in range(n_repeats):
            for s in range(S):
                ids.append(rng.permutation(N)[:nmax])
                offs.append(offs[-1] + nmax)
                reports.append(sched.sizes)
                roffs.append(roffs[-1] + K)
                slots.extend((k, r, s) for k in range(K))
    else:
        for r in range(n_repeats):
            for k, n in enumerate(sched.sizes):
                for s in range(S):
                    ids.append(rng.choice(N, size=int(n), replace=False))
                    offs.append(offs[-1] + int(n))
                    reports.append(np.array([n]))
                    roffs.append(roffs[-1] + 1)
                    slots.append((k, r, s))
    return _Draws(
        np.ascontiguousarray(np.concatenate(ids), dtype=np.int64),
        np.asarray(offs, dtype=np.int64),
        np.ascontiguousarray(np.concatenate(reports), dtype=np.int64),
        np.asarray(roffs, dtype=np.int64),
        np.asarray(slots, dtype=np.int64).reshape(-1, 3),
    )


def _chunk_rows(n: int, d: int) -> int:
    """New points per distance block: at most d (the blocks stay O(n·d)), at most 32768 / d (the
    block's rows stay in L2: 256 KB in float64), at least 16 (kernel-call overhead)."""
    d = max(d, 1)
    return int(max(16, min(256, d, 32768 // d, 4_194_304 // max(n, 1))))


class _ParallelChunks:
    """Dynamic scheduling (chunks of one iteration) for pranges over unequal chains."""

    def __enter__(self):
        self.prev = numba.get_parallel_chunksize()
        numba.set_parallel_chunksize(1)

    def __exit__(self, *exc):
        numba.set_parallel_chunksize(self.prev)


#: Cost model of ``method="auto"`` (nanoseconds, measured on a 2-core AMD EPYC): Prim per pair of
#: a subsample, and the incremental engine per (new vertex, earlier vertex) visit, for points in d
#: dimensions (a + b·d) and for distance matrices (lookups).
PRIM_PAIR_NS = (1.5, 0.205)
INCREMENTAL_VISIT_NS = (17.0, 0.125)
MATRIX_PRIM_PAIR_NS = 6.0
MATRIX_INCREMENTAL_VISIT_NS = 25.0


def _pairs(lengths) -> float:
    lengths = np.asarray(lengths, dtype=np.float64)
    return float(np.sum(lengths * (lengths - 1) / 2))


def _choose_method(inp: DistanceInput, method: str, draws: _Draws) -> str:
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


def _run_h0(inp: DistanceInput, draws: _Draws, alpha: float, method: str, n_threads: int):
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
            if n_chains >= n_threads or n_threads == 1:
                with _ParallelChunks():
                    _chains_points(Xp, draws.ids, draws.offs, code, draws.reports, draws.roffs, alpha, out,
                                   counts, chunk)
            else:
                for c in range(n_chains):
                    ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
                    rep = draws.reports[draws.roffs[c]:draws.roffs[c + 1]]
                    o = out[draws.roffs[c]:draws.roffs[c + 1]]
                    k = counts[draws.roffs[c]:draws.roffs[c + 1]]
                    _chain_points_parallel(Xp, ids, code, rep, alpha, o, k, chunk, n_threads)
            return out, counts
        # per-subsample engines: every report is its own subsample
        if method == "prim":
            flat, offs, order = _expand_subsamples(draws)
            o = np.zeros(len(order))
            k = np.zeros(len(order), dtype=np.int64)
            with _ParallelChunks():
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
        with _ParallelChunks():
            _chains_matrix(D, C, inp.n, dense, draws.ids, draws.offs, draws.reports, draws.roffs, alpha, out,
                           counts)
        return out, counts
    flat, offs, order = _expand_subsamples(draws)
    o = np.zeros(len(order))
    k = np.zeros(len(order), dtype=np.int64)
    with _ParallelChunks():
        _prim_subsamples_matrix(D, C, inp.n, dense, flat, offs, alpha, o, k)
    out[order] = o
    counts[order] = k
    return out, counts


def _expand_subsamples(draws: _Draws):
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


def _chain_points_parallel(Xp, ids, code, reports, alpha, out, counts, chunk, n_threads):
    """One ordering on several threads (same bits as the serial chain).

    Step k inserts the new points of block k (serial) while the other threads compute the
    distance block k + 1 panel by panel (one parallel region per step, dynamic scheduling).
    A parallel region per step pays a barrier; when other processes keep the cores busy a
    descheduled thread stalls it, so the steps are timed and the faster of the parallel and the
    serial step is kept, probing the other at growing intervals (as topodim.mst's Prim does).
    """
    n = len(ids)
    d = Xp.shape[1]
    W, P = _init_chain_state(Xp, ids)
    parent, wt, order, M, flags, work = _chain_state(n, W[:0, 0])
    tiles = (np.empty((chunk, n), dtype=W.dtype), np.empty((chunk, n), dtype=W.dtype))
    acc = np.empty((4, PANEL), dtype=W.dtype)
    rbox = np.zeros(1, dtype=np.int64)
    e = min(n, 1 + chunk)
    _tile_serial(W, P, 1, e, code, tiles[0], acc)
    chooser = ParallelOrSerial(enabled=n_threads > 1)
    s, cur = 1, 0
    with _ParallelChunks():
        while s < n:
            e = min(n, s + chunk)
            s2, e2 = e, min(n, e + chunk)
            mode = chooser.next_mode()
            step_work = d * (s2 + e2) * (e2 - s2) / 2 + 8.0 * (s + e) * (e - s) / 2
            t0 = time.perf_counter()
            if mode:
                _overlap_step(W, P, code, tiles[cur], tiles[1 - cur], s, e, s2, e2, parent, wt, order, M, flags,
                              work, reports, rbox, alpha, out, counts)
            else:
                _serial_step(W, P, code, tiles[cur], tiles[1 - cur], s, e, s2, e2, parent, wt, order, M, flags,
                             work, reports, rbox, alpha, out, counts, acc)
            chooser.record(mode, step_work, time.perf_counter() - t0)
            s, cur = e, 1 - cur


@njit
def _serial_step(W, P, code, tile_cur, tile_next, s, e, s2, e2, parent, wt, order, M, flags, work,
                 reports, rbox, alpha, out, counts, acc):
    """The serial twin of :func:`_overlap_step`."""
    rbox[0] = _insert_block(s, e, tile_cur, parent, wt, order, M, flags, work, code, reports, rbox[0],
                            alpha, out, counts)
    if s2 < e2:
        _tile_serial(W, P, s2, e2, code, tile_next, acc)


@njit_parallel
def _overlap_step(W, P, code, tile_cur, tile_next, s, e, s2, e2, parent, wt, order, M, flags, work,
                  reports, rbox, alpha, out, counts):
    """Task 0 inserts rows s..e-1 (tile_cur); tasks 1.. fill tile_next (rows s2..e2-1) by panel."""
    nb = (e2 - 2) // PANEL + 1 if s2 < e2 else 0
    for t in prange(nb + 1):  # task 0 writes the tree state, task b+1 its own columns of tile_next
        if t == 0:
            rbox[0] = _insert_block(s, e, tile_cur, parent, wt, order, M, flags, work, code, reports,
                                    rbox[0], alpha, out, counts)
        else:
            acc = np.empty((4, PANEL), dtype=P.dtype)
            _block_rows(W, P, t - 1, s2, e2, code, tile_next, acc)


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


def _run_rips(inp: DistanceInput, draws: _Draws, alpha: float, hom_dim: int, n_threads: int,
              device: str = "cpu"):
    """(E_alpha, finite-bar count) of every report for hom_dim >= 1: the Rips diagrams of each
    subsample by :func:`topodim.rips.ripser` (on the GPU with ``device="cuda"``)."""
    from .rips import ripser  # noqa: PLC0415

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


# ==========================================================================================
# the fit
# ==========================================================================================


def _device_values(inp, draws, alpha, hom_dim, device, n_threads):
    """(values, counts) computed by topodim.cuda for device="cuda" / "auto", or None (CPU)."""
    if isinstance(device, str) and device == "cpu":
        return None
    from ._config import cuda_module  # noqa: PLC0415  (imports numba-cuda only here)

    return cuda_module().ph_dimension_values(inp, draws, alpha, hom_dim, device, n_threads)


def _slope_to_dim(slope, alpha):
    slope = np.asarray(slope, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(slope < 1.0, alpha / (1.0 - slope), np.inf)
    return d


@dataclass(frozen=True, eq=False)
class PHDimResult:
    """The result of :func:`ph_dimension`.

    Attributes
    ----------
    dimension : float
        alpha / (1 - slope); ``inf`` when the slope is >= 1 (never NaN).
    slope, intercept, r2 : float
        Least-squares fit of log E against log n over all (size, repeat) pairs (natural logs);
        the slope equals the mean of the per-repeat slopes. ``r2`` is the coefficient of
        determination of that pooled fit.
    sizes : ndarray of int64, shape (K,)
        Sample sizes actually used in the fit (sizes whose E was 0 in some repeat are dropped,
        with a warning).
    values : ndarray of float64, shape (K, R)
        E_alpha per size and repeat (the subsamples of one size and repeat combined by
        ``aggregate``).
    raw_values : ndarray of float64, shape (K, R, S)
        E_alpha of every subsample.
    repeat_estimates : ndarray of float64, shape (R,)
        alpha / (1 - slope) of each repeat's own fit.
    interval : (float, float)
        ``confidence`` interval for the dimension: percentile bootstrap over repeats (resampling
        the R repeats with replacement, ``n_bootstrap`` times, refitting); with one repeat, the
        t-interval of the regression slope mapped through alpha / (1 - m) (``interval_kind``
        says which). Bounds may be ``inf``; NaN only when no interval exists (one repeat and two
        sizes), with a warning.
    alpha, hom_dim : the estimator's parameters.
    schedule : str
        The schedule's name ("explicit" for a list).
    n_subsamples, aggregate, sampling, method : how the values were obtained.
    n_points : int
        Number of points of the input.
    warnings : tuple of str
        The warnings that were issued.
    """

    dimension: float
    slope: float
    intercept: float
    r2: float
    sizes: np.ndarray
    values: np.ndarray
    raw_values: np.ndarray
    repeat_estimates: np.ndarray
    interval: tuple
    alpha: float
    hom_dim: int
    schedule: str
    n_subsamples: int
    aggregate: str
    sampling: str
    method: str
    n_points: int
    confidence: float
    interval_kind: str
    warnings: tuple = field(default=())

    @property
    def n_repeats(self) -> int:
        return int(self.values.shape[1])

    def __repr__(self) -> str:
        lo, hi = self.interval
        return (f"PHDimResult(dimension={self.dimension:.4f}, interval=({lo:.4f}, {hi:.4f}), "
                f"slope={self.slope:.4f}, r2={self.r2:.4f}, alpha={self.alpha}, hom_dim={self.hom_dim}, "
                f"sizes={len(self.sizes)} from {int(self.sizes[0])} to {int(self.sizes[-1])}, "
                f"repeats={self.n_repeats})")


def _fit(sizes, values, alpha, rng, confidence, n_bootstrap):
    """Pooled OLS of log E on log n, per-repeat estimates and the interval."""
    x = np.log(sizes.astype(np.float64))
    Y = np.log(values)  # (K, R)
    K, R = Y.shape
    xm = x.mean()
    dx = x - xm
    sxx = float(np.sum(dx * dx))
    ym = Y.mean(axis=0)
    slopes = (dx @ (Y - ym)) / sxx  # per repeat
    slope = float(slopes.mean())
    intercept = float(Y.mean() - slope * xm)
    resid = Y - (intercept + slope * x)[:, None]
    ss_res = float(np.sum(resid * resid))
    ss_tot = float(np.sum((Y - Y.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else (1.0 if ss_res == 0 else 0.0)
    repeat_estimates = _slope_to_dim(slopes, alpha)
    q = (1.0 - confidence) / 2.0
    notes = []
    if R >= 2:
        idx = rng.integers(0, R, size=(n_bootstrap, R))
        boot = _slope_to_dim(slopes[idx].mean(axis=1), alpha)
        lo, hi = np.quantile(boot, [q, 1.0 - q], method="inverted_cdf")
        interval, kind = (float(lo), float(hi)), "bootstrap"
    elif K >= 3:
        from scipy.stats import t as student_t  # noqa: PLC0415

        se = math.sqrt(ss_res / (K - 2) / sxx)
        tq = float(student_t.ppf(1.0 - q, K - 2))
        m_lo, m_hi = slope - tq * se, slope + tq * se
        interval = (float(_slope_to_dim(m_lo, alpha)), float(_slope_to_dim(m_hi, alpha)))
        kind = "regression"
    else:
        interval, kind = (float("nan"), float("nan")), "none"
        notes.append("no confidence interval: one repeat and two sizes leave no degrees of freedom; "
                     "use n_repeats >= 2 or more sizes")
    return slope, intercept, r2, repeat_estimates, interval, kind, notes


# ==========================================================================================
# the public function
# ==========================================================================================


def _check_alpha(alpha) -> float:
    if isinstance(alpha, bool):
        raise TypeError("alpha must be a number > 0, got a bool")
    try:
        a = float(alpha)
    except (TypeError, ValueError):
        raise TypeError(f"alpha must be a number > 0, got {alpha!r}") from None
    if not math.isfinite(a) or a <= 0:
        raise ValueError(f"alpha must be a finite number > 0, got {alpha!r}")
    return a


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def ph_dimension(X, hom_dim=0, alpha=1.0, schedule="geometric", n_repeats=DEFAULT_REPEATS,
                 random_state=None, metric="euclidean", distance_matrix=False, n_threads=None, *,
                 sampling="nested", n_subsamples=None, aggregate=None, method="auto",
                 dtype=np.float64, confidence=0.95, n_bootstrap=2000, device="cpu"):
    """Persistent-homology dimension of a point cloud or a finite metric space.

    For each sample size n of the schedule, subsamples of n points are drawn and
    ``E = sum over finite bars of PH_hom_dim of (death - birth) ** alpha`` is computed (Vietoris–Rips,
    filtration values are edge lengths); m is the least-squares slope of log E against log n and
    the estimate is ``alpha / (1 - m)``.

    Parameters
    ----------
    X : array-like
        Points (n, d), or with ``distance_matrix=True`` a square or condensed distance matrix
        (+inf entries mean "no edge"; E then sums the finite bars only).
    hom_dim : int, default 0
        Homology degree. 0 uses minimum spanning trees (no n x n matrix for points); >= 1 runs
        :func:`topodim.rips.ripser` on every subsample (much costlier: keep sizes below ~1000).
    alpha : float, default 1.0
        Exponent of the bar lengths, > 0. The estimator needs alpha < d (the true dimension); with
        alpha >= d it returns about alpha (a :class:`PHDimWarning` says so).
    schedule : str or sequence of int, default "geometric"
        Sample sizes; see :func:`resolve_schedule`. "geometric" (16 sizes from M/10 to
        M = min(N, 10000)), the
        seed paper's "magai" (500, 850, ... below N), "birdal" (200..950 by 50), "gptid"
        (50..490 by 40, median of 7 subsamples per size) or an explicit increasing list.
    n_repeats : int, default 5
        Independent repeats of the whole schedule; the interval is a bootstrap over them.
    random_state : None, int, SeedSequence or Generator
        The only source of randomness (subsamples, bootstrap). Results do not depend on the
        number of threads.
    metric : str or callable, default "euclidean"
        As in :func:`topodim.mst.mst`. Native metrics are computed on the fly.
    distance_matrix : bool, default False
        Whether X holds distances.
    n_threads : int, optional
        Threads (default all of Numba's).
    sampling : {"nested", "independent"}, default "nested"
        "nested": the subsamples of one repeat are prefixes of one random ordering (see the module
        docstring); "independent": a fresh subset for every size.
    n_subsamples : int, optional
        Subsamples per size and repeat (default: the schedule's, 7 for "gptid", else 1).
    aggregate : {"mean", "median"}, optional
        How subsamples of one size are combined (default: the schedule's).
    method : {"auto", "incremental", "prim", "boruvka"}, default "auto"
        MST engine for hom_dim = 0 (see the module docstring); the result does not depend on it
        beyond floating-point rounding of the sums.
    dtype : float64 (default) or float32
        Compute dtype of the distances; E is accumulated in float64.
    confidence : float, default 0.95
        Level of ``interval``.
    n_bootstrap : int, default 2000
        Bootstrap resamples for the interval.
    device : {"cpu", "cuda", "auto"}, default "cpu"
        "cuda" (hom_dim = 0) computes the trees of all subsamples in one batched run on the GPU
        (numba-cuda), from the same subsample draws and with the same lengths bit for bit, so E
        matches the CPU's up to the order of the float64 sum (``method`` is then not used and the
        result's ``method`` is "cuda"); for hom_dim >= 1 every subsample runs
        ``ripser(..., device="cuda")`` (same diagrams; method "rips-cuda"). "auto" uses the GPU
        when one is found (else the CPU, saying so once). See :mod:`topodim.cuda`.

    Returns
    -------
    PHDimResult
        ``dimension``, ``slope``, ``intercept``, ``r2``, ``sizes``, ``values`` (K sizes x R
        repeats), ``raw_values``, ``repeat_estimates``, ``interval`` and the parameters used.

    Warns
    -----
    PHDimWarning
        When the estimate is within 10 % of alpha (or below it: the alpha >= d regime), when
        R² < 0.9, when the slope is >= 1 (dimension inf), when sizes had to be dropped because a
        subsample had no finite bars (E = 0), or when no interval can be computed.

    Raises
    ------
    ValueError
        Bad parameters, a schedule the data cannot fill (sizes above N, not increasing), or no
        two sizes with finite bars in every repeat (e.g. hom_dim=1 on data without loops).
    """
    alpha = _check_alpha(alpha)
    hom_dim = _check_int(hom_dim, "hom_dim", 0)
    n_repeats = _check_int(n_repeats, "n_repeats", 1)
    n_bootstrap = _check_int(n_bootstrap, "n_bootstrap", 1)
    if sampling not in ("nested", "independent"):
        raise ValueError(f"sampling must be 'nested' or 'independent', got {sampling!r}")
    try:
        confidence = float(confidence)
    except (TypeError, ValueError):
        raise TypeError(f"confidence must be a number in (0, 1), got {confidence!r}") from None
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    if inp.kind == "sparse":
        raise ValueError("ph_dimension does not take scipy.sparse graphs; pass a dense matrix with np.inf for "
                         "missing edges (A.toarray() after filling them) or the points")
    if inp.has_births:
        raise ValueError("ph_dimension needs vertex births of 0 (a zero diagonal); this distance matrix has a "
                         "non-zero diagonal")
    sched = resolve_schedule(schedule, inp.n, n_subsamples, aggregate)
    # an exact power-of-two scale where squared distances would overflow / underflow; every bar is
    # then 2**-e times its true length and every E_alpha 2**(-e * alpha) times its value
    inp, scale_exp = scaled_points_input(inp)
    threads = resolve_n_threads(n_threads)
    rng = _as_rng(random_state)
    draws = _draw(rng, inp.n, sched, n_repeats, sampling)
    with thread_limit(threads):
        if hom_dim == 0:
            used = _choose_method(inp, method, draws)
            gpu = _device_values(inp, draws, alpha, hom_dim, device, threads)
            if gpu is not None:
                (flat, counts), used = gpu, "cuda"
            else:
                flat, counts = _run_h0(inp, draws, alpha, used, threads)
        else:
            if method not in ("auto", "incremental", "prim", "boruvka"):
                raise ValueError(f"unknown method {method!r}")
            used = "rips"
            gpu = _device_values(inp, draws, alpha, hom_dim, device, threads)
            if gpu is not None:
                (flat, counts), used = gpu, "rips-cuda"
            else:
                flat, counts = _run_rips(inp, draws, alpha, hom_dim, threads)
    K, R, S = len(sched.sizes), n_repeats, sched.n_subsamples
    raw = np.zeros((K, R, S))
    cnt = np.zeros((K, R, S), dtype=np.int64)
    raw[draws.slots[:, 0], draws.slots[:, 1], draws.slots[:, 2]] = flat
    cnt[draws.slots[:, 0], draws.slots[:, 1], draws.slots[:, 2]] = counts
    values = np.median(raw, axis=2) if sched.aggregate == "median" else raw.mean(axis=2)
    messages = []
    good = np.all(values > 0, axis=1)
    sizes = sched.sizes
    if not good.all():
        bad = sizes[~good]
        if good.sum() < 2:
            raise ValueError(
                f"E_alpha is 0 (no finite bars of dimension {hom_dim}, or only bars of length 0) for the "
                f"subsamples of sizes {bad.tolist()}, leaving fewer than two sizes to fit; the PH{hom_dim}-"
                "dimension is undefined here (try hom_dim=0, larger sizes, or check for duplicate points)"
            )
        messages.append(f"dropped sizes {bad.tolist()}: a subsample had E_alpha = 0 (no finite bars of "
                        f"dimension {hom_dim} of positive length)")
        sizes, values, raw = sizes[good], values[good], raw[good]
    slope, intercept, r2, rep_est, interval, kind, notes = _fit(sizes, values, alpha, rng, confidence, n_bootstrap)
    if scale_exp:  # report E in the data's units (the slope does not depend on them)
        intercept += scale_exp * alpha * math.log(2.0)
        with np.errstate(over="ignore", under="ignore"):
            raw, values = raw * np.exp2(scale_exp * alpha), values * np.exp2(scale_exp * alpha)
    messages.extend(notes)
    dim = float(_slope_to_dim(slope, alpha))
    if slope >= 1.0:
        messages.append(f"the log-log slope is {slope:.3f} >= 1, so alpha / (1 - slope) is infinite: E grows at "
                        "least linearly in n, which no subsample of a bounded set should do; check the data")
    elif dim < ALPHA_WARNING_RATIO * alpha:
        messages.append(
            f"the estimate {dim:.3f} is within {100 * (ALPHA_WARNING_RATIO - 1):.0f}% of alpha={alpha:g} (or below "
            f"it): PH-dim needs alpha < d and returns about alpha when alpha >= d; rerun with a smaller alpha "
            f"(e.g. alpha={max(dim, 1e-3) / 2:.2g})"
        )
    if r2 < R2_WARNING:
        messages.append(f"poor log-log fit (R^2 = {r2:.3f} < {R2_WARNING}): log E is not linear in log n over these "
                        "sizes; the estimate is unreliable (more points, more repeats or other sizes may help)")
    for m in messages:
        warn(m, PHDimWarning)
    return PHDimResult(
        dimension=dim, slope=slope, intercept=intercept, r2=float(r2), sizes=sizes.copy(), values=values,
        raw_values=raw, repeat_estimates=rep_est, interval=interval, alpha=alpha, hom_dim=hom_dim,
        schedule=sched.name, n_subsamples=S, aggregate=sched.aggregate, sampling=sampling, method=used,
        n_points=inp.n, confidence=confidence, interval_kind=kind, warnings=tuple(messages),
    )


# ==========================================================================================
# nearest neighbours (TwoNN, MLE)
# ==========================================================================================


@njit
def _push_knn(dist, idx, k, r, j):
    """Insert (r, j) into the ascending lists dist/idx of length k if it is among the k smallest."""
    if r >= dist[k - 1]:
        return
    p = k - 1
    while p > 0 and dist[p - 1] > r:
        dist[p] = dist[p - 1]
        idx[p] = idx[p - 1]
        p -= 1
    dist[p] = r
    idx[p] = j


@njit_parallel
def _knn_points(X, P, k, metric, out_d, out_i, g0, g1):
    """Rows 4*g0 .. 4*g1 - 1 (groups of 4 rows) of the k-NN lists of the points X (panels P)."""
    n = X.shape[0]
    nb = P.shape[0]
    for g in prange(g0, g1):  # each group of 4 rows writes its own rows of out_d / out_i
        acc = np.empty((4, PANEL), dtype=P.dtype)
        i0 = 4 * np.int64(g)
        rows = min(4, n - i0)
        for r in range(rows):
            for q in range(k):
                out_d[i0 + r, q] = np.inf
                out_i[i0 + r, q] = -1
        for b in range(nb):
            lo = b * PANEL
            w = min(PANEL, n - lo)
            if rows == 4 and (metric == EUCLIDEAN or metric == SQEUCLIDEAN):
                _panel4_sq(P, b, w, X, i0, acc)
                for r in range(4):
                    for t in range(w):
                        j = lo + t
                        if j != i0 + r:
                            _push_knn(out_d[i0 + r], out_i[i0 + r], k, acc[r, t], j)
            else:
                for r in range(rows):
                    panel_reduced_distances(P, b, w, X[i0 + r], metric, acc[0])
                    for t in range(w):
                        j = lo + t
                        if j != i0 + r:
                            _push_knn(out_d[i0 + r], out_i[i0 + r], k, acc[0, t], j)
        for r in range(rows):
            for q in range(k):
                out_d[i0 + r, q] = finish_distance(out_d[i0 + r, q], metric)


@njit
def _knn_matrix_row(D, C, N, dense, k, i, dist, idx):
    for q in range(k):
        dist[q] = np.inf
        idx[q] = -1
    for j in range(N):
        if j == i:
            continue
        if dense:
            r = D[i, j]
        else:
            r = C[condensed_index(i, j, N)]
        _push_knn(dist, idx, k, r, j)


@njit_parallel
def _knn_matrix(D, C, N, dense, k, out_d, out_i, r0, r1):
    for i in prange(r0, r1):  # each row writes its own slots
        _knn_matrix_row(D, C, N, dense, k, np.int64(i), out_d[i], out_i[i])


def knn_distances(X, k, metric="euclidean", distance_matrix=False, dtype=np.float64, n_threads=None,
                  return_indices=False):
    """Distances from every point to its k nearest other points, without an n x n matrix.

    Returns an (n, k) array sorted ascending along rows (ties by index), in the compute dtype
    (and the (n, k) int64 indices with ``return_indices=True``). The point itself is excluded;
    duplicates of it are not (distance 0).
    """
    k = _check_int(k, "k", 1)
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    if inp.kind == "sparse" or inp.has_births:
        raise ValueError("knn_distances takes points or a dense / condensed distance matrix with a zero diagonal")
    if k > inp.n - 1:
        raise ValueError(f"k={k} neighbours need at least {k + 1} points, X has {inp.n}")
    out_d = np.empty((inp.n, k), dtype=inp.dtype)
    out_i = np.empty((inp.n, k), dtype=np.int64)
    n = inp.n
    e = 0
    with thread_limit(n_threads) as threads:
        if inp.kind == "points":
            inp, e = scaled_points_input(inp)
            Xp = np.ascontiguousarray(prepare_points(inp.points, inp.metric))
            P = to_panels(Xp)
            code = metric_code(inp.metric)
            # row batches run from Python, so that Ctrl-C is seen between them
            groups = (n + 3) // 4
            step = _knn_batch_rows(n, Xp.shape[1], threads) // 4
            for g0 in range(0, groups, step):
                _knn_points(Xp, P, k, code, out_d, out_i, g0, min(groups, g0 + step))
        else:
            dense = inp.kind == "dense"
            D = inp.dense if dense else np.zeros((1, 1), dtype=inp.dtype)
            C = inp.condensed if not dense else np.zeros(1, dtype=inp.dtype)
            step = _knn_batch_rows(n, 1, threads)
            for r0 in range(0, n, step):
                _knn_matrix(D, C, n, dense, k, out_d, out_i, r0, min(n, r0 + step))
    out_d = unscale(out_d, e)  # a power of two: exact
    return (out_d, out_i) if return_indices else out_d


#: Work (pairs x coordinates) of one batch of rows of :func:`knn_distances`, per thread; the
#: batches run one after another from Python so that KeyboardInterrupt is raised between them
#: (a batch takes a fraction of a second).
KNN_BATCH_WORK = 1 << 26


def _knn_batch_rows(n: int, d: int, threads: int) -> int:
    """Rows per batch: a multiple of 4 (the kernel's row groups, so results do not depend on it)."""
    rows = (KNN_BATCH_WORK * max(1, threads)) // max(1, n * max(1, d))
    return max(4, (rows // 4) * 4)


# ==========================================================================================
# scikit-learn style estimators (scikit-learn not required)
# ==========================================================================================


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit`` (a ValueError and an AttributeError, as in scikit-learn)."""


def _as_estimator_array(X, who: str, *, allow_posinf: bool = False) -> np.ndarray:
    """X as a finite float64 2-D array, with the functional API's checks and scikit-learn's wording."""
    if X is None:
        raise ValueError("X is None; pass an array of shape (n_samples, n_features)")
    try:
        import scipy.sparse as sp  # noqa: PLC0415

        if sp.issparse(X):
            raise TypeError(f"{who} does not take sparse input (a scipy.sparse matrix); pass a dense array (X.toarray())")
    except ImportError:  # pragma: no cover
        pass
    if isinstance(X, (dict, set, frozenset, str, bytes)):
        raise TypeError(f"X must be an array of shape (n_samples, n_features), got a {type(X).__name__}")
    try:
        arr = np.asarray(X)
    except ValueError as exc:  # numpy >= 1.24 refuses ragged nested sequences
        raise ValueError("X is ragged (its rows have different lengths); every row must have the same length") from exc
    if np.iscomplexobj(arr):
        raise ValueError("Complex data not supported; pass real numbers (e.g. np.abs(X) or X.real)")
    if arr.dtype.kind in "US":
        raise ValueError(f"X must be numeric, got strings (dtype {arr.dtype})")
    if arr.dtype.kind in "mM":
        raise TypeError(f"X holds dates or durations (dtype {arr.dtype}); pass numbers, e.g. "
                        "X.astype('datetime64[s]').astype(np.int64) for seconds")
    if arr.dtype == object:
        flat = arr.ravel()
        if any(v is None for v in flat):
            raise ValueError("X contains None (a missing value); remove or impute those entries")
        if any(isinstance(v, (list, tuple, np.ndarray)) for v in flat[:1000]):
            raise ValueError("X is ragged (its rows have different lengths); every row must have the same length")
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            # keep numpy's text ("float() argument must be a string or a real number, not 'dict'")
            raise TypeError(f"X must contain only numbers: {exc}") from exc
        if np.iscomplexobj(arr):  # pragma: no cover - astype(float64) refuses complex objects
            raise ValueError("Complex data not supported; pass real numbers")
    elif not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"X must be numeric, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64, order="C", copy=True)
    if arr.ndim != 2:
        hint = (". Reshape your data either using X.reshape(-1, 1) if your data has a single feature or "
                "X.reshape(1, -1) if it contains a single sample") if arr.ndim == 1 else ""
        what = "a scalar" if arr.ndim == 0 else f"{arr.ndim}D array"
        raise ValueError(f"Expected 2D array, got {what} instead (shape {arr.shape}){hint}")
    bad = np.isnan(arr) | (arr == -np.inf) if allow_posinf else ~np.isfinite(arr)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        what = "NaN" if np.isnan(arr[i, j]) else ("infinity" if arr[i, j] > 0 else "-infinity")
        fix = "remove or impute those rows" if not allow_posinf else "use np.inf (no edge) or finite distances"
        raise ValueError(f"Input X contains {what} (first at [{i}, {j}]); {fix}")
    return arr


class _DimensionEstimator:
    """get_params / set_params / repr / transform / sklearn tags without importing scikit-learn."""

    @classmethod
    def _param_names(cls):
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values() if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        valid = self._param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"invalid parameter {key!r} for estimator {type(self).__name__}; valid parameters: {', '.join(valid)}")
            setattr(self, key, value)
        return self

    def __repr__(self):
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
                    if p.name != "self"}
        changed = []
        for name in self._param_names():
            v = getattr(self, name, None)
            dv = defaults.get(name)
            same = v is dv
            if not same:
                try:
                    same = bool(v == dv)
                except Exception:  # noqa: BLE001 - arrays and odd objects
                    same = False
            if not same:
                changed.append(f"{name}={v!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags  # noqa: PLC0415 - only sklearn calls this

        return Tags(estimator_type=None, target_tags=TargetTags(required=False), input_tags=InputTags(),
                    transformer_tags=TransformerTags(), non_deterministic=False, requires_fit=True)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "dimension_")

    def fit_each(self, Xs, n_jobs=None, n_threads=None):
        """A fitted copy of this estimator for each point cloud of ``Xs`` (this one is unchanged).

        The clouds run through joblib (:func:`topodim.batch.fit_each`): one after another by
        default, ``n_jobs`` at a time, or on a Dask cluster under
        ``joblib.parallel_config(backend="dask")``; in parallel each on one thread unless
        ``n_threads`` (or the estimator's own) says otherwise. ``[e.dimension_ for e in
        est.fit_each(Xs)]`` are the dimensions.
        """
        from .batch import fit_each  # noqa: PLC0415 - joblib only for batches

        return fit_each(self, Xs, n_jobs=n_jobs, n_threads=n_threads)

    def transform(self, X=None):
        """The fitted ``dimension_`` (scikit-dimension's convention: a transform returns the estimate).

        ``X`` is optional; when given it is checked to have ``n_features_in_`` columns and
        otherwise ignored (the estimate is of the data passed to ``fit``).
        """
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit(X) before transform")
        if X is not None:
            arr = _as_estimator_array(X, type(self).__name__, allow_posinf=self._precomputed())
            if arr.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {arr.shape[1]} features, but {type(self).__name__} is expecting "
                                 f"{self.n_features_in_} features as input")
        return self.dimension_

    def fit_transform(self, X, y=None):
        """``fit(X)`` then return ``dimension_``."""
        return self.fit(X, y).dimension_

    def _precomputed(self) -> bool:
        metric = getattr(self, "metric", None)
        return isinstance(metric, str) and metric.strip().lower() == "precomputed"

    def _validate(self, X, min_samples):
        """Points (or a precomputed distance matrix) as float64 (n, d) with scikit-learn's error conventions."""
        name = type(self).__name__
        arr = _as_estimator_array(X, name, allow_posinf=self._precomputed())
        n, d = arr.shape
        if d == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
        if n < min_samples:
            raise ValueError(f"Found array with {n} sample(s) (shape={arr.shape}) while a minimum of {min_samples} "
                             f"is required by {name}" + (" (1 sample is not enough)" if n == 1 else ""))
        if self._precomputed():
            if n != d:
                raise ValueError(f"metric='precomputed' needs a square distance matrix, got shape {arr.shape}")
            diag = np.diagonal(arr)
            if np.any(diag != 0):
                i = int(np.argmax(diag != 0))
                raise ValueError(f"metric='precomputed': {name} needs a zero diagonal (X[{i}, {i}] = {diag[i]!r}); "
                                 "a distance matrix with vertex births has no nearest-neighbour or MST reading here")
        self.n_features_in_ = d
        return arr


def _estimator_knn(est, X, k):
    """k-NN distances for TwoNN / MLE; metric="precomputed" reads X as a square distance matrix."""
    if est._precomputed():
        if k > X.shape[0] - 1:
            raise ValueError(f"{type(est).__name__} needs at least {k + 1} points, the matrix has {X.shape[0]}")
        T = knn_distances(X, k, distance_matrix=True, n_threads=est.n_threads).astype(np.float64)
        if not np.all(np.isfinite(T)):
            i = int(np.argmax(~np.all(np.isfinite(T), axis=1)))
            raise ValueError(f"{type(est).__name__}: point {i} has fewer than {k} neighbours at a finite distance "
                             "(inf entries of the matrix); give every point enough finite distances or use fewer neighbours")
        return T
    return knn_distances(X, k, metric=est.metric, n_threads=est.n_threads).astype(np.float64)


def _check_alphas(alpha):
    """(alphas as a tuple of floats, whether alpha was a sequence)."""
    if isinstance(alpha, (list, tuple, np.ndarray)):
        arr = np.asarray(alpha)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"alpha must be a number > 0 or a non-empty 1-D sequence of them, got {alpha!r}")
        return tuple(_check_alpha(a) for a in arr.tolist()), True
    return (_check_alpha(alpha),), False


class PHDim(_DimensionEstimator):
    """The PH-dimension as an estimator (see :func:`ph_dimension` for every parameter).

    ``fit(X)`` sets ``dimension_`` (float), ``interval_``, ``slope_``, ``intercept_``, ``r2_``,
    ``sizes_``, ``values_``, ``repeat_estimates_``, ``result_`` (the full :class:`PHDimResult`)
    and ``n_features_in_``, and the regression data in scikit-dimension's layout: ``x_`` of shape
    (m, 1), the log size of every subsample (each size repeated ``n_repeats * n_subsamples`` times,
    sizes ascending), and ``y_`` of shape (m,), the log E_alpha of each of those subsamples.
    ``metric="precomputed"`` reads X as a square distance matrix (``np.inf`` = no edge).
    ``device="cuda"`` / ``"auto"`` runs the subsample MSTs on the GPU (as :func:`ph_dimension`).

    ``alpha`` may be a sequence: every alpha is fitted on the same subsamples (the same random
    draws; one run of :func:`ph_dimension` per alpha), ``dimension_``, ``slope_``,
    ``intercept_``, ``r2_`` become arrays with one entry per alpha, ``interval_`` an
    (n_alpha, 2) array, ``result_`` a list of results and ``y_`` an (m, n_alpha) array.
    """

    def __init__(self, hom_dim=0, alpha=1.0, schedule="geometric", n_repeats=DEFAULT_REPEATS,
                 sampling="nested", n_subsamples=None, aggregate=None, metric="euclidean", method="auto",
                 confidence=0.95, random_state=None, n_threads=None, device="cpu"):
        self.hom_dim = hom_dim
        self.alpha = alpha
        self.schedule = schedule
        self.n_repeats = n_repeats
        self.sampling = sampling
        self.n_subsamples = n_subsamples
        self.aggregate = aggregate
        self.metric = metric
        self.method = method
        self.confidence = confidence
        self.random_state = random_state
        self.n_threads = n_threads
        self.device = device

    def fit(self, X, y=None):
        alphas, many = _check_alphas(self.alpha)
        X = self._validate(X, min_samples=4)
        schedule = self.schedule
        if isinstance(schedule, (list, tuple, np.ndarray)):
            schedule = np.asarray(schedule)
        seed = self.random_state
        if many and not isinstance(seed, (numbers.Integral, np.random.SeedSequence)) or isinstance(seed, bool):
            # one seed for all alphas, so that they share their subsamples
            seed = int(_as_rng(seed).integers(0, 2**63 - 1))
        results = [
            ph_dimension(X, hom_dim=self.hom_dim, alpha=a, schedule=schedule, n_repeats=self.n_repeats,
                         random_state=seed, metric=self.metric, n_threads=self.n_threads,
                         sampling=self.sampling, n_subsamples=self.n_subsamples, aggregate=self.aggregate,
                         method=self.method, confidence=self.confidence, device=self.device)
            for a in alphas
        ]
        res = results[0]
        per = res.raw_values.shape[1] * res.raw_values.shape[2]
        self.x_ = np.log(np.repeat(res.sizes.astype(np.float64), per)).reshape(-1, 1)
        with np.errstate(divide="ignore"):
            ys = [np.log(r.raw_values.reshape(len(r.sizes), -1)).ravel() for r in results]
        if any(len(v) != len(self.x_) for v in ys):
            raise ValueError("the alphas dropped different sizes (a subsample with E_alpha = 0); "
                             "fit them one at a time")
        self.sizes_ = res.sizes
        if many:
            self.result_ = results
            self.dimension_ = np.array([r.dimension for r in results])
            self.interval_ = np.array([r.interval for r in results])
            self.slope_ = np.array([r.slope for r in results])
            self.intercept_ = np.array([r.intercept for r in results])
            self.r2_ = np.array([r.r2 for r in results])
            self.values_ = np.stack([r.values for r in results], axis=-1)
            self.repeat_estimates_ = np.stack([r.repeat_estimates for r in results], axis=-1)
            self.y_ = np.column_stack(ys)
        else:
            self.result_ = res
            self.dimension_ = res.dimension
            self.interval_ = res.interval
            self.slope_ = res.slope
            self.intercept_ = res.intercept
            self.r2_ = res.r2
            self.values_ = res.values
            self.repeat_estimates_ = res.repeat_estimates
            self.y_ = ys[0]
        return self


class TwoNN(_DimensionEstimator):
    """TwoNN intrinsic dimension (Facco, d'Errico, Rodriguez & Laio, Sci. Rep. 7, 12140, 2017).

    With r1 <= r2 the distances of a point to its two nearest neighbours and mu = r2 / r1, the
    law of mu on a d-dimensional set is Pareto: F(mu) = 1 - mu^-d. Points with r1 = 0 (duplicates)
    or r1 = r2 are discarded (with a warning); the N others are sorted by mu and the smallest
    ``k = floor(fraction * N)`` are used (the largest are discarded as in Ansuini et al. 2019,
    ``fraction=0.9``, i.e. scikit-dimension's ``discard_fraction=0.1``).

    Parameters
    ----------
    fraction : float in (0, 1], default 0.9
        Fraction of the sorted ratios kept.
    metric : str, default "euclidean"
        Any metric of :func:`knn_distances`; ``"precomputed"`` reads X as a square distance
        matrix (``np.inf`` = no edge; every point needs two finite neighbours).
    n_threads : int, optional
    method : {"linear", "mle"}, default "linear"
        ``"linear"``: the slope through the origin of -log(1 - F) against log mu, F estimated by
        i / N (Facco et al.). ``"mle"``: log mu is exponential with rate d, and keeping the k
        smallest of N is type-II censoring, whose unbiased maximum-likelihood estimate is
        ``(k - 1) / (sum_{i <= k} log mu_(i) + (N - k) log mu_(k))``; with ``fraction=1`` it is
        ``(N - 1) / sum(log mu)`` (Denti et al. 2022).
    dist : bool, default False
        When True, X is not data but an (n, 2) array of each point's distances to its first and
        second nearest neighbours (r1 <= r2), as scikit-dimension's ``dist=True``.

    Attributes (after fit)
    ----------------------
    dimension_ : float
    mu_ : ndarray, the sorted ratios of the points kept
    x_, y_ : ndarray, log mu and -log(1 - F) of the points used in the fit
    n_discarded_ : int, points dropped because r1 = 0 or r1 = r2
    r2_ : float, R² through the origin (uncentred) of the line y = dimension_ * x
    """

    def __init__(self, fraction=0.9, metric="euclidean", n_threads=None, method="linear", dist=False):
        self.fraction = fraction
        self.metric = metric
        self.n_threads = n_threads
        self.method = method
        self.dist = dist

    def fit(self, X, y=None):
        if self.method not in ("linear", "mle"):
            raise ValueError(f"method must be 'linear' (Facco et al.'s fit) or 'mle' (closed-form maximum "
                             f"likelihood), got {self.method!r}")
        if not isinstance(self.dist, (bool, np.bool_)):
            raise TypeError(f"dist must be True or False, got {self.dist!r}")
        frac = self.fraction
        if isinstance(frac, bool) or not isinstance(frac, numbers.Real) or not 0.0 < float(frac) <= 1.0:
            raise ValueError(f"fraction must be a number in (0, 1], got {frac!r}")
        if self.dist:
            X = _as_estimator_array(X, "TwoNN")
            if X.shape[1] != 2 or X.shape[0] < 3:
                raise ValueError(f"with dist=True, X must be an (n, 2) array of the distances (r1, r2) to the first "
                                 f"and second nearest neighbours, n >= 3; got shape {X.shape}")
            if np.any(X < 0) or np.any(X[:, 1] < X[:, 0]):
                i = int(np.argmax((X < 0).any(axis=1) | (X[:, 1] < X[:, 0])))
                raise ValueError(f"with dist=True every row must be 0 <= r1 <= r2; row {i} is {X[i].tolist()}")
            self.n_features_in_ = 2
            dist = X
        else:
            X = self._validate(X, min_samples=3)
            dist = _estimator_knn(self, X, 2)
        r1, r2 = dist[:, 0], dist[:, 1]
        keep = (r1 > 0) & (r1 < r2)
        self.n_discarded_ = int(np.sum(~keep))
        mu = np.sort(r2[keep] / r1[keep])
        N = len(mu)
        n_fit = int(math.floor(float(frac) * N))
        if n_fit < 2 or N < 3:
            raise ValueError(f"TwoNN needs at least 3 points with distinct first and second neighbour distances; "
                             f"only {N} of {dist.shape[0]} qualify (duplicates are discarded)")
        if self.n_discarded_:
            warn(f"TwoNN discarded {self.n_discarded_} points whose nearest neighbour is a duplicate or ties with the second",
                 PHDimWarning)
        F = np.arange(1, N + 1, dtype=np.float64) / N
        x = np.log(mu[:n_fit])
        with np.errstate(divide="ignore"):
            yv = -np.log1p(-F[:n_fit])  # inf at F = 1 (fraction=1), as in Facco et al.'s fit
        if self.method == "mle":
            s = float(np.sum(x) + (N - n_fit) * x[-1])
            d = (n_fit - 1) / s if s > 0 else float("inf")
        else:
            sxx = float(np.dot(x, x))
            d = float(np.dot(x, yv) / sxx) if sxx > 0 else float("inf")
        syy = float(np.dot(yv, yv))
        if math.isfinite(d) and math.isfinite(syy):
            res = yv - d * x
            self.r2_ = 1.0 - float(np.dot(res, res)) / syy if syy > 0 else 0.0
        else:
            self.r2_ = 0.0
        self.mu_ = mu
        self.x_ = x
        self.y_ = yv
        self.dimension_ = float(d)
        return self


#: Absolute and relative tolerance of the adaptive quadrature of MLE's noise integrals (the
#: intrinsicDimension R package's and scikit-dimension's, so that the numbers agree with theirs).
DNOISE_QUAD_TOL = 1e-2


def _gauss_density(r, s, sigma):
    """Haro et al.'s transition density f(s | r): a distance r observed as s under N(0, sigma^2) noise."""
    return np.exp(-0.5 * ((s - r) / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))


def _noisy_log_sum(R, k, sigma, density):
    """sum_{j < k} E_j[log(R_k / r)] under the density f(r | R_j) on [0, R_k + 100 sigma] (Haro et al. 2008).

    Each expectation is a ratio of two integrals computed by ``scipy.integrate.quad``.
    """
    from scipy.integrate import quad  # noqa: PLC0415

    Rk = float(R[k - 1])
    top = Rk + 100.0 * sigma
    total = 0.0
    for j in range(k - 1):
        Rj = float(R[j])
        num = quad(lambda r: density(r, Rj, sigma) * math.log(Rk / r) if r > 0 else 0.0, 0.0, top,
                   epsabs=DNOISE_QUAD_TOL, epsrel=DNOISE_QUAD_TOL)[0]
        den = quad(lambda r: density(r, Rj, sigma), 0.0, top, epsabs=DNOISE_QUAD_TOL, epsrel=DNOISE_QUAD_TOL)[0]
        total += num / den
    return total


class MLE(_DimensionEstimator):
    """Levina–Bickel maximum-likelihood intrinsic dimension with MacKay–Ghahramani averaging.

    For point x and k, with T_j(x) the distance to its j-th nearest neighbour, the local inverse
    estimate is ``(1 / (k - 1)) * sum_{j < k} log(T_k(x) / T_j(x))`` (Levina & Bickel, NIPS 2004).
    For each k in [k1, k2] the global estimate is the inverse of the mean of these inverses over
    the points (MacKay & Ghahramani 2005, "comments on Levina & Bickel"; ``averaging="mean"``
    averages the local estimates instead, Levina–Bickel's rule, and ``"median"`` takes their
    median); the result is the mean over k. Points whose first neighbour distance is 0
    (duplicates) are discarded with a warning. ``metric="precomputed"`` reads X as a square
    distance matrix (``np.inf`` = no edge; every point needs k2 finite neighbours).

    Parameters
    ----------
    k1, k2 : int, default 10, 20
        The range of neighbour counts averaged over (k1 = k2 = k is the plain estimator at k,
        scikit-dimension's ``fit(X, n_neighbors=k)``).
    averaging : {"inverse", "mean", "median"}, default "inverse"
        scikit-dimension's ``comb`` "mle", "mean", "median".
    metric, n_threads
        As in :class:`TwoNN`.
    unbiased : bool, default False
        Divide by k - 2 instead of k - 1 (the estimator is then unbiased for a Poisson process
        without noise or boundary; Levina & Bickel). Needs k1 >= 3.
    dnoise : None, "gaussian" or callable, default None
        Noise model of Haro, Randall & Sapiro (2008): a distance r is observed as s with density
        ``f(r, s, sigma)``; "gaussian" (scikit-dimension's "dnoiseGaussH") is
        exp(-(s - r)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)). Each log(T_k / T_j) is then replaced by
        its expectation under f(. | T_j) on [0, T_k + 100 sigma], by adaptive quadrature to the
        tolerance :data:`DNOISE_QUAD_TOL` (1e-2, as the intrinsicDimension R package and
        scikit-dimension). This costs 2 (k - 1) integrals per point and k.
    sigma : float >= 0, default 0.0
        The noise standard deviation; needs to be > 0 with ``dnoise``.
    neighborhood_based : bool, default True
        False: one global estimate from the distinct values among every point's ``global_k``
        nearest-neighbour distances: for each k, the k smallest of them play the role of T_1..T_k
        (intrinsicDimension's ``neighborhood.based = FALSE``; zero distances are left out).
    global_k : int, default 5
        Neighbours per point pooled when ``neighborhood_based=False`` (scikit-dimension's ``K``).

    Attributes (after fit)
    ----------------------
    dimension_ : float
    dimension_k_ : ndarray, the estimate for each k in [k1, k2]
    ks_ : ndarray of int
    local_inverse_ : ndarray (n_kept, n_k), the local inverse estimates (neighbourhood-based only)
    n_discarded_ : int
    """

    def __init__(self, k1=10, k2=20, averaging="inverse", metric="euclidean", n_threads=None, unbiased=False,
                 dnoise=None, sigma=0.0, neighborhood_based=True, global_k=5):
        self.k1 = k1
        self.k2 = k2
        self.averaging = averaging
        self.metric = metric
        self.n_threads = n_threads
        self.unbiased = unbiased
        self.dnoise = dnoise
        self.sigma = sigma
        self.neighborhood_based = neighborhood_based
        self.global_k = global_k

    def _density(self):
        if self.dnoise is None:
            return None
        if callable(self.dnoise):
            return self.dnoise
        if isinstance(self.dnoise, str) and self.dnoise in ("gaussian", "dnoiseGaussH"):
            return _gauss_density
        raise ValueError(f"dnoise must be None, 'gaussian' (or 'dnoiseGaussH') or a callable f(r, s, sigma), "
                         f"got {self.dnoise!r}")

    def fit(self, X, y=None):
        k1, k2 = self.k1, self.k2
        for name, v in (("k1", k1), ("k2", k2)):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 2:
                raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
        if k2 < k1:
            raise ValueError(f"k2 must be >= k1, got k1={k1}, k2={k2}")
        if self.averaging not in ("inverse", "mean", "median"):
            raise ValueError("averaging must be 'inverse' (MacKay-Ghahramani), 'mean' (Levina-Bickel) or 'median', "
                             f"got {self.averaging!r}")
        for name in ("unbiased", "neighborhood_based"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        density = self._density()
        sigma = self.sigma
        if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real) or not math.isfinite(sigma) or sigma < 0:
            raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}")
        if density is not None and sigma <= 0:
            raise ValueError("dnoise needs the noise level sigma > 0 (sigma=0 means no noise: pass dnoise=None)")
        gk = self.global_k
        if isinstance(gk, bool) or not isinstance(gk, numbers.Integral) or gk < 1:
            raise ValueError(f"global_k must be a positive integer, got {gk!r}")
        kfac_shift = 2 if self.unbiased else 1
        X = self._validate(X, min_samples=3)
        n = X.shape[0]
        k2_eff = min(int(k2), n - 1)
        k1_eff = min(int(k1), k2_eff)
        if k1_eff < 2:
            raise ValueError(f"MLE needs at least 3 points (k >= 2 neighbours), X has {n}")
        if k2_eff < k2:
            warn(f"MLE: only {n - 1} neighbours exist; using k1={k1_eff}, k2={k2_eff}", PHDimWarning)
        if self.unbiased and k1_eff < 3:
            raise ValueError("unbiased=True divides by k - 2 and needs k1 >= 3")
        ks = np.arange(k1_eff, k2_eff + 1)
        if not self.neighborhood_based:
            self._fit_global(X, ks, kfac_shift, density, float(sigma), min(int(gk), n - 1))
            return self
        T = _estimator_knn(self, X, k2_eff)
        keep = T[:, 0] > 0
        self.n_discarded_ = int(np.sum(~keep))
        if keep.sum() < 2:
            raise ValueError("MLE: fewer than two points have a nearest neighbour at a positive distance (duplicates)")
        if self.n_discarded_:
            warn(f"MLE discarded {self.n_discarded_} points with a duplicate (nearest neighbour at distance 0)", PHDimWarning)
        T = T[keep]
        inv = np.empty((T.shape[0], len(ks)))
        if density is None:
            logT = np.log(T)
            csum = np.cumsum(logT, axis=1)  # csum[:, j-1] = sum_{i<=j} log T_i
            for c, k in enumerate(ks):
                inv[:, c] = logT[:, k - 1] - csum[:, k - 2] / (k - 1)
                if kfac_shift == 2:
                    inv[:, c] *= (k - 1) / (k - 2)
        else:
            for c, k in enumerate(ks):
                for i in range(T.shape[0]):
                    inv[i, c] = _noisy_log_sum(T[i], k, float(sigma), density) / (k - kfac_shift)
        if not np.all(np.isfinite(inv)):  # cannot happen for finite distances; never return inf with NaN inside
            raise ValueError("MLE: non-finite local estimates (nearest-neighbour distances out of the float range)")
        with np.errstate(divide="ignore"):
            if self.averaging == "inverse":
                mean_inv = inv.mean(axis=0)
                dk = np.where(mean_inv > 0, 1.0 / np.where(mean_inv > 0, mean_inv, 1.0), np.inf)
            else:
                local = np.where(inv > 0, 1.0 / np.where(inv > 0, inv, 1.0), np.inf)
                dk = np.mean(local, axis=0) if self.averaging == "mean" else np.median(local, axis=0)
        self.ks_ = ks
        self.local_inverse_ = inv
        self.dimension_k_ = dk
        self.dimension_ = float(np.mean(dk))
        return self

    def _fit_global(self, X, ks, kfac_shift, density, sigma, gk):
        T = _estimator_knn(self, X, gk)
        R = np.unique(T)  # sorted distinct distances
        self.n_discarded_ = int(np.sum(T == 0))
        R = R[R > 0]
        if self.n_discarded_:
            warn(f"MLE left out {self.n_discarded_} zero nearest-neighbour distances (duplicates)", PHDimWarning)
        if len(R) < 2:
            raise ValueError("MLE: fewer than two distinct positive nearest-neighbour distances")
        dk = np.empty(len(ks))
        for c, k in enumerate(ks):
            kk = min(int(k), len(R))
            Rs = R[:kk]
            s = float(np.sum(np.log(Rs[-1] / Rs))) if density is None else _noisy_log_sum(Rs, kk, sigma, density)
            dk[c] = (kk - kfac_shift) / s if s > 0 else np.inf
        self.ks_ = ks
        self.dimension_k_ = dk
        self.dimension_ = float(np.mean(dk))
