"""Diagram helpers: finite / essential split, total persistence, Betti numbers and curves."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from topodim import diagrams


@st.composite
def diagram_arrays(draw, max_bars=30):
    k = draw(st.integers(0, max_bars))
    births = draw(hnp.arrays(np.float64, k, elements=st.floats(0, 10)))
    lengths = draw(hnp.arrays(np.float64, k, elements=st.floats(0, 10)))
    deaths = births + lengths
    inf_mask = draw(hnp.arrays(np.bool_, k))
    deaths[inf_mask] = np.inf
    return np.column_stack([births, deaths]) if k else np.empty((0, 2))


@given(dgm=diagram_arrays())
def test_split_partitions_the_bars(dgm):
    fin, ess = diagrams.split(dgm)
    assert len(fin) + len(ess) == len(dgm)
    assert np.isfinite(fin[:, 1]).all() and np.isinf(ess[:, 1]).all()
    np.testing.assert_array_equal(diagrams.finite(dgm), fin)
    np.testing.assert_array_equal(diagrams.essential(dgm), ess)


@given(dgm=diagram_arrays(), alpha=st.floats(0.1, 3))
def test_total_persistence_matches_definition(dgm, alpha):
    fin = dgm[np.isfinite(dgm[:, 1])]
    expected = float(np.sum((fin[:, 1] - fin[:, 0]) ** alpha))
    assert diagrams.total_persistence(dgm, alpha) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_total_persistence_pinned_and_half_convention():
    dgm = np.array([[0.0, 1.0], [0.5, 2.5], [0.0, np.inf]])
    assert diagrams.total_persistence(dgm) == 3.0
    assert diagrams.total_persistence(dgm, alpha=2) == 5.0


@given(dgm=diagram_arrays(), r=st.floats(-1, 25))
def test_betti_number_counts_bars_alive_at_r(dgm, r):
    expected = sum(1 for b, d in dgm if b <= r < d)
    assert diagrams.betti_numbers([dgm], r)[0] == expected
    assert diagrams.betti_curve(dgm, [r])[0] == expected


def test_betti_numbers_of_several_dimensions():
    dgms = [np.array([[0, 1.0], [0, np.inf]]), np.array([[0.5, 0.7]])]
    np.testing.assert_array_equal(diagrams.betti_numbers(dgms, 0.6), [2, 1])
    np.testing.assert_array_equal(diagrams.betti_numbers(dgms, 2.0), [1, 0])


def test_betti_curve_is_vectorised_and_exact():
    dgm = np.array([[0.0, 1.0], [0.0, 2.0], [1.5, 3.0]])
    grid = np.array([-1.0, 0.0, 0.99, 1.0, 1.5, 2.0, 2.99, 3.0])
    np.testing.assert_array_equal(diagrams.betti_curve(dgm, grid), [0, 2, 2, 1, 2, 1, 1, 0])


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([[0.0, np.nan]]), "NaN"),
        (np.array([[1.0, 0.5]]), "dies before"),
        (np.array([[np.inf, np.inf]]), "birth"),
        (np.zeros((3, 3)), "shape"),
    ],
)
def test_bad_diagrams(bad, match):
    with pytest.raises(ValueError, match=match):
        diagrams.finite(bad)


@pytest.mark.parametrize("alpha", [0, -1, np.nan, np.inf])
def test_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        diagrams.total_persistence(np.array([[0.0, 1.0]]), alpha)


def test_empty_diagram():
    assert diagrams.total_persistence(np.empty((0, 2))) == 0.0
    assert diagrams.betti_numbers([np.empty((0, 2))], 1.0)[0] == 0
