"""The batch-parallel Rips reduction gives exactly the serial reduction's output: the pairs, the
cocycles, the statistics and the collapse decision, for any batch size, slot capacity and thread
count (columns that stop on a pivot of their batch or on a full buffer go on serially)."""

import contextlib

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topodim
import topodim.rips._stages as stages
from topodim._parallel import parallel_shells, thread_limit

from strategies import assert_same_dgms, point_clouds
from test_rips_structured import blobs, circle, f32_matrix, peer_ripser, torus


@contextlib.contextmanager
def batched(slots_per_thread=8, heap=1024, work=128):
    """Force the batched reduction (any column count, any thread count) with these slots; yields
    the list of column counts it reduced."""
    calls = []
    real = stages.reduce_columns_batched

    def spy(inp, c0, c1, *rest):
        calls.append(c1 - c0)
        return real(inp, c0, c1, *rest)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(stages, "REDUCTION_PARALLEL_COLUMNS", 0)
        mp.setattr(stages, "REDUCTION_SLOTS_PER_THREAD", slots_per_thread)
        mp.setattr(stages, "SLOT_HEAP", heap)
        mp.setattr(stages, "SLOT_WORK", work)
        mp.setattr(stages, "reduce_columns_batched", spy)
        yield calls


def assert_same_results(a, b):
    assert len(a["dgms"]) == len(b["dgms"])
    for x, y in zip(a["dgms"], b["dgms"]):
        assert x.shape == y.shape and np.array_equal(x, y)  # same bars in the same order
    assert a["counts"] == b["counts"]
    assert a.get("collapse") == b.get("collapse")
    for ca, cb in zip(a.get("cocycles", []), b.get("cocycles", [])):
        assert len(ca) == len(cb)
        for u, v in zip(ca, cb):
            assert np.array_equal(u, v)


def run_both(X, slots_per_thread=8, heap=1024, work=128, n_threads=1, **kw):
    want = topodim.ripser(X, n_threads=1, **kw)
    with batched(slots_per_thread, heap, work) as calls:
        got = parallel_shells(lambda: topodim.ripser(X, n_threads=n_threads, **kw))
    return want, got, calls


@settings(max_examples=40, deadline=None)
@given(X=point_clouds(min_points=3, max_points=30, max_dim=4),
       coeff=st.sampled_from([2, 3, 5]),
       slots_per_thread=st.sampled_from([1, 2, 3, 8]),
       heap=st.sampled_from([1, 4, 1024]),
       work=st.sampled_from([1, 3, 128]),
       maxdim=st.integers(1, 2),
       cocycles=st.booleans())
def test_batched_reduction_equals_the_serial_one(X, coeff, slots_per_thread, heap, work, maxdim,
                                                 cocycles):
    want, got, calls = run_both(X, slots_per_thread, heap, work, maxdim=maxdim, coeff=coeff,
                                do_cocycles=cocycles, collapse_edges=False)
    assert_same_results(want, got)
    # every column of every dimension went through the batched kernel
    assert sum(calls) == sum(want["counts"][d]["columns"] for d in range(1, maxdim + 1))


@pytest.mark.parametrize("family, coeff", [(circle, 2), (circle, 3), (torus, 2), (torus, 3),
                                           (blobs, 3)])
def test_batched_reduction_on_structured_families_pinned(family, coeff):
    # long columns that meet many pivots of their own batch, and slots far too small for them:
    # most of the work goes through the serial phase, and none of it may change
    D = f32_matrix(family(250))
    want, got, calls = run_both(D, slots_per_thread=4, heap=8, work=2, maxdim=1, coeff=coeff,
                                collapse_edges=False, do_cocycles=True, distance_matrix=True)
    assert calls and sum(calls) == want["counts"][1]["columns"]
    assert_same_results(want, got)
    assert_same_dgms(got["dgms"], peer_ripser(D, 1, coeff))


def test_batched_reduction_h2_pinned():
    D = f32_matrix(torus(150, seed=3))
    want, got, calls = run_both(D, slots_per_thread=8, heap=64, work=16, maxdim=2, coeff=3,
                                collapse_edges=False, distance_matrix=True)
    assert calls
    assert_same_results(want, got)
    assert_same_dgms(got["dgms"], peer_ripser(D, 2, 3))


@pytest.mark.parametrize("heap", [1, 1024])
def test_batched_reduction_takes_the_same_collapse_decision(heap):
    # maxdim 1, auto: the uncollapsed reduction of a circle runs out of its heap-push budget in
    # both forms (the batched one may notice a batch later, never with another answer)
    X = circle(200)
    want, got, calls = run_both(X, slots_per_thread=8, heap=heap, work=8, maxdim=1)
    assert want["collapse"]["trigger"] == "reduction budget"
    assert calls
    assert_same_results(want, got)
    cube = np.random.default_rng(0).random((200, 3))
    want, got, calls = run_both(cube, slots_per_thread=8, heap=heap, work=8, maxdim=1)
    assert "collapse" not in want
    assert_same_results(want, got)


@settings(max_examples=20, deadline=None)
@given(X=point_clouds(min_points=8, max_points=40, max_dim=3),
       per_vertex=st.sampled_from([1, 2, 4]),
       heap=st.sampled_from([2, 8, 32]),
       slots_per_thread=st.sampled_from([1, 4]))
def test_batched_reduction_counts_a_columns_pushes_across_its_rounds(X, per_vertex, heap,
                                                                      slots_per_thread):
    """A column advanced in several calls (paused on a small heap, blocked at a pivot) is held to
    the per-column budget by all its pushes: the serial and the batched reduction stop at the
    same column, or both finish."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(stages, "COLLAPSE_PUSHES_PER_EDGE", 10**6)
        mp.setattr(stages, "COLLAPSE_COLUMN_PUSHES_PER_VERTEX", per_vertex)
        want, got, calls = run_both(X, slots_per_thread, heap, 4, maxdim=1)
    assert_same_results(want, got)


@pytest.mark.parametrize("case, per_vertex, heap", [("cube", 2, 8), ("cube", 2, 512),
                                                     ("circle", 16, 8), ("circle", 16, 512)])
def test_batched_reduction_takes_the_same_column_budget_decision(case, per_vertex, heap):
    # only the per-column budget can stop the reduction. In these cases a column crosses it only
    # when the pushes of its parallel rounds (paused on a full heap, or blocked at a pivot of
    # its batch) are added to those of its serial end: counting each call on its own lets the
    # batched reduction finish where the serial one collapses (found by a search over seeds)
    X = np.random.default_rng(1).random((40, 3)) if case == "cube" else circle(60, seed=8)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(stages, "COLLAPSE_PUSHES_PER_EDGE", 10**6)
        mp.setattr(stages, "COLLAPSE_COLUMN_PUSHES_PER_VERTEX", per_vertex)
        want, got, calls = run_both(X, slots_per_thread=4, heap=heap, work=4, maxdim=1)
    assert want["collapse"]["column_budget_pushes"] == per_vertex * X.shape[0]
    assert calls
    assert_same_results(want, got)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 Numba threads")
def test_batched_reduction_on_two_threads():
    X = torus(300, seed=1)
    want, got, calls = run_both(X, slots_per_thread=8, heap=64, work=16, n_threads=2, maxdim=1,
                                coeff=3, collapse_edges=False, do_cocycles=True)
    assert calls
    assert_same_results(want, got)


def test_batched_only_on_several_threads_many_columns_and_dear_columns():
    big, dear = stages.REDUCTION_PARALLEL_COLUMNS, stages.REDUCTION_PARALLEL_PUSHES
    with thread_limit(1):
        assert stages.reduction_slots(big, 100, np.float64, 100, 100 * dear) is None
    if numba.config.NUMBA_NUM_THREADS >= 2:
        with thread_limit(2):
            assert stages.reduction_slots(big - 1, 100, np.float64, 100, 100 * dear) is None
            assert stages.reduction_slots(big, 100, np.float64, 0, 0) is None
            assert stages.reduction_slots(big, 100, np.float64, 100, 100 * dear - 1) is None
            slots = stages.reduction_slots(big, 100, np.float64, 100, 100 * dear)
            assert slots.status.shape[0] == 2 * stages.REDUCTION_SLOTS_PER_THREAD
