"""Huge and tiny coordinates: distances are computed by an exact power-of-two prescale, or refused.

Scaling a cloud by s scales every Rips / PH0 diagram by s and leaves cosine diagrams unchanged.
When s is a power of two (and the scaled coordinates stay normal numbers) the scaled cloud is
exactly representable and every distance is computed on the same normalised coordinates, so the
diagrams are equal bit for bit. For s = 10**k the scaled coordinates are rounded (relative error
2**-53 each); a difference of two coordinates then carries an error of about 2**-53 times the
coordinates' size, not the difference's, so the tolerance is absolute in units of s * max|X|.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topodim
from topodim.dimension import knn_distances
from topodim.metrics import pairwise_distances, point_scale

SCALED_MSG = "rescale X"


def _cloud(seed, n, d):
    return np.random.default_rng(seed).random((n, d))


def _close(got, want, scale):
    fin = np.isfinite(want)
    assert np.array_equal(np.isfinite(got), fin)
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-12, atol=1e-13 * scale)


@settings(max_examples=60, deadline=None)
@given(k=st.integers(-150, 150), seed=st.integers(0, 2**31), n=st.integers(2, 30), d=st.integers(1, 4))
def test_ph0_and_mst_scale_by_powers_of_ten(k, seed, n, d):
    X = _cloud(seed, n, d)
    s = 10.0 ** k
    ref = topodim.ph0(X)
    got = topodim.ph0(X * s)
    assert np.isinf(got[:, 1]).sum() == 1  # connected: one essential bar, whatever the scale
    _close(got, ref * s, s)
    _close(topodim.mst(X * s).lengths, topodim.mst(X).lengths * s, s)
    # cosine is scale invariant
    Xc = X + 0.1
    np.testing.assert_allclose(topodim.ph0(Xc * s, metric="cosine"), topodim.ph0(Xc, metric="cosine"),
                               rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(j=st.integers(-480, 480), seed=st.integers(0, 2**31), n=st.integers(2, 30), d=st.integers(1, 4))
def test_power_of_two_scale_is_exact(j, seed, n, d):
    X = _cloud(seed, n, d) + 2.0**-20  # keeps every scaled coordinate a normal number
    s = 2.0 ** j
    assert np.array_equal(topodim.ph0(X * s), topodim.ph0(X) * s)
    assert np.array_equal(pairwise_distances(X * s, condensed=True), pairwise_distances(X, condensed=True) * s)
    if n > 1:
        assert np.array_equal(knn_distances(X * s, 1), knn_distances(X, 1) * s)


@settings(max_examples=30, deadline=None)
@given(k=st.integers(-150, 150), seed=st.integers(0, 2**31), n=st.integers(3, 14), d=st.integers(1, 3))
def test_ripser_scales_or_raises(k, seed, n, d):
    X = _cloud(seed, n, d)
    s = 10.0 ** k
    try:
        got = topodim.ripser(X * s, maxdim=1)["dgms"]
    except ValueError as exc:  # the documented refusal when squared distances leave the dtype's range
        assert SCALED_MSG in str(exc)
        assert point_scale(X * s, "euclidean") != 0
        return
    ref = topodim.ripser(X, maxdim=1)["dgms"]
    for a, b in zip(got, ref):
        assert a.shape == b.shape
        _close(a, b * s, s)
    Xc = X + 0.1
    for a, b in zip(topodim.ripser(Xc * s, maxdim=1, metric="cosine")["dgms"],
                    topodim.ripser(Xc, maxdim=1, metric="cosine")["dgms"]):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("k", [-170, -150, 0, 150, 200, 300])
def test_rips_filtration_and_ph_dimension_scale(k):
    X = _cloud(3, 40, 2)
    s = 10.0 ** k
    f, g = topodim.rips_filtration(X, skeleton=2), topodim.rips_filtration(X * s, skeleton=2)
    assert [len(v) for v in f.values] == [len(v) for v in g.values]
    for a, b in zip(f.values, g.values):
        _close(np.asarray(b), np.asarray(a) * s, s)
    a = topodim.ph_dimension(X, schedule=[10, 20, 40], n_repeats=2, random_state=0)
    b = topodim.ph_dimension(X * s, schedule=[10, 20, 40], n_repeats=2, random_state=0)
    assert b.dimension == pytest.approx(a.dimension, rel=1e-9)
    np.testing.assert_allclose(b.values, a.values * s, rtol=1e-9)


def test_pinned_overflow_and_underflow_cases():
    # float64: differences near 1e155 used to square to inf ("no edge": 3 essential bars)
    np.testing.assert_allclose(topodim.ph0(np.array([[0.0], [1e155], [3e155]])),
                               [[0, 1e155], [0, 2e155], [0, np.inf]], rtol=1e-15)
    # float32: 1e20 is enough
    d32 = topodim.ph0(np.array([[0.0], [1e20], [3e20]]), dtype=np.float32)
    np.testing.assert_allclose(d32[:2, 1], [1e20, 2e20], rtol=1e-6)
    assert d32.dtype == np.float32 and np.isinf(d32[:, 1]).sum() == 1
    X = np.random.default_rng(5).random((50, 3))
    true = topodim.ph0(X, metric="cosine")[:-1, 1].max()
    assert topodim.ph0(X * 1e160, metric="cosine")[:-1, 1].max() == pytest.approx(true, rel=1e-12)
    assert topodim.ph0(X * 1e-25, metric="cosine", dtype=np.float32)[:-1, 1].max() == pytest.approx(true, rel=1e-5)
    assert topodim.ph0(X * 1e25, metric="cosine", dtype=np.float32)[:-1, 1].max() == pytest.approx(true, rel=1e-5)
    # ripser: 16 H1 bars at any scale (none were left at 1e-170), one essential H0 bar in float32
    ref = topodim.ripser(X)["dgms"]
    tiny = topodim.ripser(X * 2.0**-565)["dgms"]
    for a, b in zip(tiny, ref):
        np.testing.assert_array_equal(a, b * 2.0**-565)
    assert len(topodim.ripser(X * 1e-170)["dgms"][1]) == len(ref[1]) == 16
    d32 = topodim.ripser(np.array([[0.0], [1e20], [3e20]]), dtype=np.float32)["dgms"][0]
    np.testing.assert_allclose(d32[:2, 1], [1e20, 2e20], rtol=1e-6)
    assert np.isinf(d32[:, 1]).sum() == 1
    # a path that cannot undo a scale (the greedy subsample) refuses rather than misreads
    with pytest.raises(ValueError, match=SCALED_MSG):
        topodim.ripser(X * 1e-170, n_perm=10)


def test_tiny_cosine_vector_is_not_a_zero_vector():
    X = np.array([[1e-200, 2e-200], [1.0, 0.0], [0.0, 1.0]])
    d = topodim.ph0(X, metric="cosine")
    assert np.isinf(d[:, 1]).sum() == 1 and np.isfinite(d).sum() == 5
    with pytest.raises(ValueError, match="zero vector"):
        topodim.ph0(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), metric="cosine")
