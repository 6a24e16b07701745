"""topodim's estimators against scikit-dimension as an oracle, where the options match."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import topodim
from topodim.dimension import MLE, NotFittedError, PHDim, TwoNN, knn_distances, ph_dimension

skdim = pytest.importorskip("skdim")
pytest.importorskip("sklearn")


def _ball(n, d, seed):
    return skdim.datasets.hyperBall(n=n, d=d, random_state=seed)


def _data30():
    X = np.zeros((30, 10))
    X[:, :5] = _ball(30, 5, 0)
    return X


# ------------------------------------------------------------------------------------------
# TwoNN
# ------------------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), d=st.integers(1, 6), n=st.integers(20, 300),
       discard=st.sampled_from([0.0, 0.05, 0.1, 0.3]), method=st.sampled_from(["linear", "mle"]))
def test_twonn_equals_skdim(seed, d, n, discard, method):
    assume(method == "mle" or discard > 0)  # the linear fit at F = 1 has an infinite y (skdim raises)
    X = np.random.default_rng(seed).normal(size=(n, d + 1))
    ref = skdim.id.TwoNN(discard_fraction=discard, method=method).fit(X).dimension_
    got = TwoNN(fraction=1 - discard, method=method).fit(X).dimension_
    if np.isinf(ref):
        assert np.isinf(got)
    else:
        assert got == pytest.approx(ref, rel=1e-12)


def test_twonn_mle_closed_form_pinned():
    X = _ball(500, 3, 0)
    r = knn_distances(X, 2)
    log_mu = np.log(r[:, 1] / r[:, 0])
    assert TwoNN(fraction=1.0, method="mle").fit(X).dimension_ == pytest.approx((len(X) - 1) / log_mu.sum(), rel=1e-13)
    # censored: the k smallest ratios plus (N - k) copies of the k-th
    mu = np.sort(r[:, 1] / r[:, 0])
    k = int(np.floor(0.9 * len(mu)))
    ref = (k - 1) / (np.log(mu[:k]).sum() + (len(mu) - k) * np.log(mu[k - 1]))
    assert TwoNN(method="mle").fit(X).dimension_ == pytest.approx(ref, rel=1e-13)


@pytest.mark.parametrize("method", ["linear", "mle"])
def test_twonn_dist_equals_points(method):
    X = _ball(400, 4, 1)
    r = knn_distances(X, 2)
    assert TwoNN(method=method, dist=True).fit(r).dimension_ == TwoNN(method=method).fit(X).dimension_


@pytest.mark.parametrize("bad", [np.ones((5, 3)), np.array([[1.0, 0.5]] * 5), np.array([[-1.0, 2.0]] * 5)])
def test_twonn_dist_rejects_non_distances(bad):
    with pytest.raises(ValueError, match="dist=True"):
        TwoNN(dist=True).fit(bad)


def test_twonn_invalid_method():
    with pytest.raises(ValueError, match="method must be 'linear'"):
        TwoNN(method="foo").fit(_ball(50, 2, 0))


# ------------------------------------------------------------------------------------------
# MLE
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw,fit_kw,ours", [
    ({}, {}, {}),
    ({}, {"n_neighbors": 5}, {"k1": 5, "k2": 5}),
    ({"unbiased": True}, {}, {"unbiased": True}),
    ({}, {"comb": "mean"}, {"averaging": "mean"}),
    ({}, {"comb": "median"}, {"averaging": "median"}),
    ({"K": 10, "neighborhood_based": False}, {}, {"neighborhood_based": False, "global_k": 10}),
    ({"K": 3, "neighborhood_based": False, "unbiased": True}, {"n_neighbors": 8},
     {"neighborhood_based": False, "global_k": 3, "unbiased": True, "k1": 8, "k2": 8}),
])
@pytest.mark.parametrize("seed", [0, 1])
def test_mle_equals_skdim(kw, fit_kw, ours, seed):
    X = _data30() if seed == 0 else _ball(200, 3, seed)
    ref = skdim.id.MLE(**kw).fit(X, **fit_kw).dimension_
    params = {"k1": 20, "k2": 20, **ours}
    assert MLE(**params).fit(X).dimension_ == pytest.approx(ref, rel=1e-10)


def test_mle_dnoise_equals_skdim():
    X = _data30()
    ref = skdim.id.MLE(n=20, sigma=0.1, dnoise="dnoiseGaussH").fit(X).dimension_
    got = MLE(k1=20, k2=20, dnoise="gaussian", sigma=0.1).fit(X).dimension_
    assert got == pytest.approx(ref, rel=1e-10)
    # skdim's reference value (test_results.py), which the intrinsicDimension R package gives
    assert got == pytest.approx(3.2755228756927455, rel=1e-8)
    # a callable density is the same model
    same = MLE(k1=20, k2=20, sigma=0.1,
               dnoise=lambda r, s, sig: np.exp(-0.5 * ((s - r) / sig) ** 2) / (sig * np.sqrt(2 * np.pi)))
    assert same.fit(X).dimension_ == pytest.approx(got, rel=1e-12)


@pytest.mark.parametrize("kw", [{"dnoise": "gaussian"}, {"dnoise": "nope", "sigma": 1.0}, {"sigma": -1.0},
                                {"unbiased": 1}, {"averaging": "mle"}, {"global_k": 0},
                                {"unbiased": True, "k1": 2}])
def test_mle_bad_options(kw):
    with pytest.raises((ValueError, TypeError)):
        MLE(**kw).fit(_ball(100, 3, 0))


# ------------------------------------------------------------------------------------------
# PHDim
# ------------------------------------------------------------------------------------------


def test_phdim_alpha_sequence_shares_subsamples():
    X = _ball(300, 3, 0)
    kw = dict(schedule=[30, 60, 100, 150, 200], n_repeats=2, n_subsamples=3, sampling="independent", random_state=4)
    many = PHDim(alpha=(0.5, 1.0, 1.5), **kw).fit(X)
    assert many.dimension_.shape == (3,) and many.y_.shape == (5 * 2 * 3, 3) and many.x_.shape == (30, 1)
    for i, a in enumerate((0.5, 1.0, 1.5)):
        one = PHDim(alpha=a, **kw).fit(X)
        assert many.dimension_[i] == one.dimension_
        np.testing.assert_array_equal(many.y_[:, i], one.y_)
    # y_ is log E of each subsample, x_ its log size
    res = ph_dimension(X, alpha=1.0, **kw)
    np.testing.assert_allclose(np.exp(many.y_[:, 1]).reshape(5, 6), res.raw_values.reshape(5, 6), rtol=1e-12)
    np.testing.assert_array_equal(many.x_[:, 0], np.log(np.repeat([30, 60, 100, 150, 200], 6).astype(float)))
    # without a seed the alphas still share one draw
    free = PHDim(alpha=[1.0, 1.0], schedule=[30, 60, 100], n_repeats=1).fit(X)
    assert free.dimension_[0] == free.dimension_[1]


@pytest.mark.parametrize("alpha", [[], [1.0, -1.0], [[1.0]], [1.0, float("nan")]])
def test_phdim_bad_alpha_sequence(alpha):
    with pytest.raises(ValueError):
        PHDim(alpha=alpha, schedule=[10, 20]).fit(_ball(50, 2, 0))


def test_phdim_precomputed_with_inf_entries_as_ph_dimension():
    from scipy.spatial.distance import cdist

    X = _ball(120, 2, 3)
    D = cdist(X, X)
    D[D > 1.2] = np.inf  # absent edges; the graph stays connected
    kw = dict(schedule=[40, 80, 120], n_repeats=2, random_state=0)
    est = PHDim(metric="precomputed", **kw).fit(D)
    assert est.dimension_ == ph_dimension(D, distance_matrix=True, **kw).dimension


# ------------------------------------------------------------------------------------------
# the scikit-learn / scikit-dimension surface
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("est", [TwoNN(), MLE(), PHDim(n_repeats=1, schedule=[20, 40, 80])],
                         ids=lambda e: type(e).__name__)
def test_transform_and_fit_transform(est):
    X = _ball(100, 3, 2)
    with pytest.raises(NotFittedError):
        est.transform(X)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = est.fit_transform(X)
    assert d == est.dimension_ == est.transform() == est.transform(X[:5])
    with pytest.raises(ValueError, match="features"):
        est.transform(X[:, :2])


@pytest.mark.parametrize("Est", [TwoNN, MLE, PHDim])
@pytest.mark.parametrize("bad,exc,match", [
    (np.arange(20).astype("datetime64[s]").reshape(10, 2), TypeError, "dates"),
    ([[1.0, 2.0], [3.0]], ValueError, "ragged"),
    ({"a": 1}, TypeError, "dict"),
    (np.array([[1.0, None], [2.0, 3.0], [1.0, 1.0], [0.0, 2.0]], dtype=object), ValueError, "None"),
    (np.array([[1.0, "x"], [2.0, 3.0]], dtype=object), TypeError, "only numbers"),
    (3.0, ValueError, "scalar"),
])
def test_estimators_reject_bad_input(Est, bad, exc, match):
    with pytest.raises(exc, match=match):
        Est().fit(bad)


@pytest.mark.parametrize("Est", [TwoNN, MLE, PHDim])
def test_precomputed_nonzero_diagonal_message(Est):
    from scipy.spatial.distance import cdist

    X = _ball(60, 2, 0)
    D = cdist(X, X) + 0.01
    with pytest.raises(ValueError, match="zero diagonal") as info:
        Est(metric="precomputed").fit(D)
    assert "knn_distances" not in str(info.value)


def test_mle_precomputed_inf_neighbours_message():
    D = np.full((30, 30), np.inf)
    np.fill_diagonal(D, 0)
    D[np.arange(29), np.arange(1, 30)] = D[np.arange(1, 30), np.arange(29)] = 1.0
    with pytest.raises(ValueError, match="finite distance"):
        MLE(metric="precomputed", k1=3, k2=3).fit(D)


# ------------------------------------------------------------------------------------------
# numerics: huge and tiny clouds
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [-170, -40, 0, 40, 160, 300])
def test_estimators_scale_invariant(k):
    X = np.random.default_rng(5).random((200, 3))
    scale = 2.0 ** round(k * 3.3219)  # about 10**k, a power of two: the scaled cloud is exact
    for est in (TwoNN(), TwoNN(method="mle"), MLE()):
        a, b = type(est)(**est.get_params()).fit(X), type(est)(**est.get_params()).fit(X * scale)
        assert np.isfinite(b.dimension_)
        assert b.dimension_ == pytest.approx(a.dimension_, rel=1e-12)
        if isinstance(est, MLE):
            assert np.all(np.isfinite(b.local_inverse_))
    a = PHDim(schedule=[40, 80, 160], n_repeats=2, random_state=0).fit(X)
    b = PHDim(schedule=[40, 80, 160], n_repeats=2, random_state=0).fit(X * scale)
    assert b.dimension_ == pytest.approx(a.dimension_, rel=1e-12)


def test_mle_on_1e160_cloud_is_finite():
    X = np.random.default_rng(5).random((50, 3))
    est = topodim.MLE().fit(X * 1e160)
    assert np.isfinite(est.dimension_) and not np.isnan(est.local_inverse_).any()
    assert est.dimension_ == pytest.approx(topodim.MLE().fit(X).dimension_, rel=1e-12)
