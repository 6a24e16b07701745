"""Bad input gets a one-line TypeError / ValueError that names what was wrong (and how to fix it)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import topodim
from topodim import datasets as ds
from topodim import diagrams as dg
from topodim.cli import main


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"n_points": 100, "n_perm": -3}, ValueError, "n_perm"),
    ({"n_points": 100, "n_perm": 2.5}, TypeError, "n_perm"),
    ({"n_points": 0}, ValueError, "n_points"),
    ({"n_points": "100"}, TypeError, "n_points"),
    ({"X": 3.0}, TypeError, "scalar"),
    ({"X": {"a": 1}}, TypeError, "dict"),
    ({"X": "abc"}, TypeError, "str"),
    ({"X": [[1.0, 2.0], [3.0]]}, ValueError, "ragged"),
    ({"X": np.ones(10)}, ValueError, "1-D"),
    ({"X": np.ones((2, 3, 4))}, ValueError, "2-D"),
    ({"X": np.ones((0, 3))}, ValueError, "empty"),
])
def test_estimate_memory_argument_checks(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        topodim.estimate_memory(**kwargs)


def test_estimate_memory_still_estimates():
    assert topodim.estimate_memory(n_points=100) == topodim.estimate_memory(np.ones((100, 3)))
    assert topodim.estimate_memory(np.ones(45), distance_matrix=True) == topodim.estimate_memory(n_points=10)
    assert topodim.estimate_memory(n_points=100, n_perm=0) == topodim.estimate_memory(n_points=100)


def test_rips_persistence_n_jobs_zero_names_n_jobs():
    with pytest.raises(ValueError, match="^n_jobs must be a positive integer"):
        topodim.RipsPersistence(n_jobs=0).fit_transform([np.random.default_rng(0).random((5, 2))])


@pytest.mark.parametrize("bad,exc,match", [
    (np.array([[np.nan, 1.0], [0.0, 1.0]]), ValueError, "NaN"),
    (np.array([[np.inf, 1.0], [0.0, 1.0]]), ValueError, "inf"),
    ([["a", "b"], ["c", "d"]], TypeError, "numeric"),
    (np.array([[1 + 1j, 2.0], [0.0, 1.0]]), TypeError, "complex"),
    (np.array([[1.0, None], [0.0, 1.0]], dtype=object), ValueError, "None"),
])
def test_embed_rejects_bad_points(bad, exc, match):
    with pytest.raises(exc, match=match):
        ds.embed(bad, 4)


def test_embed_keeps_distances():
    X = np.random.default_rng(0).random((20, 2))
    from scipy.spatial.distance import pdist

    np.testing.assert_allclose(pdist(ds.embed(X, 5, random_state=1)), pdist(X), rtol=1e-12)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: topodim.ph0(3.0), ValueError, r"X is a scalar \(3.0\)"),
    (lambda: topodim.ripser(np.float64(2.0)), ValueError, "scalar"),
    (lambda: topodim.filtration_persistence([(0,), (2**64,)], [0.0, 0.0]), ValueError, "outside the int64 range"),
    (lambda: topodim.filtration_persistence([(0,), (1,)], [0.0, np.inf]), ValueError, "has an infinite value"),
    (lambda: topodim.filtration_persistence([(0,), (1,)], [0.0, np.nan]), ValueError, "has a NaN value"),
    (lambda: topodim.ph0(np.array([[1.0, None], [2.0, 3.0]], dtype=object)), ValueError, "None"),
    (lambda: topodim.ph0(np.array([[1e-200, 1e-200], [1.0, 0.0], [0.0, 0.0]]), metric="cosine"), ValueError,
     r"zero vector X\[2\]"),
])
def test_messages(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_none_is_not_reported_as_nan():
    with pytest.raises(ValueError) as info:
        topodim.ph0(np.array([[1.0, None], [2.0, 3.0]], dtype=object))
    assert "NaN" not in str(info.value)


@pytest.mark.parametrize("fn", [dg.finite, dg.essential, dg.lifetimes, dg.total_persistence,
                                lambda d: dg.betti_numbers([d], 0.5), lambda d: dg.bottleneck_distance(d, d)])
@pytest.mark.parametrize("dgm", [np.array([[0.0, 1.0 + 0.5j]]), [[0.0, 1j]]])
def test_diagram_helpers_reject_complex(fn, dgm):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way
        with pytest.raises(TypeError, match="complex"):
            fn(dgm)


def test_betti_curve_rejects_complex_grid():
    with pytest.raises(TypeError, match="complex"):
        dg.betti_curve(np.array([[0.0, 1.0]]), np.array([0.5 + 1j]))


def test_cli_filtration_file_errors(tmp_path, capsys):
    assert main(["filtration", str(tmp_path)]) != 0
    assert "is a directory" in capsys.readouterr().err
    assert main(["filtration", str(tmp_path / "nope.txt")]) != 0
    assert "no such file" in capsys.readouterr().err
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 20)
    assert main(["filtration", str(binary)]) != 0
    err = capsys.readouterr().err
    assert str(binary) in err and "not a text file" in err and "Traceback" not in err
