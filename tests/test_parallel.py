"""The parallel policy (topodim._parallel): fixed thresholds by default, adaptivity opt-in."""

import numba
import numpy as np
import pytest

from topodim import _parallel as par
from topodim._mst.prim import prim_points, prim_serial
from topodim._tuning import BATCHES, SERIAL_WORK
from topodim.metrics import prepare_points


def _record_runs(weights, adaptive):
    calls = []

    def run(lo, hi):
        calls.append((lo, hi, numba.get_num_threads()))

    par.run_batches(np.asarray(weights, dtype=np.float64), run, adaptive=adaptive)
    return calls


def _covers(calls, m):
    assert calls[0][0] == 0 and calls[-1][1] == m
    assert all(a[1] == b[0] for a, b in zip(calls, calls[1:]))


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_run_batches_default_is_one_call_on_all_threads():
    with par.thread_limit(2):
        calls = _record_runs(np.full(4 * BATCHES, SERIAL_WORK), adaptive=False)
    assert calls == [(0, 4 * BATCHES, 2)]


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_run_batches_small_work_runs_on_one_thread():
    with par.thread_limit(2):
        calls = _record_runs(np.ones(4 * BATCHES), adaptive=False)
        assert numba.get_num_threads() == 2  # restored
    assert calls == [(0, 4 * BATCHES, 1)]


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_run_batches_adaptive_cuts_equal_weight_batches():
    m = 8 * BATCHES
    with par.thread_limit(2):
        calls = _record_runs(np.full(m, SERIAL_WORK), adaptive=True)
    _covers(calls, m)
    assert len(calls) == BATCHES and calls[0][2] == 2
    assert {c[2] for c in calls} <= {1, 2}


def test_default_threads_honours_an_explicit_count():
    assert par.default_threads(3, adaptive=True) == 3
    assert par.default_threads(None, adaptive=False) is None


def test_mode_chooser_is_fixed_unless_adaptive():
    fixed = par.mode_chooser(4, adaptive=False)
    assert isinstance(fixed, par.FixedMode) and fixed.next_mode() is True and not fixed.probing
    fixed.record(True, 1.0, 100.0)
    assert fixed.next_mode() is True
    assert par.mode_chooser(1, adaptive=False).next_mode() is False
    assert isinstance(par.mode_chooser(4, adaptive=True), par.ParallelOrSerial)


@pytest.mark.parametrize("adaptive", [False, True])
def test_prim_tree_is_the_same_in_every_mode(adaptive):
    X = np.random.default_rng(3).standard_normal((700, 20))
    P = prepare_points(X, "euclidean")
    ref = prim_serial(P, 0)
    with par.thread_limit(2) as threads:
        got = prim_points(P, 0, threads, parallel_work=0, adaptive=adaptive)
    for a, b in zip(ref, got):
        np.testing.assert_array_equal(a, b)


def test_the_policy_has_one_home():
    # the thread helpers are defined in topodim._parallel only: no other module re-exports them
    from topodim import _config

    for name in ("thread_limit", "ParallelOrSerial", "resolve_n_threads", "start_thread_pool"):
        assert not hasattr(_config, name), name
