"""Memory: allocations checked before they are made, under memory, address-space (``ulimit -v``)
and cgroup limits; a failure raises MemoryError and the process survives; estimate_memory
against the measured peak; maxdim bounded and clamped to what the data can have.

The address-space cases run in subprocesses (a limit cannot be lifted once set), each printing
one line the test reads; an abort (SIGABRT, libgomp's exit) shows as a non-zero exit code."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topodim
from topodim import _validate as V
from topodim._validate import memory as M  # the module whose functions memory_limit calls

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run_child(code: str, limit_kb: int | None = None, env: dict | None = None, timeout: int = 900):
    """Run ``code`` in a fresh interpreter (this tree first on the path), optionally under
    RLIMIT_AS = limit_kb KiB; returns (returncode, stdout, stderr)."""

    def cap():
        if limit_kb is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit_kb * 1024, resource.RLIM_INFINITY))

    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = ROOT + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=full_env,
                          preexec_fn=cap, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def _last_line(out: str) -> str:
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


# ------------------------------------------------------------------------------------------
# ulimit -v
# ------------------------------------------------------------------------------------------


def test_ripser_6000_points_maxdim2_under_3gb_address_space():
    """ripser(6,000 points in R^3, maxdim=2) under ``ulimit -v 3000000``: it runs within the cap
    or raises MemoryError, and the process survives (exit code 0, no SIGABRT)."""
    code = """
        import numpy as np, topodim
        X = np.random.default_rng(0).random((6000, 3))
        try:
            r = topodim.ripser(X, maxdim=2)
        except MemoryError as exc:
            print("MemoryError", exc)
        else:
            print("ok", *[len(d) for d in r["dgms"]])
    """
    rc, out, err = _run_child(code, limit_kb=3_000_000)
    assert rc == 0, f"exit {rc}: {err[-2000:]}"
    line = _last_line(out)
    assert line.startswith(("ok", "MemoryError")), out
    if line.startswith("ok"):
        counts = [int(v) for v in line.split()[1:]]
        assert len(counts) == 3 and counts[0] == 6000 and counts[1] > 0 and counts[2] > 0
    else:
        assert "thresh" in line  # the way out is named


_UNDER_HEADROOM = """
    import resource, sys
    import numpy as np, topodim
    from topodim._parallel import status_bytes
    rng = np.random.default_rng(0)
    {warm}
    room = int(sys.argv[1]) << 20 if len(sys.argv) > 1 else {room}
    resource.setrlimit(resource.RLIMIT_AS, (status_bytes("VmSize") + room, resource.RLIM_INFINITY))
    try:
        {call}
    except MemoryError as exc:
        print("MemoryError", exc)
    else:
        print("ok")
"""


def test_ripser_maxdim2_tight_address_space_raises_memoryerror():
    """With room for the distance matrix but not for the edge collapse's sorted edge list, the
    collapse refuses before allocating (no std::bad_alloc in a parallel region)."""
    code = _UNDER_HEADROOM.format(
        warm="topodim.ripser(rng.random((300, 3)), maxdim=2)  # kernels loaded, threads started",
        room=250 << 20,
        call="topodim.ripser(rng.random((4000, 3)), maxdim=2)")
    rc, out, err = _run_child(code)
    assert rc == 0, f"exit {rc}: {err[-2000:]}"
    line = _last_line(out)
    assert line.startswith("MemoryError"), out
    assert "ulimit" in line and "thresh" in line


def test_ph_dimension_thread_pool_under_tight_address_space():
    """The OpenMP workers' stacks do not fit: ph_dimension raises MemoryError before the pool
    starts (libgomp would end the process with 'Thread creation failed')."""
    code = _UNDER_HEADROOM.format(
        warm="topodim.ph_dimension(rng.random((300, 3)), random_state=0, n_threads=1)",
        room=4 << 20,
        call="topodim.ph_dimension(rng.random((2000, 3)), random_state=0, n_threads=2)")
    rc, out, err = _run_child(code, env={"NUMBA_NUM_THREADS": "2"})
    assert rc == 0, f"exit {rc}: {err[-2000:]}"
    line = _last_line(out)
    assert line.startswith("MemoryError") and "threads" in line and "ulimit" in line, out


def test_check_memory_honours_the_address_space_limit():
    code = """
        import resource
        from topodim._parallel import status_bytes
        from topodim import _validate as V
        resource.setrlimit(resource.RLIMIT_AS, (status_bytes("VmSize") + (300 << 20), resource.RLIM_INFINITY))
        room = V.address_space_headroom()
        limit, source = V.memory_limit()
        try:
            V.check_memory(400 << 20, "a test array", "the way out")
        except MemoryError as exc:
            big = str(exc)
        else:
            big = "no error"
        V.check_memory(100 << 20, "a small array", "the way out")
        print(room >> 20, limit >> 20, source, "|", big)
    """
    rc, out, err = _run_child(code, env={"TOPODIM_MEMORY_LIMIT": str(1 << 50)})
    assert rc == 0, err[-2000:]
    head, big = _last_line(out).split("|")
    room, limit, *source = head.split()
    assert 250 <= int(room) <= 300
    assert abs(int(limit) - (int(room) - (V.ADDRESS_SPACE_SLACK >> 20))) <= 2
    assert "ulimit" in " ".join(source)
    # TOPODIM_MEMORY_LIMIT replaces MemAvailable, not the hard limit
    assert "needs 400.0 MB" in big and "ulimit" in big and "the way out" in big


# ------------------------------------------------------------------------------------------
# check_memory: sources of the limit
# ------------------------------------------------------------------------------------------


def _fake_cgroup(tmp_path, v2: bool, limit: str, usage: str, parent_limit: str | None = None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    proc = tmp_path / "cgroup"
    root = tmp_path / "sys"
    if v2:
        proc.write_text("0::/a/b\n")
        leaf = root / "a" / "b"
        names = ("memory.max", "memory.current")
    else:
        proc.write_text("4:memory:/a/b\n3:cpu:/\n")
        leaf = root / "memory" / "a" / "b"
        names = ("memory.limit_in_bytes", "memory.usage_in_bytes")
    leaf.mkdir(parents=True)
    (leaf / names[0]).write_text(limit + "\n")
    (leaf / names[1]).write_text(usage + "\n")
    if parent_limit is not None:
        (leaf.parent / names[0]).write_text(parent_limit + "\n")
        (leaf.parent / names[1]).write_text(usage + "\n")
    return str(proc), str(root)


@pytest.mark.parametrize("v2", [True, False])
def test_cgroup_headroom(tmp_path, v2):
    proc, root = _fake_cgroup(tmp_path, v2, str(1 << 30), str(1 << 28))
    assert V.cgroup_headroom(proc, root) == (1 << 30) - (1 << 28)
    # an ancestor's tighter limit wins
    proc, root = _fake_cgroup(tmp_path / "p", v2, str(1 << 30), str(1 << 28), parent_limit=str(1 << 29))
    assert V.cgroup_headroom(proc, root) == (1 << 29) - (1 << 28)
    # no limit
    proc, root = _fake_cgroup(tmp_path / "u", v2, "max" if v2 else str(1 << 62), "5")
    assert V.cgroup_headroom(proc, root) is None
    assert V.cgroup_headroom(str(tmp_path / "missing"), root) is None


def test_memory_limit_takes_the_smallest_source(monkeypatch):
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", 10 << 30)
    monkeypatch.setattr(M, "address_space_headroom", lambda: None)
    monkeypatch.setattr(M, "cgroup_headroom", lambda: None)
    assert M.memory_limit() == (10 << 30, "TOPODIM_MEMORY_LIMIT")
    monkeypatch.setattr(M, "cgroup_headroom", lambda: 1 << 30)
    assert M.memory_limit() == (1 << 30, "the memory cgroup limit")
    monkeypatch.setattr(M, "address_space_headroom", lambda: (512 << 20) + M.ADDRESS_SPACE_SLACK)
    assert M.memory_limit() == (512 << 20, "the address-space limit (ulimit -v)")
    with pytest.raises(MemoryError, match="needs 600.0 MB.*address-space limit.*do less"):
        M.check_memory(600 << 20, "something", "do less")
    M.check_memory(500 << 20, "something", "do less")
    # a hard limit that is used up refuses everything; an unknown MemAvailable checks nothing
    monkeypatch.setattr(M, "address_space_headroom", lambda: 0)
    with pytest.raises(MemoryError):
        M.check_memory(1, "one byte", "nothing")
    monkeypatch.setattr(M, "address_space_headroom", lambda: None)
    monkeypatch.setattr(M, "cgroup_headroom", lambda: None)
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", None)
    monkeypatch.setattr(M, "available_memory", lambda: 0)
    M.check_memory(1 << 60, "anything", "nothing")


# ------------------------------------------------------------------------------------------
# the edge collapse and the reduction check before they grow
# ------------------------------------------------------------------------------------------


def test_edge_collapse_checks_its_working_arrays(monkeypatch):
    X = np.random.default_rng(1).random((300, 3))
    n = 300
    pairs = n * (n - 1) // 2
    # room for the distance matrix and the edge codes, not for the collapse's sorted edges
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", n * n * 8 + pairs * 4)
    with pytest.raises(MemoryError, match="edge collapse.*thresh"):
        topodim.ripser(X, maxdim=2)
    # the same input without the collapse needs less at that point
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", n * n * 8 + pairs * 4 + (1 << 20))
    r = topodim.ripser(X, maxdim=1)
    assert len(r["dgms"]) == 2


def test_collapse_working_bytes_bounds_the_arrays():
    from topodim.collapse import working_bytes

    n, m = 1000, 400_000
    sorting, sweep = working_bytes(True, n, m, 0, 8)
    # index + value per edge, and the sort's buffers of the same size
    assert sorting >= 2 * m * 16
    # the second n x n value matrix and the pending edges (two int32 vertices + a value)
    assert sweep >= n * n * 8 + (m + 1) * 16
    s32, w32 = working_bytes(True, n, m, 0, 4)
    assert s32 < sorting and w32 < sweep


def test_reduction_growth_is_checked(monkeypatch):
    from topodim.rips import _stages as rips

    X = np.random.default_rng(2).random((60, 2))
    ref = topodim.ripser(X, maxdim=1)["dgms"]
    monkeypatch.setattr(rips, "GROWTH_CHECK_BYTES", 0)
    # the other checks pass; the reduction matrix may not double
    monkeypatch.setattr(rips, "reduction_state_bytes", lambda ncols, itemsize: 0)
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", 40_000)
    with pytest.raises(MemoryError, match="reduction matrix of dimension 1.*thresh.*float32.*maxdim"):
        topodim.ripser(X, maxdim=1)
    # checked at every chunk, with room: the same diagrams
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", None)
    got = topodim.ripser(X, maxdim=1)["dgms"]
    for a, b in zip(ref, got):
        np.testing.assert_array_equal(a, b)


def test_reduction_in_chunks_gives_the_same_diagrams(monkeypatch):
    """The reduction runs in chunks of columns (the growth check runs in between): the same
    diagrams as in one call, and as ripser.py's (which computes in float32)."""
    ripser_py = pytest.importorskip("ripser")
    from topodim.rips import _stages as rips

    X = np.random.default_rng(3).random((120, 3))
    monkeypatch.setattr(rips, "REDUCTION_CHUNKS", 1)  # one call per dimension
    whole = topodim.ripser(X, maxdim=2)["dgms"]
    monkeypatch.setattr(rips, "REDUCTION_CHUNKS", 10_000)
    monkeypatch.setattr(rips, "REDUCTION_MIN_STEP", 7)  # chunks of 7 columns
    got = topodim.ripser(X, maxdim=2)["dgms"]
    ref = ripser_py.ripser(X, maxdim=2)["dgms"]
    for a, w, b in zip(got, whole, ref):
        np.testing.assert_array_equal(a, w)
        np.testing.assert_allclose(np.sort(a, axis=0), np.sort(b, axis=0), rtol=1e-6)


# ------------------------------------------------------------------------------------------
# maxdim
# ------------------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 7), extra=st.integers(0, 40), seed=st.integers(0, 2**31 - 1))
def test_ripser_maxdim_above_the_data(n, extra, seed):
    """A Rips complex on n points has homology up to dimension n - 2: any larger maxdim returns
    maxdim + 1 diagrams (as ripser.py), the ones above n - 2 empty, the rest unchanged."""
    X = np.random.default_rng(seed).random((n, 2))
    top = max(n - 2, 0)
    ref = topodim.ripser(X, maxdim=top)
    got = topodim.ripser(X, maxdim=top + extra)
    assert len(got["dgms"]) == top + extra + 1
    for d in range(top + 1):
        np.testing.assert_array_equal(got["dgms"][d], ref["dgms"][d])
    for d in range(top + 1, top + extra + 1):
        assert got["dgms"][d].shape == (0, 2)
    gens = topodim.ripser(X, maxdim=top + extra, return_generators=True)["gens"]
    assert len(gens[1]) == top + extra


def test_ripser_maxdim_pinned():
    X = np.random.default_rng(0).random((10, 2))
    r = topodim.ripser(X, maxdim=V.MAX_DIMENSION)
    assert len(r["dgms"]) == V.MAX_DIMENSION + 1
    assert all(d.shape == (0, 2) for d in r["dgms"][9:])
    for bad in (V.MAX_DIMENSION + 1, 10**7, 2**63):
        with pytest.raises(ValueError, match="maxdim=.*above"):
            topodim.ripser(X, maxdim=bad)
    with pytest.raises(ValueError, match="maxdim"):
        topodim.estimate_memory(n_points=10, maxdim=10**7)


def test_filtration_persistence_maxdim_above_the_complex():
    simplices = [(0,), (1,), (2,), (0, 1), (1, 2), (0, 2)]
    values = [0, 0, 0, 1, 2, 3]
    ref = topodim.filtration_persistence(simplices, values, maxdim=1)
    got = topodim.filtration_persistence(simplices, values, maxdim=5000)
    assert len(got["dgms"]) == 5001 and len(got["pairs"]) == 5001 and got["maxdim"] == 5000
    for d in range(2):
        np.testing.assert_array_equal(got["dgms"][d], ref["dgms"][d])
        np.testing.assert_array_equal(got["pairs"][d], ref["pairs"][d])
    assert all(d.shape == (0, 2) for d in got["dgms"][2:])
    rep = topodim.filtration_persistence(simplices, values, maxdim=4, representatives=True)
    assert len(rep["representatives"]) == 5 and rep["representatives"][3] == []
    with pytest.raises(ValueError, match="maxdim=.*above"):
        topodim.filtration_persistence(simplices, values, maxdim=10**6)


# ------------------------------------------------------------------------------------------
# estimate_memory against the measured peak
# ------------------------------------------------------------------------------------------

_PEAK = """
    import sys
    import numpy as np, topodim
    from topodim._parallel import parallel_shells, status_bytes
    n, maxdim = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(0)
    # kernels loaded (the parallel shells too, which a small call skips), threads started
    topodim.ripser(rng.random((60, 3)), maxdim=maxdim)
    parallel_shells(lambda: topodim.ripser(rng.random((60, 3)), maxdim=maxdim))
    X = rng.random((n, 3))
    est = topodim.estimate_memory(X, maxdim=maxdim)
    try:
        with open("/proc/self/clear_refs", "w") as fh:  # VmHWM := VmRSS
            fh.write("5")
    except OSError:
        print("unsupported")
        raise SystemExit(0)
    base = status_bytes("VmRSS")
    topodim.ripser(X, maxdim=maxdim)
    print(est, status_bytes("VmHWM") - base)
"""


@pytest.mark.parametrize("n,maxdim", [(1500, 1), (2500, 1), (1500, 2), (2500, 2)])
def test_estimate_memory_against_measured_peak(n, maxdim):
    """The peak resident set above the baseline, in a fresh process, is never more than 20 %
    above estimate_memory, and the estimate is not more than 2x the peak."""
    code = "import sys; sys.argv[1:] = [%r, %r]\n" % (str(n), str(maxdim)) + textwrap.dedent(_PEAK)
    rc, out, err = _run_child(code)
    assert rc == 0, err[-2000:]
    line = _last_line(out)
    if line == "unsupported":
        pytest.skip("/proc/self/clear_refs is not writable here")
    est, peak = (int(v) for v in line.split())
    assert est >= 0.8 * peak, (est, peak)
    assert est <= 2.0 * peak, (est, peak)


def test_estimate_memory_arguments():
    with pytest.raises(ValueError, match="n_perm"):
        topodim.estimate_memory(n_points=100, n_perm=-3)
    with pytest.raises(TypeError, match="scalar"):
        topodim.estimate_memory(3.0)
    # the collapse's terms: maxdim 2 counts more than maxdim 1, and without the collapse the
    # edge list instead
    e1 = topodim.estimate_memory(n_points=2000, maxdim=1)
    e2 = topodim.estimate_memory(n_points=2000, maxdim=2)
    e2n = topodim.estimate_memory(n_points=2000, maxdim=2, collapse_edges=False)
    assert e2 > 2 * e1 and e1 < e2n < e2
