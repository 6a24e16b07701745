"""Run every asv benchmark once, with its first parameter values, so the suite cannot rot.

Benchmark modules shrink their inputs when TOPODIM_BENCH_SMOKE=1 (same code paths, small data).
Nothing is timed here.
"""

import importlib
import importlib.util
import inspect
import pathlib
import sys

import pytest

BENCH_DIR = pathlib.Path(__file__).resolve().parents[1] / "bench" / "benchmarks"
PREFIXES = ("time_", "peakmem_", "mem_", "track_", "timeraw_")
PACKAGE = "bench_smoke"  # the benchmark package under a name of its own, as asv imports it
SHARED = ("common",)  # helper modules of the package, no benchmarks in them


@pytest.fixture
def load(monkeypatch):
    """Import a benchmark module as a member of its package (for ``from .common import ...``),
    afresh, after the smoke flag is set: the package's modules read it once, on import."""
    monkeypatch.setenv("TOPODIM_BENCH_SMOKE", "1")
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        monkeypatch.delitem(sys.modules, name)
    spec = importlib.util.spec_from_file_location(PACKAGE, BENCH_DIR / "__init__.py",
                                                  submodule_search_locations=[str(BENCH_DIR)])
    pkg = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, PACKAGE, pkg)
    spec.loader.exec_module(pkg)
    yield lambda path: importlib.import_module(f"{PACKAGE}.{path.stem}")
    for name in [m for m in sys.modules if m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def _cases():
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.name.startswith("_") or path.stem in SHARED:
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
def test_every_benchmark_runs_once(path, load):
    mod = load(path)
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


def test_common_reads_the_smoke_flag(load):
    common = load(BENCH_DIR / "common.py")
    assert common.SMOKE
    assert common.smoke_size(5000, 150) == 150
    X = common.cloud(7, 3, seed=4)
    assert X.shape == (7, 3) and X.min() >= 0 and X.max() < 1
    assert common.cloud(7, 50, seed=4).shape == (7, 50)
    assert (common.cloud(7, 50, seed=4) < 0).any()  # Gaussian above dimension 3
    for shape, d in ((common.circle, 2), (common.torus, 3)):
        Y = shape(20, seed=1)
        assert Y.shape == (20, d)
        assert shape(20, seed=1).tobytes() == Y.tobytes()
