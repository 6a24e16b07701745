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
from ._state import CobOut, Scratch, Store, WorkColumn


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


@njit_inner
def _reducer_of(pi, pd, pc, dim, cols, graph, B, field, eflags, red, scratch):
    """What cancels the pivot tau = (pi, pd, coefficient pc) of a working column: the stored
    reduction column whose pivot is tau, else the apparent facet of tau. Returns (first,
    first_d, lo, hi, factor): the simplex whose coboundary is added (-1 when none: tau is a new
    pivot), its diameter, the range of stored entries added with it and the factor.
    ``scratch``: a Scratch of buffers for the apparent-facet search."""
    p = field.p
    stats = red.stats
    slot = hash_find(red.pivots, pi)
    if slot >= 0:
        j = red.pivots[slot, 1]
        factor = (p - (pc * field.inv[red.colinfo[j, 2]]) % p) % p
        lo_e = red.colinfo[j, 0]
        stats[STAT_ADDITIONS] += 1
        return cols.idx[j], cols.diam[j], lo_e, lo_e + red.colinfo[j, 1], factor
    f, r = zero_apparent_facet(graph, B, pi, pd, dim, scratch, eflags)
    if f >= 0:
        sgn = 1 if ((dim + 1 - r) & 1) == 0 else p - 1
        stats[STAT_APPARENT_SHORTCUTS] += 1
        return f, pd, np.int64(0), np.int64(0), ((p - pc) * sgn) % p
    return np.int64(-1), pd, np.int64(0), np.int64(0), np.int64(0)


#: When the heap of a working column empties below its diameter cap L, the cap is raised to
#: L + CAP_GROWTH * (L - diam(sigma)) (at least to the next cofacet diameter). A small factor
#: keeps few entries above the final pivot in the heap (they are pushed and never popped; on
#: long columns they made most of the heap, and its pops slow) at the cost of more, narrower
#: slices (re-enumerations of the working column's coboundaries, cheap by comparison).
CAP_GROWTH = 0.1


@njit
def reduce_columns(dim, cols, c0, c1, graph, thresh, B, field, eflags, red, store):
    """Reduce the coboundary columns c0..c1-1 of ``cols`` (a Columns) of dimension ``dim`` (see
    the conventions in :mod:`topodim.rips._state`) on ``graph`` (a Graph) up to ``thresh``, over
    ``field`` (a Field); ``eflags``: the edge codes of the flat pass (may be empty).

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

    ``budget`` >= 0 stops the reduction (COUNT_OVER_BUDGET set, the state left incomplete) as
    soon as the heap pushes (STAT_PUSHES) exceed it; -1 means no budget.

    Working column: W = coboundary of V_work = sum c_s * delta(s). Only cofacets of diameter at
    most a cap L are in the heap. The heap top, once nothing below it cancels, is the true pivot:
    every entry of W of diameter <= L is in the heap and equal indices have equal diameters.
    When the heap empties, L is raised and the next slice of every coboundary in V_work is
    pushed. The first pass over sigma's own coboundary also collects its cofacets of the next
    diameter, so that a column without additions needs one enumeration only. When a column is
    added to cancel the pivot tau, tau is not pushed back and the added entries equal to tau are
    skipped (their coefficients sum to minus tau's).

    Returns the Store (its arrays possibly reallocated).
    """
    col_idx = cols.idx
    col_diam = cols.diam
    p = field.p
    n = graph.n
    stats = red.stats
    counters = red.counters
    budget = red.budget
    vst_i, vst_d, cc_st = store
    ftype = col_diam.dtype
    out_i = np.empty(n + 1, dtype=np.int64)
    out_d = np.empty(n + 1, dtype=ftype)
    out_s = np.empty(n + 1, dtype=np.int64)
    nl_i = np.empty(n + 1, dtype=np.int64)
    nl_s = np.empty(n + 1, dtype=np.int64)
    cob_out = CobOut(out_i, out_d, out_s, nl_i, nl_s)
    hd = np.empty(1024, dtype=ftype)
    hi = np.empty(1024, dtype=np.int64)
    hc = np.empty(1024, dtype=np.int64)
    wi = np.empty(64, dtype=np.int64)
    wd = np.empty(64, dtype=ftype)
    wc = np.empty(64, dtype=np.int64)
    es = np.empty(dim + 3, dtype=np.int64)
    us = np.empty(dim + 3, dtype=np.int64)
    fv = np.empty(dim + 3, dtype=np.int64)
    ptrs = np.empty(dim + 3, dtype=np.int64)
    pv = np.empty((dim + 3) * (dim + 3), dtype=np.float64)
    scratch = Scratch(us, fv, pv, ptrs)
    pm1 = p - 1
    for c in range(c0, c1):
        stats[STAT_COLUMNS] += 1
        sidx = col_idx[c]
        sdiam = col_diam[c]
        work_len = 1
        wi[0] = sidx
        wd[0] = sdiam
        wc[0] = 1
        heap_len = 0
        # the pending enumeration: entries [pending_from, pending_to) of V_work, their cofacets
        # with diam_lo < diam <= diam_hi, pushed as ``mode`` (PUSH_*) says; L: the diameter cap
        pending_from = 0
        pending_to = 1
        diam_lo = -INF
        diam_hi = sdiam
        mode = PUSH_FIRST
        skip = np.int64(-1)
        L = sdiam
        nxt = INF
        nxt_known = True
        nl = 0
        nadd = 0
        last_cons = 1
        want_cons = False
        done = False
        essential = False
        piv_d = sdiam
        piv_i = np.int64(-1)
        piv_c = np.int64(0)
        while True:
            if want_cons:
                work_len = _consolidate(wi, wd, wc, work_len, p)
                last_cons = work_len
                want_cons = False
                pending_from = 0 if mode == PUSH_RAISE else work_len
                pending_to = work_len
            if done:
                break
            if mode == PUSH_RAISE:
                nxt = INF
                nxt_known = True
            for e in range(pending_from, pending_to):
                if mode == PUSH_NEXT_LEVEL:
                    cnt = nl
                    ce = np.int64(1)
                else:
                    stats[STAT_ENUMERATIONS] += 1
                    simplex_vertices(B, wi[e], dim, n, es)
                    cnt, nm, nlg = coboundary(graph, B, thresh, es, dim, wi[e], wd[e], diam_lo,
                                              diam_hi, cob_out, mode == PUSH_FIRST, ptrs)
                    if mode == PUSH_FIRST:
                        nl = nlg
                    if nxt_known and nm < nxt:
                        nxt = nm
                    ce = wc[e]
                if heap_len + cnt > hd.shape[0]:
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
                stats[STAT_PUSHES] += cnt
                if budget >= 0 and stats[STAT_PUSHES] > budget:
                    counters[COUNT_OVER_BUDGET] = 1
                    return Store(vst_i, vst_d, cc_st)
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
                stats[STAT_CAP_RAISES] += 1
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
                want_cons = work_len > 1
                continue
            first, first_d, lo_e, hi_e, factor = _reducer_of(piv_i, piv_d, piv_c, dim, cols,
                                                              graph, B, field, eflags, red,
                                                              scratch)
            if first < 0:
                # a new pivot: the pair (sigma, tau)
                done = True
                want_cons = work_len > 1
                continue
            # W += factor * delta(first + stored entries), skipping tau (it cancels)
            nadd += 1
            need = work_len + 1 + hi_e - lo_e
            if need > wi.shape[0]:
                wi = grow(wi, need)
                wd = grow(wd, need)
                wc = grow(wc, need)
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
        if not essential and not (piv_d > sdiam):
            stats[STAT_ZERO_PAIRS] += 1
            if nadd == 0:
                stats[STAT_EMERGENT] += 1
        if essential:
            stats[STAT_ESSENTIAL] += 1
        vst_i, vst_d, cc_st = _record_column(c, sidx, sdiam, essential, piv_d, piv_i, piv_c,
                                             WorkColumn(wi, wd, wc), work_len, red,
                                             Store(vst_i, vst_d, cc_st))
    return Store(vst_i, vst_d, cc_st)


