"""topodim.ripser against oracles: the explicit reduction (exact, same distances), ripser.py
(float32 inside: compared on integer data, where float32 keeps every tie and order, or by
bottleneck distance), GUDHI (double), PH0 by the MST, and known Betti numbers; cocycles checked
to be cocycles; generators checked to realise the bars.

Inputs are small: each example runs the whole engine (and the oracles)."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

import topodim
from topodim.diagrams import bottleneck_distance

from strategies import distance_matrices_with_births, point_clouds

ripser_py = pytest.importorskip("ripser")


def _sorted(dgm):
    dgm = np.asarray(dgm, dtype=np.float64).reshape(-1, 2)
    return dgm[np.lexsort((dgm[:, 1], dgm[:, 0]))]


def assert_same(a, b):
    """Exactly the same multiset of bars."""
    a, b = _sorted(a), _sorted(b)
    assert a.shape == b.shape, (a, b)
    assert np.array_equal(a, b), (a, b)


def assert_close(a, b, tol=1e-5):
    """Same number of bars, values within tol (used against float32 engines on integer data)."""
    a, b = _sorted(a), _sorted(b)
    assert a.shape == b.shape, (a, b)
    fa, fb = np.isfinite(a), np.isfinite(b)
    assert np.array_equal(fa, fb), (a, b)
    assert np.allclose(a[fa], b[fb], rtol=tol, atol=tol), (a, b)


def explicit(X, maxdim, coeff=2, thresh=np.inf, distance_matrix=False):
    filt = topodim.rips_filtration(X, skeleton=maxdim + 1, thresh=thresh,
                                   distance_matrix=distance_matrix)
    return topodim.filtration_persistence(filt, coeff=coeff, maxdim=maxdim)["dgms"]


def grid_cloud(rng, n, d, side=4):
    """Integer points: many ties and duplicates, and float32 keeps the order of all distances."""
    return rng.integers(0, side, size=(n, d)).astype(np.float64)


# ------------------------------------------------------------------------------------------
# the explicit reduction (same distances, exact equality)
# ------------------------------------------------------------------------------------------


@settings(max_examples=30)
@given(X=point_clouds(min_points=2, max_points=13, max_dim=3), maxdim=st.integers(1, 2),
       coeff=st.sampled_from([2, 3, 5]), cut=st.sampled_from([None, 0.4, 0.8]),
       collapse=st.booleans())
def test_equals_explicit_reduction(X, maxdim, coeff, cut, collapse):
    D = cdist(X, X)
    thresh = np.inf if cut is None else float(np.quantile(D[np.triu_indices(len(X), 1)], cut))
    got = topodim.ripser(X, maxdim=maxdim, coeff=coeff, thresh=thresh, collapse_edges=collapse)
    want = explicit(X, maxdim, coeff, thresh)
    for k in range(maxdim + 1):
        assert_same(got["dgms"][k], want[k])


@pytest.mark.parametrize("seed, n, maxdim, coeff", [(0, 12, 3, 2), (1, 10, 3, 3), (2, 14, 2, 5),
                                                      (3, 9, 3, 2)])
def test_equals_explicit_reduction_pinned(seed, n, maxdim, coeff):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3)) if seed % 2 else grid_cloud(rng, n, 3, side=3)
    want = explicit(X, maxdim, coeff)
    for collapse in (False, True):
        got = topodim.ripser(X, maxdim=maxdim, coeff=coeff, collapse_edges=collapse)
        for k in range(maxdim + 1):
            assert_same(got["dgms"][k], want[k])


@settings(max_examples=20)
@given(D=distance_matrices_with_births(max_points=12), coeff=st.sampled_from([2, 3]))
def test_vertex_births_equal_explicit_reduction(D, coeff):
    got = topodim.ripser(D, maxdim=2, coeff=coeff, distance_matrix=True)
    want = explicit(D, 2, coeff, distance_matrix=True)
    for k in range(3):
        assert_same(got["dgms"][k], want[k])


# ------------------------------------------------------------------------------------------
# ripser.py and GUDHI
# ------------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(seed=st.integers(0, 10**6), n=st.integers(3, 30), d=st.integers(1, 4),
       maxdim=st.integers(1, 2), coeff=st.sampled_from([2, 3, 5]), thresholded=st.booleans())
def test_equals_ripser_py_on_grids(seed, n, d, maxdim, coeff, thresholded):
    X = grid_cloud(np.random.default_rng(seed), n, d)
    D = cdist(X, X)  # exact zeros for duplicates (sklearn's distances are not)
    thresh = 1.5 if thresholded else np.inf
    got = topodim.ripser(D, maxdim=maxdim, coeff=coeff, thresh=thresh, distance_matrix=True)
    want = ripser_py.ripser(D, maxdim=maxdim, coeff=coeff, thresh=thresh, distance_matrix=True)
    for k in range(maxdim + 1):
        assert_close(got["dgms"][k], want["dgms"][k])
    assert got["num_edges"] == want["num_edges"]


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), n=st.integers(5, 40), maxdim=st.integers(1, 2))
def test_equals_ripser_py_on_random_clouds(seed, n, maxdim):
    X = np.random.default_rng(seed).standard_normal((n, 3))
    got = topodim.ripser(X, maxdim=maxdim)
    want = ripser_py.ripser(X, maxdim=maxdim)  # float32: bars equal up to rounding
    for k in range(maxdim + 1):
        assert bottleneck_distance(got["dgms"][k], want["dgms"][k]) < 1e-5


def test_equals_ripser_py_sparse_graph():
    rng = np.random.default_rng(5)
    cells = rng.choice(64, size=40, replace=False)  # distinct grid points
    X = np.stack([cells // 8, cells % 8], 1).astype(float)
    D = cdist(X, X)
    rows, cols = np.nonzero((D <= 2.3) & ~np.eye(len(X), dtype=bool))
    S = sp.coo_matrix((D[rows, cols], (rows, cols)), shape=D.shape)  # absent entries are +inf
    got = topodim.ripser(S, maxdim=2, distance_matrix=True)
    want = ripser_py.ripser(S, maxdim=2, distance_matrix=True)
    for k in range(3):
        assert_close(got["dgms"][k], want["dgms"][k])
    assert got["num_edges"] == want["num_edges"]
    # the upper triangle alone describes the same graph; so does the thresholded dense matrix
    got_u = topodim.ripser(sp.triu(S).tocsr(), maxdim=2, distance_matrix=True)
    got_t = topodim.ripser(D, maxdim=2, distance_matrix=True, thresh=2.3)
    for k in range(3):
        assert_same(got_u["dgms"][k], got["dgms"][k])
        assert_same(got_t["dgms"][k], got["dgms"][k])


@settings(max_examples=15)
@given(D=distance_matrices_with_births(max_points=20))
def test_vertex_births_equal_ripser_py(D):
    got = topodim.ripser(D, maxdim=1, distance_matrix=True)
    want = ripser_py.ripser(D, maxdim=1, distance_matrix=True)
    for k in range(2):
        assert bottleneck_distance(got["dgms"][k], want["dgms"][k]) < 1e-4


def _gudhi_dgms(X, maxdim, coeff):
    gudhi = pytest.importorskip("gudhi")
    st_ = gudhi.RipsComplex(points=X).create_simplex_tree(max_dimension=maxdim + 1)
    st_.compute_persistence(homology_coeff_field=coeff, min_persistence=0)
    return [st_.persistence_intervals_in_dimension(k) for k in range(maxdim + 1)]


@pytest.mark.parametrize("seed, n, maxdim, coeff", [(0, 25, 2, 2), (1, 30, 1, 3), (2, 18, 3, 2),
                                                      (3, 40, 1, 5)])
def test_equals_gudhi(seed, n, maxdim, coeff):
    X = np.random.default_rng(seed).random((n, 3))
    got = topodim.ripser(X, maxdim=maxdim, coeff=coeff)
    want = _gudhi_dgms(X, maxdim, coeff)
    for k in range(maxdim + 1):
        w = want[k][want[k][:, 1] > want[k][:, 0]] if len(want[k]) else np.zeros((0, 2))
        assert bottleneck_distance(got["dgms"][k], w) < 1e-12
        assert len(got["dgms"][k]) == len(w)


# ------------------------------------------------------------------------------------------
# H0 is the MST's
# ------------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(X=point_clouds(min_points=2, max_points=40, max_dim=4), maxdim=st.integers(0, 2))
def test_h0_equals_ph0(X, maxdim):
    got = topodim.ripser(X, maxdim=maxdim)["dgms"][0]
    want = topodim.ph0(X)
    want = want[want[:, 1] > want[:, 0]]  # ph0 keeps zero-length bars, ripser drops them
    assert_same(got, want)


# ------------------------------------------------------------------------------------------
# Betti numbers of known shapes
# ------------------------------------------------------------------------------------------


def _long_bars(dgm, min_life):
    life = dgm[:, 1] - dgm[:, 0]
    return int(np.count_nonzero(life > min_life))


def test_circle_has_one_loop():
    t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    X = np.stack([np.cos(t), np.sin(t)], 1) + 0.02 * np.random.default_rng(0).standard_normal((60, 2))
    dgms = topodim.ripser(X, maxdim=2)["dgms"]
    assert _long_bars(dgms[0], 0.5) == 1  # the essential class
    assert _long_bars(dgms[1], 0.5) == 1
    assert _long_bars(dgms[2], 0.1) == 0


def test_sphere_has_one_void():
    k = np.arange(100) + 0.5  # a Fibonacci lattice: evenly spread points
    phi, theta = np.arccos(1 - 2 * k / 100), np.pi * (1 + 5**0.5) * k
    X = np.stack([np.cos(theta) * np.sin(phi), np.sin(theta) * np.sin(phi), np.cos(phi)], 1)
    dgms = topodim.ripser(X, maxdim=2)["dgms"]
    assert _long_bars(dgms[1], 0.2) == 0
    assert _long_bars(dgms[2], 0.5) == 1


def test_torus_betti_1_2_1():
    u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 20, endpoint=False),
                       np.linspace(0, 2 * np.pi, 10, endpoint=False))
    u, v = u.ravel(), v.ravel()
    X = np.stack([(2 + np.cos(v)) * np.cos(u), (2 + np.cos(v)) * np.sin(u), np.sin(v)], 1)
    X += 0.01 * np.random.default_rng(0).standard_normal(X.shape)
    for coeff in (2, 3):
        dgms = topodim.ripser(X, maxdim=2, coeff=coeff)["dgms"]
        assert _long_bars(dgms[0], 1.0) == 1
        assert _long_bars(dgms[1], 1.0) == 2  # then 0.48 at most: the grid's cells
        assert _long_bars(dgms[2], 0.5) == 1


# ------------------------------------------------------------------------------------------
# cocycles and generators
# ------------------------------------------------------------------------------------------


def _check_cocycle(D, rows, dim, death, p):
    """delta(c) vanishes on every (dim+1)-simplex entering before the death."""
    n = D.shape[0]
    val = {tuple(sorted(int(v) for v in r[:-1])): int(r[-1]) % p for r in rows}
    assert any(val.values())  # not zero
    for tau in itertools.combinations(range(n), dim + 2):
        diam = max(D[a, b] for a, b in itertools.combinations(tau, 2))
        if diam >= death:
            continue
        s = 0
        for pos in range(dim + 2):
            face = tau[:pos] + tau[pos + 1:]
            s += (-1) ** pos * val.get(face, 0)
        assert s % p == 0, (tau, s)


@pytest.mark.parametrize("coeff, maxdim, thresh", [(2, 2, np.inf), (3, 1, np.inf), (5, 2, np.inf),
                                                   (3, 1, 0.9)])
def test_cocycles_are_cocycles(coeff, maxdim, thresh):
    rng = np.random.default_rng(coeff)
    t = rng.random(14) * 2 * np.pi
    X = np.stack([np.cos(t), np.sin(t), 0.3 * rng.standard_normal(14)], 1)
    res = topodim.ripser(X, maxdim=maxdim, coeff=coeff, do_cocycles=True, thresh=thresh)
    D = cdist(X, X)
    assert res["cocycles"][0] == []
    for dim in range(1, maxdim + 1):
        assert len(res["cocycles"][dim]) == len(res["dgms"][dim])
        for (birth, death), rows in zip(res["dgms"][dim], res["cocycles"][dim]):
            assert rows.shape[1] == dim + 2 and rows.dtype == np.int64
            assert np.all((rows[:, -1] > 0) & (rows[:, -1] < coeff))
            # it is non-zero at the birth: its first simplex enters then (the others later,
            # cohomology columns collect simplices of the reverse filtration order)
            diams = [max(D[a, b] for a, b in itertools.combinations(r[:-1], 2)) for r in rows]
            assert min(diams) == birth
            _check_cocycle(D, rows, dim, death if np.isfinite(death) else thresh, coeff)


def test_cocycles_match_ripser_py_format():
    X = np.random.default_rng(3).random((20, 2))
    got = topodim.ripser(X, maxdim=1, do_cocycles=True)
    want = ripser_py.ripser(X, maxdim=1, do_cocycles=True)
    assert len(got["cocycles"][1]) == len(want["cocycles"][1])
    for a, b in zip(got["cocycles"][1], want["cocycles"][1]):
        assert a.shape[1] == b.shape[1] == 3
    # the order of the bars is ripser.py's too
    assert_close(got["dgms"][1], want["dgms"][1])
    assert np.allclose(got["dgms"][1], want["dgms"][1], atol=1e-6)


def test_generators_realise_the_bars():
    X = np.random.default_rng(4).random((30, 3))
    # without the edge collapse every generator edge is an edge of the input with its bar's value
    res = topodim.ripser(X, maxdim=2, collapse_edges=False)
    D = cdist(X, X)
    fin0, fin_hi, ess0, ess_hi = res["gens"]
    h0 = res["dgms"][0]
    assert fin0.shape == (np.isfinite(h0[:, 1]).sum(), 3)
    assert np.allclose(D[fin0[:, 1], fin0[:, 2]], h0[np.isfinite(h0[:, 1]), 1])
    assert ess0.shape == (1,)
    for dim in (1, 2):
        dgm = res["dgms"][dim]
        fin = np.isfinite(dgm[:, 1])
        g = fin_hi[dim - 1]
        assert g.shape == (fin.sum(), 4)
        assert fin.sum() > 0
        assert np.array_equal(D[g[:, 0], g[:, 1]], dgm[fin, 0])
        assert np.array_equal(D[g[:, 2], g[:, 3]], dgm[fin, 1])
        assert ess_hi[dim - 1].shape == ((~fin).sum(), 2)
    res = topodim.ripser(X, maxdim=1)  # no collapse: generators are distances of the input
    g = res["gens"][1][0]
    assert np.array_equal(D[g[:, 0], g[:, 1]], res["dgms"][1][:, 0])
    assert np.array_equal(D[g[:, 2], g[:, 3]], res["dgms"][1][:, 1])


# ------------------------------------------------------------------------------------------
# pinned regressions
# ------------------------------------------------------------------------------------------


def test_duplicate_points_and_zero_length_edges():
    X = np.array([[0, 0], [0, 0], [1, 0], [1, 0], [0, 1], [1, 1], [1, 1]], dtype=float)
    got = topodim.ripser(X, maxdim=1)
    want = explicit(X, 1)
    for k in range(2):
        assert_same(got["dgms"][k], want[k])
    assert_same(got["dgms"][0], [[0, 1], [0, 1], [0, 1], [0, np.inf]])  # 4 distinct points


def test_two_points_and_tiny_inputs():
    got = topodim.ripser(np.array([[0.0], [2.0]]), maxdim=3)
    assert_same(got["dgms"][0], [[0, 2], [0, np.inf]])
    assert all(len(d) == 0 for d in got["dgms"][1:])
    got = topodim.ripser(np.eye(3), maxdim=2, distance_matrix=False)  # three points, one triangle
    assert len(got["dgms"][1]) == 0


def test_square_has_one_short_loop():
    X = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    got = topodim.ripser(X, maxdim=1)
    assert_same(got["dgms"][1], [[1, np.sqrt(2)]])
