"""Sweeps on Dask distributed (experiments.distributed) against the in-process executor.

One real LocalCluster (2 worker processes, one thread each) serves the whole module. The unit
functions live in tests/_sweep_units.py, which the workers import (spawned processes inherit
sys.path): toy units (seeded arrays, a marker file per run, optional sleep or failure) and one
unit that trains and measures a tiny CNN through the experiments' own pipeline.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
pytest.importorskip("torch")

from experiments import cli  # noqa: E402
from experiments import distributed as dx  # noqa: E402
from experiments._util import ExperimentError, SweepError, UnitCache  # noqa: E402
from experiments.sweep import Unit, key_of, run_in_process  # noqa: E402
from experiments.studies import STUDIES  # noqa: E402

TINY = ["--profile", "tiny", "--no-progress", "--quiet"]


def _markers(d: Path, prefix=""):
    return sorted(p.name.split(".")[0] for p in Path(d).glob(f"{prefix}*")) if Path(d).exists() else []


def _toys(n, marker_dir, sleep=0.0, fail=()):
    return [Unit(f"toy/{i}", "_sweep_units:toy",
                 {"i": i, "marker_dir": str(marker_dir), "sleep": sleep * ((i * 7) % 3), "fail": i in fail})
            for i in range(n)]


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x["i"] == y["i"] and np.array_equal(x["X"], y["X"])


@pytest.fixture(scope="module")
def ex():
    with dx.DaskExecutor(workers=2, show_progress=False) as e:
        yield e


def test_results_equal_in_process_in_unit_order(ex, tmp_path):
    # sleeps of 0, 0.4 and 0.2 s make the units finish out of order on two workers
    s = {"seed": 3, "cache_dir": None}
    units = _toys(6, tmp_path / "m", sleep=0.2)
    got = ex(s, units)
    _same(got, run_in_process(s, units))
    assert [r["i"] for r in got] == list(range(6))
    assert _markers(tmp_path / "m") == sorted([f"toy{i}" for i in range(6)] * 2)


def test_tiny_cnn_sweep_equals_in_process(ex):
    from experiments.common import settings_for

    s = dict(settings_for("tiny", {}), measures=("h0",), seed=0, device="cpu", cache_dir=None)
    units = [Unit(f"vgg/{t}", "_sweep_units:tiny_model", {"family": "vgg", "trained": t}) for t in (True, False)]
    got = ex(s, units)
    want = run_in_process(s, units)
    np.testing.assert_equal(got, want)  # exact, NaN == NaN (measures not asked for)
    rec, rows = got[0]
    assert rec["epochs"] == 1 and rows and all(r["h0_tp"] > 0 for r in rows)


def test_resume_runs_only_what_is_not_cached(ex, tmp_path):
    s = {"seed": 1, "cache_dir": str(tmp_path / "cache")}
    m = tmp_path / "m"
    units = _toys(6, m)
    first = ex(s, units[:3])  # an "interrupted" sweep: half of it done
    assert _markers(m) == ["toy0", "toy1", "toy2"]
    full = ex(s, units)
    assert _markers(m) == [f"toy{i}" for i in range(6)]  # each unit ran exactly once
    _same(full[:3], first)
    again = run_in_process(s, units)  # the in-process executor reads the same unit cache
    assert len(_markers(m)) == 6
    _same(again, full)
    assert sorted(p.stem for p in (tmp_path / "cache" / "units").glob("*.pkl")) == sorted(key_of(s, u) for u in units)
    # another seed is other content: everything runs again
    ex({**s, "seed": 2}, units)
    assert len(_markers(m)) == 12


def test_failing_unit_is_named_others_finish_and_are_cached(ex, tmp_path):
    s = {"seed": 0, "cache_dir": str(tmp_path / "cache")}
    units = _toys(5, tmp_path / "m", fail=(3,))
    for run in (ex, run_in_process):
        with pytest.raises(SweepError) as err:
            run(s, units)
        assert err.value.failures == [("toy/3", "RuntimeError: toy unit 3 failed on purpose")]
        assert "1 of 5 units failed" in str(err.value) and "toy/3" in str(err.value)
    # the four good units ran once (the second executor found them cached)
    assert _markers(tmp_path / "m") == ["toy0", "toy1", "toy2", "toy4"]
    cache = UnitCache(s["cache_dir"])
    assert [cache.load(key_of(s, u))[0] for u in units] == [True, True, True, False, True]


def test_worker_killed_mid_sweep_loses_and_duplicates_nothing(ex, tmp_path):
    s = {"seed": 5, "cache_dir": str(tmp_path / "cache")}
    m = tmp_path / "m"
    units = [Unit(f"slow/{i}", "_sweep_units:toy", {"i": i, "marker_dir": str(m), "sleep": 0.6}) for i in range(8)]
    killed = []

    def killer():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            busy = [w for w, keys in ex.client.processing().items() if keys]
            if len(_markers(m)) >= 1 and busy:
                pid = ex.client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.05)

    t = threading.Thread(target=killer)
    t.start()
    try:
        got = ex(s, units)
    finally:
        t.join()
    assert killed, "no worker was killed: the test did not exercise a death"
    _same(got, run_in_process({**s, "cache_dir": None}, units))
    # every unit's result was cached once; a unit on the killed worker may have run twice
    assert sorted(p.stem for p in (tmp_path / "cache" / "units").glob("*.pkl")) == sorted(key_of(s, u) for u in units)
    assert set(_markers(m)) == {f"toy{i}" for i in range(8)}


# ------------------------------------------------------------------------------------------------
# the command line


def _fake_study(units, record):
    def run(ctx):
        settings = dict(ctx.s, seed=ctx.seed, device=ctx.device, cache_dir=str(ctx.cache_dir))
        record.append(type(ctx.executor).__name__)
        (ctx.executor or run_in_process)(settings, units)
        raise AssertionError("a failing unit must stop the study")
    return run


class _Borrowed:
    """The module's executor, lent to the CLI (which closes what it made) without closing it."""

    def __init__(self, ex):
        self.ex = ex

    def __call__(self, settings, units):
        return self.ex(settings, units)

    def close(self):
        pass


@pytest.mark.parametrize("flags", [[], ["--workers", "2"]])
def test_cli_failing_unit_exits_1_naming_it(ex, tmp_path, monkeypatch, capsys, flags):
    record, made = [], []

    def make(workers, scheduler, show_progress=True):
        made.append((workers, scheduler))
        return _Borrowed(ex)

    monkeypatch.setattr(dx, "make_executor", make)
    units = _toys(3, tmp_path / "m", fail=(1,))
    monkeypatch.setattr(STUDIES["depth"], "run", _fake_study(units, record))
    rc = cli.main(["depth", *TINY, *flags, "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c")])
    assert rc == 1
    err = capsys.readouterr().err
    assert "1 of 3 units failed" in err and "toy/1: RuntimeError: toy unit 1 failed on purpose" in err
    assert record == (["_Borrowed"] if flags else ["NoneType"])
    assert made == ([(2, None)] if flags else [])
    assert _markers(tmp_path / "m") == ["toy0", "toy2"]


def _one_error_line(capsys):
    lines = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_cli_workers_zero_exits_2(tmp_path, capsys):
    assert cli.main(["depth", *TINY, "--workers", "0", "--out", str(tmp_path)]) == 2
    assert _one_error_line(capsys) == "error: --workers must be at least 1 (worker processes), got 0"


def test_cli_unreachable_scheduler_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dx, "CONNECT_TIMEOUT", 2.0)
    t0 = time.monotonic()
    rc = cli.main(["depth", *TINY, "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path)])
    assert rc == 2 and time.monotonic() - t0 < 30
    line = _one_error_line(capsys)
    assert line.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 2 s")


def test_cli_without_distributed_says_what_to_install(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert cli.main(["depth", *TINY, "--workers", "2", "--out", str(tmp_path)]) == 2
    assert 'pip install "topodim[distributed]"' in _one_error_line(capsys)


def test_cli_workers_and_scheduler_are_exclusive(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["depth", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"])
    assert e.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_executor_arguments_are_checked():
    with pytest.raises(ExperimentError, match="either workers"):
        dx.DaskExecutor()
    with pytest.raises(ExperimentError, match="positive integer"):
        dx.DaskExecutor(workers=-1)
    with pytest.raises(ValueError, match="unique"):
        run_in_process({"seed": 0}, [Unit("a", "_sweep_units:toy", {"i": 0}), Unit("a", "_sweep_units:toy", {"i": 1})])


def test_unit_key_is_content_not_place_or_order():
    from experiments._util import unit_key

    s = {"seed": 0, "epochs": 2, "models": ["vgg", "resnet"], "device": "cpu"}
    k = unit_key(s, "m:f", {"a": 1, "b": [1, 2]})
    # where things go, what is shown and the sweep's seed list are not content; key order is not either
    same = {"device": "cpu", "models": ["vgg", "resnet"], "epochs": 2, "seed": 0, "cache_dir": "/elsewhere",
            "show_progress": False, "seeds": [0, 1, 2]}
    assert unit_key(same, "m:f", {"b": [1, 2], "a": 1}) == k
    assert len({k, unit_key({**s, "epochs": 3}, "m:f", {"a": 1, "b": [1, 2]}),
                unit_key(s, "m:g", {"a": 1, "b": [1, 2]}), unit_key(s, "m:f", {"a": 2, "b": [1, 2]}),
                unit_key({**s, "seed": 1}, "m:f", {"a": 1, "b": [1, 2]})}) == 5
    # a unit that names its settings ignores the others (seed and device always count)
    assert unit_key({**s, "epochs": 9}, "m:f", {}, keys=("models",)) == unit_key(s, "m:f", {}, keys=("models",))
    assert unit_key({**s, "seed": 9}, "m:f", {}, keys=("models",)) != unit_key(s, "m:f", {}, keys=("models",))
