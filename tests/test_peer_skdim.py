"""scikit-dimension's own TwoNN / MLE / PH tests, run against topodim's estimators.

The test files come from the installed scikit-dimension wheel (``skdim/tests``); the plugin
``tests/peers/shims/skdim_shim/topodim_skdim.py`` (loaded with ``-p``) swaps ``skdim.id.TwoNN``,
``MLE`` and ``PH`` for subclasses of topodim's estimators that only rename parameters.
"""

from __future__ import annotations

import pytest

from tests.peers._suite import installed_dir, run_suite, summary

pytest.importorskip("skdim")
pytest.importorskip("sklearn")

SUITE = installed_dir("skdim", "tests")

_GROUND_TRUTH = [f"test_twonn_gride.py::test_ground_truth[{d}-{kind}-{name}]"
                 for d in (2, 5, 10) for kind in ("ball", "sphere") for name in ("twonn_linear", "twonn_mle")]

#: Every test of scikit-dimension's suite that exercises TwoNN, MLE or PH (36).
SELECTED = [
    "test_all_params.py::test_all_estimators[MLE]",
    "test_all_params.py::test_all_estimators[PH]",
    "test_all_params.py::test_all_estimators[TwoNN]",
    "test_all_params.py::test_mle_params",
    "test_all_params.py::test_twonn_params",
    "test_results.py::test_mle_results",
    "test_results.py::test_twonn_results",
    "test_twonn_gride.py::test_check_estimator[TwoNN]",
    *_GROUND_TRUTH,
    "test_twonn_gride.py::test_twonn_linear_unchanged",
    "test_twonn_gride.py::test_twonn_mle_close_to_linear",
    "test_twonn_gride.py::test_twonn_mle_closed_form_and_dist",
    "test_twonn_gride.py::test_twonn_mle_unbiased_on_pareto",
    "test_twonn_gride.py::test_duplicates_warn",
    "test_twonn_gride.py::test_twonn_invalid_method",
    *[f"test_fork_ph.py::test_ph_ground_truth[{shape}-{d}]" for shape in ("cube", "ball") for d in (2, 3, 5)],
    "test_fork_ph.py::test_total_persistence_duplicates",
    "test_fork_ph.py::test_ph_reproducible_across_n_jobs",
    "test_fork_ph.py::test_ph_params",
    "test_fork_ph.py::test_ph_check_estimator",
]

#: Tests allowed to fail, each with its reason: none (no selected test imports skdim internals
#: that the plugin does not map).
EXPECTED_FAILURES: dict = {}


def _junit_id(nodeid: str) -> str:
    module, name = nodeid.split("::")
    return f"{module[:-3]}::{name}"


@pytest.mark.skipif(SUITE is None, reason="scikit-dimension's tests are not installed (pip install scikit-dimension)")
def test_skdim_suite_passes_on_topodim():
    assert len(SELECTED) == 36
    res = run_suite(SELECTED, "skdim_shim", cwd=SUITE, extra_args=["-p", "topodim_skdim"])
    got = {k: v for k, v in res.items() if k != "__output__"}
    wanted = {_junit_id(t) for t in SELECTED}
    missing = wanted - set(got)
    assert not missing, f"not run: {sorted(missing)}\n{res['__output__']}"
    failed = {k: v for k, v in got.items() if v != "passed" and k not in EXPECTED_FAILURES}
    assert not failed, f"{summary(res)}: {failed}\n{res['__output__']}"
    assert summary(res).get("passed", 0) == 36 - len(EXPECTED_FAILURES)
