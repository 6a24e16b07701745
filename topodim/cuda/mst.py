"""Minimum spanning forests on the GPU: batched Borůvka with distances on the fly.

One run handles a *batch* of independent problems ("segments"): segment s is the set of points
``ids[offs[s]:offs[s+1]]`` (rows of a point array, or of a dense distance matrix), and edges only
join points of the same segment. A single point cloud is a batch of one; the PH-dimension path
puts every subsample of a schedule in one batch (:mod:`topodim.cuda.phdim`).

Round structure (the Borůvka rounds run until no component can merge):

1. *Search* (GPU, the O(n²·d) part). For every point p that needs it, its nearest point q of the
   same segment in another component, by the order (reduced distance, then q). A thread block
   takes up to BQ such points of one segment and one chunk of that segment's candidates; the
   candidates' coordinates are staged in shared memory, TC points x KCM coordinates at a time, and
   each thread keeps TC accumulators with the canonical arithmetic of :mod:`topodim.metrics`
   (coordinates in order, products and sums rounded separately), so every distance equals the
   CPU's bit for bit. Chunks are combined by a second small kernel in chunk order
   (deterministic, no atomics on the data path).
   A point whose nearest other-component point is still in another component keeps it (the
   candidates only shrink as components merge), so later rounds search only for the points whose
   neighbour joined their own component.
2. *Per-component minimum* (GPU, atomics). ``atomic.min`` of the values into a per-component
   slot, then, among the points that reached that minimum, ``atomic.min`` of an integer edge key
   that breaks ties. With the order (value, smaller end, larger end) ("lex", as topodim.mst) or
   (value, larger edge index first) ("filtration", the Rips filtration order of topodim.rips)
   every edge has a distinct rank, so the chosen edges never close a cycle and the forest is
   the unique minimum one for that order.
3. *Merge* (host, Numba): union-find over the chosen edges, new component labels.

The forest's lengths equal the CPU's: the values are the CPU's bits, and every minimum spanning
forest has the same sorted lengths. (With tied lengths the edges may differ from the CPU Prim's,
which breaks ties by discovery order.)
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .._config import njit, njit_inner
from .._kernels.unionfind import find
from ._device import DeviceScope, check_device_memory, simulator_enabled
from ..metrics import CHEBYSHEV, EUCLIDEAN, MANHATTAN, SQEUCLIDEAN
from ._arith import add_rn, device_function, mul_rn
from .distances import dist_reduce_end

__all__ = ["batch_msf", "LEX", "FILTRATION"]

_SIM = simulator_enabled()
#: Points searched per thread block (one thread each).
BQ = 4 if _SIM else 128
#: Candidates per shared-memory tile (and accumulators per thread).
TC = 4 if _SIM else 32
#: Coordinates per shared-memory pass.
KCM = 3 if _SIM else 32
#: Threads per block of the element-wise kernels.
RB = 8 if _SIM else 256
#: Thread blocks the first search round aims at (enough to fill a large GPU several times).
TARGET_BLOCKS = 64 if _SIM else 8192

LEX = 0
FILTRATION = 1
KEY_NONE = np.iinfo(np.int64).max


# ------------------------------------------------------------------------------------------
# kernels
# ------------------------------------------------------------------------------------------


@device_function
def _better(r, q, best, bq, prefer_larger):
    """Whether candidate (r, q) beats (best, bq) in the order (value, then q)."""
    if bq < 0 or r < best:
        return True
    if r == best:
        if prefer_larger:
            return q > bq
        return q < bq
    return False


@cuda.jit
def _search_points(X, ids, comp, needs, items, part_off, part_r, part_q, metric, prefer_larger):
    Cs = cuda.shared.array((TC, KCM), dtype=X.dtype)
    acc = cuda.local.array(TC, dtype=X.dtype)
    b = cuda.blockIdx.x
    t = cuda.threadIdx.x
    c_lo = items[b, 0]
    c_hi = items[b, 1]
    g_lo = items[b, 2]
    g_cnt = items[b, 3]
    chunk = items[b, 4]
    has = t < g_cnt
    g = g_lo + t if has else g_lo
    p = needs[g]
    prow = ids[p]
    pc = comp[p]
    d = X.shape[1]
    zero = X.dtype.type(0)
    one = X.dtype.type(1)
    best = zero
    bq = -1
    for c0 in range(c_lo, c_hi, TC):
        w = min(TC, c_hi - c0)
        for u in range(TC):
            acc[u] = zero
        for k0 in range(0, d, KCM):
            kc = min(KCM, d - k0)
            for e in range(t, TC * KCM, BQ):
                u = e // KCM
                kk = e - u * KCM
                if u < w and kk < kc:
                    Cs[u, kk] = X[ids[c0 + u], k0 + kk]
                else:
                    Cs[u, kk] = zero
            cuda.syncthreads()
            # topodim.metrics.reduced_distance's loop body, the metric test hoisted out of the
            # unrolled loop over the tile (|c - x| = |x - c| and (c - x)^2 = (x - c)^2 exactly)
            if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
                for kk in range(kc):
                    xk = X[prow, k0 + kk]
                    for u in range(TC):
                        dv = Cs[u, kk] - xk
                        acc[u] = add_rn(acc[u], mul_rn(dv, dv))
            elif metric == MANHATTAN:
                for kk in range(kc):
                    xk = X[prow, k0 + kk]
                    for u in range(TC):
                        acc[u] = add_rn(acc[u], abs(Cs[u, kk] - xk))
            elif metric == CHEBYSHEV:
                for kk in range(kc):
                    xk = X[prow, k0 + kk]
                    for u in range(TC):
                        dv = abs(Cs[u, kk] - xk)
                        if dv > acc[u]:
                            acc[u] = dv
            else:  # COSINE: inner products of unit rows
                for kk in range(kc):
                    xk = X[prow, k0 + kk]
                    for u in range(TC):
                        acc[u] = add_rn(acc[u], mul_rn(Cs[u, kk], xk))
            cuda.syncthreads()
        for u in range(w):
            q = c0 + u
            if comp[q] != pc:
                r = dist_reduce_end(acc[u], metric, one, zero)
                if _better(r, q, best, bq, prefer_larger):
                    best = r
                    bq = q
    if has:
        s = part_off[g] + chunk
        part_r[s] = best
        part_q[s] = bq


@cuda.jit
def _search_matrix(D, ids, comp, needs, items, part_off, part_r, part_q, prefer_larger):
    b = cuda.blockIdx.x
    t = cuda.threadIdx.x
    c_lo = items[b, 0]
    c_hi = items[b, 1]
    g_lo = items[b, 2]
    g_cnt = items[b, 3]
    chunk = items[b, 4]
    if t >= g_cnt:
        return
    g = g_lo + t
    p = needs[g]
    prow = ids[p]
    pc = comp[p]
    best = D[prow, prow]
    bq = -1
    for q in range(c_lo, c_hi):
        if comp[q] != pc:
            r = D[prow, ids[q]]
            if _better(r, q, best, bq, prefer_larger):
                best = r
                bq = q
    s = part_off[g] + chunk
    part_r[s] = best
    part_q[s] = bq


@cuda.jit
def _combine_parts(needs, part_off, part_r, part_q, nn_r, nn_q, prefer_larger):
    g = cuda.grid(1)
    if g < needs.shape[0]:
        s0 = part_off[g]
        best = part_r[s0]
        bq = part_q[s0]
        for s in range(s0 + 1, part_off[g + 1]):
            q = part_q[s]
            if q >= 0 and _better(part_r[s], q, best, bq, prefer_larger):
                best = part_r[s]
                bq = q
        p = needs[g]
        nn_r[p] = best
        nn_q[p] = bq


@cuda.jit
def _reset_components(comp_r, comp_key, inf, none):
    c = cuda.grid(1)
    if c < comp_r.shape[0]:
        comp_r[c] = inf
        comp_key[c] = none


@cuda.jit
def _component_min_value(comp, nn_r, nn_q, comp_r):
    p = cuda.grid(1)
    if p < comp.shape[0] and nn_q[p] >= 0:
        cuda.atomic.min(comp_r, comp[p], nn_r[p])


@cuda.jit
def _component_min_key(comp, nn_r, nn_q, comp_r, comp_key, mode, M):
    p = cuda.grid(1)
    if p < comp.shape[0]:
        q = nn_q[p]
        if q >= 0 and nn_r[p] == comp_r[comp[p]]:
            a = min(p, q)
            b = max(p, q)
            if mode == LEX:
                key = a * M + b
            else:  # FILTRATION: larger edge index C(b, 2) + a first
                key = (M * (M - 1)) // 2 - ((b * (b - 1)) // 2 + a)
            cuda.atomic.min(comp_key, comp[p], key)


# ------------------------------------------------------------------------------------------
# host helpers (Numba, CPU)
# ------------------------------------------------------------------------------------------


@njit
def _needs(nn_q, comp, first):
    M = comp.shape[0]
    cnt = 0
    for p in range(M):
        q = nn_q[p]
        if first or (q >= 0 and comp[q] == comp[p]):
            cnt += 1
    out = np.empty(cnt, dtype=np.int64)
    k = 0
    for p in range(M):
        q = nn_q[p]
        if first or (q >= 0 and comp[q] == comp[p]):
            out[k] = p
            k += 1
    return out


@njit
def _build_items(needs, seg_of, offs, chunk_len, bq):
    """Thread-block work items (cand_lo, cand_hi, need_lo, need_count, chunk) and per-need
    offsets into the partial-result arrays."""
    G = needs.shape[0]
    part_off = np.zeros(G + 1, dtype=np.int64)
    n_items = 0
    g = 0
    while g < G:
        s = seg_of[needs[g]]
        h = g
        while h < G and seg_of[needs[h]] == s:
            h += 1
        seg_len = offs[s + 1] - offs[s]
        nch = (seg_len + chunk_len - 1) // chunk_len
        for k in range(g, h):
            part_off[k + 1] = part_off[k] + nch
        n_items += ((h - g + bq - 1) // bq) * nch
        g = h
    items = np.empty((n_items, 5), dtype=np.int64)
    it = 0
    g = 0
    while g < G:
        s = seg_of[needs[g]]
        h = g
        while h < G and seg_of[needs[h]] == s:
            h += 1
        lo = offs[s]
        hi = offs[s + 1]
        nch = (hi - lo + chunk_len - 1) // chunk_len
        for a in range(g, h, bq):
            cnt = min(bq, h - a)
            for c in range(nch):
                items[it, 0] = lo + c * chunk_len
                items[it, 1] = min(hi, lo + (c + 1) * chunk_len)
                items[it, 2] = a
                items[it, 3] = cnt
                items[it, 4] = c
                it += 1
        g = h
    return items, part_off


@njit_inner
def _decode_filtration_key(key, M):
    idx = (M * (M - 1)) // 2 - key
    b = np.int64((1.0 + math.sqrt(1.0 + 8.0 * idx)) / 2.0)
    while (b * (b - 1)) // 2 > idx:
        b -= 1
    while ((b + 1) * b) // 2 <= idx:
        b += 1
    return idx - (b * (b - 1)) // 2, b


@njit
def _merge(comp, comp_r, comp_key, uf, mode, out_a, out_b, out_w, n_edges):
    """Union the chosen edges of every component; relabel; returns (n_edges, merged)."""
    M = comp.shape[0]
    merged = 0
    for c in range(M):
        if comp[c] != c or comp_key[c] == KEY_NONE:
            continue
        key = comp_key[c]
        if mode == LEX:
            a = key // M
            b = key - a * M
        else:
            a, b = _decode_filtration_key(key, M)
        ra = find(uf, a)
        rb = find(uf, b)
        if ra == rb:
            continue  # both components chose the same edge
        if ra < rb:
            uf[rb] = ra
        else:
            uf[ra] = rb
        out_a[n_edges] = a
        out_b[n_edges] = b
        out_w[n_edges] = comp_r[c]
        n_edges += 1
        merged += 1
    for p in range(M):
        comp[p] = find(uf, p)
    return n_edges, merged


# ------------------------------------------------------------------------------------------
# driver
# ------------------------------------------------------------------------------------------


def _grid(n, block):
    return (max(1, (n + block - 1) // block),)


def batch_msf(source, ids, offs, metric=None, mode=LEX, scope=None, source_on_device=None):
    """Minimum spanning forests of a batch of segments, on the GPU.

    Parameters
    ----------
    source : ndarray
        Prepared points (N, d) (``metric`` an int code of topodim.metrics) or, with
        ``metric=None``, a dense (N, N) distance matrix (+inf = no edge).
    ids : int64 array (M,)
        Rows of ``source``; segment s is ``ids[offs[s]:offs[s+1]]``.
    offs : int64 array (S + 1,)
    mode : LEX or FILTRATION
        Tie order of equal values: (smaller end, larger end), or the Rips filtration order
        (larger edge index C(b, 2) + a first; positions are the edge's vertices, so use it with a
        single segment whose ids are 0..N-1).
    scope : DeviceScope, optional
        Allocate in a caller's scope (and reuse ``source_on_device`` already there).

    Returns
    -------
    (a, b, w, seg) : positions in ``ids`` (a < b) of the forest edges, their values in the
    source's dtype (reduced distances for points: squared for euclidean) and their segment, in
    the order the rounds found them.
    """
    if scope is None:
        with DeviceScope() as own:
            return batch_msf(source, ids, offs, metric, mode, own, None)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    offs = np.ascontiguousarray(offs, dtype=np.int64)
    M = int(ids.shape[0])
    dt = source.dtype
    seg_of = np.repeat(np.arange(len(offs) - 1, dtype=np.int64), np.diff(offs))
    out_a = np.empty(max(M, 1), dtype=np.int64)
    out_b = np.empty(max(M, 1), dtype=np.int64)
    out_w = np.empty(max(M, 1), dtype=dt)
    n_edges = 0
    if M < 2:
        return out_a[:0], out_b[:0], out_w[:0], seg_of[:0]
    if source_on_device is None:
        check_device_memory(source.nbytes + M * (40 + 2 * dt.itemsize),
                            f"the spanning forests of {M:,} points", "use device='cpu'")
    src = source_on_device if source_on_device is not None else scope.to_device(source)
    ids_d = scope.to_device(ids)
    comp = np.arange(M, dtype=np.int64)
    uf = np.arange(M, dtype=np.int64)
    comp_d = scope.to_device(comp)
    nn_r = scope.empty(M, dt)
    nn_q = scope.to_device(np.full(M, -1, dtype=np.int64))
    comp_r = scope.empty(M, dt)
    comp_key = scope.empty(M, np.int64)
    nn_q_host = np.full(M, -1, dtype=np.int64)
    prefer_larger = np.bool_(mode == FILTRATION)
    inf = dt.type(np.inf)
    first = True
    sizes = np.diff(offs)
    while True:
        needs = _needs(nn_q_host, comp, first)
        first = False
        if needs.shape[0] > 0:
            work = int(np.sum(sizes[seg_of[needs]]))
            chunk_len = max(TC, -(-work // (TARGET_BLOCKS * BQ)))
            chunk_len = -(-chunk_len // TC) * TC
            items, part_off = _build_items(needs, seg_of, offs, np.int64(chunk_len), np.int64(BQ))
            n_parts = int(part_off[-1])
            needs_d = scope.to_device(needs)
            items_d = scope.to_device(items)
            off_d = scope.to_device(part_off)
            part_r = scope.empty(n_parts, dt)
            part_q = scope.empty(n_parts, np.int64)
            if metric is None:
                _search_matrix[items.shape[0], BQ](src, ids_d, comp_d, needs_d, items_d, off_d,
                                                  part_r, part_q, prefer_larger)
            else:
                _search_points[items.shape[0], BQ](src, ids_d, comp_d, needs_d, items_d, off_d,
                                                  part_r, part_q, np.int64(metric), prefer_larger)
            _combine_parts[_grid(needs.shape[0], RB), RB](needs_d, off_d, part_r, part_q, nn_r,
                                                          nn_q, prefer_larger)
            for a in (needs_d, items_d, off_d, part_r, part_q):
                scope.release(a)
            del needs_d, items_d, off_d, part_r, part_q
        _reset_components[_grid(M, RB), RB](comp_r, comp_key, inf, np.int64(KEY_NONE))
        _component_min_value[_grid(M, RB), RB](comp_d, nn_r, nn_q, comp_r)
        _component_min_key[_grid(M, RB), RB](comp_d, nn_r, nn_q, comp_r, comp_key, np.int64(mode),
                                             np.int64(M))
        cr = comp_r.copy_to_host()
        ck = comp_key.copy_to_host()
        n_edges, merged = _merge(comp, cr, ck, uf, np.int64(mode), out_a, out_b, out_w,
                                 np.int64(n_edges))
        if merged == 0:
            break
        comp_d.copy_to_device(comp)
        nn_q.copy_to_host(nn_q_host)
    a = out_a[:n_edges]
    b = out_b[:n_edges]
    return a, b, out_w[:n_edges].copy(), seg_of[a]


# ------------------------------------------------------------------------------------------
# the MST of one validated input
# ------------------------------------------------------------------------------------------


def minimum_spanning_tree(inp):
    """:func:`topodim.mst.minimum_spanning_tree` on the GPU for points, dense or condensed input.

    Same result type and conventions (edges smaller index first, lengths ascending in the compute
    dtype, ties by endpoints; +inf entries of a matrix are not edges, so the result may be a
    forest). The sorted lengths equal the CPU's bit for bit.
    """
    from ..metrics import EUCLIDEAN, metric_code, prepare_points, squareform  # noqa: PLC0415
    from .._mst.tree import canonical_tree  # noqa: PLC0415

    n = inp.n
    ids = np.arange(n, dtype=np.int64)
    offs = np.array([0, n], dtype=np.int64)
    if inp.kind == "points":
        code = metric_code(inp.metric)
        P = np.ascontiguousarray(prepare_points(inp.points, inp.metric))
        a, b, r, _ = batch_msf(P, ids, offs, code, LEX)
        w = np.sqrt(r) if code == EUCLIDEAN else r
    elif inp.kind in ("dense", "condensed"):
        D = inp.dense if inp.kind == "dense" else squareform(inp.condensed)
        a, b, w, _ = batch_msf(np.ascontiguousarray(D), ids, offs, None, LEX)
        keep = w != np.inf
        a, b, w = a[keep], b[keep], w[keep]
    else:
        raise ValueError(f"the CUDA MST takes points, dense or condensed input, not {inp.kind}")
    return canonical_tree(a, b, w.astype(inp.dtype, copy=False))
