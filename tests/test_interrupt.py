"""Long kernels run in batches from Python: Ctrl-C is seen between batches, results do not change."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import topodim
import topodim.dimension._knn as knn
import topodim.filtrations._cliques as cliques
from topodim.dimension import knn_distances

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_knn_batches_do_not_change_the_result(monkeypatch, metric):
    X = np.random.default_rng(0).random((203, 5)) + 0.01
    d1, i1 = knn_distances(X, 7, metric=metric, return_indices=True)
    monkeypatch.setattr(knn, "KNN_BATCH_WORK", 1)  # 4 rows per batch
    d2, i2 = knn_distances(X, 7, metric=metric, return_indices=True)
    np.testing.assert_array_equal(d1, d2)
    np.testing.assert_array_equal(i1, i2)
    from scipy.spatial.distance import squareform

    D = squareform(topodim.metrics.pairwise_distances(X, metric=metric, condensed=True))
    np.testing.assert_array_equal(knn_distances(D, 7, distance_matrix=True), d1)


def test_rips_filtration_count_batches_do_not_change_the_result(monkeypatch):
    X = np.random.default_rng(1).random((60, 3))
    f1 = topodim.rips_filtration(X, skeleton=3, thresh=0.5)
    monkeypatch.setattr(cliques, "COUNT_BATCH_VISITS", 8)
    f2 = topodim.rips_filtration(X, skeleton=3, thresh=0.5)
    assert [len(v) for v in f1.values] == [len(v) for v in f2.values]
    for a, b in zip(f1.values, f2.values):
        np.testing.assert_array_equal(a, b)


def test_rips_filtration_stops_counting_once_over_budget(monkeypatch):
    monkeypatch.setattr(cliques, "COUNT_BATCH_VISITS", 64)
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", 2_000_000)
    with pytest.raises(MemoryError, match=r"\d-simplices of .*\(at least \d+, counted from \d+ of \d+ .*thresh"):
        topodim.rips_filtration(np.random.default_rng(0).random((120, 3)), skeleton=3)


def _sigint_child(code: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(code)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # "ready": compiled, the long call starts next
        assert line.strip() == "ready", line + proc.stderr.read()
        import time

        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)  # a hang guard, not a timing
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_sigint_interrupts_a_long_twonn():
    res = _sigint_child("""
        import numpy as np, topodim
        topodim.TwoNN().fit(np.random.default_rng(0).random((50, 3)))   # compile first
        X = np.random.default_rng(0).random((400_000, 3))              # minutes of brute-force kNN
        print("ready", flush=True)
        topodim.TwoNN().fit(X)
        print("finished", flush=True)
    """)
    assert "KeyboardInterrupt" in res.stderr, res.stderr[-2000:]
    assert "finished" not in res.stdout
    assert res.returncode != 0
