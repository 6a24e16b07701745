"""The reduction of Rips coboundary columns.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

import numpy as np

from .._config import njit, njit_inner
from .._kernels.growable import grow
from .._kernels.hashmap import hash_find, hash_insert

from ._coboundary import coboundary, zero_apparent_facet
from ._combinatorics import INF, simplex_vertices
from ._heap import _sift_down, _sift_up
from ._sorting import _sort_by_index
from ._state import CobOut, ColumnBuffers, ColumnTemp, LaneTemps, Scratch, Store, WorkColumn


# ==========================================================================================
# the reduction (persistent cohomology with clearing, apparent / emergent pairs and a
# diameter-capped working column)
# ==========================================================================================


@njit_inner
def _pop_pivot(hd, hi, hc, size, p):
    """Pop the top entry, summing the coefficients of equal indices; skip sums that vanish.

    Returns (size, found, diameter, index, coefficient)."""
    while size > 0:
        d = hd[0]
        i = hi[0]
        c = hc[0]
        size -= 1
        if size > 0:
            hd[0] = hd[size]
            hi[0] = hi[size]
            hc[0] = hc[size]
            _sift_down(hd, hi, hc, size)
        while size > 0 and hi[0] == i:
            c += hc[0]
            size -= 1
            if size > 0:
                hd[0] = hd[size]
                hi[0] = hi[size]
                hc[0] = hc[size]
                _sift_down(hd, hi, hc, size)
        c %= p
        if c != 0:
            return size, True, d, i, c
    return 0, False, hd[0], np.int64(-1), np.int64(0)


@njit_inner
def _push(hd, hi, hc, size, d, i, c):
    hd[size] = d
    hi[size] = i
    hc[size] = c
    _sift_up(hd, hi, hc, size)
    return size + 1


@njit_inner
def _consolidate(wi, wd, wc, wl, p):
    """Sort the working reduction column by index and add up equal entries mod p."""
    _sort_by_index(wi, wd, wc, wl)
    out = 0
    a = 0
    while a < wl:
        i = wi[a]
        d = wd[a]
        c = wc[a]
        a += 1
        while a < wl and wi[a] == i:
            c += wc[a]
            a += 1
        c %= p
        if c != 0:
            wi[out] = i
            wd[out] = d
            wc[out] = c
            out += 1
    return out


# Positions in Reduction.stats
STAT_COLUMNS = 0  # columns reduced
STAT_EMERGENT = 1  # zero-persistence pairs found without any addition
STAT_ADDITIONS = 2  # stored reduction columns added
STAT_APPARENT_SHORTCUTS = 3  # coboundaries of apparent facets added instead of a stored column
STAT_PUSHES = 4  # heap pushes
STAT_CAP_RAISES = 5  # raises of a working column's diameter cap
STAT_ZERO_PAIRS = 6  # zero-persistence pairs
STAT_ESSENTIAL = 7  # essential bars
STAT_ENUMERATIONS = 8  # coboundary enumerations
N_STATS = 9

# Positions in Reduction.counters
COUNT_V_ENTRIES = 0  # entries of the reduction matrix V stored
COUNT_BARS = 1  # bars recorded
COUNT_CC_ENTRIES = 2  # cocycle entries stored
COUNT_OVER_BUDGET = 3  # 1 when the reduction stopped on its budget
N_COUNTERS = 4

# What the pending enumeration of a working column pushes (``mode`` in reduce_columns)
PUSH_FIRST = 0  # sigma's first pass (also collects its cofacets of the next diameter)
PUSH_RAISE = 1  # the next slice of every coboundary after a cap raise
PUSH_ADDED = 2  # the coboundaries of the entries just added
PUSH_NEXT_LEVEL = 3  # sigma's next level, collected by the first pass


@njit_inner
def _record_column(c, sidx, sdiam, essential, pd, pi, pc, work, wl, red, store):
    """Record the reduced column at position c (simplex sidx of diameter sdiam, pivot (pi, pd)
    with coefficient pc unless essential, reduction column work[:wl], a WorkColumn): its bar
    (when essential or of positive persistence) with its cocycle, and, unless essential, its
    pivot and reduction column. Returns the Store."""
    wi, wd, wc = work
    counters = red.counters
    vst_i, vst_d, cc_st = store
    if essential or pd > sdiam:
        k = counters[COUNT_BARS]
        red.bars_d[k, 0] = sdiam
        red.bars_d[k, 1] = INF if essential else pd
        red.bars_i[k, 0] = sidx
        red.bars_i[k, 1] = -1 if essential else pi
        if red.do_cc:
            q = counters[COUNT_CC_ENTRIES]
            red.cc_ptr[k] = q
            cc_st = grow(cc_st, 2 * (q + wl))
            for e in range(wl):
                cc_st[2 * q] = wi[e]
                cc_st[2 * q + 1] = wc[e]
                q += 1
            red.cc_ptr[k + 1] = q
            counters[COUNT_CC_ENTRIES] = q
        counters[COUNT_BARS] = k + 1
    if not essential:
        colinfo = red.colinfo
        hash_insert(red.pivots, pi, c)
        colinfo[c, 2] = pc
        q = counters[COUNT_V_ENTRIES]
        colinfo[c, 0] = q
        if wl > 1:
            vst_i = grow(vst_i, 2 * (q + wl))
            vst_d = grow(vst_d, q + wl)
            for e in range(wl):
                if wi[e] != sidx:
                    vst_i[2 * q] = wi[e]
                    vst_i[2 * q + 1] = wc[e]
                    vst_d[q] = wd[e]
                    q += 1
        colinfo[c, 1] = q - colinfo[c, 0]
        counters[COUNT_V_ENTRIES] = q
    return Store(vst_i, vst_d, cc_st)


# The kind of reducer :func:`_reducer_of` found for a pivot
REDUCER_NONE = 0  # none: the pivot is new
REDUCER_STORED = 1  # a stored reduction column
REDUCER_APPARENT = 2  # the coboundary of the pivot's apparent facet


@njit_inner
def _reducer_of(pi, pd, pc, inp, red, scratch, apparent):
    """What cancels the pivot tau = (pi, pd, coefficient pc) of a working column: the stored
    reduction column whose pivot is tau, else (when ``apparent``) the apparent facet of tau.
    Returns (first, first_d, lo, hi, factor, kind): the simplex whose coboundary is added (-1
    when none: tau is a new pivot), its diameter, the range of stored entries added with it, the
    factor and the REDUCER_* kind. ``scratch``: a Scratch of buffers for the apparent-facet
    search."""
    p = inp.field.p
    slot = hash_find(red.pivots, pi)
    if slot >= 0:
        j = red.pivots[slot, 1]
        factor = (p - (pc * inp.field.inv[red.colinfo[j, 2]]) % p) % p
        lo_e = red.colinfo[j, 0]
        return (inp.cols.idx[j], inp.cols.diam[j], lo_e, lo_e + red.colinfo[j, 1], factor,
                REDUCER_STORED)
    if apparent:
        dim = inp.dim
        f, r = zero_apparent_facet(inp.graph, inp.B, pi, pd, dim, scratch, inp.eflags)
        if f >= 0:
            sgn = 1 if ((dim + 1 - r) & 1) == 0 else p - 1
            return f, pd, np.int64(0), np.int64(0), ((p - pc) * sgn) % p, REDUCER_APPARENT
    return np.int64(-1), pd, np.int64(0), np.int64(0), np.int64(0), REDUCER_NONE


#: When the heap of a working column empties below its diameter cap L, the cap is raised to
#: L + CAP_GROWTH * (L - diam(sigma)) (at least to the next cofacet diameter). A small factor
#: keeps few entries above the final pivot in the heap (they are pushed and never popped; on
#: long columns they made most of the heap, and its pops slow) at the cost of more, narrower
#: slices (re-enumerations of the working column's coboundaries, cheap by comparison).
CAP_GROWTH = 0.1

# What :func:`advance_column` returns
COLUMN_DONE = 0  # reduced: a pair, or essential (the column's state says which)
COLUMN_BLOCKED = 1  # stopped at a pivot that the frozen pivot map does not hold
COLUMN_PAUSED = 2  # stopped because a buffer that may not grow is full
COLUMN_OVER_BUDGET = 3  # stopped because the heap pushes exceeded a budget

#: The two values of advance_column's ``in_round``. NumPy booleans, not ``True``/``False``:
#: Numba types a literal argument by its value and would compile the big step once per value.
IN_ROUND = np.bool_(True)
ON_ITS_OWN = np.bool_(False)

# Positions in a column's integer state (see advance_column)
I_WORK_LEN = 0  # entries of V_work
I_HEAP_LEN = 1  # entries in the heap
I_PEND_FROM = 2  # the pending enumeration: entries [I_PEND_FROM, I_PEND_TO) of V_work ...
I_PEND_TO = 3
I_MODE = 4  # ... pushed as PUSH_* says
I_SKIP = 5  # the index the pending enumeration skips (-1: none)
I_NEXT_LEVEL = 6  # cofacets of the next diameter collected by the first pass (in nl_i, nl_s)
I_ADDED = 7  # reducers added so far
I_LAST_CONS = 8  # V_work's length after its last consolidation
I_WANT_CONS = 9  # 1: consolidate V_work before going on
I_NXT_KNOWN = 10  # 1: F_NXT is the smallest cofacet diameter above the cap
I_AT_PIVOT = 11  # 0: none; 1: resume at the pivot popped; 2: same, its apparent facet known absent
I_DONE = 12  # 1: reduced
I_ESSENTIAL = 13  # 1: reduced to an essential class
I_PIV_I = 14  # the pivot: index and coefficient (F_PIV_D: diameter)
I_PIV_C = 15
I_PUSHES = 16  # heap pushes made for this column so far
N_INTS = 17
# Positions in a column's float state
F_DIAM_LO = 0  # the pending enumeration pushes cofacets with F_DIAM_LO < diam <= F_DIAM_HI
F_DIAM_HI = 1
F_CAP = 2  # L, the diameter cap
F_NXT = 3  # the smallest cofacet diameter above the cap, when I_NXT_KNOWN
F_PIV_D = 4
N_FLOATS = 5


@njit_inner
def start_column(c, ints, flts, buf, cols, stats):
    """Set the state (``ints``, ``flts``: int64 and float64 arrays of N_INTS and N_FLOATS; ``buf``
    a ColumnBuffers) of the working column of the column at position c: V_work = sigma."""
    stats[STAT_COLUMNS] += 1
    sdiam = cols.diam[c]
    buf.wi[0] = cols.idx[c]
    buf.wd[0] = sdiam
    buf.wc[0] = 1
    ints[:] = 0
    ints[I_WORK_LEN] = 1
    ints[I_PEND_TO] = 1
    ints[I_MODE] = PUSH_FIRST
    ints[I_SKIP] = -1
    ints[I_LAST_CONS] = 1
    ints[I_NXT_KNOWN] = 1
    ints[I_PIV_I] = -1
    flts[F_DIAM_LO] = -INF
    flts[F_DIAM_HI] = sdiam
    flts[F_CAP] = sdiam
    flts[F_NXT] = INF
    flts[F_PIV_D] = sdiam


@njit_inner
def advance_column(c, ints, flts, buf, tmp, inp, red, store, stats, budget, in_round):
    """Go on reducing the working column of the column at position c of ``inp.cols`` (state
    ``ints``, ``flts``, ``buf`` as set by :func:`start_column`; ``tmp``: a ColumnTemp) against the
    pivots of ``red`` and the stored reduction columns of ``store`` (read only here). Statistics go
    to ``stats``; ``budget`` >= 0 stops it when stats[STAT_PUSHES] exceeds it, and
    ``red.column_budget`` >= 0 when the column's own pushes (over all calls) exceed that.

    ``in_round`` (a parallel round of the batched reduction; pass :data:`IN_ROUND` or
    :data:`ON_ITS_OWN`): stop (COLUMN_BLOCKED) at the first pivot that neither the pivot map nor
    an apparent facet cancels, instead of taking it as the column's pivot, because a column
    reduced later may still claim it; and stop (COLUMN_PAUSED) instead of growing a buffer. The
    state then holds everything needed to go on, and a later call (on the same state, with the
    pivot map completed) takes exactly the steps an uninterrupted reduction would have taken: the
    reduction of a column is the same sequence of heap operations however often it stops.

    Returns (COLUMN_*, the ColumnBuffers, possibly reallocated). Records nothing: see
    :func:`finish_column`.

    The working column: W = coboundary of V_work = sum c_s * delta(s). Only cofacets of diameter
    at most a cap L are in the heap. The heap top, once nothing below it cancels, is the true
    pivot: every entry of W of diameter <= L is in the heap and equal indices have equal
    diameters. When the heap empties, L is raised and the next slice of every coboundary in
    V_work is pushed. The first pass over sigma's own coboundary also collects its cofacets of
    the next diameter, so that a column without additions needs one enumeration only. When a
    reducer is added to cancel the pivot tau, tau is not pushed back and the added entries equal
    to tau are skipped (their coefficients sum to minus tau's).
    """
    dim = inp.dim
    graph = inp.graph
    B = inp.B
    thresh = inp.thresh
    p = inp.field.p
    n = graph.n
    pm1 = p - 1
    vst_i = store.vst_i
    vst_d = store.vst_d
    hd, hi, hc, wi, wd, wc, nl_i, nl_s = buf
    out_i = tmp.out_i
    out_d = tmp.out_d
    out_s = tmp.out_s
    es = tmp.es
    ptrs = tmp.ptrs
    scratch = tmp.scratch
    cob_out = CobOut(out_i, out_d, out_s, nl_i, nl_s)
    sdiam = inp.cols.diam[c]
    work_len = ints[I_WORK_LEN]
    heap_len = ints[I_HEAP_LEN]
    pending_from = ints[I_PEND_FROM]
    pending_to = ints[I_PEND_TO]
    mode = ints[I_MODE]
    skip = ints[I_SKIP]
    nl = ints[I_NEXT_LEVEL]
    nadd = ints[I_ADDED]
    last_cons = ints[I_LAST_CONS]
    want_cons = ints[I_WANT_CONS] != 0
    nxt_known = ints[I_NXT_KNOWN] != 0
    at_pivot = ints[I_AT_PIVOT]
    done = ints[I_DONE] != 0
    essential = ints[I_ESSENTIAL] != 0
    piv_i = ints[I_PIV_I]
    piv_c = ints[I_PIV_C]
    diam_lo = flts[F_DIAM_LO]
    diam_hi = flts[F_DIAM_HI]
    L = flts[F_CAP]
    nxt = flts[F_NXT]
    piv_d = flts[F_PIV_D]
    # statistics counted in locals, added to ``stats`` on return (threads keep their hot
    # counters off shared cache lines)
    pushed = stats[STAT_PUSHES]
    column_pushed = ints[I_PUSHES]
    column_budget = red.column_budget
    n_enum = 0
    n_push = 0
    n_raise = 0
    n_stored = 0
    n_apparent = 0
    status = COLUMN_DONE
    while True:
        if at_pivot == 0:
            if want_cons:
                work_len = _consolidate(wi, wd, wc, work_len, p)
                last_cons = work_len
                want_cons = False
                pending_from = 0 if mode == PUSH_RAISE else work_len
                pending_to = work_len
            if done:
                break
            stopped = False
            for e in range(pending_from, pending_to):
                if mode == PUSH_NEXT_LEVEL:
                    cnt = nl
                    ce = np.int64(1)
                else:
                    n_enum += 1
                    simplex_vertices(B, wi[e], dim, n, es)
                    cnt, nm, nlg = coboundary(graph, B, thresh, es, dim, wi[e], wd[e], diam_lo,
                                              diam_hi, cob_out, mode == PUSH_FIRST, ptrs)
                    if mode == PUSH_FIRST:
                        nl = nlg
                    if nxt_known and nm < nxt:
                        nxt = nm
                    ce = wc[e]
                if heap_len + cnt > hd.shape[0]:
                    if in_round:
                        # this entry is enumerated again when the column goes on
                        if mode != PUSH_NEXT_LEVEL:
                            n_enum -= 1
                        pending_from = e
                        status = COLUMN_PAUSED
                        stopped = True
                        break
                    hd = grow(hd, heap_len + cnt)
                    hi = grow(hi, heap_len + cnt)
                    hc = grow(hc, heap_len + cnt)
                cneg = (ce * pm1) % p
                for q in range(cnt):
                    if mode == PUSH_NEXT_LEVEL:
                        qi = nl_i[q]
                        qd = nxt
                        qs = nl_s[q]
                    else:
                        qi = out_i[q]
                        qd = out_d[q]
                        qs = out_s[q]
                    if qi != skip:
                        heap_len = _push(hd, hi, hc, heap_len, qd, qi, cneg if qs else ce)
                n_push += cnt
                if ((budget >= 0 and pushed + n_push > budget)
                        or (column_budget >= 0 and column_pushed + n_push > column_budget)):
                    status = COLUMN_OVER_BUDGET
                    stopped = True
                    break
            if stopped:
                break
            pending_from = pending_to
            if mode == PUSH_NEXT_LEVEL:
                L = nxt
                nxt_known = False
                nl = 0
                mode = PUSH_RAISE
            if mode == PUSH_ADDED and work_len > 64 and work_len > 2 * last_cons:
                want_cons = True
                continue
            heap_len, found, piv_d, piv_i, piv_c = _pop_pivot(hd, hi, hc, heap_len, p)
            if not found:
                if mode == PUSH_FIRST and nl > 0:
                    # W is still delta(sigma): push its next level, collected by the first pass
                    mode = PUSH_NEXT_LEVEL
                    pending_from = 0
                    pending_to = 1
                    continue
                if nxt_known and nxt == INF:
                    essential = True
                    done = True
                    want_cons = work_len > 1
                    continue
                # raise the cap: the next slice of every coboundary in V_work
                n_raise += 1
                Lnew = L + CAP_GROWTH * (L - sdiam)
                if nxt_known and nxt > Lnew:
                    Lnew = nxt
                if not (Lnew > L):
                    Lnew = INF
                pending_from = 0
                pending_to = work_len
                diam_lo = L
                diam_hi = Lnew
                mode = PUSH_RAISE
                skip = -1
                L = Lnew
                nxt = INF  # the smallest diameter above the new cap, found by the enumeration
                nxt_known = True
                want_cons = work_len > 1
                continue
        # the pivot (piv_i, piv_d, piv_c): what cancels it?
        first, first_d, lo_e, hi_e, factor, kind = _reducer_of(piv_i, piv_d, piv_c, inp, red,
                                                                scratch, at_pivot != 2)
        if first < 0:
            if in_round:
                at_pivot = 2  # its apparent facet does not depend on the pivot map
                status = COLUMN_BLOCKED
                break
            # a new pivot: the pair (sigma, tau)
            at_pivot = 0
            done = True
            want_cons = work_len > 1
            continue
        need = work_len + 1 + hi_e - lo_e
        if need > wi.shape[0]:
            if in_round:
                at_pivot = 1
                status = COLUMN_PAUSED
                break
            wi = grow(wi, need)
            wd = grow(wd, need)
            wc = grow(wc, need)
        at_pivot = 0
        if kind == REDUCER_STORED:
            n_stored += 1
        else:
            n_apparent += 1
        # W += factor * delta(first + stored entries), skipping tau (it cancels)
        nadd += 1
        pending_from = work_len
        wi[work_len] = first
        wd[work_len] = first_d
        wc[work_len] = factor
        work_len += 1
        for e in range(lo_e, hi_e):
            wi[work_len] = vst_i[2 * e]
            wd[work_len] = vst_d[e]
            wc[work_len] = (factor * vst_i[2 * e + 1]) % p
            work_len += 1
        pending_to = work_len
        diam_lo = -INF
        diam_hi = L
        mode = PUSH_ADDED
        skip = piv_i
    stats[STAT_ENUMERATIONS] += n_enum
    stats[STAT_PUSHES] += n_push
    stats[STAT_CAP_RAISES] += n_raise
    stats[STAT_ADDITIONS] += n_stored
    stats[STAT_APPARENT_SHORTCUTS] += n_apparent
    ints[I_WORK_LEN] = work_len
    ints[I_HEAP_LEN] = heap_len
    ints[I_PEND_FROM] = pending_from
    ints[I_PEND_TO] = pending_to
    ints[I_MODE] = mode
    ints[I_SKIP] = skip
    ints[I_NEXT_LEVEL] = nl
    ints[I_ADDED] = nadd
    ints[I_LAST_CONS] = last_cons
    ints[I_WANT_CONS] = 1 if want_cons else 0
    ints[I_NXT_KNOWN] = 1 if nxt_known else 0
    ints[I_AT_PIVOT] = at_pivot
    ints[I_DONE] = 1 if done else 0
    ints[I_ESSENTIAL] = 1 if essential else 0
    ints[I_PIV_I] = piv_i
    ints[I_PIV_C] = piv_c
    ints[I_PUSHES] = column_pushed + n_push
    flts[F_DIAM_LO] = diam_lo
    flts[F_DIAM_HI] = diam_hi
    flts[F_CAP] = L
    flts[F_NXT] = nxt
    flts[F_PIV_D] = piv_d
    return status, ColumnBuffers(hd, hi, hc, wi, wd, wc, nl_i, nl_s)


@njit_inner
def finish_column(c, ints, flts, buf, red, store, cols):
    """Count and record (:func:`_record_column`) the reduced column at position c (state
    ``ints``, ``flts``, ``buf`` after :func:`advance_column` returned COLUMN_DONE). Returns the
    Store."""
    stats = red.stats
    essential = ints[I_ESSENTIAL] != 0
    piv_d = flts[F_PIV_D]
    sdiam = cols.diam[c]
    if not essential and not (piv_d > sdiam):
        stats[STAT_ZERO_PAIRS] += 1
        if ints[I_ADDED] == 0:
            stats[STAT_EMERGENT] += 1
    if essential:
        stats[STAT_ESSENTIAL] += 1
    return _record_column(c, cols.idx[c], sdiam, essential, piv_d, ints[I_PIV_I], ints[I_PIV_C],
                          WorkColumn(buf.wi, buf.wd, buf.wc), ints[I_WORK_LEN], red, store)


#: Entries of padding after each row of a LaneTemps: 128 bytes, so that no two threads write
#: the same cache line (the small buffers are rewritten at every enumeration).
LANE_PAD = 16


@njit_inner
def lane_temps(lanes, n, dim, like):
    """The temporaries of a column step (a LaneTemps) for ``lanes`` threads, columns of
    dimension ``dim`` on n vertices, diameters of the dtype of the array ``like``: per row the
    coboundary output (n + 1 entries each) and the small buffers of a simplex's vertices and of
    the apparent-facet search, each followed by LANE_PAD entries. Nothing in them outlives a
    call of :func:`advance_column`, so the columns a thread advances share its row."""
    d3 = dim + 3 + LANE_PAD
    m = n + 1 + LANE_PAD
    pv = (dim + 3) * (dim + 3) + LANE_PAD
    return LaneTemps(np.empty((lanes, m), dtype=np.int64), np.empty((lanes, m), dtype=like.dtype),
                     np.empty((lanes, m), dtype=np.int64), np.empty((lanes, d3), dtype=np.int64),
                     np.empty((lanes, d3), dtype=np.int64), np.empty((lanes, d3), dtype=np.int64),
                     np.empty((lanes, d3), dtype=np.int64), np.empty((lanes, pv), dtype=np.float64),
                     np.empty((lanes, d3), dtype=np.int64))


@njit_inner
def lane_temp(temps, t):
    """The ColumnTemp of thread t: views of row t of the LaneTemps ``temps``."""
    return ColumnTemp(temps.out_i[t], temps.out_d[t], temps.out_s[t], temps.es[t], temps.ptrs[t],
                      Scratch(temps.us[t], temps.fv[t], temps.pv[t], temps.sptrs[t]))


@njit_inner
def column_temp(n, dim, like):
    """Fresh temporaries (a ColumnTemp) for one thread (see :func:`lane_temps`)."""
    return lane_temp(lane_temps(1, n, dim, like), 0)


@njit
def reduce_columns(inp, c0, c1, red, store):
    """Reduce the coboundary columns c0..c1-1 of ``inp.cols`` (``inp`` a ReductionInput; see the
    conventions in :mod:`topodim.rips._state`), one after the other.

    State carried between calls in ``red`` (a Reduction) and ``store`` (a Store), so that Python
    can report progress between chunks:

    * ``pivots`` (cap, 2): the pivot map, an open-addressing table pivot simplex -> column
      position;
    * ``colinfo`` (ncols, 3): per column position, the start and length of its reduction column
      in ``vst_*`` (the column's own simplex left implicit) and the coefficient of its pivot;
    * ``vst_i`` (2 per entry: index, coefficient) and ``vst_d`` (diameter): the reduction matrix V;
    * ``bars_d`` (ncols, 2): birth, death (inf when essential); ``bars_i`` (ncols, 2): birth and
      death simplices (-1 when essential), in the order found;
    * ``cc_ptr`` (per bar) into ``cc_st`` (2 per entry: index, coefficient): the cocycles;
    * ``counters`` (COUNT_*): entries of V, bars, cocycle entries, 1 when stopped by the budget;
    * ``stats`` (STAT_*): the statistics of the reduction.

    ``red.budget`` >= 0 stops the reduction (COUNT_OVER_BUDGET set, the state left incomplete)
    as soon as the heap pushes (STAT_PUSHES) exceed it, ``red.column_budget`` >= 0 as soon as
    one column's pushes exceed it; -1 means no budget. One column's steps:
    :func:`advance_column`.

    Returns the Store (its arrays possibly reallocated).
    """
    ftype = inp.cols.diam.dtype
    n = inp.graph.n
    ints = np.zeros(N_INTS, dtype=np.int64)
    flts = np.zeros(N_FLOATS, dtype=np.float64)
    buf = ColumnBuffers(np.empty(1024, dtype=ftype), np.empty(1024, dtype=np.int64),
                        np.empty(1024, dtype=np.int64), np.empty(64, dtype=np.int64),
                        np.empty(64, dtype=ftype), np.empty(64, dtype=np.int64),
                        np.empty(n + 1, dtype=np.int64), np.empty(n + 1, dtype=np.int64))
    tmp = column_temp(n, inp.dim, inp.cols.diam)
    for c in range(c0, c1):
        start_column(c, ints, flts, buf, inp.cols, red.stats)
        status, buf = advance_column(c, ints, flts, buf, tmp, inp, red, store, red.stats,
                                     red.budget, ON_ITS_OWN)
        if status == COLUMN_OVER_BUDGET:
            red.counters[COUNT_OVER_BUDGET] = 1
            return store
        store = finish_column(c, ints, flts, buf, red, store, inp.cols)
    return store
