"""PHDim, TwoNN, MLE: the scikit-learn contract (without requiring scikit-learn), accuracy on sets
of known dimension, oracles for the nearest-neighbour distances, edge cases."""

import inspect
import pickle
import warnings

import numpy as np
import pytest
from scipy.spatial.distance import cdist, pdist, squareform

import topodim
from topodim import datasets as ds
from topodim.dimension import MLE, PHDim, PHDimWarning, TwoNN, knn_distances, ph_dimension

ESTIMATORS = [PHDim, TwoNN, MLE]


# ------------------------------------------------------------------------------------------
# scikit-learn contract
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("Est", ESTIMATORS, ids=lambda c: c.__name__)
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_check_estimator(Est):
    sklearn = pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator

    kwargs = {"n_repeats": 2} if Est is PHDim else {}
    # transform returns the estimate (scikit-dimension's convention), not a transformed X, so the
    # checks of a transformer's output do not apply (scikit-dimension lists the same ones)
    scalar = "transform returns the estimated dimension, not a transformed X"
    expected = {"check_methods_subset_invariance": "dimension estimates are not subset invariant",
                "check_methods_sample_order_invariance": scalar, "check_transformer_general": scalar,
                "check_transformer_data_not_an_array": scalar, "check_transformer_preserve_dtypes": scalar}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PHDimWarning)
        results = check_estimator(Est(**kwargs), expected_failed_checks=expected, on_fail=None)
    failed = {r["check_name"] for r in results if r["status"] == "failed"}
    assert not failed, failed
    # the transformer-output checks are the ones excused, and they do fail on a scalar transform
    xfailed = {r["check_name"] for r in results if r["status"] == "xfail"}
    assert {"check_transformer_general", "check_transformer_preserve_dtypes"} <= xfailed <= set(expected), xfailed
    assert sklearn.base.clone(Est(**kwargs)).get_params() == Est(**kwargs).get_params()


@pytest.mark.parametrize("Est", ESTIMATORS, ids=lambda c: c.__name__)
def test_params_without_sklearn(Est):
    est = Est()
    params = est.get_params()
    # the parameters are exactly the constructor's arguments, each stored under its own name
    names = [p for p in inspect.signature(Est.__init__).parameters if p != "self"]
    assert sorted(params) == sorted(names)
    assert all(params[k] is getattr(est, k) for k in names)
    assert est.set_params(**params) is est
    assert not any(k.endswith("_") for k in vars(est))  # the constructor only stores parameters
    with pytest.raises(ValueError, match="unknown parameter 'nope'"):
        est.set_params(nope=1)
    assert repr(Est()) == f"{Est.__name__}()"
    assert repr(Est().set_params(n_threads=1)) == f"{Est.__name__}(n_threads=1)"  # only what differs


def test_constructor_does_not_validate_but_fit_does():
    est = PHDim(alpha=-1, schedule="nope")  # no error here (scikit-learn's rule)
    with pytest.raises(ValueError, match="alpha"):
        est.fit(ds.cube(100, 2, random_state=0))
    with pytest.raises(ValueError, match="k2 must be >= k1"):
        MLE(k1=10, k2=5).fit(ds.cube(100, 2, random_state=0))
    with pytest.raises(ValueError, match="fraction"):
        TwoNN(fraction=0).fit(ds.cube(100, 2, random_state=0))


def test_phdim_estimator_matches_function_and_pickles():
    X = ds.sphere(800, 2, random_state=0)
    est = PHDim(random_state=3, n_repeats=3).fit(X)
    res = ph_dimension(X, random_state=3, n_repeats=3)
    assert est.dimension_ == res.dimension and est.interval_ == res.interval
    assert np.array_equal(est.values_, res.values) and est.n_features_in_ == 3
    assert est.slope_ == res.slope and est.r2_ == res.r2 and np.array_equal(est.sizes_, res.sizes)
    again = pickle.loads(pickle.dumps(est))
    assert again.dimension_ == est.dimension_ and again.get_params() == est.get_params()
    # explicit schedules as lists, and the same seed whatever the thread count
    a = PHDim(schedule=[100, 200, 400, 800], random_state=1, n_threads=1).fit(X).dimension_
    b = PHDim(schedule=[100, 200, 400, 800], random_state=1, n_threads=2).fit(X).dimension_
    assert a == b


# ------------------------------------------------------------------------------------------
# nearest neighbours
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("metric, scipy_metric", [("euclidean", "euclidean"), ("manhattan", "cityblock"),
                                                  ("chebyshev", "chebyshev"), ("cosine", "cosine")])
def test_knn_distances_oracle(metric, scipy_metric):
    X = np.random.default_rng(0).standard_normal((301, 7))  # not a multiple of the panel width
    D = cdist(X, X, scipy_metric)
    np.fill_diagonal(D, np.inf)
    ref = np.sort(D, axis=1)[:, :5]
    got, idx = knn_distances(X, 5, metric=metric, return_indices=True)
    assert np.allclose(got, ref, rtol=1e-12, atol=1e-12)
    assert np.allclose(np.take_along_axis(D, idx, axis=1), got, rtol=1e-12, atol=1e-12)
    dense = knn_distances(squareform(pdist(X, scipy_metric)), 5, distance_matrix=True)
    assert np.allclose(dense, ref, rtol=1e-12, atol=1e-12)
    cond = knn_distances(pdist(X, scipy_metric), 5, distance_matrix=True)
    assert np.allclose(cond, ref, rtol=1e-12, atol=1e-12)


def test_knn_bad_k():
    with pytest.raises(ValueError, match="at least 11 points"):
        knn_distances(np.zeros((10, 2)), 10)
    with pytest.raises(ValueError, match="k must be >= 1"):
        knn_distances(np.zeros((10, 2)), 0)


# ------------------------------------------------------------------------------------------
# accuracy: 2000 points per set, seed 0
# ------------------------------------------------------------------------------------------

N_NN = 2000

TWO_NN_CASES = [("cube2", 0.15), ("sphere2", 0.15), ("sierpinski_triangle", 0.15), ("swiss_roll", 0.15),
                ("cube3", 0.25), ("cantor_set", 0.1)]
MLE_CASES = [("cube2", 0.1), ("sphere2", 0.1), ("sierpinski_triangle", 0.1), ("swiss_roll", 0.1),
             ("cube3", 0.25), ("cantor_set", 0.05)]


@pytest.mark.parametrize("name, tol", TWO_NN_CASES)
def test_twonn_accuracy(name, tol):
    ref = ds.REFERENCE_SETS[name]
    est = TwoNN().fit(ref.sample(N_NN, random_state=0))
    assert abs(est.dimension_ - ref.dimension) <= tol, est.dimension_
    assert est.r2_ > 0.9 and est.n_discarded_ == 0


@pytest.mark.parametrize("name, tol", MLE_CASES)
def test_mle_accuracy(name, tol):
    ref = ds.REFERENCE_SETS[name]
    est = MLE().fit(ref.sample(N_NN, random_state=0))
    assert abs(est.dimension_ - ref.dimension) <= tol, est.dimension_
    assert est.dimension_k_.shape == (11,) and est.ks_.tolist() == list(range(10, 21))


def test_high_dimensional_cubes_underestimated_monotonically():
    tw, ml = {}, {}
    for d in (5, 10):
        X = ds.cube(N_NN, d, random_state=0)
        tw[d], ml[d] = TwoNN().fit(X).dimension_, MLE().fit(X).dimension_
    assert tw[5] < tw[10] < 10 and ml[5] < ml[10] < 10
    assert 10 - ml[10] > 5 - ml[5] > 0


# ------------------------------------------------------------------------------------------
# formulas on pinned inputs
# ------------------------------------------------------------------------------------------


def test_twonn_formula():
    X = ds.cube(500, 2, random_state=1)
    est = TwoNN(fraction=0.9).fit(X)
    D = squareform(pdist(X))
    np.fill_diagonal(D, np.inf)
    srt = np.sort(D, axis=1)
    mu = np.sort(srt[:, 1] / srt[:, 0])
    N = len(mu)
    n_fit = int(np.floor(0.9 * N))
    x = np.log(mu[:n_fit])
    y = -np.log(1 - np.arange(1, N + 1)[:n_fit] / N)
    assert est.dimension_ == pytest.approx(np.dot(x, y) / np.dot(x, x), rel=1e-12)
    assert np.allclose(est.mu_, mu)


def test_mle_formula_and_averaging():
    X = ds.cube(400, 3, random_state=2)
    D = squareform(pdist(X))
    np.fill_diagonal(D, np.inf)
    T = np.sort(D, axis=1)[:, :8]
    inv = {k: np.mean(np.log(T[:, k - 1][:, None] / T[:, :k - 1]), axis=1) for k in range(5, 9)}
    mg = np.mean([1 / np.mean(inv[k]) for k in inv])
    lb = np.mean([np.mean(1 / inv[k]) for k in inv])
    assert MLE(k1=5, k2=8).fit(X).dimension_ == pytest.approx(mg, rel=1e-12)
    assert MLE(k1=5, k2=8, averaging="mean").fit(X).dimension_ == pytest.approx(lb, rel=1e-12)


def test_duplicates_are_discarded_with_a_warning():
    X = ds.cube(500, 2, random_state=3)
    Xd = np.vstack([X, X[:20]])
    # the 40 copies (r1 = 0) and the points whose two nearest neighbours are a duplicated pair (r1 = r2)
    with pytest.warns(PHDimWarning, match="TwoNN discarded"):
        tw = TwoNN().fit(Xd)
    D = squareform(pdist(Xd))
    np.fill_diagonal(D, np.inf)
    srt = np.sort(D, axis=1)
    assert tw.n_discarded_ == np.sum((srt[:, 0] == 0) | (srt[:, 0] == srt[:, 1])) > 40 and abs(tw.dimension_ - TwoNN().fit(X).dimension_) < 0.2
    with pytest.warns(PHDimWarning, match="discarded 40"):
        ml = MLE().fit(Xd)
    assert ml.n_discarded_ == 40 and np.isfinite(ml.dimension_)


def test_estimator_invariances():
    rng = np.random.default_rng(4)
    X = ds.swiss_roll(600, random_state=4)
    Q, R = np.linalg.qr(rng.standard_normal((3, 3)))
    Y = 3.0 * X @ Q + 5.0
    perm = rng.permutation(600)
    for Est in (TwoNN, MLE):
        a = Est().fit(X).dimension_
        assert Est().fit(Y).dimension_ == pytest.approx(a, rel=1e-9)
        assert Est().fit(X[perm]).dimension_ == pytest.approx(a, rel=1e-12)
        assert Est().fit(ds.embed(X, 30, random_state=1)).dimension_ == pytest.approx(a, rel=1e-8)


def test_small_inputs():
    X = ds.cube(12, 2, random_state=0)
    with pytest.warns(PHDimWarning, match="only 11 neighbours"):
        assert np.isfinite(MLE().fit(X).dimension_)
    assert np.isfinite(TwoNN().fit(X).dimension_)
    with pytest.raises(ValueError, match="1 sample"):
        TwoNN().fit(np.zeros((1, 3)))


def test_exports():
    for name in ("ph_dimension", "PHDim", "TwoNN", "MLE", "PHDimResult", "datasets"):
        assert hasattr(topodim, name), name
