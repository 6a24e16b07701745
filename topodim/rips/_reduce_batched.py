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

from .._config import njit, njit_parallel
from .._kernels.hashmap import hash_find

from ._reduce import (
    COLUMN_BLOCKED,
    COLUMN_DONE,
    COLUMN_OVER_BUDGET,
    COLUMN_PAUSED,
    COUNT_OVER_BUDGET,
    I_PIV_I,
    N_FLOATS,
    N_INTS,
    N_STATS,
    STAT_PUSHES,
    advance_column,
    column_temp,
    column_temp_on,
    finish_column,
    start_column,
)
from ._state import ColumnBuffers, Columns, Field, ReductionInput

#: The working columns of one batch, one row per slot: the integer and float state
#: (``ints``, ``flts``, see :func:`topodim.rips._reduce.advance_column`), the buffers of a
#: :data:`~topodim.rips._state.ColumnBuffers` (``hd``, ``hi``, ``hc``: heap; ``wi``, ``wd``,
#: ``wc``: V_work; ``nl_i``, ``nl_s``: the next level), the coboundary output (``out_i``,
#: ``out_d``, ``out_s``), per-slot statistics ``stats`` and the COLUMN_* ``status``.
Slots = namedtuple("Slots", ["ints", "flts", "hd", "hi", "hc", "wi", "wd", "wc", "nl_i", "nl_s",
                             "out_i", "out_d", "out_s", "stats", "status"])

#: Initial heap and V_work capacities of a slot (entries). A column that fills one in the
#: parallel phase goes on serially; the capacities then double for the next batch, up to the
#: maxima.
SLOT_HEAP = 1 << 10
SLOT_WORK = 1 << 7
SLOT_HEAP_MAX = 1 << 16
SLOT_WORK_MAX = 1 << 13


def slot_bytes(n: int, heap: int, work: int, itemsize: int) -> int:
    """Bytes of one slot on n vertices with these heap and V_work capacities."""
    return (heap + work) * (itemsize + 16) + (n + 1) * (32 + itemsize) + (N_INTS + N_FLOATS
                                                                            + N_STATS) * 8


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
                 np.empty((k, n + 1), dtype=np.int64), np.empty((k, n + 1), dtype=ft),
                 np.empty((k, n + 1), dtype=np.int64), np.zeros((k, N_STATS), dtype=np.int64),
                 np.zeros(k, dtype=np.int64))


@njit
def _slot_buffers(slots, k):
    return ColumnBuffers(slots.hd[k], slots.hi[k], slots.hc[k], slots.wi[k], slots.wd[k],
                         slots.wc[k], slots.nl_i[k], slots.nl_s[k])


#: A ReductionInput laid flat (its Columns and Field taken apart), as the parfor pass takes no
#: nested tuples; the Graph goes beside it.
FlatInput = namedtuple("FlatInput", ["dim", "col_idx", "col_diam", "thresh", "B", "p", "inv",
                                     "eflags"])


#: The status of a slot whose column has not been advanced yet.
SLOT_FRESH = -1


@njit
def _advance_slot(k, batch, slots, graph, flat, red, store):
    """Advance the column at position batch[0] + k in slot k against the pivot map as it stands
    (frozen during the round), on the slot's own buffers (never grown) and statistics, until it
    stops (``batch``: first column, columns, columns settled, heap-push budget left or -1,
    threads). Settled columns, columns reduced and columns paused on a full buffer are left
    alone."""
    status = slots.status[k]
    if status != SLOT_FRESH and status != COLUMN_BLOCKED:
        return
    inp = ReductionInput(flat.dim, Columns(flat.col_idx, flat.col_diam), graph, flat.thresh,
                         flat.B, Field(flat.p, flat.inv), flat.eflags)
    tmp = column_temp_on(slots.out_i[k], slots.out_d[k], slots.out_s[k], inp.dim)
    status, buf = advance_column(batch[0] + k, slots.ints[k], slots.flts[k],
                                 _slot_buffers(slots, k), tmp, inp, red, store, slots.stats[k],
                                 batch[3], True, False)
    slots.status[k] = status


@njit_parallel
def _parallel_round(batch, slots, graph, flat, red, store):
    """The parallel round of a batch: a shell over :func:`_advance_slot` for the columns not
    settled yet."""
    # slot k to thread k mod T: neighbouring columns cost alike, so each thread gets a share of
    # the cheap and the dear ones (prange's contiguous blocks would give one thread the dear)
    lanes = batch[4]
    for t in numba.prange(lanes):
        for k in range(batch[2] + t, batch[1], lanes):
            _advance_slot(k, batch, slots, graph, flat, red, store)


@njit
def _settle(b, kb, settled, slots, inp, red, store, budget):
    """The serial step of a round: from the first column not settled on, in column order, record
    each column whose outcome is known now (reduced; stopped at a pivot that no column before it
    has, so its own; paused on a full buffer, then finished here on growable buffers), and stop
    at the first one that can go on in parallel (stopped at a pivot that a column settled since
    holds). ``budget``: heap pushes the batch may spend (-1: none), counted on the slots.
    Returns (columns settled, Store, whether the budget ran out)."""
    k = settled
    tmp = column_temp(inp.graph.n, inp.dim, inp.cols.diam)
    while k < kb:
        status = slots.status[k]
        if status == COLUMN_OVER_BUDGET:
            return k, store, True
        if status == COLUMN_BLOCKED and hash_find(red.pivots, slots.ints[k, I_PIV_I]) >= 0:
            break
        buf = _slot_buffers(slots, k)
        if status != COLUMN_DONE:
            status, buf = advance_column(b + k, slots.ints[k], slots.flts[k], buf, tmp, inp, red,
                                         store, slots.stats[k], budget, False, True)
            if status == COLUMN_OVER_BUDGET:
                return k, store, True
            slots.status[k] = status
        store = finish_column(b + k, slots.ints[k], slots.flts[k], buf, red, store, inp.cols)
        k += 1
    if budget >= 0:
        # every push counted is one the serial reduction makes too
        spent = 0
        for q in range(kb):
            spent += slots.stats[q, STAT_PUSHES]
        if spent > budget:
            return k, store, True
    return k, store, False


@njit
def reduce_columns_batched(inp, c0, c1, red, store, slots, threads):
    """:func:`topodim.rips._reduce.reduce_columns` (same arguments, same results and state
    changes) in batches of ``slots.status.shape[0]`` columns on ``threads`` threads (see the
    module docstring). Returns (Store, Slots): both possibly reallocated."""
    nslots = slots.status.shape[0]
    n = inp.graph.n
    flat = FlatInput(inp.dim, inp.cols.idx, inp.cols.diam, inp.thresh, inp.B, inp.field.p,
                     inp.field.inv, inp.eflags)
    batch = np.zeros(5, dtype=np.int64)
    batch[4] = max(threads, 1)
    for b in range(c0, c1, nslots):
        kb = min(nslots, c1 - b)
        left = red.budget - red.stats[STAT_PUSHES] if red.budget >= 0 else np.int64(-1)
        paused = False
        for k in range(kb):
            slots.stats[k, :] = 0
            start_column(b + k, slots.ints[k], slots.flts[k], _slot_buffers(slots, k), inp.cols,
                         slots.stats[k])
            slots.status[k] = SLOT_FRESH
        settled = 0
        over = False
        while settled < kb and not over:
            batch[0] = b
            batch[1] = kb
            batch[2] = settled
            batch[3] = left
            _parallel_round(batch, slots, inp.graph, flat, red, store)
            for k in range(settled, kb):
                paused = paused or slots.status[k] == COLUMN_PAUSED
            settled, store, over = _settle(b, kb, settled, slots, inp, red, store, left)
        for k in range(kb):
            for s in range(N_STATS):
                red.stats[s] += slots.stats[k, s]
        if over:
            red.counters[COUNT_OVER_BUDGET] = 1
            break
        heap = slots.hd.shape[1]
        work = slots.wi.shape[1]
        if paused and (heap < SLOT_HEAP_MAX or work < SLOT_WORK_MAX):
            slots = new_slots(nslots, n, min(2 * heap, SLOT_HEAP_MAX),
                              min(2 * work, SLOT_WORK_MAX), inp.cols.diam)
    return store, slots
