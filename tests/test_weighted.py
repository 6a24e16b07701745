"""Weighted Rips / DTM filtrations (topodim.ripser(weights=...)) and giotto-ph's sparse conventions.

Oracles: giotto-ph's ``ripser_parallel(weights=...)`` (float32 inside, so compared to 1e-5), the
explicit reduction on a weighted flag complex built here with edge values found by bisection of the
defining equation (independent of the closed forms in topodim.weighted), and plain Rips.
"""

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.spatial.distance import cdist

import topodim
from topodim.weighted import weighted_edge_values

gph = pytest.importorskip("gph")

POWERS = (1, 2, np.inf)


def _persistent(dgm, eps=1e-5):
    """Bars longer than eps, sorted (giotto-ph drops bars that round to zero length in float32)."""
    dgm = np.asarray(dgm, dtype=np.float64)
    keep = ~(dgm[:, 1] - dgm[:, 0] <= eps)
    d = dgm[keep]
    key = np.round(d, 4)  # order robust to float32 rounding of equal values
    return d[np.lexsort((key[:, 1], key[:, 0]))]


def assert_same(a, b, atol=1e-5):
    for x, y in zip(a, b):
        x, y = _persistent(x), _persistent(y)
        assert x.shape == y.shape, (x, y)
        assert np.allclose(x, y, atol=atol, rtol=1e-5), (x, y)


def _edge_by_bisection(d, wx, wy, p):
    """The smallest t >= max(wx, wy) with r_x(t) + r_y(t) >= 2d, r(t) = (t^p - w^p)^(1/p)."""
    lo = max(wx, wy)

    def reach(t):
        if p == np.inf:
            return 2 * t
        return (t ** p - wx ** p) ** (1 / p) + (t ** p - wy ** p) ** (1 / p)

    if reach(lo) >= 2 * d:
        return lo
    hi = lo + 2 * d + 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if reach(mid) >= 2 * d:
            hi = mid
        else:
            lo = mid
    return hi


def _explicit_weighted(D, w, p, maxdim):
    """Diagrams of the weighted flag complex by the explicit reduction (topodim.reduction)."""
    n = D.shape[0]
    E = np.zeros((n, n))
    for i, j in itertools.combinations(range(n), 2):
        E[i, j] = E[j, i] = _edge_by_bisection(D[i, j], w[i], w[j], p)
    simplices, values = [], []
    for k in range(1, maxdim + 3):
        for s in itertools.combinations(range(n), k):
            simplices.append(s)
            values.append(w[s[0]] if k == 1 else max(E[a, b] for a, b in itertools.combinations(s, 2)))
    return topodim.filtration_persistence(simplices, values, maxdim=maxdim)["dgms"]


clouds = st.integers(4, 12).flatmap(
    lambda n: hnp.arrays(np.float64, (n, 2), elements=st.floats(-5, 5, allow_nan=False, width=32)))


@given(X=clouds, p=st.sampled_from(POWERS), seed=st.integers(0, 2**16), dtm=st.booleans(),
       maxdim=st.integers(0, 2))
def test_weighted_equals_giotto_ph(X, p, seed, dtm, maxdim):
    n = X.shape[0]
    w = "DTM" if dtm else np.random.default_rng(seed).random(n) * 3
    params = {"p": p, "n_neighbors": min(3, n - 1)} if dtm else {"p": p}
    got = topodim.ripser(X, maxdim=maxdim, weights=w, weight_params=params)["dgms"]
    want = gph.ripser_parallel(X, maxdim=maxdim, weights=w, weight_params=params)["dgms"]
    assert_same(got, want)


@given(X=clouds, p=st.sampled_from(POWERS), seed=st.integers(0, 2**16))
def test_weighted_equals_explicit_reduction(X, p, seed):
    X = X[:7]
    w = np.random.default_rng(seed).random(X.shape[0]) * 4
    got = topodim.ripser(X, maxdim=1, weights=w, weight_params={"p": p})["dgms"]
    want = _explicit_weighted(cdist(X, X), w, p, maxdim=1)
    assert_same(got, want, atol=1e-9)


@given(d=st.floats(0, 100), wx=st.floats(0, 50), wy=st.floats(0, 50), p=st.sampled_from(POWERS))
def test_edge_values_solve_the_defining_equation(d, wx, wy, p):
    t = float(weighted_edge_values(d, wx, wy, p))
    assert t >= max(wx, wy)
    assert t == pytest.approx(_edge_by_bisection(d, wx, wy, p), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("p", POWERS)
def test_zero_weights_give_plain_rips(p):
    X = np.random.default_rng(1).random((30, 3))
    plain = topodim.ripser(X, maxdim=2)["dgms"]
    got = topodim.ripser(X, maxdim=2, weights=np.zeros(30), weight_params={"p": p})["dgms"]
    for a, b in zip(plain, got):
        assert np.array_equal(_persistent(a, 0), _persistent(b, 0))


def test_dtm_weights_by_hand():
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    k, r = 2, 2
    D = cdist(X, X)
    np.fill_diagonal(D, np.inf)
    near = np.sort(D, axis=1)[:, :k]
    w = 2 * np.sqrt((near ** 2).sum(1) / (k + 1))
    res = topodim.ripser(X, maxdim=0, weights="DTM", weight_params={"n_neighbors": k, "r": r})
    # the essential H0 bar is born at the smallest weight; the matrix holds the weights
    assert res["dgms"][0][-1, 0] == pytest.approx(w.min())
    assert np.allclose(np.diag(res["dperm2all"]), w)
    # r = inf: twice the distance to the k-th neighbour
    res = topodim.ripser(X, maxdim=0, weights="DTM", weight_params={"n_neighbors": k, "r": np.inf})
    assert np.allclose(np.diag(res["dperm2all"]), 2 * near[:, -1])


@pytest.mark.parametrize("p", POWERS)
@pytest.mark.parametrize("w", ["DTM", "array"])
def test_dense_sparse_condensed_and_points_agree(p, w):
    X = np.random.default_rng(2).random((25, 2))
    D = cdist(X, X)
    weights = np.random.default_rng(3).random(25) if w == "array" else "DTM"
    kw = {"maxdim": 2, "weights": weights, "weight_params": {"p": p}}
    ref = topodim.ripser(X, **kw)["dgms"]
    for Y in (D, sp.coo_matrix(np.triu(D, 1)), D[np.triu_indices(25, 1)]):
        assert_same(topodim.ripser(Y, distance_matrix=True, **kw)["dgms"], ref, atol=1e-12)
    # a threshold applies to the weighted values
    full = topodim.ripser(X, maxdim=1, weights=weights, weight_params={"p": p})
    wmax = float(np.diag(full["dperm2all"]).max())  # every vertex is present at t
    t = max(wmax, float(np.median(ref[0][:-1, 1])))
    cut = topodim.ripser(X, maxdim=1, thresh=t, weights=weights, weight_params={"p": p})
    want = full["dgms"][0].copy()
    want[want[:, 1] > t, 1] = np.inf  # H0 bars that die above t never die
    assert_same(cut["dgms"][:1], [want], atol=1e-12)


def test_weights_do_not_modify_the_input_and_replace_the_diagonal():
    X = np.random.default_rng(4).random((10, 2))
    D = cdist(X, X) + 1.0
    np.fill_diagonal(D, 0.7)  # the input's own births are replaced by the weights
    keep = D.copy()
    w = np.random.default_rng(5).random(10)
    res = topodim.ripser(D, distance_matrix=True, weights=w)
    assert np.array_equal(D, keep)
    assert np.allclose(np.diag(res["dperm2all"]), w)
    assert res["dgms"][0][-1, 0] == w.min()
    D0 = D.copy()
    np.fill_diagonal(D0, 0.0)
    for a, b in zip(res["dgms"], topodim.ripser(D0, distance_matrix=True, weights=w)["dgms"]):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"weights": "foo"}, ValueError, "'foo' passed for `weights` but the only allowed string is 'DTM'"),
    ({"weights": "DTM", "weight_params": {"p": 1.2}}, NotImplementedError, "p = 1, 2 or np.inf"),
    ({"weights": "DTM", "weight_params": {"p": "1"}}, TypeError, "number"),
    ({"weights": "DTM", "weight_params": {"q": 1}}, ValueError, "unknown weight_params"),
    ({"weights": "DTM", "weight_params": {"n_neighbors": 8}}, ValueError, "n_neighbors"),
    ({"weights": "DTM", "weight_params": {"n_neighbors": 0}}, ValueError, "n_neighbors"),
    ({"weights": "DTM", "weight_params": {"r": 0}}, ValueError, "> 0"),
    ({"weights": np.ones(7)}, ValueError, "one weight per vertex"),
    ({"weights": -np.ones(8)}, ValueError, "negative"),
    ({"weights": np.full(8, np.nan)}, ValueError, "not finite"),
    ({"weight_params": {"p": 2}}, ValueError, "without weights"),
    ({"weights": np.ones(8), "n_perm": 4}, ValueError, "n_perm"),
    ({"weights": "DTM", "weight_params": [1]}, TypeError, "dict"),
])
def test_bad_weights(kwargs, exc, match):
    X = np.random.default_rng(0).random((8, 2))
    with pytest.raises(exc, match=match):
        topodim.ripser(X, **kwargs)


def test_dtm_on_a_sparse_graph_needs_enough_neighbours():
    A = sp.coo_matrix(([1.0, 2.0], ([0, 1], [1, 2])), shape=(3, 3))
    with pytest.raises(ValueError, match="neighbours"):
        topodim.ripser(A, distance_matrix=True, weights="DTM", weight_params={"n_neighbors": 2})
    got = topodim.ripser(A, distance_matrix=True, weights="DTM", weight_params={"n_neighbors": 1})
    want = gph.ripser_parallel(A, metric="precomputed", weights="DTM",
                               weight_params={"n_neighbors": 1})
    assert_same(got["dgms"], want["dgms"])


# ------------------------------------------------------------------------------------------
# giotto-ph's sparse conventions: (r, c) is a graph on max(r, c) vertices; 0 or 1 vertex
# ------------------------------------------------------------------------------------------


@given(n=st.integers(2, 12), seed=st.integers(0, 2**16), density=st.floats(0.1, 1.0))
def test_non_square_coo_is_a_graph_on_max_shape_vertices(n, seed, density):
    rng = np.random.default_rng(seed)
    D = np.triu(rng.random((n, n)) + 0.1, 1)
    D[rng.random((n, n)) > density] = 0
    coo = sp.coo_matrix(D)
    # the shape inferred from the entries: (r, c), or (0, 0) without entries
    trimmed = sp.coo_matrix((coo.data, (coo.row, coo.col)), **({} if coo.nnz else {"shape": (0, 0)}))
    square = sp.coo_matrix(D, shape=(n, n))
    m = max(trimmed.shape)
    got = topodim.ripser(trimmed, distance_matrix=True, maxdim=1)["dgms"]
    want = gph.ripser_parallel(trimmed, metric="precomputed", maxdim=1)["dgms"] if m >= 2 else None
    ref = topodim.ripser(sp.coo_matrix(D[:m, :m]), distance_matrix=True, maxdim=1)["dgms"] \
        if m >= 2 else None
    if m >= 2:
        assert_same(got, want)
        for a, b in zip(got, ref):
            assert np.array_equal(a, b)
    full = topodim.ripser(square, distance_matrix=True, maxdim=1)["dgms"]
    # the vertices beyond max(r, c) are isolated: only extra essential H0 bars at 0
    assert len(full[0]) - len(got[0]) == n - m


def test_empty_and_one_vertex_sparse():
    res = topodim.ripser(sp.coo_matrix((0, 0)), distance_matrix=True, maxdim=2)
    assert [d.shape for d in res["dgms"]] == [(0, 2)] * 3
    res = topodim.ripser(sp.coo_matrix(np.array([[0.25]])), distance_matrix=True)
    assert np.array_equal(res["dgms"][0], [[0.25, np.inf]])
    assert res["dgms"][1].shape == (0, 2)
    for A in (sp.coo_matrix((0, 0)), sp.coo_matrix(np.array([[0.25]]))):
        want = gph.ripser_parallel(A, metric="precomputed")["dgms"]
        assert_same(topodim.ripser(A, distance_matrix=True)["dgms"], want)


def test_pinned_giotto_example():
    """Five points on a circle arc; DTM with p = 2, values computed by giotto-ph 0.2.4."""
    X = np.array([[2.0, 2.47942554], [2.47942554, 2.84147098], [2.98935825, 2.79848711],
                  [2.79848711, 2.41211849], [2.41211849, 1.92484888]])
    h0 = topodim.ripser(X, weights="DTM", weight_params={"p": 2})["dgms"][0]
    want = gph.ripser_parallel(X, weights="DTM", weight_params={"p": 2})["dgms"][0]
    assert_same([h0], [want])
    assert h0[-1, 0] == pytest.approx(0.92658985, abs=1e-7) and math.isinf(h0[-1, 1])
