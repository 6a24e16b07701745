"""Vietoris–Rips persistent homology: the Ripser algorithm in Numba, a drop-in for ripser.py.

:func:`ripser` takes the same arguments and returns the same keys as ``ripser.ripser`` and adds
the threshold actually used, generators (the edges that give each bar its birth and death, in
giotto-ph's format) and per-dimension counts. The kernels live in :mod:`topodim._rips_kernels`,
the edge collapse in :mod:`topodim.collapse` and the greedy subsampling in
:mod:`topodim.sampling`.

Algorithm (Bauer, "Ripser", JACT 2021), as implemented here:

* persistent *co*homology, dimension by dimension, simplices indexed by the combinatorial number
  system and coboundaries enumerated on the fly (nothing but the distances is stored);
* H0 from the minimum spanning tree (:mod:`topodim.mst`, elder rule for vertex births);
* a flat parallel pass over all edges finds the zero-persistence *apparent pairs* (edge,
  triangle) before any reduction; only the remaining edges are sorted; a union–find over them
  (in filtration order) gives the H0 deaths, whose columns are *cleared*;
* columns of higher dimensions are enumerated from the simplices one dimension below (each once,
  from its facet without the top vertex), in parallel, and classified (cleared / apparent /
  column) with race-free per-simplex slots;
* the reduction stores the reduction matrix V, uses apparent pairs as shortcuts and emergent
  pairs, and keeps in its heap only the cofacets below a diameter cap that is raised when
  everything below it has cancelled (this cuts heap traffic by orders of magnitude);
* the default threshold is the enclosing radius (above it the complex is a cone);
* for ``maxdim >= 2`` the filtration is first reduced by an edge collapse (Boissonnat–Pritam),
  which keeps every diagram and removes most edges; for ``maxdim == 1`` too when the reduction
  of the full filtration outgrows a budget of heap pushes per edge (samples of manifolds with
  large cycles), see :func:`_collapse_budget`.

Conventions: filtration values are diameters (edge lengths, not radii); a simplex enters at the
largest distance between its vertices (and no earlier than its vertices' births: the diagonal of
a distance matrix). Bars of zero persistence (birth == death) are left out, as ripser.py does.
Essential bars have death ``np.inf``; diagrams never hold NaN.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import sys
import time

import numba
import numpy as np

from . import _rips_kernels as K
from ._config import check_device
from ._kernels.modp import mod_inverses
from ._mst.kruskal import kruskal
from ._parallel import default_threads, resolve_n_threads, run_batches, thread_limit
from ._base import ParamsMixin
from ._rips_graph import RipsGraph, count_edges, dense_matrix, graph_enclosing_radius, graph_of
from ._validate import (
    DistanceInput,
    as_distance_input,
    as_dtype,
    check_maxdim,
    as_points,
    check_estimate_args,
    check_memory,
    check_nonnegative_int,
    check_prime,
    check_threshold,
    format_bytes,
)
from .mst import MSTResult, elder_rule_h0, minimum_spanning_tree

__all__ = ["ripser", "estimate_memory", "RipsPersistence"]

#: Largest simplex index (kept below 2**62 so that index arithmetic never overflows int64).
MAX_SIMPLEX_INDEX = 2**62


# ==========================================================================================
# checks
# ==========================================================================================


def _check_index_range(n: int, maxdim: int) -> None:
    """Simplex indices go up to C(n, maxdim + 2); they must stay below 2**62 (int64 arithmetic)."""
    top = math.comb(n, maxdim + 2)
    if top >= MAX_SIMPLEX_INDEX:
        raise ValueError(
            f"maxdim={maxdim} with {n} points needs simplex indices up to C({n}, {maxdim + 2}) ~ "
            f"{float(top):.3g}, above the int64 index limit 2^62; use n_perm=... to subsample, a "
            "smaller maxdim, or fewer points"
        )


def _binomial_table(n: int, kmax: int, maxdim: int) -> np.ndarray:
    """B[k, v] = C(v, k) for k <= kmax, v <= n, with the overflow check of the index type."""
    _check_index_range(n, maxdim)
    B = np.zeros((kmax + 1, n + 1), dtype=np.int64)
    for k in range(kmax + 1):
        for v in range(n + 1):
            c = math.comb(v, k)
            B[k, v] = c if c < MAX_SIMPLEX_INDEX else MAX_SIMPLEX_INDEX
    return B


def _check_n_perm(n_perm, n: int, kind: str):
    if n_perm is None or (isinstance(n_perm, numbers.Integral) and not isinstance(n_perm, bool)
                          and int(n_perm) == 0):
        return None
    if isinstance(n_perm, bool) or not isinstance(n_perm, numbers.Integral):
        raise TypeError(f"n_perm must be a positive integer or None, got {n_perm!r}")
    k = int(n_perm)
    if kind == "sparse":
        raise ValueError("n_perm: Greedy permutation is not supported for sparse distance matrices; "
                         "subsample the graph yourself or drop n_perm")
    if k > n:
        raise ValueError(f"n_perm={k} is more than the {n} points of the input (Number of points in "
                         f"greedy permutation is greater than number of points in the point cloud); "
                         f"pass n_perm <= {n} or None")
    if k < 0:
        raise ValueError(f"n_perm must be a positive number of points to subsample, got {k} (Should be "
                         "a strictly positive number of points in the greedy permutation)")
    return k if k < n else None


def _resolve_swapped(metric, do_cocycles):
    """Accept the positional order (..., distance_matrix, metric, do_cocycles, ...) as well as
    ripser.py's (..., distance_matrix, do_cocycles, metric, ...): a bool in ``metric`` with a string
    or callable in ``do_cocycles`` is read as swapped."""
    if isinstance(metric, (bool, np.bool_)) and (isinstance(do_cocycles, str) or callable(do_cocycles)):
        return do_cocycles, bool(metric)
    return metric, do_cocycles


# ==========================================================================================
# progress
# ==========================================================================================


class _Progress:
    """Calls ``callback(stage, done, total)``; ``True`` draws a bar on stderr; ``None`` is silent."""

    def __init__(self, progress):
        if progress is None or progress is False:
            self.cb = None
        elif progress is True:
            self.cb = self._bar
            self._last = 0.0
        elif callable(progress):
            self.cb = progress
        else:
            raise TypeError("progress must be True, False, None or a callable(stage, done, total)")

    @property
    def on(self) -> bool:
        return self.cb is not None

    def __call__(self, stage, done, total):
        if self.cb is not None:
            self.cb(stage, int(done), int(total))

    def _bar(self, stage, done, total):
        now = time.monotonic()
        if done < total and now - self._last < 0.2:
            return
        self._last = now
        width = 30
        frac = done / total if total else 1.0
        bar = "#" * int(width * frac) + "-" * (width - int(width * frac))
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{stage:<22} [{bar}] {done}/{total}{end}")
        sys.stderr.flush()


# ==========================================================================================
# one dimension
# ==========================================================================================


#: The reduction's growable arrays (the reduction matrix V, the cocycles) are checked against the
#: memory left between chunks of columns once they hold more than this many bytes: a doubling
#: must fit.
GROWTH_CHECK_BYTES = 32 << 20

#: The reduction kernel is called on about this many chunks of columns (of at least
#: REDUCTION_MIN_STEP columns each), so that the growth check runs in between.
REDUCTION_CHUNKS = 32
REDUCTION_MIN_STEP = 256

_REDUCTION_WAY_OUT = ("pass a threshold (thresh=...), dtype=np.float32, fewer points (n_perm=...) "
                      "or a smaller maxdim")


def _reduction_state_bytes(ncols: int, itemsize: int) -> int:
    """Bytes of the per-column state of :func:`_reduce_dimension` (pivot map, column info,
    bars, cocycle pointers)."""
    m = max(ncols, 1)
    return K.hash_capacity(ncols) * 16 + m * 24 + m * 2 * (itemsize + 8) + (m + 1) * 8


#: Heap pushes per edge that the dimension-1 reduction of the full filtration may spend before
#: ``collapse_edges="auto"`` gives up on it and collapses the filtration first (maxdim 1).
COLLAPSE_PUSHES_PER_EDGE = 1


def _collapse_budget(n_edges: int) -> int:
    """The heap pushes allowed to the uncollapsed dimension-1 reduction (maxdim 1, "auto").

    The cost of the reduction is not known before it runs; its heap pushes are the measure. On
    unstructured clouds (uniform in the square, cube and 4-cube, Gaussian in R^2 to R^50,
    clusters, a noisy sphere, the 64-d digits) it pushes 0.04-0.3 entries per edge and the
    collapse (0.3-3 us per edge) would cost more than the whole reduction; on samples of
    manifolds with large cycles (noisy circles, tori) it pushes 3-50 per edge, a few long
    columns each adding hundreds of coboundaries, and the collapsed filtration reduces in a
    fraction of the time. The budget, COLLAPSE_PUSHES_PER_EDGE pushes per edge, separates the two
    with a margin of about 3x on both sides; when it runs out the work done so far (about the
    cost of the collapse) is dropped and the collapsed filtration is reduced instead. The choice
    depends on counts only, so it is the same for any thread count; the diagrams are the same
    either way.
    """
    return int(COLLAPSE_PUSHES_PER_EDGE * max(n_edges, 1))


def _reduce_dimension(dim, cols_idx, cols_diam, g: RipsGraph, thresh, B, p, inv, eflags, do_cc,
                      progress: _Progress, budget: int = -1):
    """Reduce the columns of one dimension; None when ``budget`` (heap pushes, -1: none) ran out."""
    ncols = cols_idx.shape[0]
    dt = cols_diam.dtype
    m = max(ncols, 1)
    check_memory(_reduction_state_bytes(ncols, dt.itemsize),
                 f"the reduction of {ncols:,} columns of dimension {dim}", _REDUCTION_WAY_OUT)
    hmap = K.new_hash_map(ncols)
    colinfo = np.zeros((m, 3), dtype=np.int64)
    vst_i = np.empty(2048, dtype=np.int64)
    vst_d = np.empty(1024, dtype=dt)
    bars_d = np.empty((m, 2), dtype=dt)
    bars_i = np.empty((m, 2), dtype=np.int64)
    cc_ptr = np.zeros(m + 1, dtype=np.int64)
    cc_st = np.empty(32, dtype=np.int64)
    counters = np.zeros(K.N_COUNTERS, dtype=np.int64)
    stats = np.zeros(K.N_STATS, dtype=np.int64)
    red = K.Reduction(hmap, colinfo, bars_d, bars_i, cc_ptr, counters, stats, bool(do_cc),
                      np.int64(budget))
    cols = K.Columns(cols_idx, cols_diam)
    graph = K.Graph(bool(g.dense), g.D, g.indptr, g.indices, g.data, np.int64(g.n))
    field = K.Field(np.int64(p), inv)
    step = max(REDUCTION_MIN_STEP, ncols // (100 if progress.on else REDUCTION_CHUNKS))
    stage = f"reducing H{dim}"
    t = K.kernel_threshold(thresh, dt)
    c0 = 0
    progress(stage, 0, ncols)
    while c0 < ncols:
        c1 = min(ncols, c0 + step)
        grown = vst_i.nbytes + vst_d.nbytes + cc_st.nbytes
        if grown > GROWTH_CHECK_BYTES:
            # the next growth doubles an array while the old one is still held
            check_memory(max(vst_i.nbytes + vst_d.nbytes, cc_st.nbytes) * 2,
                         f"the reduction matrix of dimension {dim} (now {_describe(grown)}, "
                         f"{c0:,} of {ncols:,} columns reduced)", _REDUCTION_WAY_OUT)
        try:
            vst_i, vst_d, cc_st = K.reduce_columns(dim, cols, c0, c1, graph, t, B, field, eflags,
                                                   red, K.Store(vst_i, vst_d, cc_st))
        except MemoryError as exc:
            raise MemoryError(f"reducing dimension {dim} ran out of memory after {c0:,} of "
                              f"{ncols:,} columns ({exc}); {_REDUCTION_WAY_OUT}") from None
        if counters[K.COUNT_OVER_BUDGET]:
            return None
        c0 = c1
        progress(stage, c0, ncols)
    nb = int(counters[K.COUNT_BARS])
    res = {
        "birth": bars_d[:nb, 0].copy(),
        "death": bars_d[:nb, 1].copy(),
        "bidx": bars_i[:nb, 0].copy(),
        "didx": bars_i[:nb, 1].copy(),
        "pivots": hmap,
        "stats": stats,
        "reduction_entries": int(counters[K.COUNT_V_ENTRIES]),
    }
    if do_cc:
        nc = int(counters[K.COUNT_CC_ENTRIES])
        res["cc"] = (cc_ptr[: nb + 1].copy(), cc_st[0:2 * nc:2].copy(), cc_st[1:2 * nc:2].copy())
    return res


def _edge_stage(g: RipsGraph, thresh, progress):
    """Flat pass over the edges. Returns (edge codes, the H1 columns sorted, the spanning forest
    (u, v, length) in filtration order, the number of apparent edges, the number of edges not
    apparent). Codes (int32, per C(i,2)+j or per CSR position): -2 no edge, -1 not apparent,
    k >= 0 apparent with the triangle {i, j, k}."""
    n = g.n
    dt = g.D.dtype if g.dense else g.data.dtype
    t = K.kernel_threshold(thresh, dt)
    progress("apparent pairs", 0, 1)
    if g.dense:
        check_memory(n * (n - 1) // 2 * 4, f"the edge codes of {n} points",
                     "pass a threshold (thresh=...), or n_perm=... to subsample")
        flags = np.empty(n * (n - 1) // 2, dtype=np.int32)
        weights = np.arange(n, dtype=np.float64)
    else:
        nnz = g.indices.shape[0]
        # the codes, then the non-apparent edges (index + diameter), their sort buffers, the
        # ascending copies and their end vertices
        check_memory(nnz * 4 + nnz // 2 * (3 * (8 + dt.itemsize) + 16), f"the {nnz // 2:,} edges of the graph",
                     "pass a threshold (thresh=...), dtype=np.float32, or n_perm=... to subsample")
        flags = np.full(nnz, -2, dtype=np.int32)
        weights = np.diff(g.indptr).astype(np.float64) ** 2
    run_batches(weights, lambda lo, hi: K.edge_pass(g.dense, g.D, g.indptr, g.indices, g.data, t,
                                                     flags, lo, hi))
    progress("apparent pairs", 1, 1)
    counts = K.count_flags(g.dense, g.D, g.indptr, g.indices, g.data, flags, n, 2)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    m = int(offsets[-1])
    cidx = np.empty(m, dtype=np.int64)
    cdiam = np.empty(m, dtype=dt)
    K.gather_edges(g.dense, g.D, g.indptr, g.indices, g.data, flags, n, np.int64(2), offsets,
                   cidx, cdiam)
    K.sort_columns(cdiam, cidx)
    # H0 deaths: union-find over the non-apparent edges in filtration order (apparent edges
    # are never H0 deaths); they are the pivots of dimension 0, so their columns are cleared
    asc_idx = np.ascontiguousarray(cidx[::-1])
    asc_d = np.ascontiguousarray(cdiam[::-1])
    us, vs = K.split_edges(asc_idx)
    keep = kruskal(us, vs, asc_d, n)
    tree_u, tree_v, tree_w = us[keep], vs[keep], asc_d[keep]
    cols = ~keep[::-1]
    col_idx = np.ascontiguousarray(cidx[cols])
    col_diam = np.ascontiguousarray(cdiam[cols])
    n_apparent = int(K.count_flags(g.dense, g.D, g.indptr, g.indices, g.data, flags, n, 1).sum())
    return flags, col_idx, col_diam, (tree_u, tree_v, tree_w), n_apparent, m


def _all_edges(g: RipsGraph, flags, dt):
    n = g.n
    counts = K.count_flags(g.dense, g.D, g.indptr, g.indices, g.data, flags, n, -1)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    m = int(offsets[-1])
    idx = np.empty(m, dtype=np.int64)
    diam = np.empty(m, dtype=dt)
    K.gather_edges(g.dense, g.D, g.indptr, g.indices, g.data, flags, n, np.int64(-1), offsets, idx,
                   diam)
    return idx, diam


def _assemble(dim, s_idx, s_diam, g: RipsGraph, thresh, B, pkeys, eflags, need_next, progress):
    """Columns of dimension ``dim`` from the (dim-1)-simplices (s_idx, s_diam)."""
    dt = s_diam.dtype
    t = K.kernel_threshold(thresh, dt)
    m = s_idx.shape[0]
    counts = np.zeros(m, dtype=np.int64)
    noi = np.zeros(0, dtype=np.int64)
    nod = np.zeros(0, dtype=dt)
    nof = np.zeros(0, dtype=np.uint8)
    A = g.bitsets()
    run_batches(np.ones(m), lambda lo, hi: K.assemble(
        g.dense, g.D, g.indptr, g.indices, g.data, A, B, g.n, t, s_idx, s_diam, dim - 1, lo, hi,
        counts, counts, 0, pkeys, eflags, noi, nod, nof, True))
    offsets = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    entry = 8 + dt.itemsize
    if need_next:
        check_memory(total * entry, f"the {total:,} simplices of dimension {dim}",
                     "pass a threshold (thresh=...), a smaller maxdim, dtype=np.float32 or n_perm=...")
    # blocks of generating simplices with a bounded number of generated ones
    block = 1 << 22
    cols_i, cols_d, next_i, next_d = [], [], [], []
    n_cleared = n_apparent = 0
    q0 = 0
    stage = f"assembling H{dim}"
    progress(stage, 0, m)
    while q0 < m:
        q1 = int(np.searchsorted(offsets, offsets[q0] + block, side="right")) - 1
        q1 = max(q0 + 1, min(q1, m))
        size = int(offsets[q1] - offsets[q0])
        oi = np.empty(size, dtype=np.int64)
        od = np.empty(size, dtype=dt)
        of = np.empty(size, dtype=np.uint8)
        base = int(offsets[q0])
        run_batches(counts[q0:q1].astype(np.float64), lambda lo, hi: K.assemble(
            g.dense, g.D, g.indptr, g.indices, g.data, A, B, g.n, t, s_idx, s_diam, dim - 1,
            q0 + lo, q0 + hi, counts, offsets, base, pkeys, eflags, oi, od, of, False))
        sel = of == 2
        cols_i.append(oi[sel])
        cols_d.append(od[sel])
        n_cleared += int(np.count_nonzero(of == 0))
        n_apparent += int(np.count_nonzero(of == 1))
        if need_next:
            next_i.append(oi)
            next_d.append(od)
        q0 = q1
        progress(stage, q0, m)
    ci = np.concatenate(cols_i) if cols_i else np.zeros(0, dtype=np.int64)
    cd = np.concatenate(cols_d) if cols_d else np.zeros(0, dtype=dt)
    K.sort_columns(cd, ci)
    nxt = None
    if need_next:
        nxt = (np.concatenate(next_i) if next_i else np.zeros(0, dtype=np.int64),
               np.concatenate(next_d) if next_d else np.zeros(0, dtype=dt))
    return ci, cd, nxt, {"simplices": total, "cleared": n_cleared, "apparent_pairs": n_apparent}


# ==========================================================================================
# the public function
# ==========================================================================================


def ripser(X, maxdim=1, thresh=np.inf, coeff=2, distance_matrix=False, do_cocycles=False,
           metric="euclidean", n_perm=None, dtype=np.float64, n_threads=None, progress=False,
           collapse_edges="auto", keep_distances=True, device="cpu", _representation="auto", *,
           weights=None, weight_params=None, return_generators=None):
    """Vietoris–Rips persistence diagrams, a drop-in replacement for ``ripser.ripser``.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix
        Points (n, d); with ``distance_matrix=True`` a square (n, n) distance matrix, a condensed
        one (scipy ``pdist`` order) or any scipy.sparse matrix (absent entries are +inf, i.e. no
        edge; explicit zeros are edges of length 0; the two triangles and duplicates are combined
        by the minimum). As in ripser.py: a non-zero diagonal gives vertex birth values; values
        may be negative; an edge below the birth of one of its vertices (0 without a diagonal)
        enters with its later vertex, max(D[i, i], D[j, j]), with a warning (ripser.py keeps the
        raw value, which is not a filtration and can give bars born before their vertices); a
        dense matrix that is not symmetric is read through its **upper triangle**
        (``X[i, j]`` for ``i < j``, what ripser.py passes to its kernel), with a warning when the
        asymmetry is above roundoff. Fewer than 2 points give ``[[birth, inf]]`` for one point
        and empty diagrams for none.
    maxdim : int, default 1
        Largest homology dimension computed (tested to 3). One diagram is returned per dimension
        0..maxdim, as ripser.py does; those above n - 2 are empty and cost nothing. At most
        10,000 (:data:`topodim._validate.MAX_DIMENSION`), else ``ValueError``.
    thresh : float, default inf
        Largest diameter in the filtration (negative values allowed, as filtration values may be
        negative). ``inf`` uses the enclosing radius
        min_i max_j d(i, j), which gives the same diagrams (above it the complex is a cone).
        A threshold below about a quarter of the pairs switches to a sparse graph.
    coeff : int, default 2
        Prime p of the coefficient field Z/p.
    distance_matrix : bool, default False
        Whether X holds distances (``metric="precomputed"`` means the same).
    metric : str or callable, default "euclidean"
        "euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine" (computed by
        :mod:`topodim.metrics`), any scipy metric name or a callable.
    do_cocycles : bool, default False
        Return representative cocycles (disables the edge collapse). The positional order is
        ripser.py's, ``(X, maxdim, thresh, coeff, distance_matrix, do_cocycles, metric, n_perm)``;
        ``(..., distance_matrix, metric, do_cocycles)`` is recognised too (a bool in ``metric``
        with a string or callable in ``do_cocycles``).
    n_perm : int, optional
        Greedy furthest-point subsample of this many points (the first is point 0); diagrams are
        within 2 * r_cover of the full ones in bottleneck distance.
    dtype : float64 (default) or float32
        Compute dtype; diagrams keep it.
    n_threads : int, optional
        Threads for the parallel stages (stages with little work run on one). Default: all of
        Numba's (``TOPODIM_ADAPTIVE_THREADS=1`` opts in to one thread when the load average says
        that other processes keep the cores busy). Results do not depend on it.
    progress : bool or callable, default False
        ``True`` draws a progress bar on stderr; a callable receives ``(stage, done, total)``.
    collapse_edges : "auto", True or False
        Reduce the filtration by an edge collapse before computing (diagrams unchanged). "auto"
        (no cocycles asked for): always when maxdim >= 2; for maxdim 1 when the reduction of the
        full filtration exceeds a budget of COLLAPSE_PUSHES_PER_EDGE heap pushes per edge (as on
        noisy circles and tori), which is then restarted on the collapsed filtration.
    keep_distances : bool, default True
        Return the distance matrix as ``dperm2all`` (ripser.py does). With False and maxdim=0,
        point clouds never need an n x n matrix.
    device : {"cpu", "cuda", "auto"}, default "cpu"
        "cuda": the distance matrix, the apparent-pair pass over all edges, the H0 spanning
        forest (which clears the dimension-1 columns) and the compaction of the remaining
        columns run on the GPU (numba-cuda), the reduction on the CPU; the same bits, so the
        same diagrams. The edge stage runs on the GPU for a dense graph without edge collapse
        (maxdim <= 1 by default); otherwise only the distance matrix does. "auto": the GPU when
        one is found, else the CPU (said once). See :mod:`topodim.cuda`.
    weights : "DTM", array-like of n numbers >= 0, or None (keyword only)
        Compute the weighted Rips filtration of Anai et al. ("DTM-based filtrations") with
        giotto-ph's conventions instead: vertex x enters at w(x), edge {x, y} at the t solving
        ``(t^p - w_x^p)^(1/p) + (t^p - w_y^p)^(1/p) = 2 d(x, y)`` (or max(w_x, w_y) when the
        larger ball already holds the other point). "DTM": w(x) = 2 * (sum of the r-th powers of
        the distances to the k nearest other points / (k + 1))^(1/r). The input's own diagonal is
        replaced by the weights; ``dperm2all`` is then the weighted matrix (for sparse
        input, the input itself). Not with ``n_perm``.
        See :mod:`topodim.weighted`.
    weight_params : dict, optional (keyword only)
        ``{"p": 1 | 2 | np.inf (default 1), "r": > 0 or np.inf (default 2),
        "n_neighbors": k (default 3)}``; the last two for "DTM" only. Other p raise
        NotImplementedError.
    return_generators : bool or None, default None (keyword only)
        Whether ``gens`` is wanted. The edge collapse changes the edges' values, so generators
        of a collapsed filtration would name edges that do not realise the bars: with None,
        ``gens`` is returned when no collapse ran and is None when one did; True turns the
        "auto" collapse off (about 2x-30x slower for maxdim 2 on point clouds) and raises
        NotImplementedError with ``collapse_edges=True``; False gives ``gens=None``.

    Returns
    -------
    dict
        ``dgms``: list of (k, 2) arrays of the compute dtype, one per dimension 0..maxdim, bars
        (birth, death) with ``np.inf`` deaths for essential classes; zero-persistence bars are
        left out (as ripser.py). H0 is in increasing order of death, then essential bars; higher
        dimensions in decreasing order of birth (ripser.py's order).
        ``cocycles``: per dimension, one int64 array (k, d + 2) per bar (empty lists unless
        do_cocycles): rows ``(v_0, ..., v_d, value)`` with vertices decreasing and values in
        0..p-1; cocycles[0] is empty, as in ripser.py. Indices refer to the original points when
        n_perm is used.
        ``num_edges``: edges {i, j} with value <= thresh, counted as ripser.py counts them: with
        the default thresh=inf, edges up to the enclosing radius for a dense input with zero
        diagonal, every edge for sparse input or a non-zero diagonal.
        ``dperm2all``: the distance matrix used, always 2-D: (n, n) for points (any metric) and
        dense or condensed input, (n_perm, n) rows from the subsample to every point with n_perm,
        the matrix itself for scipy.sparse input; None when not kept.
        ``idx_perm``: indices of the points used; ``r_cover``: covering radius (0 without n_perm).
        ``thresh``: the threshold actually used.
        ``gens``: (finite_0 (k, 3) [dying vertex, edge], finite_higher list of (k, 4) [birth edge,
        death edge], essential_0 (k,) vertices, essential_higher list of (k, 2) birth edges):
        the edges that give each simplex its diameter, in giotto-ph's format (edge vertices
        larger first). Among the edges of a simplex with its diameter, the one of smallest
        index C(i, 2) + j (i > j) is named, giotto-ph's rule. None when the edge collapse ran
        or ``return_generators=False`` (see ``return_generators``).
        ``counts``: per dimension, a dict of counts (columns reduced, apparent and emergent
        pairs, cleared columns, column additions ...).
        ``collapse``: the edge counts of the collapse, when one ran.

    Raises
    ------
    ValueError / TypeError
        Bad input (see :func:`topodim._validate.as_distance_input`), negative maxdim, non-prime
        coeff, NaN or -inf thresh, n_perm out of range, simplex indices that would overflow int64.
    MemoryError
        Before allocating more than the available memory, the address space left under
        ``ulimit -v`` or the room in the memory cgroup (the message names the way out); the
        distance matrix, the edge collapse's working arrays, the simplices and the reduction's
        growing columns are checked.
    """
    metric, do_cocycles = _resolve_swapped(metric, do_cocycles)
    maxdim = check_maxdim(maxdim)
    p = check_prime(coeff, "coeff")
    t_user = check_threshold(thresh, allow_negative=True)  # filtration values may be negative
    dt = as_dtype(dtype)
    resolve_n_threads(n_threads)
    prog = _Progress(progress)
    if not isinstance(do_cocycles, (bool, np.bool_)):
        raise TypeError(f"do_cocycles must be True or False, got {do_cocycles!r}")
    if collapse_edges not in ("auto", True, False):
        raise ValueError(f"collapse_edges must be 'auto', True or False, got {collapse_edges!r}")
    if _representation not in ("auto", "dense", "sparse"):
        raise ValueError("_representation must be 'auto', 'dense' or 'sparse'")
    if return_generators not in (None, True, False):
        raise TypeError(f"return_generators must be True, False or None, got {return_generators!r}")
    if return_generators and collapse_edges is True:
        raise NotImplementedError("collapse_edges=True and return_generators=True cannot be combined "
                                  "(the collapse changes edge values); pass collapse_edges='auto' or False")
    if return_generators:
        collapse_edges = False if collapse_edges == "auto" else collapse_edges
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dt,
                            ripser_compat=True)
    n_perm = _check_n_perm(n_perm, inp.n, inp.kind)
    if weights is not None:
        from .weighted import weighted_input  # noqa: PLC0415

        if n_perm is not None:
            raise ValueError("weights and n_perm cannot be combined; subsample first, then weight")
        inp = weighted_input(inp, weights, weight_params, dense_matrix)
    elif weight_params is not None:
        raise ValueError("weight_params is given without weights; pass weights='DTM' or an array")
    if inp.n < 2:
        return _trivial_result(inp, X, maxdim, t_user, keep_distances, return_generators)
    # dynamic scheduling of the parallel loops (each iteration is a chunk of rows or simplices):
    # a thread slowed down by other processes takes fewer chunks instead of holding the barrier
    with thread_limit(default_threads(n_threads)) as threads, numba.parallel_chunksize(1), \
            _device_session(device, inp) as gpu:
        out = _ripser(inp, X, maxdim, t_user, p, bool(do_cocycles), n_perm, prog, collapse_edges,
                      bool(keep_distances), _representation, threads, gpu)
    if out.get("collapse") is not None or return_generators is False:
        out["gens"] = None
    return out


def _trivial_result(inp, X, maxdim, t_user, keep_distances, return_generators=None):
    """The result for 0 or 1 point: one essential H0 bar at the vertex's birth, or nothing."""
    dt = inp.dtype
    n = inp.n
    birth = float(inp.births[0]) if (n and inp.births is not None) else 0.0
    dgms = [np.zeros((0, 2), dtype=dt) for _ in range(maxdim + 1)]
    if n == 1:
        dgms[0] = np.array([[birth, np.inf]], dtype=dt)
    dperm2all = None
    if keep_distances:
        if inp.kind == "sparse":
            dperm2all = X
        else:
            dperm2all = np.zeros((n, n), dtype=dt)
            if n:
                dperm2all[0, 0] = birth
    return {
        "dgms": dgms,
        "cocycles": [[] for _ in range(maxdim + 1)],
        "num_edges": 0,
        "dperm2all": dperm2all,
        "idx_perm": np.arange(n),
        "r_cover": 0.0,
        "thresh": 0.0,  # the enclosing radius of at most one point
        "gens": None if return_generators is False else (
            np.zeros((0, 3), dtype=np.int64), [np.zeros((0, 4), dtype=np.int64) for _ in range(maxdim)],
            np.arange(n, dtype=np.int64), [np.zeros((0, 2), dtype=np.int64) for _ in range(maxdim)]),
        "counts": [{"edges": 0, "merges": 0, "essential": n}] + [{"columns": 0} for _ in range(maxdim)],
    }


def _device_session(device, inp):
    """topodim.cuda's session for device="cuda" / "auto" (a context manager; None for the CPU)."""
    if isinstance(device, str) and device == "cpu":
        return contextlib.nullcontext(None)
    from . import cuda  # noqa: PLC0415  (imports numba-cuda only here)

    return cuda.rips_session(device, inp)


def _ripser(inp, X, maxdim, t_user, p, do_cc, n_perm, prog, collapse_opt, keep_distances,
            representation, threads, gpu=None):
    dt = inp.dtype
    n_full = inp.n
    idx_perm = np.arange(n_full)
    r_cover = 0.0
    dperm2all = None
    if n_perm is not None:
        from .sampling import greedy_permutation  # noqa: PLC0415

        check_memory(n_perm * n_full * dt.itemsize, f"the {n_perm}x{n_full} subsample distances",
                     "use a smaller n_perm")
        idx_perm, lambdas, dperm2all = greedy_permutation(inp, n_perm)
        r_cover = float(lambdas[-1])
        sub = np.ascontiguousarray(dperm2all[:, idx_perm])
        sub = np.minimum(sub, sub.T)
        np.fill_diagonal(sub, 0)
        births = inp.births[idx_perm] if inp.births is not None else None
        inp = DistanceInput(kind="dense", n=n_perm, dtype=dt, dense=sub, births=births)
    n = inp.n
    births = inp.births if inp.births is not None else np.zeros(n, dtype=dt)
    maxdim_eff = min(maxdim, max(n - 2, 0))
    if maxdim_eff >= 1:
        _check_index_range(n, maxdim_eff)  # before anything is allocated
    counts = [dict() for _ in range(maxdim + 1)]
    dgms = [np.zeros((0, 2), dtype=dt) for _ in range(maxdim + 1)]
    cocycles = [[] for _ in range(maxdim + 1)]
    fin_hi = [np.zeros((0, 4), dtype=np.int64) for _ in range(maxdim)]
    ess_hi = [np.zeros((0, 2), dtype=np.int64) for _ in range(maxdim)]
    result_extra = {}

    need_matrix = maxdim_eff >= 1 or (keep_distances and inp.kind == "points" and n_perm is None)
    g = None
    if need_matrix:
        prog("distances", 0, 1)
        g = (gpu.graph_of(inp, t_user, representation) if gpu is not None
             else graph_of(inp, t_user, representation=representation))
        prog("distances", 1, 1)
        r_enc = graph_enclosing_radius(g)
    else:
        from .metrics import enclosing_radius  # noqa: PLC0415

        r_enc = enclosing_radius(inp)
    thresh_used = min(t_user, r_enc)
    tree = (gpu.tree(inp) if gpu is not None else minimum_spanning_tree(inp)) if maxdim_eff == 0 else None
    if dperm2all is None and keep_distances:
        if inp.kind == "sparse":
            dperm2all = X
        elif inp.kind == "dense":
            dperm2all = inp.dense
            if inp.births is not None:  # the diagonal as given (vertex births), as ripser.py returns it
                dperm2all = dperm2all.copy()
                np.fill_diagonal(dperm2all, inp.births)
        elif g is not None and g.full is not None:
            dperm2all = g.full
        else:  # condensed input (or a scipy metric) without a matrix built: square it (n x n)
            dperm2all = dense_matrix(inp)
    # ripser.py caps the count at the enclosing radius only on its dense path (zero diagonal)
    count_t = t_user if (math.isfinite(t_user) or inp.kind == "sparse" or inp.births is not None) \
        else thresh_used
    num_edges = count_edges(inp, g, K.kernel_threshold(count_t, dt))

    # the edge collapse: forced by collapse_edges=True; with "auto" always for maxdim >= 2, and
    # for maxdim 1 when the reduction of the full filtration runs out of its budget (see
    # _collapse_budget)
    may_collapse = not do_cc and maxdim_eff >= 1 and collapse_opt is not False
    collapse = may_collapse and (collapse_opt is True or maxdim_eff >= 2)
    probe = may_collapse and not collapse
    B = None
    inv = mod_inverses(p)
    tree_arrays = None
    if maxdim_eff >= 1:
        B = _binomial_table(n, maxdim_eff + 2, maxdim_eff)
        gr = g
        res1 = None
        spent = -1  # heap pushes spent before a budget-triggered collapse
        for attempt in range(2):
            if collapse:
                from .collapse import collapse_graph  # noqa: PLC0415

                prog("edge collapse", 0, 1)
                ip, ix, dv, cstats, F = collapse_graph(g.dense, g.D, g.indptr, g.indices, g.data,
                                                       n, thresh_used)
                prog("edge collapse", 1, 1)
                cstats["trigger"] = ("collapse_edges=True" if collapse_opt is True else
                                     "maxdim >= 2" if maxdim_eff >= 2 else "reduction budget")
                if attempt:
                    cstats["budget_pushes"] = spent
                result_extra["collapse"] = cstats
                # the sparse graph of the surviving edges; with the value matrix for O(1) lookups
                gr = RipsGraph(False, F if F is not None else np.zeros((0, 0), dtype=dt), ip, ix, dv,
                            n)
            on_gpu = gpu.edge_columns(gr, thresh_used, prog) if gpu is not None else None
            flags, col_idx, col_diam, tree_arrays, n_app1, n_cand = (
                on_gpu if on_gpu is not None else _edge_stage(gr, thresh_used, prog))
            eflags = flags  # int32 edge codes from either stage
            budget = _collapse_budget(n_app1 + n_cand) if probe and not collapse else -1
            res1 = _reduce_dimension(1, col_idx, col_diam, gr, thresh_used, B, p, inv, eflags,
                                     do_cc, prog, budget)
            if res1 is not None:
                break
            collapse = True  # the budget ran out: collapse and start again
            spent = budget
        # the H0 deaths of the (collapsed) filtration: the same diagram as the MST's
        tu, tv, tw = tree_arrays
        tree = MSTResult(np.stack([tu, tv], axis=1), tw)
        _store_dimension(1, res1, dgms, cocycles, fin_hi, ess_hi, counts, gr, B, n, p, do_cc,
                         idx_perm if n_perm is not None else None)
        counts[1].update({"apparent_pairs": n_app1, "columns": int(col_idx.shape[0]),
                          "cleared": int(n_cand - col_idx.shape[0])})
        pkeys = res1["pivots"]
        prev = None
        for dim in range(2, maxdim_eff + 1):
            if prev is None:
                prev = _all_edges(gr, flags, dt)
            ci, cd, nxt, acounts = _assemble(dim, prev[0], prev[1], gr, thresh_used, B, pkeys,
                                             eflags if dim == 2 else np.zeros(0, dtype=np.int32),
                                             dim < maxdim_eff, prog)
            resd = _reduce_dimension(dim, ci, cd, gr, thresh_used, B, p, inv,
                                     np.zeros(0, dtype=np.int32), do_cc, prog)
            _store_dimension(dim, resd, dgms, cocycles, fin_hi, ess_hi, counts, gr, B, n, p, do_cc,
                             idx_perm if n_perm is not None else None)
            counts[dim].update(acounts)
            counts[dim]["columns"] = int(ci.shape[0])
            pkeys = resd["pivots"]
            prev = nxt

    # ---- H0 ----------------------------------------------------------------------------------
    h0 = elder_rule_h0(tree, n, births, thresh_used, dt)
    edges = tree.edges[tree.lengths <= thresh_used]
    dying, roots = K.h0_generators(np.ascontiguousarray(edges[:, 0]),
                                   np.ascontiguousarray(edges[:, 1]), births.astype(dt), n)
    n_fin = edges.shape[0]
    fin0 = np.stack([dying, edges[:, 0], edges[:, 1]], axis=1) if n_fin else np.zeros((0, 3), np.int64)
    keep0 = h0[:n_fin, 1] > h0[:n_fin, 0]
    fin0 = fin0[keep0]
    dgms[0] = np.concatenate([h0[:n_fin][keep0], h0[n_fin:]]).astype(dt, copy=False)
    ess0 = roots
    if n_perm is not None:
        fin0 = idx_perm[fin0]
        ess0 = idx_perm[ess0]
        fin_hi = [np.where(a >= 0, idx_perm[np.maximum(a, 0)], -1) for a in fin_hi]
        ess_hi = [idx_perm[a] for a in ess_hi]
    counts[0] = {"edges": num_edges, "merges": int(n_fin), "essential": int(roots.shape[0])}
    for dim in range(maxdim_eff + 1, maxdim + 1):
        counts[dim] = {"columns": 0}

    out = {
        "dgms": dgms,
        "cocycles": cocycles,
        "num_edges": num_edges,
        "dperm2all": dperm2all,
        "idx_perm": idx_perm,
        "r_cover": r_cover,
        "thresh": float(thresh_used),
        "gens": (fin0, fin_hi, ess0, ess_hi),
        "counts": counts,
    }
    out.update(result_extra)
    return out


def _store_dimension(dim, res, dgms, cocycles, fin_hi, ess_hi, counts, g, B, n, p, do_cc, idx_perm):
    birth, death = res["birth"], res["death"]
    dgms[dim] = np.stack([birth, death], axis=1) if birth.shape[0] else np.zeros((0, 2), birth.dtype)
    gens = K.generators_higher(g.dense, g.D, g.indptr, g.indices, g.data, B, n, dim, res["bidx"],
                               res["didx"], birth, death)
    fin = np.isfinite(death)
    fin_hi[dim - 1] = gens[fin]
    ess_hi[dim - 1] = np.ascontiguousarray(gens[~fin][:, :2])
    st = res["stats"]
    counts[dim] = {"columns": 0, "emergent_pairs": int(st[K.STAT_EMERGENT]),
                   "additions": int(st[K.STAT_ADDITIONS]),
                   "apparent_shortcuts": int(st[K.STAT_APPARENT_SHORTCUTS]),
                   "heap_pushes": int(st[K.STAT_PUSHES]),
                   "cap_raises": int(st[K.STAT_CAP_RAISES]),
                   "zero_persistence_pairs": int(st[K.STAT_ZERO_PAIRS]),
                   "essential": int(st[K.STAT_ESSENTIAL]),
                   "enumerations": int(st[K.STAT_ENUMERATIONS]),
                   "reduction_entries": res["reduction_entries"]}
    if do_cc:
        ptr, idx, coeff = res["cc"]
        lst = []
        for k in range(birth.shape[0]):
            rows = K.cocycle_rows(B, n, dim, idx[ptr[k]:ptr[k + 1]], coeff[ptr[k]:ptr[k + 1]], p)
            if idx_perm is not None:
                rows[:, :-1] = idx_perm[rows[:, :-1]]
            lst.append(rows)
        cocycles[dim] = lst


# ==========================================================================================
# memory estimate
# ==========================================================================================


def estimate_memory(X=None, maxdim=1, thresh=np.inf, distance_matrix=False, dtype=np.float64,
                    n_points=None, n_perm=None, do_cocycles=False, collapse_edges="auto"):
    """Peak memory (bytes) of :func:`ripser` above what the process held before, estimated
    before running it.

    Pass the input ``X`` (its size and kind are read, nothing is computed) or ``n_points``. The
    estimate is the largest of the stages' working sets, each counted from the arrays
    :func:`ripser` checks before allocating them, with every pair of points taken as an edge
    (the threshold is not applied: that would need the distances):

    * the n x n distance matrix and the int32 code of every edge (all maxdim);
    * for maxdim >= 2 with the edge collapse (the default without cocycles): the sorted edge list
      and its sort buffers, then the sweep's second value matrix, pending-edge arrays and
      adjacency bitsets (see :func:`topodim.collapse.working_bytes`); the collapsed graph is
      taken to be small beside them, as it is on point clouds (a graph that does not collapse
      costs up to 2 x edges x (8 + itemsize) more, checked when it is built);
    * without the collapse: the list of all edges, from which the triangles are assembled;
    * for maxdim >= 3, the simplices one dimension below the top (at most C(n, k) of them, an
      upper bound: the collapse and a threshold usually leave far fewer).

    Measured peaks above the baseline, in fresh processes (bench/memory_peak.py, table in
    bench/README.md), are within 1.5x of this estimate for maxdim 1 and 2 and never more than
    20 % above it.
    """
    dt = as_dtype(dtype)
    maxdim = check_maxdim(maxdim)
    check_threshold(thresh)
    if collapse_edges not in ("auto", True, False):
        raise ValueError(f"collapse_edges must be 'auto', True or False, got {collapse_edges!r}")
    check_estimate_args(X, n_points, n_perm, distance_matrix)
    if X is None and n_points is None:
        raise TypeError("pass X or n_points")
    sparse_nnz = None
    if n_points is None:
        if hasattr(X, "nnz") and hasattr(X, "shape"):
            n = int(X.shape[0])
            sparse_nnz = int(X.nnz)
        else:
            shape = np.shape(X)
            if len(shape) == 0:
                raise ValueError("X must be an array of points (n, d) or distances, got a scalar; "
                                 "pass the input itself or n_points=...")
            if distance_matrix and len(shape) == 1:
                from ._validate import condensed_size_to_n  # noqa: PLC0415

                n = condensed_size_to_n(int(shape[0]))
            else:
                n = int(shape[0])
    else:
        n = check_nonnegative_int(n_points, "n_points", minimum=1)
    n_full = n
    extra = 0
    if n_perm is not None and not (isinstance(n_perm, numbers.Integral) and int(n_perm) == 0):
        k = check_nonnegative_int(n_perm, "n_perm", minimum=1)
        n = min(n, k)
        extra = n * n_full * dt.itemsize  # the subsample's distances to every point (dperm2all)
        sparse_nnz = None
    item = dt.itemsize
    pairs = n * (n - 1) // 2
    if sparse_nnz is not None:
        nnz = sparse_nnz
        base = nnz * (8 + item + 4) * 2  # CSR copy + edge codes
        edges = nnz // 2
        matrix = 0
    else:
        nnz = 0
        matrix = n * n * item
        base = matrix + pairs * 4  # matrix + int32 edge codes
        edges = pairs
    total = base
    if maxdim >= 2:
        collapse = collapse_edges is True or (collapse_edges == "auto" and not do_cocycles)
        if collapse:
            from .collapse import working_bytes  # noqa: PLC0415

            sorting, sweep = working_bytes(sparse_nnz is None, n, edges, nnz, item)
            total = max(total, matrix + sorting, matrix + sweep)
        else:
            # every edge listed (index + diameter) for the assembly of the triangles
            total += edges * (8 + item)
    if maxdim >= 3:
        total += math.comb(n, 3) * (8 + item)
    for k in range(4, maxdim + 1):
        total += math.comb(n, k) * (8 + item)
    if do_cocycles:
        total += pairs * 16
    return int(total + extra)


# ==========================================================================================
# batch transformer
# ==========================================================================================


#: GUDHI's ``input_type`` values and what topodim makes of them.
_INPUT_TYPES = ("point cloud", "full distance matrix", "lower distance matrix", "distance coo_matrix")


def _lower_to_full(L, dtype):
    """The symmetric matrix of a lower-triangular distance matrix: a square array (its upper part
    and diagonal ignored) or GUDHI's ragged rows, row i holding at least d(i, 0), ..., d(i, i-1)."""
    rows = list(L)
    n = len(rows)
    dt = as_dtype(dtype)
    check_memory(n * n * dt.itemsize, f"the {n}x{n} distance matrix of a lower distance matrix",
                 "pass the distances as a scipy.sparse matrix (input_type='distance coo_matrix')")
    D = np.zeros((n, n), dtype=dt)
    for i, row in enumerate(rows):
        try:
            r = np.asarray(row, dtype=np.float64).ravel()
        except (TypeError, ValueError) as exc:
            raise TypeError(f"row {i} of the lower distance matrix must hold numbers; {exc}") from None
        if r.shape[0] < i:
            raise ValueError(f"row {i} of the lower distance matrix has {r.shape[0]} entries; it needs "
                             f"at least {i} (the distances to points 0..{i - 1})")
        D[i, :i] = r[:i]
        D[:i, i] = r[:i]
    return D


#: Metrics a KD-tree answers (the Minkowski p of scipy's cKDTree).
_KDTREE_P = {"euclidean": 2.0, "manhattan": 1.0, "chebyshev": np.inf}


def _needs_components(n, maxdim, dt):
    """Whether a point cloud of n points is beyond :func:`ripser`'s direct path: simplex indices
    above 2^62 or an n x n matrix larger than the available memory."""
    from ._validate import available_memory  # noqa: PLC0415

    top = math.comb(n, min(maxdim, max(n - 2, 0)) + 2) if n >= 2 else 0
    avail = available_memory()
    return top >= MAX_SIMPLEX_INDEX or (avail > 0 and n * n * dt.itemsize > avail)


def _ripser_by_components(P, maxdim, thresh, metric, run):
    """Rips diagrams of a point cloud below a finite threshold, one connected component of the
    threshold graph at a time: below ``thresh`` the Rips complex is the disjoint union of the
    components' complexes, so its diagrams are the union of theirs. A KD-tree finds the edges
    (no n x n matrix); ``run(coo_matrix)`` computes one component. The bars come per dimension,
    H0 by death then its essential bars."""
    import scipy.sparse as sp  # noqa: PLC0415
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415
    from scipy.spatial import cKDTree  # noqa: PLC0415

    n = P.shape[0]
    p = _KDTREE_P[metric]
    pairs = cKDTree(P).query_pairs(thresh, p=p, output_type="ndarray")
    i, j = (pairs[:, 0], pairs[:, 1]) if pairs.size else (np.zeros(0, np.int64),) * 2
    d = np.linalg.norm(P[i] - P[j], ord=p, axis=1) if i.size else np.zeros(0)
    ncomp, labels = connected_components(sp.coo_matrix((d, (i, j)), shape=(n, n)), directed=False)
    order = np.argsort(labels, kind="stable")
    sizes = np.bincount(labels, minlength=ncomp)
    start = np.concatenate([[0], np.cumsum(sizes)])
    local = np.empty(n, dtype=np.int64)
    local[order] = np.arange(n) - start[labels[order]]
    eorder = np.argsort(labels[i], kind="stable")
    ecount = np.bincount(labels[i], minlength=ncomp)
    estart = np.concatenate([[0], np.cumsum(ecount)])
    parts = [[] for _ in range(maxdim + 1)]
    n_single = int(np.count_nonzero(sizes == 1))
    for c in np.flatnonzero(sizes >= 2):
        e = eorder[estart[c]:estart[c + 1]]
        m = int(sizes[c])
        A = sp.coo_matrix((d[e], (local[i[e]], local[j[e]])), shape=(m, m))
        for k, dgm in enumerate(run(A)):
            parts[k].append(dgm)
    dgms = []
    for k in range(maxdim + 1):
        ds = parts[k] + ([np.zeros((n_single, 2)) + [0.0, np.inf]] if k == 0 and n_single else [])
        dg = np.concatenate(ds) if ds else np.zeros((0, 2))
        if k == 0:
            dg = dg[np.argsort(dg[:, 1], kind="stable")]
        dgms.append(dg)
    return dgms


class RipsPersistence(ParamsMixin):
    """Vietoris–Rips persistence of a list of point clouds, scikit-learn style (no dependency).

    Accepts GUDHI's parameter names (``gudhi.sklearn.rips_persistence.RipsPersistence``) as well as
    topodim's; passing both names of one parameter with different values raises ValueError.

    Parameters
    ----------
    homology_dimensions : int or sequence of int, default (0, 1)
        Dimensions to return. An int gives one diagram per input, a sequence a list of diagrams.
    thresh, coeff, metric, distance_matrix, dtype, collapse_edges
        As in :func:`ripser`.
    n_jobs : int, optional
        Inputs computed at the same time, through :class:`joblib.Parallel` (threads by default;
        Numba kernels release the GIL). None defers to the active ``joblib.parallel_config``:
        ``with joblib.parallel_config(backend="dask"):`` sends one task per input to a Dask
        cluster (see :mod:`topodim.batch`). Each input then runs its parallel stages on
        ``n_threads`` threads.
    n_threads : int, optional
        Threads per input (default: all when the inputs run one at a time, else 1).
    device : {"cpu", "cuda", "auto"}, default "cpu"
        As in :func:`ripser`. On the GPU the inputs run one after another (``n_jobs`` is ignored).
    threshold : float, optional
        GUDHI's name for ``thresh``.
    input_type : {"point cloud", "full distance matrix", "lower distance matrix", \
"distance coo_matrix"}, optional
        GUDHI's way to say what the inputs are: points, square distance matrices, lower
        triangles (a square array whose upper part is ignored, or ragged rows where row i holds
        the distances to points 0..i-1) or scipy.sparse matrices. Unset: ``distance_matrix``
        decides.
    homology_coeff_field : int, optional
        GUDHI's name for ``coeff`` (GUDHI's default is 11, topodim's 2).
    num_collapses : int or "auto", optional
        GUDHI's edge-collapse setting: 0 is ``collapse_edges=False``, a positive count
        ``True`` (topodim collapses to a fixed point; the diagrams are the same), "auto" "auto".

    ``fit`` only checks the parameters; ``transform(Xs)`` returns the diagrams, a list (one entry
    per input), or with ``set_output(transform="pandas")`` a DataFrame with one row per input and
    the columns of :meth:`get_feature_names_out` ("H0", "H1", ...). An input of one point gives
    the single bar [0, inf) in H0 (GUDHI's and ripser.py's answer). A point cloud with a finite
    threshold and a euclidean / manhattan / chebyshev metric that is too large for
    :func:`ripser` at once (simplex indices above 2^62, or an n x n matrix above the available
    memory) is computed one connected component of its threshold graph at a time (a KD-tree
    finds the edges), as GUDHI does for large inputs.
    """

    def __init__(self, homology_dimensions=(0, 1), thresh=np.inf, coeff=2, metric="euclidean",
                 distance_matrix=False, dtype=np.float64, collapse_edges="auto", n_jobs=None,
                 n_threads=None, device="cpu", *, threshold=None, input_type=None,
                 homology_coeff_field=None, num_collapses=None):
        self.homology_dimensions = homology_dimensions
        self.thresh = thresh
        self.coeff = coeff
        self.metric = metric
        self.distance_matrix = distance_matrix
        self.dtype = dtype
        self.collapse_edges = collapse_edges
        self.n_jobs = n_jobs
        self.n_threads = n_threads
        self.device = device
        self.threshold = threshold
        self.input_type = input_type
        self.homology_coeff_field = homology_coeff_field
        self.num_collapses = num_collapses

    # get_params / set_params / repr (ParamsMixin) over these
    _param_names = ("homology_dimensions", "thresh", "coeff", "metric", "distance_matrix", "dtype",
                    "collapse_edges", "n_jobs", "n_threads", "device", "threshold", "input_type",
                    "homology_coeff_field", "num_collapses")

    def _dims(self):
        dims = self.homology_dimensions
        if isinstance(dims, numbers.Integral) and not isinstance(dims, bool):
            return [check_nonnegative_int(dims, "homology_dimensions")], True
        try:
            dims = [check_nonnegative_int(d, "homology_dimensions") for d in dims]
        except TypeError:
            raise TypeError("homology_dimensions must be an int or a sequence of ints") from None
        if not dims:
            raise ValueError("homology_dimensions is empty; pass e.g. (0, 1)")
        return dims, False

    def _resolved(self):
        """(thresh, coeff, distance_matrix, lower, collapse_edges) from either set of names."""
        thresh = check_threshold(self.thresh)
        if self.threshold is not None:
            t = check_threshold(self.threshold, "threshold")
            if thresh != math.inf and thresh != t:
                raise ValueError(f"thresh={self.thresh!r} and threshold={self.threshold!r} disagree; "
                                 "pass only one of them")
            thresh = t
        coeff = self.coeff
        if self.homology_coeff_field is not None:
            if coeff != 2 and coeff != self.homology_coeff_field:
                raise ValueError(f"coeff={coeff!r} and homology_coeff_field={self.homology_coeff_field!r} "
                                 "disagree; pass only one of them")
            coeff = self.homology_coeff_field
        coeff = check_prime(coeff, "homology_coeff_field" if self.homology_coeff_field is not None else "coeff")
        dm = self.distance_matrix
        if not isinstance(dm, (bool, np.bool_)):
            raise TypeError(f"distance_matrix must be True or False, got {dm!r}")
        lower = False
        if self.input_type is not None:
            if self.input_type not in _INPUT_TYPES:
                raise ValueError(f"input_type={self.input_type!r} is not one of "
                                 + ", ".join(repr(t) for t in _INPUT_TYPES))
            from_type = self.input_type != "point cloud"
            if dm and not from_type:
                raise ValueError("distance_matrix=True and input_type='point cloud' disagree; pass only one of them")
            dm = from_type
            lower = self.input_type == "lower distance matrix"
        collapse = self.collapse_edges
        if self.num_collapses is not None:
            nc = self.num_collapses
            if isinstance(nc, str) and nc == "auto":
                mapped = "auto"
            elif isinstance(nc, numbers.Integral) and not isinstance(nc, bool) and nc >= 0:
                mapped = bool(nc > 0)
            else:
                raise ValueError(f"num_collapses must be 'auto' or an integer >= 0, got {nc!r}")
            if collapse != "auto" and collapse != mapped:
                raise ValueError(f"collapse_edges={collapse!r} and num_collapses={nc!r} disagree; "
                                 "pass only one of them")
            collapse = mapped
        return thresh, coeff, bool(dm), lower, collapse

    def fit(self, X=None, y=None):
        self._dims()
        self._resolved()
        check_device(self.device)
        return self

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, ``["H<d>" for each homology dimension]`` (as GUDHI)."""
        dims, _ = self._dims()
        return [f"H{d}" for d in dims]

    def set_output(self, *, transform=None):
        """Choose the container of ``transform``'s result, as scikit-learn's ``set_output``:
        "default" (or None: unchanged) a list, "pandas" a DataFrame with one row per input and
        one column per homology dimension (each cell a diagram)."""
        if transform is not None and transform not in ("default", "pandas"):
            raise ValueError(f"set_output(transform={transform!r}): use 'default' or 'pandas'")
        if transform is not None:
            self._output = transform
        return self

    def transform(self, X):
        dims, single = self._dims()
        thresh, coeff, dm, lower, collapse = self._resolved()
        maxdim = max(dims)
        Xs = list(X)
        # one device context at a time: GPU inputs run sequentially
        if self.n_jobs is not None:
            resolve_n_threads(self.n_jobs, "n_jobs")  # a clear message for 0 / non-integers
        jobs = 1 if check_device(self.device) != "cpu" else self.n_jobs
        dt = as_dtype(self.dtype)

        def one(x, threads):
            use_dm = dm
            if lower:
                x = _lower_to_full(x, dt)
            if not hasattr(x, "nnz") and np.ndim(x) == 2 and np.shape(x)[0] <= 1 and (
                    not use_dm or np.shape(x)[0] == np.shape(x)[1]):
                # 0 or 1 point: the trivial diagrams, through a 0x0 / 1x1 sparse matrix (the
                # diagonal of a 1x1 distance matrix is the vertex's birth)
                import scipy.sparse as sp  # noqa: PLC0415

                k = np.shape(x)[0]
                x = sp.coo_matrix(np.asarray(x, dtype=dt) if use_dm else np.zeros((k, k), dt))
                use_dm = True
            def run(y, is_dm):
                return ripser(y, maxdim=maxdim, thresh=thresh, coeff=coeff, metric=self.metric,
                              distance_matrix=is_dm, dtype=dt, collapse_edges=collapse,
                              n_threads=threads, keep_distances=False, device=self.device,
                              return_generators=False)["dgms"]

            if (not (use_dm or lower) and not hasattr(x, "nnz") and math.isfinite(thresh)
                    and isinstance(self.metric, str) and self.metric in _KDTREE_P):
                P = as_points(x, dtype=np.float64)
                if _needs_components(P.shape[0], maxdim, dt):
                    d = _ripser_by_components(P, maxdim, thresh, self.metric,
                                              lambda A: run(A, True))
                    d = [a.astype(dt, copy=False) for a in d]
                    return d[dims[0]] if single else [d[k] for k in dims]
            d = run(x, use_dm or lower)
            return d[dims[0]] if single else [d[k] for k in dims]

        from .batch import map_clouds  # noqa: PLC0415 - joblib only for batches

        out = map_clouds(one, Xs, n_jobs=jobs, n_threads=self.n_threads)
        if getattr(self, "_output", "default") == "pandas":
            import pandas as pd  # noqa: PLC0415

            names = self.get_feature_names_out()
            rows = [[d] for d in out] if single else out
            return pd.DataFrame.from_records([tuple(r) for r in rows], columns=names)
        return out

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)


def _describe(nbytes):
    return format_bytes(nbytes)
