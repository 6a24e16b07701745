"""Properties of topodim.ripser: permutation invariance, thread-count independence, the input
kinds and representations agree, float32 matches float64 on well-separated data, the edge
collapse keeps every diagram, n_perm is ripser.py's greedy subsample."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist, squareform

import topodim
from topodim.collapse import collapse_edges
from topodim.rips._driver import ripser_in

from strategies import assert_same_dgms, point_clouds, sorted_dgm


@settings(max_examples=20)
@given(X=point_clouds(min_points=3, max_points=30, max_dim=3), seed=st.integers(0, 2**32 - 1),
       maxdim=st.integers(1, 2))
def test_permutation_invariance(X, seed, maxdim):
    perm = np.random.default_rng(seed).permutation(len(X))
    a = topodim.ripser(X, maxdim=maxdim)
    b = topodim.ripser(X[perm], maxdim=maxdim)
    assert_same_dgms(a["dgms"], b["dgms"])


def test_permutation_invariance_pinned():
    X = np.round(np.random.default_rng(0).random((40, 2)) * 4)  # many ties and duplicates
    perm = np.random.default_rng(1).permutation(40)
    assert_same_dgms(topodim.ripser(X, maxdim=2)["dgms"], topodim.ripser(X[perm], maxdim=2)["dgms"])


@pytest.mark.parametrize("maxdim, kw", [(1, {}), (2, {}), (2, {"collapse_edges": False}),
                                        (1, {"thresh": 0.3}), (1, {"coeff": 3, "do_cocycles": True})])
def test_same_result_for_one_and_two_threads(maxdim, kw):
    X = np.random.default_rng(7).random((120, 3))
    a = topodim.ripser(X, maxdim=maxdim, n_threads=1, **kw)
    b = topodim.ripser(X, maxdim=maxdim, n_threads=2, **kw)
    for x, y in zip(a["dgms"], b["dgms"]):
        assert np.array_equal(x, y)  # the same bars in the same order
    assert (a["gens"] is None) == (b["gens"] is None) == ("collapse" in a)
    for x, y in zip(*(r["gens"][1] if r["gens"] is not None else [] for r in (a, b))):
        assert np.array_equal(x, y)
    assert a["counts"] == b["counts"]
    for ca, cb in zip(a["cocycles"], b["cocycles"]):
        assert all(np.array_equal(u, v) for u, v in zip(ca, cb))


@settings(max_examples=20)
@given(X=point_clouds(min_points=2, max_points=25, max_dim=3), maxdim=st.integers(1, 2),
       cut=st.sampled_from([None, 0.5]))
def test_dense_condensed_sparse_agree(X, maxdim, cut):
    # topodim's own distances: scipy's cdist squares differences below ~1e-154 to 0, where the
    # point-cloud path rescales and keeps them
    D = topodim.pairwise_distances(X)
    condensed = squareform(D, checks=False)
    thresh = np.inf if cut is None else float(np.quantile(condensed, cut)) if len(X) > 1 else np.inf
    base = topodim.ripser(X, maxdim=maxdim, thresh=thresh)
    kinds = [(D, {}), (condensed, {}), (X, {"representation": "sparse"}),
             (X, {"representation": "dense"})]
    rows, cols = np.nonzero((D <= thresh) & ~np.eye(len(X), dtype=bool))
    kinds.append((sp.coo_matrix((D[rows, cols], (rows, cols)), shape=D.shape), {}))
    for Y, kw in kinds:
        dm = Y is not X
        r = ripser_in(Y, maxdim=maxdim, thresh=thresh, distance_matrix=dm, **kw)
        assert_same_dgms(r["dgms"], base["dgms"])


def test_dense_condensed_sparse_agree_pinned_subnormal_gap():
    """Two points 2.2e-311 apart: one finite bar of that length on every input kind."""
    X = np.array([[0.0], [2.2e-311]])
    test_dense_condensed_sparse_agree.hypothesis.inner_test(X, 1, None)
    assert topodim.ripser(X)["dgms"][0][0, 1] == 2.2e-311


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), n=st.integers(3, 40), maxdim=st.integers(1, 2))
def test_float32_matches_float64_on_well_separated_data(seed, n, maxdim):
    # integer points: every distance is sqrt of an integer, distinct values stay distinct and
    # ordered in float32, so the same bars come out up to rounding
    X = np.random.default_rng(seed).integers(0, 6, size=(n, 3)).astype(np.float64)
    a = topodim.ripser(X, maxdim=maxdim)
    b = topodim.ripser(X, maxdim=maxdim, dtype=np.float32)
    for x, y in zip(a["dgms"], b["dgms"]):
        assert y.dtype == np.float32 and x.dtype == np.float64
        x, y = sorted_dgm(x), sorted_dgm(y)
        assert x.shape == y.shape
        assert np.array_equal(np.isinf(x), np.isinf(y))
        f = np.isfinite(x)
        assert np.allclose(x[f], y[f], rtol=1e-6)


@settings(max_examples=20)
@given(X=point_clouds(min_points=3, max_points=30, max_dim=3), maxdim=st.integers(2, 3))
def test_edge_collapse_keeps_the_diagrams(X, maxdim):
    a = topodim.ripser(X, maxdim=maxdim, collapse_edges=False)
    b = topodim.ripser(X, maxdim=maxdim, collapse_edges=True)
    assert_same_dgms(a["dgms"], b["dgms"])


def test_collapse_edges_function():
    X = np.random.default_rng(3).random((80, 3))
    edges, values = collapse_edges(X)
    n = len(X)
    assert edges.shape[1] == 2 and np.all(edges[:, 0] > edges[:, 1])
    assert len(edges) < n * (n - 1) // 2 // 3  # most edges go
    D = cdist(X, X)
    assert np.all(values >= D[edges[:, 0], edges[:, 1]])  # values only ever rise
    G = sp.coo_matrix((values, (edges[:, 0], edges[:, 1])), shape=(n, n))
    full = topodim.ripser(X, maxdim=2, collapse_edges=False)
    reduced = topodim.ripser(G, maxdim=2, distance_matrix=True, collapse_edges=False)
    assert_same_dgms(full["dgms"], reduced["dgms"])


def test_n_perm_is_ripser_py_greedy_subsample():
    ripser_py = pytest.importorskip("ripser")
    X = np.random.default_rng(2).random((200, 2))
    got = topodim.ripser(X, maxdim=1, n_perm=40)
    idx, lambdas, dperm2all = ripser_py.ripser.__globals__["get_greedy_perm"](X, n_perm=40)
    assert np.array_equal(got["idx_perm"], idx)
    assert got["r_cover"] == pytest.approx(lambdas[-1], rel=1e-12)
    assert got["dperm2all"].shape == (40, 200)
    assert np.allclose(got["dperm2all"], dperm2all, atol=1e-12)
    sub = topodim.ripser(X[idx], maxdim=1)
    assert_same_dgms(got["dgms"], sub["dgms"])
    # stability: within 2 r_cover of the full diagrams
    full = topodim.ripser(X, maxdim=1)
    for a, b in zip(got["dgms"], full["dgms"]):
        assert topodim.diagrams.bottleneck_distance(a, b) <= 2 * got["r_cover"] + 1e-12
    # cocycles of a subsample refer to the original points
    cc = topodim.ripser(X, maxdim=1, n_perm=40, do_cocycles=True)["cocycles"][1]
    assert all(np.isin(c[:, :2], idx).all() for c in cc)


def test_n_perm_on_distance_matrix():
    X = np.random.default_rng(4).random((60, 3))
    D = cdist(X, X)
    a = topodim.ripser(X, maxdim=1, n_perm=25)
    b = topodim.ripser(D, maxdim=1, n_perm=25, distance_matrix=True)
    assert np.array_equal(a["idx_perm"], b["idx_perm"])
    assert_same_dgms(a["dgms"], b["dgms"])
    assert topodim.ripser(X, maxdim=1, n_perm=60)["r_cover"] == 0  # all points: no subsample


def test_threshold_only_cuts():
    X = np.random.default_rng(5).random((50, 2))
    full = topodim.ripser(X, maxdim=1)
    assert full["thresh"] == pytest.approx(np.min(np.max(cdist(X, X), axis=1)))
    big = topodim.ripser(X, maxdim=1, thresh=100.0)  # above the enclosing radius: same bars
    assert_same_dgms(full["dgms"], big["dgms"])
    cut = topodim.ripser(X, maxdim=1, thresh=0.1)
    assert cut["thresh"] == 0.1
    for dgm in cut["dgms"]:
        fin = dgm[np.isfinite(dgm[:, 1])]
        assert np.all(fin[:, 1] <= 0.1) and np.all(dgm[:, 0] <= 0.1)
    assert np.isinf(cut["dgms"][0][:, 1]).sum() > 1  # disconnected at 0.1
