"""The stages of a Rips computation and the checks before them.

Input checks of the index range and permutation counts, the progress report, and one
function per stage of :func:`topodim.rips.ripser`: the edge stage (the flat pass over all
edges), the assembly of the columns of a dimension >= 2 and the reduction of one dimension
(with its memory checks and the heap-push budget that decides the edge collapse for maxdim 1).
"""

from __future__ import annotations

import math
import numbers
import sys
import time

import numba
import numpy as np

from .._kernels.bits import DEBRUIJN
from .._kernels.hashmap import hash_capacity, new_hash_map
from .._mst.kruskal import kruskal
from .._parallel import one_thread, run_batches, shells_forced
from .._tuning import (REDUCTION_PARALLEL_COLUMNS, REDUCTION_PARALLEL_PUSHES,
                       REDUCTION_SLOTS_PER_THREAD)
from .._validate import check_memory, format_bytes

from ._assemble import assemble, assemble_triangles
from ._combinatorics import kernel_threshold
from ._edges import count_flags, edge_pass, gather_graph_edges, split_edges
from ._graph import RipsGraph
from ._reduce import (
    COUNT_BARS,
    COUNT_CC_ENTRIES,
    COUNT_OVER_BUDGET,
    COUNT_V_ENTRIES,
    N_COUNTERS,
    N_STATS,
    STAT_PUSHES,
    reduce_columns,
)
from ._reduce_batched import SLOT_HEAP, SLOT_WORK, new_slots, reduce_columns_batched, slot_bytes
from ._sorting import sort_columns
from ._state import Assembly, Columns, Field, Generated, Graph, Reduction, ReductionInput, Store

#: Largest simplex index (kept below 2**62 so that index arithmetic never overflows int64).
MAX_SIMPLEX_INDEX = 2**62


# ==========================================================================================
# checks
# ==========================================================================================


def check_index_range(n: int, maxdim: int) -> None:
    """Simplex indices go up to C(n, maxdim + 2); they must stay below 2**62 (int64 arithmetic)."""
    top = math.comb(n, maxdim + 2)
    if top >= MAX_SIMPLEX_INDEX:
        raise ValueError(
            f"maxdim={maxdim} with {n} points needs simplex indices up to C({n}, {maxdim + 2}) ~ "
            f"{float(top):.3g}, above the int64 index limit 2^62; use n_perm=... to subsample, a "
            "smaller maxdim, or fewer points"
        )


def binomial_table(n: int, kmax: int, maxdim: int) -> np.ndarray:
    """B[k, v] = C(v, k) for k <= kmax, v <= n, with the overflow check of the index type."""
    check_index_range(n, maxdim)
    B = np.zeros((kmax + 1, n + 1), dtype=np.int64)
    for k in range(kmax + 1):
        for v in range(n + 1):
            c = math.comb(v, k)
            B[k, v] = c if c < MAX_SIMPLEX_INDEX else MAX_SIMPLEX_INDEX
    return B


def check_n_perm(n_perm, n: int, kind: str):
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


def resolve_swapped(metric, do_cocycles):
    """Accept the positional order (..., distance_matrix, metric, do_cocycles, ...) as well as
    ripser.py's (..., distance_matrix, do_cocycles, metric, ...): a bool in ``metric`` with a string
    or callable in ``do_cocycles`` is read as swapped."""
    if isinstance(metric, (bool, np.bool_)) and (isinstance(do_cocycles, str) or callable(do_cocycles)):
        return do_cocycles, bool(metric)
    return metric, do_cocycles


# ==========================================================================================
# progress
# ==========================================================================================


class Progress:
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


def reduction_state_bytes(ncols: int, itemsize: int) -> int:
    """Bytes of the per-column state of :func:`reduce_dimension` (pivot map, column info,
    bars, cocycle pointers)."""
    m = max(ncols, 1)
    return hash_capacity(ncols) * 16 + m * 24 + m * 2 * (itemsize + 8) + (m + 1) * 8


#: Heap pushes per edge that the dimension-1 reduction of the full filtration may spend before
#: ``collapse_edges="auto"`` gives up on it and collapses the filtration first (maxdim 1).
COLLAPSE_PUSHES_PER_EDGE = 1

#: Heap pushes per vertex that any one column of that reduction may spend before the same.
COLLAPSE_COLUMN_PUSHES_PER_VERTEX = 64


def collapse_budget(n_edges: int) -> int:
    """The heap pushes allowed to the uncollapsed dimension-1 reduction (maxdim 1, "auto").

    The cost of the reduction is not known before it runs; its heap pushes are the measure. On
    unstructured clouds (uniform in the square, cube and 4-cube, Gaussian in R^2 to R^50,
    clusters, a noisy sphere, the 64-d digits) it pushes 0.04-0.3 entries per edge and the
    collapse (0.3-3 us per edge) would cost more than the whole reduction; on samples of
    manifolds with large cycles (noisy circles, tori) it pushes 3-50 per edge, a few long
    columns each adding hundreds of coboundaries, and the collapsed filtration reduces in a
    fraction of the time. The budget, COLLAPSE_PUSHES_PER_EDGE pushes per edge, separates the two
    with a margin of about 3x on both sides; when it runs out the work done so far (about the
    cost of the collapse) is dropped and the collapsed filtration is reduced instead. A single
    column is held to :func:`collapse_column_budget` as well, which catches those long columns
    as soon as one starts. The choice depends on counts only, so it is the same for any thread
    count; the diagrams are the same either way.
    """
    return int(COLLAPSE_PUSHES_PER_EDGE * max(n_edges, 1))


def collapse_column_budget(n: int) -> int:
    """The heap pushes allowed to any one column of the uncollapsed dimension-1 reduction on n
    vertices (maxdim 1, "auto"): COLLAPSE_COLUMN_PUSHES_PER_VERTEX * n.

    On the clouds of :func:`collapse_budget` (n = 1,000-4,000) no column pushes more than 7 n
    entries; the noisy circle's and torus's dear columns push 1,500-9,500 n each, and those few
    columns are most of the reduction's time (torus n = 2,000: two columns of 594, 4.9 s of
    5.1 s). The cap, 9x above the clouds' longest column, stops at the first of them, long
    before the total budget runs out.
    """
    return int(COLLAPSE_COLUMN_PUSHES_PER_VERTEX * max(n, 1))


def reduction_slots(ncols: int, n: int, dt, reduced: int = 0, pushes: int = 0):
    """The slots of the batch-parallel reduction (:mod:`topodim.rips._reduce_batched`) of ncols
    columns on n vertices, or None for the serial one, after ``reduced`` columns made ``pushes``
    heap pushes. Both give the same results; the batched one pays on several threads when there
    are REDUCTION_PARALLEL_COLUMNS columns or more, and the columns reduced so far pushed
    REDUCTION_PARALLEL_PUSHES entries each on average (cheaper columns cost less than a batch's
    rounds). The choice rests on counts, never on timings."""
    if one_thread():
        return None
    if not shells_forced() and (ncols < REDUCTION_PARALLEL_COLUMNS or reduced == 0
                                or pushes < REDUCTION_PARALLEL_PUSHES * reduced):
        return None
    k = REDUCTION_SLOTS_PER_THREAD * numba.get_num_threads()
    check_memory(k * slot_bytes(n, SLOT_HEAP, SLOT_WORK, np.dtype(dt).itemsize),
                 f"the working columns of the parallel reduction ({k} on {n:,} vertices)",
                 "pass n_threads=1 (the serial reduction needs one of them)")
    return new_slots(k, n, SLOT_HEAP, SLOT_WORK, np.empty(0, dtype=dt))


def reduce_dimension(dim, cols_idx, cols_diam, g: RipsGraph, thresh, B, p, inv, eflags, do_cc,
                      progress: Progress, budget: int = -1, column_budget: int = -1):
    """Reduce the columns of one dimension; None when ``budget`` (heap pushes, -1: none) ran out,
    or a column's pushes exceeded ``column_budget`` (-1: none)."""
    ncols = cols_idx.shape[0]
    dt = cols_diam.dtype
    m = max(ncols, 1)
    check_memory(reduction_state_bytes(ncols, dt.itemsize),
                 f"the reduction of {ncols:,} columns of dimension {dim}", _REDUCTION_WAY_OUT)
    hmap = new_hash_map(ncols)
    colinfo = np.zeros((m, 3), dtype=np.int64)
    vst_i = np.empty(2048, dtype=np.int64)
    vst_d = np.empty(1024, dtype=dt)
    bars_d = np.empty((m, 2), dtype=dt)
    bars_i = np.empty((m, 2), dtype=np.int64)
    cc_ptr = np.zeros(m + 1, dtype=np.int64)
    cc_st = np.empty(32, dtype=np.int64)
    counters = np.zeros(N_COUNTERS, dtype=np.int64)
    stats = np.zeros(N_STATS, dtype=np.int64)
    red = Reduction(hmap, colinfo, bars_d, bars_i, cc_ptr, counters, stats, bool(do_cc),
                    np.int64(budget), np.int64(column_budget))
    cols = Columns(cols_idx, cols_diam)
    graph = Graph(bool(g.dense), g.D, g.indptr, g.indices, g.data, np.int64(g.n))
    field = Field(np.int64(p), inv)
    step = max(REDUCTION_MIN_STEP, ncols // (100 if progress.on else REDUCTION_CHUNKS))
    stage = f"reducing H{dim}"
    t = kernel_threshold(thresh, dt)
    inp = ReductionInput(np.int64(dim), cols, graph, t, B, field, eflags)
    slots = None
    c0 = 0
    progress(stage, 0, ncols)
    while c0 < ncols:
        c1 = min(ncols, c0 + step)
        grown = vst_i.nbytes + vst_d.nbytes + cc_st.nbytes
        if grown > GROWTH_CHECK_BYTES:
            # the next growth doubles an array while the old one is still held
            check_memory(max(vst_i.nbytes + vst_d.nbytes, cc_st.nbytes) * 2,
                         f"the reduction matrix of dimension {dim} (now {describe_bytes(grown)}, "
                         f"{c0:,} of {ncols:,} columns reduced)", _REDUCTION_WAY_OUT)
        try:
            if slots is None:
                slots = reduction_slots(ncols, g.n, dt, c0, int(stats[STAT_PUSHES]))
            if slots is None:
                vst_i, vst_d, cc_st = reduce_columns(inp, c0, c1, red, Store(vst_i, vst_d, cc_st))
            else:
                (vst_i, vst_d, cc_st), slots = reduce_columns_batched(
                    inp, c0, c1, red, Store(vst_i, vst_d, cc_st), slots,
                    np.int64(numba.get_num_threads()))
        except MemoryError as exc:
            raise MemoryError(f"reducing dimension {dim} ran out of memory after {c0:,} of "
                              f"{ncols:,} columns ({exc}); {_REDUCTION_WAY_OUT}") from None
        if counters[COUNT_OVER_BUDGET]:
            return None
        c0 = c1
        progress(stage, c0, ncols)
    nb = int(counters[COUNT_BARS])
    res = {
        "birth": bars_d[:nb, 0].copy(),
        "death": bars_d[:nb, 1].copy(),
        "bidx": bars_i[:nb, 0].copy(),
        "didx": bars_i[:nb, 1].copy(),
        "pivots": hmap,
        "stats": stats,
        "reduction_entries": int(counters[COUNT_V_ENTRIES]),
    }
    if do_cc:
        nc = int(counters[COUNT_CC_ENTRIES])
        res["cc"] = (cc_ptr[: nb + 1].copy(), cc_st[0:2 * nc:2].copy(), cc_st[1:2 * nc:2].copy())
    return res


def edge_stage(g: RipsGraph, thresh, progress):
    """Flat pass over the edges. Returns (edge codes, the H1 columns sorted, the spanning forest
    (u, v, length) in filtration order, the number of apparent edges, the number of edges not
    apparent). Codes (int32, per C(i,2)+j or per CSR position): -2 no edge, -1 not apparent,
    k >= 0 apparent with the triangle {i, j, k}."""
    n = g.n
    dt = g.D.dtype if g.dense else g.data.dtype
    t = kernel_threshold(thresh, dt)
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
    graph = g.kernel()
    run_batches(weights, lambda lo, hi: edge_pass(graph, t, flags, lo, hi))
    progress("apparent pairs", 1, 1)
    counts = count_flags(graph, flags, 2)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    m = int(offsets[-1])
    cidx = np.empty(m, dtype=np.int64)
    cdiam = np.empty(m, dtype=dt)
    gather_graph_edges(graph, flags, np.int64(2), offsets, cidx, cdiam)
    sort_columns(cdiam, cidx)
    # H0 deaths: union-find over the non-apparent edges in filtration order (apparent edges
    # are never H0 deaths); they are the pivots of dimension 0, so their columns are cleared
    asc_idx = np.ascontiguousarray(cidx[::-1])
    asc_d = np.ascontiguousarray(cdiam[::-1])
    us, vs = split_edges(asc_idx)
    keep = kruskal(us, vs, asc_d, n)
    tree_u, tree_v, tree_w = us[keep], vs[keep], asc_d[keep]
    cols = ~keep[::-1]
    col_idx = np.ascontiguousarray(cidx[cols])
    col_diam = np.ascontiguousarray(cdiam[cols])
    n_apparent = int(count_flags(graph, flags, 1).sum())
    return flags, col_idx, col_diam, (tree_u, tree_v, tree_w), n_apparent, m


def all_edges(g: RipsGraph, flags, dt):
    n = g.n
    graph = g.kernel()
    counts = count_flags(graph, flags, -1)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    m = int(offsets[-1])
    idx = np.empty(m, dtype=np.int64)
    diam = np.empty(m, dtype=dt)
    gather_graph_edges(graph, flags, np.int64(-1), offsets, idx, diam)
    return idx, diam


def assemble_columns(dim, s_idx, s_diam, g: RipsGraph, thresh, B, pkeys, eflags, need_next, progress):
    """Columns of dimension ``dim`` from the (dim-1)-simplices (s_idx, s_diam)."""
    dt = s_diam.dtype
    t = kernel_threshold(thresh, dt)
    m = s_idx.shape[0]
    counts = np.zeros(m, dtype=np.int64)
    noi = np.zeros(0, dtype=np.int64)
    nod = np.zeros(0, dtype=dt)
    nof = np.zeros(0, dtype=np.uint8)
    graph = g.kernel()
    ctx = Assembly(g.bitsets(), B, t, pkeys, eflags, DEBRUIJN)
    gens = Columns(s_idx, s_diam)

    def run(lo, hi, out, count_only):
        # triangles with the edge codes of the flat pass have their own kernel (only the one
        # used is compiled)
        if dim == 2 and eflags.shape[0] > 0:
            assemble_triangles(graph, ctx, gens, lo, hi, out, count_only)
        else:
            assemble(graph, ctx, gens, dim - 1, lo, hi, out, count_only)

    run_batches(np.ones(m), lambda lo, hi: run(lo, hi, Generated(counts, counts, 0, noi, nod, nof),
                                               True))
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
        out = Generated(counts, offsets, base, oi, od, of)
        run_batches(counts[q0:q1].astype(np.float64),
                    lambda lo, hi: run(q0 + lo, q0 + hi, out, False))
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
    sort_columns(cd, ci)
    nxt = None
    if need_next:
        nxt = (np.concatenate(next_i) if next_i else np.zeros(0, dtype=np.int64),
               np.concatenate(next_d) if next_d else np.zeros(0, dtype=dt))
    return ci, cd, nxt, {"simplices": total, "cleared": n_cleared, "apparent_pairs": n_apparent}


def describe_bytes(nbytes):
    return format_bytes(nbytes)
