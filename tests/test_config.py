"""The thread-mode chooser shared by the adaptive parallel stages (Prim, Rips, PH-dimension)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from topodim._parallel import ParallelOrSerial


def _run(chooser, rates, batches):
    """Drive the chooser with fixed rates (work per second) per mode; returns the modes run."""
    modes = []
    for _ in range(batches):
        mode = chooser.next_mode()
        modes.append(mode)
        chooser.record(mode, 1.0, 1.0 / rates[mode])
    return modes


@settings(max_examples=50, deadline=None)
@given(fast=st.booleans(), ratio=st.floats(1.01, 100.0), batches=st.integers(10, 300))
def test_settles_on_the_faster_mode_and_probes_ever_more_rarely(fast, ratio, batches):
    rates = {fast: ratio, not fast: 1.0}
    modes = _run(ParallelOrSerial(), rates, batches)
    assert set(modes[:2]) == {True, False}  # both modes measured before settling
    slow_runs = [i for i, m in enumerate(modes) if m != fast and i >= 1]  # the probes of the slow mode
    gaps = [b - a for a, b in zip(slow_runs, slow_runs[1:])]
    assert gaps == sorted(gaps)  # probe intervals never shrink while the probe keeps losing
    assert all(g <= 65 for g in gaps)  # ... and are capped (the other mode is re-checked)
    assert sum(m == fast for m in modes) > 0.6 * batches


def test_switches_when_the_rates_change():
    chooser = ParallelOrSerial()
    _run(chooser, {True: 2.0, False: 1.0}, 50)
    assert chooser.parallel is True
    modes = _run(chooser, {True: 1.0, False: 3.0}, 100)  # the machine got busy
    assert chooser.parallel is False and modes[-30:].count(False) >= 25


def test_disabled_is_always_serial():
    assert _run(ParallelOrSerial(enabled=False), {True: 9.0, False: 1.0}, 20) == [False] * 20


def test_pinned_sequence_serial_faster():
    # serial probed first (no rate yet) and taken; parallel measured next and loses, so it is
    # re-probed after 4 serial batches, loses again, and the next probe waits 8
    modes = _run(ParallelOrSerial(), {True: 1.0, False: 2.0}, 16)
    P, S = True, False
    assert modes == [S, P, S, S, S, S, P, S, S, S, S, S, S, S, S, P]


def _config_in_child(value):
    import os
    import subprocess
    import sys

    env = dict(os.environ, TOPODIM_MEMORY_LIMIT=value)
    code = "import topodim._config as c; print(c.MEMORY_LIMIT)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_memory_limit_is_read_once_at_import(monkeypatch):
    import topodim._config as c
    from topodim._validate import memory as V

    child = _config_in_child("1e6")
    assert child.returncode == 0 and child.stdout.split()[-1] == "1000000"
    bad = _config_in_child("lots")
    assert bad.returncode != 0 and "TOPODIM_MEMORY_LIMIT must be a number of bytes" in bad.stderr
    # changing the environment later does not change the limit; the module attribute does
    monkeypatch.setattr(V, "address_space_headroom", lambda: None)
    monkeypatch.setattr(V, "cgroup_headroom", lambda: None)
    monkeypatch.setattr(c, "MEMORY_LIMIT", 12345)
    monkeypatch.setenv("TOPODIM_MEMORY_LIMIT", "99")
    assert V.memory_limit() == (12345, "TOPODIM_MEMORY_LIMIT")
