"""giotto-ph's own test suite (``gph/python/test`` of the installed wheel) run against topodim.

The suite runs unmodified in a subprocess with the renaming shim ``tests/peers/shims/gph`` first
on the path (see :mod:`peers._suite`). The wheel's test files sit inside the ``gph`` package, so
imported in place they would resolve ``gph`` to giotto-ph itself: they are linked (not copied)
into a temporary folder and run from there. Every test must pass except the ones that import
giotto-ph's compiled internals, listed with the reason.
"""

import numpy as np
import pytest
from peers._suite import SHIMS, installed_dir, run_suite, summary

import topodim

SUITE = installed_dir("gph", "python", "test")

#: Tests that import giotto-ph's internals (a ShimGap-free failure there says nothing of topodim).
INTERNALS = {
    "test_collapser": "imports gph.modules.gph_collapser (giotto-ph's compiled edge collapser) "
                      "at module level: the whole file is not collectable",
    "test_ripser::test_unsupported_coefficient":
        "imports gph.modules.gph_ripser for get_max_coefficient_field_supported(); its public "
        "half (coeff=4 raises ValueError) holds in topodim",
}

#: Tests that need negative filtration values (vertex births below 0), as ripser.py and giotto-ph
#: accept them; allowed to fail only while topodim refuses them.
NEGATIVE_VALUES = ("test_ripser::test_collapser_with_negative_weights",
                   "test_ripser::test_equivariance_regression")


def _accepts_negative_values():
    try:
        topodim.ripser(np.array([[-1.0, 0.5], [0.5, 0.0]]), distance_matrix=True)
    except ValueError:
        return False
    return True


def _module_and_test(nodeid):
    """("test_ripser", "test_x") from a JUnit node id ("test_ripser::test_x[...]"); a module that
    could not be collected comes as ("test_collapser", "")."""
    cls, _, name = nodeid.partition("::")
    if not cls:
        return name.split("/")[-1].removesuffix(".py"), ""
    return cls.split(".")[-1], name.split("[")[0]


def _allowed(nodeid, negative_ok):
    module, test = _module_and_test(nodeid)
    key = f"{module}::{test}"
    return module in INTERNALS or key in INTERNALS or (not negative_ok and key in NEGATIVE_VALUES)


@pytest.mark.skipif(SUITE is None, reason="giotto-ph is not installed (pip install giotto-ph)")
def test_giotto_ph_suite_passes(tmp_path):
    files = sorted(SUITE.glob("test_*.py"))
    assert {f.stem for f in files} >= {"test_ripser", "test_wrp", "test_collapser"}
    for f in files:
        (tmp_path / f.name).symlink_to(f)
    res = run_suite([f.name for f in files], "gph", cwd=tmp_path,
                    extra_args=["-p", "gph_warmup", "--continue-on-collection-errors"])
    negative_ok = _accepts_negative_values()

    def failures(r):
        return {k: v for k, v in r.items()
                if k != "__output__" and v != "passed" and not _allowed(k, negative_ok)}

    bad = failures(res)
    if bad:
        # giotto-ph's hypothesis tests have a 500 ms deadline per example, which a loaded machine
        # can exceed (giotto-ph itself takes ~0.3 s on some of these examples under load). Rerun
        # the failures once in the same folder: Hypothesis replays a failing example from its
        # database there first, so a wrong answer fails again and only a missed deadline can pass.
        again = run_suite([k.replace("::", ".py::", 1) for k in bad], "gph", cwd=tmp_path,
                          extra_args=["-p", "gph_warmup"])
        res.update({k: v for k, v in again.items() if k != "__output__"})
        res["__output__"] += again["__output__"]
        bad = failures(res)
    counts = summary(res)
    assert not bad, f"{counts}\n{bad}\n{res['__output__'][-6000:]}"
    # the suite really ran through the shim: giotto-ph's 99 collectable tests (74 weighted-Rips)
    modules = {_module_and_test(k)[0] for k, v in res.items() if k != "__output__" and v == "passed"}
    assert modules == {"test_ripser", "test_wrp"}, counts
    assert counts.get("passed", 0) >= 99 - 1 - (0 if negative_ok else len(NEGATIVE_VALUES)), counts
    assert (SHIMS / "gph" / "gph" / "__init__.py").is_file()
