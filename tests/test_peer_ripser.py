"""ripser.py's own test suite (0.6.15, ``tests/`` of its sdist), unmodified, against topodim.

``import ripser`` in those files resolves to the renaming shim ``tests/peers/shims/ripser/ripser``
(topodim's ``ripser``, ``Rips``, ``lower_star_img`` and ``correlation_to_distance`` under
ripser.py's names, nothing emulated). Every test must pass, except those that import ripser.py's
internals (none do in 0.6.15).
"""

import os
import subprocess
import sys

import pytest

from tests.peers._suite import ROOT, SHIMS, run_suite, sdist_dir, summary

#: Tests that import ripser.py's internals, with the reason (none in ripser.py 0.6.15).
INTERNALS = {}

#: The number of tests in ripser.py 0.6.15's suite.
N_TESTS = 37


def test_ripser_py_suite_passes_through_the_shim():
    pytest.importorskip("sklearn", reason="ripser.py's tests import scikit-learn")
    suite = sdist_dir("ripser")
    if suite is None or not (suite / "tests").is_dir():
        pytest.skip("ripser.py's test suite is not unpacked; run: python tests/peers/fetch_suites.py")
    results = run_suite([suite / "tests"], "ripser", cwd=suite)
    out = results.pop("__output__")
    assert len(results) == N_TESTS, f"expected {N_TESTS} tests, collected {summary(results)}:\n{out}"
    bad = {k: v for k, v in results.items() if v != "passed" and k not in INTERNALS}
    assert not bad, f"{summary(results)}; not passing: {sorted(bad)}\n{out}"


def test_the_shim_is_what_import_ripser_finds():
    # the suite's `import ripser` must reach topodim, not the installed ripser.py
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SHIMS / "ripser"), str(ROOT)]))
    code = ("import ripser, topodim; "
            "assert ripser.ripser is topodim.ripser and ripser.Rips is topodim.Rips; "
            "assert ripser.lower_star_img is topodim.lower_star_img; "
            "assert ripser.correlation_to_distance is topodim.correlation_to_distance")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
