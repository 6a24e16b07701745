"""The thread policy of topodim.rips is topodim._parallel's: n_threads and a fixed work threshold
decide, never the machine's load (unless TOPODIM_ADAPTIVE_THREADS=1 opts in)."""

import numba
import numpy as np
import pytest

import topodim._parallel as par
import topodim.rips as R
from topodim import ripser


@pytest.fixture
def busy_machine(monkeypatch):
    monkeypatch.setattr(par.os, "getloadavg", lambda: (1000.0, 1000.0, 1000.0))


def _rips_modules():
    import importlib  # noqa: PLC0415
    import pkgutil  # noqa: PLC0415

    return [importlib.import_module(f"topodim.rips.{m.name}") for m in pkgutil.iter_modules(R.__path__)]


def test_rips_uses_the_one_policy():
    users = {"run_batches": 0, "default_threads": 0}
    for mod in _rips_modules():
        for name in users:
            if hasattr(mod, name):
                assert getattr(mod, name) is getattr(par, name), (mod.__name__, name)
                users[name] += 1
        for name in ("ADAPTIVE_THREADS", "SERIAL_WORK", "BATCHES", "_run_batches", "_default_threads"):
            assert not hasattr(mod, name), (mod.__name__, name)
    assert users["run_batches"] >= 1 and users["default_threads"] >= 1


def test_default_threads_ignores_the_load(busy_machine, monkeypatch):
    monkeypatch.setattr(par, "ADAPTIVE", False)
    assert par.default_threads(None) is None
    assert par.default_threads(2) == 2


def test_adaptive_threads_is_opt_in(busy_machine, monkeypatch):
    monkeypatch.setattr(par, "ADAPTIVE", True)
    assert par.default_threads(None) == 1
    assert par.default_threads(2) == 2  # an explicit count is always honoured


def _threads_seen(weights, monkeypatch, adaptive):
    monkeypatch.setattr(par, "ADAPTIVE", adaptive)
    seen = []
    par.run_batches(weights, lambda lo, hi: seen.append((lo, hi, numba.get_num_threads())))
    return seen


def test_run_batches_fixed_threshold(monkeypatch):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 Numba threads")
    with par.thread_limit(2):
        small = _threads_seen(np.ones(100), monkeypatch, False)
        big = _threads_seen(np.full(1000, float(par.SERIAL_WORK)), monkeypatch, False)
        assert numba.get_num_threads() == 2
    assert small == [(0, 100, 1)]
    assert big == [(0, 1000, 2)]  # one parallel region over all items


@pytest.mark.parametrize("adaptive", [False, True])
def test_diagrams_do_not_depend_on_the_policy(monkeypatch, adaptive):
    X = np.random.default_rng(3).normal(size=(120, 3))
    monkeypatch.setattr(par, "SERIAL_WORK", 0)  # every stage takes the parallel path
    monkeypatch.setattr(par, "ADAPTIVE", adaptive)
    got = ripser(X, maxdim=2, n_threads=2, collapse_edges=False)["dgms"]
    want = ripser(X, maxdim=2, n_threads=1, collapse_edges=False)["dgms"]
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_adaptivity_is_off_unless_asked():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TOPODIM_ADAPTIVE_THREADS"}
    code = "import topodim.rips, topodim._parallel as P; print(P.is_adaptive())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    env["TOPODIM_ADAPTIVE_THREADS"] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"
