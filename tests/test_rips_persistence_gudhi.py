"""topodim.RipsPersistence against gudhi.sklearn.rips_persistence.RipsPersistence, under GUDHI's names.

Covers what GUDHI's own test_sklearn_rips_persistence.py checks (batches of circles in H0 + H1 and
H1 alone, an invalid input_type, a lower distance matrix, set_output("pandas")) as differential
tests: the same parameters given to both classes must give the same diagrams.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

import topodim

gudhi_rp = pytest.importorskip("gudhi.sklearn.rips_persistence")
GudhiRips = gudhi_rp.RipsPersistence


def circle(n, seed, noise=0.0):
    rng = np.random.default_rng(seed)
    t = rng.random(n) * 2 * np.pi
    return np.stack([np.cos(t), np.sin(t)], axis=1) + noise * rng.standard_normal((n, 2))


def _sorted(d):
    d = np.asarray(d, dtype=np.float64).reshape(-1, 2)
    return d[np.lexsort((d[:, 1], d[:, 0]))]


def assert_same_output(a, b, single):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        xs, ys = ([x], [y]) if single else (x, y)
        assert len(xs) == len(ys)
        for u, v in zip(xs, ys):
            assert np.allclose(_sorted(u), _sorted(v), rtol=1e-12, atol=1e-12), (u, v)


def test_batch_of_circles_h0_h1_as_gudhi():
    clouds = [circle(int(n), seed) for seed, n in enumerate(np.random.default_rng(0).integers(100, 151, 5))]
    kw = {"homology_dimensions": [0, 1], "n_jobs": -2}
    got = topodim.RipsPersistence(**kw).fit_transform(clouds)
    want = GudhiRips(**kw).fit_transform(clouds)
    assert_same_output(got, want, single=False)
    for cloud, (h0, h1) in zip(clouds, got):
        assert len(h0) == len(cloud)  # every point is a bar (no duplicates)
        assert len(h1) == 1


def test_h1_only_as_gudhi():
    X = circle(150, 7)
    got = topodim.RipsPersistence(homology_dimensions=1, n_jobs=-2).fit_transform([X])
    want = GudhiRips(homology_dimensions=1, n_jobs=-2).fit_transform([X])
    assert isinstance(got[0], np.ndarray) and got[0].shape == (1, 2)
    assert_same_output(got, want, single=True)
    assert 0 < got[0][0, 0] < 0.6 and 1 < got[0][0, 1] < 2


@given(n=st.integers(2, 25), seed=st.integers(0, 2**16), field=st.sampled_from([2, 3, 11]),
       threshold=st.sampled_from([np.inf, 0.4, 1.2]), dims=st.sampled_from([0, 1, [0, 1], [1, 0]]),
       input_type=st.sampled_from(["point cloud", "full distance matrix", "lower distance matrix",
                                   "ragged lower distance matrix", "distance coo_matrix"]),
       num_collapses=st.sampled_from(["auto", 0, 1]))
def test_gudhi_names_give_gudhi_diagrams(n, seed, field, threshold, dims, input_type, num_collapses):
    X = circle(n, seed, noise=0.2)
    D = cdist(X, X)
    inp = {"point cloud": X, "full distance matrix": D, "lower distance matrix": np.tril(D),
           "ragged lower distance matrix": [list(D[i, :i]) for i in range(n)],
           "distance coo_matrix": sp.coo_matrix(np.triu(np.where(D <= threshold, D, 0), 1))}[input_type]
    if input_type == "distance coo_matrix":
        # GUDHI reads an explicit matrix of edges and ignores threshold there
        D = np.where(D <= threshold, D, np.inf)
        threshold = np.inf
    kind = "lower distance matrix" if input_type.startswith("ragged") else input_type
    kw = {"homology_dimensions": dims, "threshold": threshold, "input_type": kind,
          "homology_coeff_field": field, "num_collapses": num_collapses}
    got = topodim.RipsPersistence(**kw).fit_transform([inp])
    want = GudhiRips(**kw).fit_transform([inp if not input_type.startswith("ragged") else np.tril(D)])
    assert_same_output(got, want, single=isinstance(dims, int))
    # topodim's own names say the same
    mine = topodim.RipsPersistence(dims, thresh=threshold, coeff=field,
                                   distance_matrix=kind != "point cloud",
                                   collapse_edges={"auto": "auto", 0: False, 1: True}[num_collapses])
    if kind != "lower distance matrix":
        assert_same_output(mine.fit_transform([inp]), got, single=isinstance(dims, int))


def test_invalid_input_type():
    X = circle(10, 0)
    with pytest.raises(ValueError, match="input_type"):
        topodim.RipsPersistence(homology_dimensions=0, input_type="whatsoever").fit_transform([X])
    with pytest.raises(ValueError):
        GudhiRips(homology_dimensions=0, input_type="whatsoever").fit_transform([X])


def test_lower_distance_matrix_of_a_circle_as_gudhi():
    X = circle(150, 3)
    D = cdist(X, X)
    for inp in (D, np.tril(D), [list(D[i, :i]) for i in range(150)],
                [list(D[i, :i + 1]) for i in range(150)]):
        got = topodim.RipsPersistence(1, input_type="lower distance matrix").fit_transform([inp])
        want = GudhiRips(1, input_type="lower distance matrix").fit_transform([np.tril(D)])
        assert_same_output(got, want, single=True)
        assert len(got[0]) == 1 and 0 < got[0][0, 0] < 0.6 and 1 < got[0][0, 1] < 2


def test_ragged_rows_too_short():
    with pytest.raises(ValueError, match="row 2"):
        topodim.RipsPersistence(0, input_type="lower distance matrix").fit_transform([[[], [1.0], [2.0]]])


def test_set_output_pandas_as_gudhi():
    pd = pytest.importorskip("pandas")
    clouds = [circle(40 + 5 * k, k) for k in range(5)]
    got = topodim.RipsPersistence([0, 2], n_jobs=-2).set_output(transform="pandas").fit_transform(clouds)
    want = GudhiRips([0, 2], n_jobs=-2).set_output(transform="pandas").fit_transform(clouds)
    assert isinstance(got, pd.DataFrame)
    assert list(got.columns) == list(want.columns) == ["H0", "H2"]
    assert len(got.index) == len(want.index) == 5
    for col in got.columns:
        for a, b in zip(got[col], want[col]):
            assert np.allclose(_sorted(a), _sorted(b), rtol=1e-12, atol=1e-12)
    # "default" goes back to lists; an int dimension gives one column
    rp = topodim.RipsPersistence(1).set_output(transform="pandas")
    assert list(rp.fit_transform(clouds[:2]).columns) == ["H1"]
    assert isinstance(rp.set_output(transform="default").fit_transform(clouds[:2]), list)
    with pytest.raises(ValueError, match="set_output"):
        rp.set_output(transform="xml")


@pytest.mark.parametrize("dims", [0, [0, 2], (1, 0, 3)])
def test_feature_names_as_gudhi(dims):
    X = circle(10, 1)
    assert topodim.RipsPersistence(dims).fit([X]).get_feature_names_out() == \
        list(GudhiRips(dims).fit([X]).get_feature_names_out())


def test_one_point_cloud_as_gudhi():
    for dims in (0, [0, 1]):
        for X, kw in ((np.zeros((1, 3)), {}), (np.zeros((1, 1)), {"input_type": "full distance matrix"})):
            got = topodim.RipsPersistence(dims, **kw).fit_transform([X])
            want = GudhiRips(dims, **kw).fit_transform([X])
            assert_same_output(got, want, single=isinstance(dims, int))
    assert np.array_equal(topodim.RipsPersistence(0).fit_transform([np.zeros((1, 2))])[0], [[0, np.inf]])


@pytest.mark.parametrize("kw", [{"thresh": 1.0, "threshold": 2.0}, {"coeff": 3, "homology_coeff_field": 5},
                                {"collapse_edges": True, "num_collapses": 0},
                                {"distance_matrix": True, "input_type": "point cloud"},
                                {"num_collapses": -1}, {"num_collapses": "always"}])
def test_conflicting_or_bad_names_raise(kw):
    with pytest.raises(ValueError):
        topodim.RipsPersistence(0, **kw).fit([circle(5, 0)])


def test_agreeing_names_and_params_round_trip():
    rp = topodim.RipsPersistence(1, thresh=0.5, threshold=0.5, coeff=11, homology_coeff_field=11)
    X = circle(30, 2)
    assert_same_output(rp.fit_transform([X]), topodim.RipsPersistence(1, thresh=0.5, coeff=11).fit_transform([X]),
                       single=True)
    clone = topodim.RipsPersistence(**rp.get_params())
    assert clone.get_params() == rp.get_params()
    assert "threshold=0.5" in repr(rp)


def test_large_thresholded_cloud_by_components_as_gudhi():
    """Too many points for one simplex index range (C(n, maxdim + 2) > 2^62): like GUDHI's test
    of a million points, computed one component of the threshold graph at a time."""
    rng = np.random.default_rng(0)
    X = (rng.random((120, 5, 2)) * 0.5 + np.arange(120)[:, None, None] * 10).reshape(-1, 2)
    X = np.concatenate([X, [[5000.0, 0.0]]])  # and an isolated point
    dims = list(range(10))
    assert topodim.rips._estimator._needs_components(len(X), max(dims), np.dtype(np.float64))
    got = topodim.RipsPersistence(dims, threshold=1.0).fit_transform([X])
    want = GudhiRips(dims, threshold=1.0).fit_transform([X])
    assert_same_output(got, want, single=False)
    assert len(got[0][0]) == len(X) and len(got[0][1]) > 0


@given(seed=st.integers(0, 2**16), n=st.integers(2, 40), thresh=st.floats(0.05, 0.6),
       metric=st.sampled_from(["euclidean", "manhattan", "chebyshev"]))
def test_components_path_equals_direct_path(monkeypatch_module, seed, n, thresh, metric):
    X = np.random.default_rng(seed).random((n, 2))
    rp = topodim.RipsPersistence([0, 1, 2], thresh=thresh, metric=metric)
    direct = rp.fit_transform([X])
    monkeypatch_module.setattr(topodim.rips._estimator, "_needs_components", lambda *a: True)
    try:
        split = rp.fit_transform([X])
    finally:
        monkeypatch_module.undo()
    assert_same_output(split, direct, single=False)
    assert [a.dtype for a in split[0]] == [a.dtype for a in direct[0]]


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()
