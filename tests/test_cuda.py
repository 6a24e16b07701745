"""The CUDA paths' plumbing (device argument, fallback, errors, lazy import, FMA-free code) and the
launcher of the simulator suite.

Nothing here imports numba.cuda in the pytest process: every check that needs numba-cuda runs in a
subprocess, so that the simulator (``NUMBA_ENABLE_CUDASIM=1``, which must be set before numba.cuda
is first imported) never leaks into the other test modules.

* ``test_simulator_suite`` runs ``tests/test_cuda_kernels.py`` (kernels against the CPU) under the
  simulator in a subprocess; CI's single ``python -m pytest -q`` thereby runs the kernel tests.
* ``test_ptx_is_free_of_fma`` compiles every kernel to PTX for the real target (no GPU needed, only
  libNVVM) and checks that no multiply-add was contracted into an FMA: the bit-identity of GPU and
  CPU distances on a real GPU rests on it, and the simulator cannot show it.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import topodim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(simulator: bool):
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    if simulator:
        env["NUMBA_ENABLE_CUDASIM"] = "1"
    return env


def _run(code: str, simulator=False, timeout=600):
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=_env(simulator),
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _has_numba_cuda():
    import importlib.util

    try:
        return importlib.util.find_spec("numba.cuda") is not None and \
            importlib.util.find_spec("cuda.bindings") is not None
    except (ImportError, ValueError):
        return False


needs_numba_cuda = pytest.mark.skipif(not _has_numba_cuda(), reason="numba-cuda is not installed (pip install 'topodim[cuda]')")


# ------------------------------------------------------------------------------------------
# in process: argument checks never import numba.cuda
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad, exc, match", [
    ("gpu", ValueError, "device must be 'cpu', 'cuda' or 'auto', got 'gpu'"),
    ("", ValueError, "device must be"),
    (None, TypeError, "device must be 'cpu', 'cuda' or 'auto', got NoneType"),
    (0, TypeError, "got int"),
])
def test_bad_device_values(bad, exc, match):
    X = np.random.default_rng(0).random((6, 2))
    with pytest.raises(exc, match=match):
        topodim.ph0(X, device=bad)
    with pytest.raises(exc, match=match):
        topodim.mst(X, device=bad)


def test_cpu_device_is_the_default_and_case_insensitive():
    X = np.random.default_rng(1).random((20, 3))
    assert np.array_equal(topodim.ph0(X, device="cpu"), topodim.ph0(X))
    assert np.array_equal(topodim.ph0(X, device=" CPU "), topodim.ph0(X))
    with pytest.raises(ValueError, match="kruskal"):  # method checks still apply with a device
        topodim.mst(X, method="kruskal", device="auto")


def test_estimators_validate_device_without_importing_cuda():
    from topodim.dimension import PHDim
    from topodim.rips import RipsPersistence

    with pytest.raises(ValueError, match="device must be 'cpu', 'cuda' or 'auto', got 'gpu'"):
        RipsPersistence(device="gpu").fit()
    with pytest.raises(ValueError, match="device must be"):
        PHDim(device="gpu").fit(np.random.default_rng(0).random((40, 2)))
    assert RipsPersistence(device="auto").get_params()["device"] == "auto"
    assert PHDim(device="auto").get_params()["device"] == "auto"


def test_cli_device_twonn_is_a_clear_error(tmp_path, capsys):
    from topodim.cli import main

    path = tmp_path / "X.npy"
    np.save(path, np.random.default_rng(0).random((40, 3)))
    assert main(["dim", str(path), "--method", "twonn", "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("topodim: error: --device cuda applies to --method phdim only") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_info:  # argparse's choices: usage and exit status 2
        main(["ph0", str(path), "--device", "gpu"])
    assert exit_info.value.code == 2 and "invalid choice: 'gpu'" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------
# subprocesses without the simulator
# ------------------------------------------------------------------------------------------


def test_import_topodim_does_not_import_numba_cuda():
    out = _run("""
        import json, sys
        import numpy as np
        import topodim, topodim.mst, topodim.metrics, topodim.diagrams
        X = np.random.default_rng(0).random((10, 2))
        topodim.ph0(X); topodim.mst(X, device="cpu")
        try:
            topodim.ph0(X, device="gpu")
        except ValueError:
            pass
        print(json.dumps({"loaded": sorted(m for m in sys.modules if m == "numba.cuda" or m.startswith("numba.cuda.") or m.startswith("numba_cuda"))}))
    """)
    assert out["loaded"] == []


@needs_numba_cuda
def test_without_gpu_auto_warns_once_and_cuda_raises():
    out = _run("""
        import json, warnings
        import numpy as np
        import topodim
        import topodim.cuda
        ok, why = topodim.cuda.cuda_status()
        res = {"gpu": ok}
        if not ok:
            X = np.random.default_rng(0).random((30, 3))
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                a = topodim.ph0(X, device="auto")
                b = topodim.mst(X, device="auto")
            res["warnings"] = [(x.category.__name__, str(x.message), x.filename) for x in w]
            res["same"] = bool(np.array_equal(a, topodim.ph0(X))) and bool(np.array_equal(b.lengths, topodim.mst(X).lengths))
            try:
                topodim.ph0(X, device="cuda")
                res["error"] = None
            except RuntimeError as e:
                res["error"] = str(e)
        print(json.dumps(res))
    """)
    if out["gpu"]:
        pytest.skip("a CUDA GPU is present: the fallback does not happen here")
    assert out["same"]
    assert len(out["warnings"]) == 1, out["warnings"]  # once per process, not once per call
    cat, msg, filename = out["warnings"][0]
    assert cat == "DeviceFallbackWarning"
    assert msg.startswith("device='auto' runs on the CPU: ") and "device='cpu'" in msg
    assert filename == "<string>"  # points at the caller's line, not into topodim
    err = out["error"]
    assert err is not None and err.startswith("device='cuda' is not available: ")
    assert "\n" not in err and ("driver" in err or "libNVVM" in err or "install" in err)


@needs_numba_cuda
def test_without_gpu_cli_and_estimators(tmp_path):
    """--device on the CLI and device= on the estimators: "auto" falls back with one warning line
    and the CPU's result; "cuda" is a one-line error with exit status 2, no traceback."""
    path = tmp_path / "X.npy"
    X = np.random.default_rng(3).random((60, 3))
    np.save(path, X)
    out = _run("""
        import json
        import topodim.cuda
        print(json.dumps({"gpu": topodim.cuda.cuda_status()[0]}))
    """)
    if out["gpu"]:
        pytest.skip("a CUDA GPU is present: the fallback does not happen here")

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "topodim", *args], cwd=ROOT, env=_env(False),
                              capture_output=True, text=True, timeout=300)

    cpu = cli("ph0", str(path))
    auto = cli("ph0", str(path), "--device", "auto")
    assert cpu.returncode == 0 and auto.returncode == 0, auto.stderr
    assert auto.stdout == cpu.stdout
    assert auto.stderr.count("\n") == 1 and "device='auto' runs on the CPU" in auto.stderr
    for args in (("ph0", str(path)), ("mst", str(path)), ("ph", str(path)), ("dim", str(path))):
        bad = cli(*args, "--device", "cuda")
        assert bad.returncode == 2, bad.stderr
        assert bad.stderr.startswith("topodim: error: device='cuda' is not available: ")
        assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr

    est = _run(f"""
        import json, warnings
        import numpy as np
        from topodim.dimension import PHDim
        from topodim.rips import RipsPersistence
        X = np.load({str(path)!r})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = RipsPersistence(device="auto", n_jobs=2).fit_transform([X, X[:40]])
            d = PHDim(device="auto", random_state=0).fit(X).dimension_
        b = RipsPersistence().fit_transform([X, X[:40]])
        same = all(np.array_equal(u, v) for p, q in zip(a, b) for u, v in zip(p, q))
        try:
            RipsPersistence(device="cuda").fit_transform([X])
            err = None
        except RuntimeError as e:
            err = type(e).__name__
        print(json.dumps({{"same": same, "d": d, "d_cpu": PHDim(random_state=0).fit(X).dimension_, "err": err}}))
    """)
    assert est["same"] and est["d"] == est["d_cpu"]
    assert est["err"] == "DeviceUnavailableError"


def test_without_numba_cuda_the_messages_say_how_to_install():
    out = _run("""
        import json, sys, warnings
        sys.modules["numba.cuda"] = None  # as if numba-cuda were not installed
        import numpy as np
        import topodim
        X = np.random.default_rng(0).random((12, 2))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            a = topodim.ph0(X, device="auto")
        res = {"warnings": [str(x.message) for x in w], "same": bool(np.array_equal(a, topodim.ph0(X)))}
        try:
            topodim.mst(X, device="cuda")
        except RuntimeError as e:
            res["error"] = str(e)
        print(json.dumps(res))
    """)
    assert out["same"] and len(out["warnings"]) == 1
    assert "numba-cuda is not installed" in out["warnings"][0]
    assert "pip install" in out["error"] and "numba-cuda" in out["error"]
    assert out["error"].startswith("device='cuda' is not available: numba-cuda is not installed")


# ------------------------------------------------------------------------------------------
# the simulator suite and the PTX check
# ------------------------------------------------------------------------------------------


@needs_numba_cuda
def test_simulator_suite():
    """tests/test_cuda_kernels.py under NUMBA_ENABLE_CUDASIM=1 (kernels == CPU, memory freed)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         os.path.join("tests", "test_cuda_kernels.py")],
        cwd=ROOT, env=_env(True), capture_output=True, text=True, timeout=1200)
    tail = (proc.stdout + proc.stderr)[-6000:]
    assert proc.returncode == 0, tail
    assert " passed" in proc.stdout and "skipped" not in proc.stdout.splitlines()[-1], tail


PTX_CHECK = r"""
import json, re, sys, types as _pytypes
try:
    from numba.cuda import cuda_paths
    from numba.cuda.cudadrv import nvrtc, nvvm
    import numba.cuda.dispatcher as _disp
except Exception as exc:
    print(json.dumps({"skip": f"numba-cuda internals not importable: {exc}"})); sys.exit(0)
# test-only shims: compile to PTX without a GPU and without NVRTC (libNVVM must be installed)
cuda_paths._get_nvrtc_path = lambda: cuda_paths._env_path_tuple("none", None)
nvrtc.get_supported_ccs = lambda: [(7, 5), (8, 0), (9, 0)]
_disp.get_current_device = lambda: _pytypes.SimpleNamespace(compute_capability=(8, 0))
from numba import cuda, float32, float64, int32, int64, uint8, boolean
try:
    nvvm.NVVM()
except Exception as exc:
    print(json.dumps({"skip": f"libNVVM not found: {exc}"})); sys.exit(0)
from topodim.cuda import distances as D, mst as M, rips as R

def count(ptx):
    lines = [l.strip() for l in ptx.splitlines()]
    return {
        "fma": sum(1 for l in lines if re.match(r"fma\.", l)),
        "unrounded_mul": sum(1 for l in lines if re.match(r"mul\.f(32|64)\b", l)),
        "rounded_mul": sum(1 for l in lines if re.match(r"mul\.rn\.f(32|64)\b", l)),
        "rounded_add": sum(1 for l in lines if re.match(r"add\.rn\.f(32|64)\b", l)),
        "approx_or_ftz": sum(1 for l in lines if ".approx" in l or ".ftz" in l),
        "sqrt_rn": sum(1 for l in lines if re.match(r"sqrt\.rn\.f(32|64)\b", l)),
    }

def control(a, b, c):
    return a * b + c

report = {"control": count(cuda.compile_ptx(control, (float64, float64, float64), device=True, cc=(8, 0))[0])}
i1 = int64[::1]
for ty in (float32, float64):
    f1, f2 = ty[::1], ty[:, ::1]
    kernels = {
        "distance_tiles": (D._distance_tiles, (f2, f2, int64, f1, int64, int64, int64)),
        "search_points": (M._search_points, (f2, i1, i1, i1, int64[:, ::1], i1, f1, i1, int64, boolean)),
        "search_matrix": (M._search_matrix, (f2, i1, i1, i1, int64[:, ::1], i1, f1, i1, boolean)),
        "combine_parts": (M._combine_parts, (i1, i1, f1, i1, f1, i1, boolean)),
        "reset_components": (M._reset_components, (f1, i1, ty, int64)),
        "component_min_value": (M._component_min_value, (i1, f1, i1, f1)),
        "component_min_key": (M._component_min_key, (i1, f1, i1, f1, i1, int64, int64)),
        "edge_flags": (R._edge_flags, (f2, ty, int32[::1], i1)),
        "mark_cleared": (R._mark_cleared, (i1, uint8[::1])),
        "compact_columns": (R._compact_columns, (f2, int32[::1], uint8[::1], i1, i1, f1)),
    }
    for name, (k, sig) in kernels.items():
        report[f"{name}[{ty}]"] = count(cuda.compile_ptx(k.py_func, sig, cc=(8, 0))[0])
print(json.dumps(report))
"""


@needs_numba_cuda
def test_ptx_is_free_of_fma():
    out = _run(PTX_CHECK, simulator=False, timeout=900)
    if "skip" in out:
        pytest.skip(out["skip"])
    # the control shows that NVVM does contract a * b + c by default (so the check can fail)
    assert out.pop("control")["fma"] == 1
    assert len(out) == 20
    for name, c in out.items():
        assert c["fma"] == 0, (name, c)
        assert c["unrounded_mul"] == 0, (name, c)  # a fusion needs an unrounded multiply
        assert c["approx_or_ftz"] == 0, (name, c)
    for ty in ("float32", "float64"):
        # the distance arithmetic really goes through the rounded intrinsics, sqrt is exact
        assert out[f"distance_tiles[{ty}]"]["rounded_mul"] > 0
        assert out[f"distance_tiles[{ty}]"]["rounded_add"] > 0
        assert out[f"distance_tiles[{ty}]"]["sqrt_rn"] == 1
        assert out[f"search_points[{ty}]"]["rounded_mul"] > 0
