"""PH0 and minimum spanning trees: oracles (scipy, ripser.py) and properties."""

import importlib

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import minimum_spanning_tree as scipy_mst
from scipy.spatial.distance import pdist, squareform

import topodim
from topodim.metrics import metric_code, point_distance, prepare_points

from strategies import distance_matrices_with_births, point_clouds, seeded_cloud

# the module (topodim.mst, the package attribute, is the function of the same name)
mst_module = importlib.import_module("topodim.mst")

SCIPY_NAME = {"euclidean": "euclidean", "sqeuclidean": "sqeuclidean", "manhattan": "cityblock",
              "chebyshev": "chebyshev", "cosine": "cosine"}
METRICS = list(SCIPY_NAME)


def scipy_mst_lengths(D):
    """Sorted MST lengths by scipy; zero-length edges (duplicates) counted back in."""
    n = D.shape[0]
    # scipy treats 0 as "no edge": shift every off-diagonal entry by 1 and undo it afterwards
    shifted = D + 1.0
    np.fill_diagonal(shifted, 0)
    w = scipy_mst(shifted).data - 1.0
    assert len(w) == n - 1
    return np.sort(w)


def assert_lengths_close(a, b, metric="euclidean"):
    atol = 1e-9 if metric == "cosine" else 1e-12
    np.testing.assert_allclose(np.sort(a), np.sort(b), rtol=1e-9, atol=atol)


# -------------------------------------------------------------------------------------------
# oracles
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
@given(X=point_clouds())
def test_mst_lengths_equal_scipy_for_every_metric(metric, X):
    if metric == "cosine":
        X = X[np.linalg.norm(X, axis=1) > 1e-3]
        if len(X) < 2:
            return
    D = squareform(pdist(X, SCIPY_NAME[metric]))
    tree = topodim.mst(X, metric=metric)
    assert tree.edges.shape == (len(X) - 1, 2)
    assert tree.edges.dtype == np.int64
    assert_lengths_close(tree.lengths, scipy_mst_lengths(D), metric)
    # the tree is spanning: n-1 edges joining everything
    assert len(np.unique(tree.edges)) == len(X) or len(X) == 2


@given(X=point_clouds())
def test_dense_condensed_sparse_and_points_agree(X):
    D = squareform(pdist(X))
    ref = topodim.mst(X).lengths
    for inp in (D, pdist(X)):
        assert_lengths_close(topodim.mst(inp, distance_matrix=True).lengths, ref)


@given(X=point_clouds(ties=False))
def test_sparse_input_with_explicit_zeros_matches_dense(X):
    D = squareform(pdist(X))
    rows, cols = np.triu_indices(len(X), 1)
    A = sp.coo_matrix((D[rows, cols], (rows, cols)), shape=D.shape)  # explicit zeros kept
    assert_lengths_close(topodim.mst(A, distance_matrix=True).lengths, topodim.mst(X).lengths)


@given(X=point_clouds(max_points=30))
@settings(max_examples=20)
def test_ph0_equals_ripser_h0(X):
    ripser = pytest.importorskip("ripser")
    ours = topodim.ph0(X)
    theirs = ripser.ripser(X, maxdim=0)["dgms"][0]
    # ripser.py computes in float32 and omits zero-length bars: compare the bars that are clearly
    # longer than float32 rounding
    tol = 1e-5 * max(1.0, float(np.abs(X).max()))
    ours = ours[ours[:, 1] - ours[:, 0] > tol]
    theirs = theirs[theirs[:, 1] - theirs[:, 0] > tol]
    assert np.isinf(ours[:, 1]).sum() == np.isinf(theirs[:, 1]).sum() == 1
    fo, ft = np.sort(ours[np.isfinite(ours[:, 1]), 1]), np.sort(theirs[np.isfinite(theirs[:, 1]), 1])
    # ripser.py computes in float32
    np.testing.assert_allclose(fo, ft, rtol=1e-5, atol=tol)


@given(D=distance_matrices_with_births())
@settings(max_examples=30)
def test_elder_rule_with_vertex_births_equals_ripser(D):
    ripser = pytest.importorskip("ripser")
    ours = topodim.ph0(D, distance_matrix=True)
    assert ours.shape == (len(D), 2)
    ours = ours[ours[:, 1] > ours[:, 0]]
    theirs = ripser.ripser(D, maxdim=0, distance_matrix=True)["dgms"][0]
    theirs = theirs[theirs[:, 1] > theirs[:, 0]]
    key = lambda a: a[np.lexsort((a[:, 0], a[:, 1]))]  # noqa: E731  (by death, then birth)
    np.testing.assert_allclose(key(ours), key(theirs), rtol=1e-5, atol=1e-5)


def test_elder_rule_pinned_case():
    # vertex 1 is born at 2, joins vertex 0 (born at 0) at 3: bar (2, 3); vertex 0 lives forever
    D = np.array([[0.0, 3.0, 5.0], [3.0, 2.0, 4.0], [5.0, 4.0, 1.0]])
    dgm = topodim.ph0(D, distance_matrix=True)
    expected = {(2.0, 3.0), (1.0, 4.0), (0.0, np.inf)}
    assert {tuple(r) for r in dgm.tolist()} == expected


# -------------------------------------------------------------------------------------------
# properties
# -------------------------------------------------------------------------------------------


@given(X=point_clouds(), seed=st.integers(0, 2**32 - 1))
def test_permutation_invariance(X, seed):
    perm = np.random.default_rng(seed).permutation(len(X))
    np.testing.assert_array_equal(topodim.mst(X).lengths, topodim.mst(X[perm]).lengths)


@given(X=point_clouds(min_dim=2, max_dim=4, ties=False), seed=st.integers(0, 2**32 - 1))
def test_isometry_invariance(X, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((X.shape[1], X.shape[1])))
    Y = X @ Q + rng.standard_normal(X.shape[1]) * 10
    assert_lengths_close(topodim.mst(Y).lengths, topodim.mst(X).lengths)


@given(X=point_clouds(ties=False), scale=st.floats(0.01, 100))
def test_scaling_scales_deaths(X, scale):
    a = topodim.ph0(X)
    b = topodim.ph0(X * scale)
    np.testing.assert_allclose(b[:-1, 1], a[:-1, 1] * scale, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("method", ["prim", "boruvka"])
@pytest.mark.parametrize("d", [3, 40])
def test_thread_count_does_not_change_the_tree(method, d):
    X = seeded_cloud(3000, d, seed=d)
    a = topodim.mst(X, method=method, n_threads=1)
    b = topodim.mst(X, method=method, n_threads=2)
    np.testing.assert_array_equal(a.edges, b.edges)
    np.testing.assert_array_equal(a.lengths, b.lengths)


def test_parallel_prim_path_equals_serial_kernel():
    # force the parallel scan on every step and compare with the serial kernel, edge for edge
    X = seeded_cloud(1500, 30, seed=5)
    P = prepare_points(X, "euclidean")
    u1, v1, w1 = mst_module.prim_serial(P, 0)
    u2, v2, w2 = mst_module._prim_points(P, 0, 2, parallel_work=0)
    np.testing.assert_array_equal(u1, u2)
    np.testing.assert_array_equal(v1, v2)
    np.testing.assert_array_equal(w1, w2)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "manhattan", "chebyshev"])
@given(X=point_clouds(max_points=60, max_dim=4))
@settings(max_examples=15)
def test_kdtree_boruvka_equals_prim(metric, X):
    a = topodim.mst(X, metric=metric, method="boruvka")
    b = topodim.mst(X, metric=metric, method="prim")
    np.testing.assert_array_equal(a.lengths, b.lengths)  # same arithmetic: bit-identical


@pytest.mark.parametrize("metric", METRICS)
def test_lengths_are_bit_identical_to_point_distance(metric):
    X = seeded_cloud(700, 7, seed=1)
    P = prepare_points(X, metric)
    code = metric_code(metric)
    for method in (["prim", "boruvka"] if metric != "cosine" else ["prim"]):
        tree = topodim.mst(X, metric=metric, method=method)
        recomputed = [point_distance(P, u, P, v, code) for u, v in tree.edges]
        np.testing.assert_array_equal(tree.lengths, recomputed)


def test_boruvka_on_a_large_low_dimensional_cloud_matches_prim():
    X = np.random.default_rng(3).random((20000, 3))
    np.testing.assert_array_equal(topodim.mst(X, method="boruvka").lengths,
                                  topodim.mst(X, method="prim").lengths)


def test_duplicates_and_ties():
    # a grid has massive ties; duplicates give zero-length bars
    g = np.stack(np.meshgrid(np.arange(6.0), np.arange(6.0)), -1).reshape(-1, 2)
    X = np.vstack([g, g[:5]])
    for method in ("prim", "boruvka"):
        dgm = topodim.ph0(X, method=method)
        assert dgm.shape == (len(X), 2)
        finite = dgm[np.isfinite(dgm[:, 1]), 1]
        assert np.count_nonzero(finite == 0) == 5
        assert np.count_nonzero(finite == 1) == len(g) - 1
    # the tree is deterministic: the same call twice gives the same edges
    np.testing.assert_array_equal(topodim.mst(X).edges, topodim.mst(X).edges)


def test_ph0_diagram_shape_and_conventions():
    X = seeded_cloud(200, 3)
    dgm = topodim.ph0(X)
    assert dgm.shape == (200, 2) and dgm.dtype == np.float64
    assert np.isinf(dgm[-1, 1]) and np.isfinite(dgm[:-1, 1]).all()
    assert not np.isnan(dgm).any()
    assert (np.diff(dgm[:-1, 1]) >= 0).all()
    assert (dgm[:, 0] == 0).all()


def test_float32_matches_float64():
    X = seeded_cloud(500, 5)
    a = topodim.ph0(X, dtype=np.float32)
    b = topodim.ph0(X)
    assert a.dtype == np.float32
    np.testing.assert_allclose(a[:-1, 1], b[:-1, 1], rtol=1e-5)


def test_threshold_makes_components_essential():
    X = np.array([[0.0], [1.0], [10.0], [11.0]])
    dgm = topodim.ph0(X, thresh=5)
    assert np.isinf(dgm[:, 1]).sum() == 2
    np.testing.assert_array_equal(np.sort(dgm[np.isfinite(dgm[:, 1]), 1]), [1.0, 1.0])


def test_disconnected_sparse_graph_gives_a_forest():
    A = sp.coo_matrix(([1.0, 2.0, 0.0], ([0, 2, 4], [1, 3, 5])), shape=(6, 6))
    tree = topodim.mst(A, distance_matrix=True)
    assert tree.edges.shape == (3, 2)
    np.testing.assert_array_equal(tree.lengths, [0.0, 1.0, 2.0])
    dgm = topodim.ph0(A, distance_matrix=True)
    assert dgm.shape == (6, 2) and np.isinf(dgm[:, 1]).sum() == 3


def test_dense_matrix_with_inf_entries_gives_a_forest():
    D = np.full((4, 4), np.inf)
    np.fill_diagonal(D, 0)
    D[0, 1] = D[1, 0] = 1.0
    D[2, 3] = D[3, 2] = 2.0
    dgm = topodim.ph0(D, distance_matrix=True)
    assert np.isinf(dgm[:, 1]).sum() == 2
    np.testing.assert_array_equal(np.sort(dgm[np.isfinite(dgm[:, 1]), 1]), [1.0, 2.0])


def test_scipy_metric_and_callable_fallback():
    X = seeded_cloud(60, 4)
    ref = scipy_mst_lengths(squareform(pdist(X, "canberra")))
    assert_lengths_close(topodim.mst(X, metric="canberra").lengths, ref)
    f = lambda a, b: np.abs(a - b).sum()  # noqa: E731
    assert_lengths_close(topodim.mst(X, metric=f).lengths, topodim.mst(X, metric="manhattan").lengths)


@pytest.mark.parametrize("method,inp", [("boruvka", "dense"), ("kruskal", "points"), ("prim", "sparse"), ("nope", "points")])
def test_forcing_an_inapplicable_method_is_an_error(method, inp):
    X = seeded_cloud(10, 2)
    data = {"points": (X, False), "dense": (squareform(pdist(X)), True),
            "sparse": (sp.csr_matrix(squareform(pdist(X))), True)}[inp]
    with pytest.raises(ValueError, match="method"):
        topodim.mst(data[0], distance_matrix=data[1], method=method)


def test_boruvka_rejects_cosine():
    with pytest.raises(ValueError, match="boruvka"):
        topodim.mst(seeded_cloud(10, 2), metric="cosine", method="boruvka")
