"""Run every asv benchmark once, with its first parameter values, so the suite cannot rot.

Benchmark modules shrink their inputs when TOPODIM_BENCH_SMOKE=1 (same code paths, small data).
Nothing is timed here.
"""

import importlib.util
import inspect
import itertools
import os
import pathlib

import pytest

BENCH_DIR = pathlib.Path(__file__).resolve().parents[1] / "bench" / "benchmarks"
PREFIXES = ("time_", "peakmem_", "mem_", "track_", "timeraw_")


def _load(path):
    spec = importlib.util.spec_from_file_location(f"bench_smoke_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cases():
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        yield pytest.param(path, id=path.stem)


def _first_params(obj):
    params = getattr(obj, "params", None)
    if params is None:
        return ()
    if not isinstance(params, (list, tuple)) or not params or not isinstance(params[0], (list, tuple)):
        params = [params]
    return tuple(p[0] for p in params)


@pytest.mark.parametrize("path", list(_cases()))
def test_every_benchmark_runs_once(path, monkeypatch):
    monkeypatch.setenv("TOPODIM_BENCH_SMOKE", "1")
    mod = _load(path)
    ran = 0
    for name, obj in vars(mod).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(obj) and obj.__module__ == mod.__name__:
            methods = [m for m in dir(obj) if m.startswith(PREFIXES)]
            if not methods:
                continue
            args = _first_params(obj)
            for m in methods:
                inst = obj()
                if hasattr(inst, "setup"):
                    inst.setup(*args)
                try:
                    getattr(inst, m)(*args)
                finally:
                    if hasattr(inst, "teardown"):
                        inst.teardown(*args)
                ran += 1
        elif inspect.isfunction(obj) and name.startswith(PREFIXES) and obj.__module__ == mod.__name__:
            args = _first_params(obj)
            if hasattr(obj, "setup"):
                obj.setup(*args)
            obj(*args)
            ran += 1
    assert ran > 0, f"{path.name} defines no benchmark"
