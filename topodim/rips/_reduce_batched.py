"""The batch-parallel reduction of Rips coboundary columns, with the output of the serial one.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.

The columns are taken in batches of consecutive columns, one working column per slot (in the
spirit of the batch reductions of giotto-ph, J. Pérez, S. Hauke, U. Lupo, M. Caorsi and
A. Dassatti, "giotto-ph: a Python library for high-performance computation of persistent
homology of Vietoris–Rips filtrations", 2021, and of D. Morozov and A. Nigmetov, "Towards
lockfree persistent homology", SPAA 2020). A batch runs in rounds until all its columns are
recorded:

1. in parallel, each column not yet recorded goes on reducing against the pivot map as it stands
   (frozen during the round: nothing writes it), until it is reduced to an essential class, or
   reaches a pivot that the map does not hold (a column before it in the batch may still claim
   it), or fills a buffer (:func:`topodim.rips._reduce.advance_column` stops, keeping its state);
2. serially, in column order from the first column not recorded, each column whose outcome is
   now known is recorded: one reduced, one stopped at a pivot that no column before it holds
   (the pivot is its own), one paused on a full buffer (finished here on growable buffers); the
   step ends at the first column stopped at a pivot that a column recorded since holds, which
   goes on in the next round.

Every pivot a column meets in the map belongs to a column before it, and an apparent facet does
not depend on the map, so each column takes exactly the steps of the serial reduction, only
spread over rounds: the pairs, cocycles, reduction matrix and statistics are those of
:func:`topodim.rips._reduce.reduce_columns`, for any batch size and thread count. Each round
records at least its first column, so a batch of k columns takes at most k rounds. The threads
share the work of many short columns (higher dimensions, unstructured clouds); a single long
column (the loop of a noisy circle) stays on one thread.
"""

from __future__ import annotations

from collections import namedtuple

import numba
import numpy as np

from .._config import njit, njit_inner, njit_parallel
from .._kernels.hashmap import hash_find

from ._reduce import (
    COLUMN_BLOCKED,
    COLUMN_DONE,
    COLUMN_OVER_BUDGET,
    COLUMN_PAUSED,
    COUNT_OVER_BUDGET,
    I_PIV_I,
    IN_ROUND,
    N_FLOATS,
    N_INTS,
    N_STATS,
    ON_ITS_OWN,
    STAT_PUSHES,
    advance_column,
    finish_column,
    lane_temp,
    lane_temps,
    start_column,
)
from ._state import ColumnBuffers, Columns, Field, Graph, LaneTemps, ReductionInput, Store

#: The working columns of one batch, one row per slot: the integer and float state
#: (``ints``, ``flts``, see :func:`topodim.rips._reduce.advance_column`), the buffers of a
#: :data:`~topodim.rips._state.ColumnBuffers` (``hd``, ``hi``, ``hc``: heap; ``wi``, ``wd``,
#: ``wc``: V_work; ``nl_i``, ``nl_s``: the next level), per-slot statistics ``stats`` and the
#: COLUMN_* ``status``.
Slots = namedtuple("Slots", ["ints", "flts", "hd", "hi", "hc", "wi", "wd", "wc", "nl_i", "nl_s",
                             "stats", "status"])

#: Initial heap and V_work capacities of a slot (entries). A column that fills one in the
#: parallel phase goes on serially; the capacities then double for the next batch, up to the
#: maxima.
SLOT_HEAP = 1 << 10
SLOT_WORK = 1 << 7
SLOT_HEAP_MAX = 1 << 16
SLOT_WORK_MAX = 1 << 13


def slot_bytes(n: int, heap: int, work: int, itemsize: int) -> int:
    """Bytes of one slot on n vertices with these heap and V_work capacities."""
    return (heap + work) * (itemsize + 16) + (n + 1) * 16 + (N_INTS + N_FLOATS + N_STATS) * 8


@njit
def new_slots(k, n, heap, work, like):
    """Slots for k working columns on n vertices, with heap and V_work capacities ``heap`` and
    ``work``, diameters of the dtype of the array ``like``."""
    ft = like.dtype
    return Slots(np.zeros((k, N_INTS), dtype=np.int64), np.zeros((k, N_FLOATS), dtype=np.float64),
                 np.empty((k, heap), dtype=ft), np.empty((k, heap), dtype=np.int64),
                 np.empty((k, heap), dtype=np.int64), np.empty((k, work), dtype=np.int64),
                 np.empty((k, work), dtype=ft), np.empty((k, work), dtype=np.int64),
                 np.empty((k, n + 1), dtype=np.int64), np.empty((k, n + 1), dtype=np.int64),
                 np.zeros((k, N_STATS), dtype=np.int64), np.zeros(k, dtype=np.int64))


@njit_inner
def _slot_buffers(slots, k):
    return ColumnBuffers(slots.hd[k], slots.hi[k], slots.hc[k], slots.wi[k], slots.wd[k],
                         slots.wc[k], slots.nl_i[k], slots.nl_s[k])


#: A ReductionInput laid flat (its Columns and Field taken apart), as the parfor pass takes no
#: nested tuples; the Graph goes beside it.
FlatInput = namedtuple("FlatInput", ["dim", "col_idx", "col_diam", "thresh", "B", "p", "inv",
                                     "eflags"])


#: The status of a slot whose column has not been advanced yet.
SLOT_FRESH = -1


@njit_inner
def _start_batch(b, kb, slots, cols):
    """Start the working columns of columns b..b+kb-1 in slots 0..kb-1."""
    for k in range(kb):
        slots.stats[k, :] = 0
        start_column(b + k, slots.ints[k], slots.flts[k], _slot_buffers(slots, k), cols,
                     slots.stats[k])
        slots.status[k] = SLOT_FRESH


@njit_inner
def _batch_spent(kb, slots):
    """Heap pushes made by the columns of a batch so far."""
    spent = 0
    for q in range(kb):
        spent += slots.stats[q, STAT_PUSHES]
    return spent


@njit_inner
def _add_batch_stats(kb, slots, stats):
    """Add the statistics of the first kb slots to ``stats`` (a Reduction's)."""
    for k in range(kb):
        for s in range(N_STATS):
            stats[s] += slots.stats[k, s]


@njit_parallel
def reduce_columns_batched(inp, c0, c1, red, store, slots, threads):
    """:func:`topodim.rips._reduce.reduce_columns` (same arguments, same results and state
    changes) in batches of ``slots.status.shape[0]`` columns on ``threads`` threads (see the
    module docstring). Returns (Store, Slots): both possibly reallocated.

    One function holds the batches, the parallel rounds and the serial steps: Numba optimises
    the code of :func:`advance_column` (and all it calls) again in every compiled function that
    calls it, so each extra function around it costs seconds of compilation."""
    nslots = slots.status.shape[0]
    n = inp.graph.n
    flat = FlatInput(inp.dim, inp.cols.idx, inp.cols.diam, inp.thresh, inp.B, inp.field.p,
                     inp.field.inv, inp.eflags)
    lanes = max(threads, 1)
    lane_tmp = lane_temps(lanes, n, inp.dim, inp.cols.diam)
    tmp = lane_temp(lane_tmp, 0)  # for the serial step, when no round runs
    for b in range(c0, c1, nslots):
        kb = min(nslots, c1 - b)
        left = red.budget - red.stats[STAT_PUSHES] if red.budget >= 0 else np.int64(-1)
        _start_batch(b, kb, slots, inp.cols)
        paused = False
        over = False
        settled = np.int64(0)
        while settled < kb and not over:
            # 1. the parallel round: slot k to lane k mod lanes, as neighbouring columns cost
            # alike and each lane should get a share of the cheap and the dear ones (prange's
            # contiguous blocks would give one lane the dear)
            # (the parfor pass finds the type of a namedtuple it hands to the threads only at a
            # call that builds it, not where a loop reassigns it)
            rslots = Slots(*slots)
            rstore = Store(*store)
            rgraph = Graph(*inp.graph)
            rtmp = LaneTemps(*lane_tmp)
            for t in numba.prange(lanes):
                ltmp = lane_temp(rtmp, t)
                for k in range(settled + t, kb, lanes):
                    status = rslots.status[k]
                    if status == SLOT_FRESH or status == COLUMN_BLOCKED:
                        rinp = ReductionInput(flat.dim, Columns(flat.col_idx, flat.col_diam),
                                              rgraph, flat.thresh, flat.B,
                                              Field(flat.p, flat.inv), flat.eflags)
                        status, _ = advance_column(
                            b + k, rslots.ints[k], rslots.flts[k], _slot_buffers(rslots, k), ltmp,
                            rinp, red, rstore, rslots.stats[k], left, IN_ROUND)
                        rslots.status[k] = status
            # 2. the serial step: from the first column not settled on, in column order, record
            # each column whose outcome is known now (reduced; stopped at a pivot that no column
            # before it has, so its own; paused on a full buffer, then finished here on
            # growable buffers), up to the first one that can go on in parallel (stopped at a
            # pivot that a column settled since holds)
            k = settled
            while k < kb:
                status = slots.status[k]
                if status == COLUMN_PAUSED:
                    paused = True
                if status == COLUMN_OVER_BUDGET:
                    over = True
                    break
                if status == COLUMN_BLOCKED and hash_find(red.pivots,
                                                          slots.ints[k, I_PIV_I]) >= 0:
                    break
                buf = _slot_buffers(slots, k)
                if status != COLUMN_DONE:
                    status, buf = advance_column(b + k, slots.ints[k], slots.flts[k], buf, tmp,
                                                 inp, red, store, slots.stats[k], left,
                                                 ON_ITS_OWN)
                    if status == COLUMN_OVER_BUDGET:
                        over = True
                        break
                    slots.status[k] = status
                store = finish_column(b + k, slots.ints[k], slots.flts[k], buf, red, store,
                                      inp.cols)
                k += 1
            settled = k
            # every push counted is one the serial reduction makes too
            if left >= 0 and _batch_spent(kb, slots) > left:
                over = True
        _add_batch_stats(kb, slots, red.stats)
        if over:
            red.counters[COUNT_OVER_BUDGET] = 1
            break
        heap = slots.hd.shape[1]
        work = slots.wi.shape[1]
        if paused and (heap < SLOT_HEAP_MAX or work < SLOT_WORK_MAX):
            slots = new_slots(nslots, n, min(2 * heap, SLOT_HEAP_MAX),
                              min(2 * work, SLOT_WORK_MAX), inp.cols.diam)
    return store, slots
