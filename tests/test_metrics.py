"""Distance kernels against scipy; the panel kernels are bit-identical to the scalar definition."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.distance import cdist, pdist, squareform

import topodim
from topodim._kernels.csr import csr_value
from topodim._validate import as_distance_input
from topodim.metrics import (
    PANEL,
    condensed_index,
    enclosing_radius,
    metric_code,
    point_distance,
    panel_reduced_distances,
    prepare_points,
    reduced_distance,
    scaled_points_input,
    squareform as td_squareform,
    to_panels,
    unscale,
)


from strategies import point_clouds

SCIPY = {"euclidean": "euclidean", "sqeuclidean": "sqeuclidean", "manhattan": "cityblock",
         "chebyshev": "chebyshev", "cosine": "cosine"}


@pytest.mark.parametrize("metric", list(SCIPY))
@given(X=point_clouds(max_points=300, max_dim=9))
def test_pairwise_distances_match_scipy(metric, X):
    if metric == "cosine":
        X = X[np.linalg.norm(X, axis=1) > 1e-3]
        if len(X) < 2:
            return
    ref = pdist(X, SCIPY[metric])
    atol = 1e-9 if metric == "cosine" else 1e-10
    v = topodim.pairwise_distances(X, metric=metric, condensed=True)
    np.testing.assert_allclose(v, ref, rtol=1e-10, atol=atol)
    square = topodim.pairwise_distances(X, metric=metric)
    np.testing.assert_allclose(square, squareform(ref), rtol=1e-10, atol=atol)
    assert (np.diagonal(square) == 0).all()
    Y = X[: max(1, len(X) // 2)] + 1.0
    if metric == "cosine":
        Y = Y[np.linalg.norm(Y, axis=1) > 1e-3]
        if len(Y) == 0:
            return
    np.testing.assert_allclose(topodim.pairwise_distances(X, Y, metric=metric), cdist(X, Y, SCIPY[metric]),
                               rtol=1e-10, atol=atol)


@pytest.mark.parametrize("metric", list(SCIPY))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_panel_kernel_is_bit_identical_to_scalar(metric, dtype):
    rng = np.random.default_rng(1)
    for d in (1, 3, 7, 50):
        X = prepare_points(rng.standard_normal((2 * PANEL + 17, d)).astype(dtype), metric)
        P = to_panels(X)
        code = metric_code(metric)
        acc = np.empty(PANEL, dtype=dtype)
        x = X[5].copy()
        for b in range(P.shape[0]):
            w = min(PANEL, len(X) - b * PANEL)
            panel_reduced_distances(P, b, w, x, code, acc)
            expect = [reduced_distance(X, 5, X, b * PANEL + t, code) for t in range(w)]
            np.testing.assert_array_equal(acc[:w], np.array(expect, dtype=dtype))


def test_pdist_is_bit_identical_to_scalar_definition():
    X = np.random.default_rng(2).standard_normal((300, 33))
    v = topodim.pairwise_distances(X, condensed=True)
    n = len(X)
    for i, j in [(0, 1), (5, 299), (130, 131), (128, 256), (298, 299)]:
        assert v[condensed_index(i, j, n)] == np.sqrt(reduced_distance(X, i, X, j, 0))


def test_condensed_index_and_squareform():
    X = np.random.default_rng(3).random((23, 2))
    v = pdist(X)
    n = len(X)
    for i in range(n):
        for j in range(n):
            if i != j:
                assert v[condensed_index(i, j, n)] == squareform(v)[i, j]
    np.testing.assert_array_equal(td_squareform(v), squareform(v))


@given(X=point_clouds(max_points=60), kind=st.sampled_from(["points", "dense", "condensed", "sparse"]))
def test_enclosing_radius(X, kind):
    import scipy.sparse as sp

    D = squareform(pdist(X))
    expected = D.max(axis=1).min()
    data = {"points": (X, False), "dense": (D, True), "condensed": (pdist(X), True),
            "sparse": (sp.csr_matrix(D + (D == 0) * 0), True)}[kind]
    inp = as_distance_input(data[0], distance_matrix=data[1])
    r = enclosing_radius(inp)
    if kind == "sparse" and np.count_nonzero(D) < D.size - len(D):
        # csr_matrix drops zero entries: those pairs are absent, so some rows are incomplete
        assert r >= expected
    else:
        assert r == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_enclosing_radius_of_disconnected_sparse_graph_is_inf():
    import scipy.sparse as sp

    A = sp.coo_matrix(([1.0], ([0], [1])), shape=(3, 3))
    assert np.isinf(enclosing_radius(as_distance_input(A, distance_matrix=True)))


def input_distance(inp, i, j):
    """One distance of a validated input, read the way each kind stores it (a slow oracle)."""
    if i == j:
        return 0.0
    if inp.kind == "points":
        inp, e = scaled_points_input(inp)
        P = prepare_points(inp.points, inp.metric)
        return float(unscale(point_distance(P, i, P, j, metric_code(inp.metric)), e))
    if inp.kind == "dense":
        return float(inp.dense[i, j])
    if inp.kind == "condensed":
        return float(inp.condensed[condensed_index(i, j, inp.n)])
    return float(csr_value(inp.indptr, inp.indices, inp.data, i, j))


def test_input_distance_all_kinds():
    import scipy.sparse as sp

    X = np.random.default_rng(4).random((6, 3))
    D = squareform(pdist(X))
    for data, dm in ((X, False), (D, True), (pdist(X), True), (sp.csr_matrix(D), True)):
        inp = as_distance_input(data, distance_matrix=dm)
        assert input_distance(inp, 1, 4) == pytest.approx(D[1, 4], rel=1e-12)
        assert input_distance(inp, 2, 2) == 0.0
