"""Explicit filtrations (topodim.complexes): builders, ordering, boundary matrix, validation."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

import topodim
from topodim.complexes import (
    Filtration,
    filtration_persistence,
    graph_filtration,
    image_filtration,
    lower_star_filtration,
    rips_filtration,
)
from topodim.metrics import pairwise_distances, squareform


def as_dict(filt):
    simplices, values = filt.to_lists()
    return dict(zip(simplices, values.tolist()))


def check_order(filt):
    """Filtration order is (value, dimension, vertices lexicographically): faces first."""
    simplices, values = filt.to_lists()
    keys = [(v, len(s), s) for s, v in zip(simplices, values.tolist())]
    assert keys == sorted(keys)
    position = {s: g for g, s in enumerate(simplices)}
    for g, s in enumerate(simplices):
        for face in itertools.combinations(s, len(s) - 1):
            if face:
                assert position[face] < g


# ------------------------------------------------------------------------------------------
# Vietoris–Rips
# ------------------------------------------------------------------------------------------


def brute_force_rips(D, skeleton, thresh):
    n = len(D)
    out = {}
    for k in range(skeleton + 1):
        for s in itertools.combinations(range(n), k + 1):
            diam = max([D[i, j] for i, j in itertools.combinations(s, 2)], default=D[s[0], s[0]])
            if k > 0:
                diam = max(diam, max(D[i, i] for i in s))
            if diam <= thresh:
                out[s] = diam
    return out


@given(st.integers(1, 8), st.integers(0, 3), st.sampled_from([np.inf, 0.5, 0.8]), st.integers(0, 2**32 - 1))
def test_rips_is_the_clique_complex_with_diameters(n, skeleton, thresh, seed):
    X = np.random.default_rng(seed).random((n, 2))
    D = squareform(pairwise_distances(X, condensed=True)) if n > 1 else np.zeros((1, 1))
    if n == 1:
        return  # one point: nothing to compare (validation requires 2)
    filt = rips_filtration(X, skeleton=skeleton, thresh=thresh)
    ref = brute_force_rips(D, skeleton, thresh)
    assert as_dict(filt) == ref  # values bit-identical to pairwise_distances
    check_order(filt)


def test_rips_from_every_input_kind_is_the_same_filtration():
    X = np.random.default_rng(1).random((9, 3))
    ref = as_dict(rips_filtration(X, skeleton=3, thresh=0.9))
    D = squareform(pairwise_distances(X, condensed=True))
    assert as_dict(rips_filtration(D, skeleton=3, thresh=0.9, distance_matrix=True)) == ref
    v = pairwise_distances(X, condensed=True)
    assert as_dict(rips_filtration(v, skeleton=3, thresh=0.9, distance_matrix=True)) == ref
    S = sp.csr_matrix(np.where(D <= 0.9, D, 0))
    S.eliminate_zeros()
    assert as_dict(rips_filtration(S, skeleton=3, distance_matrix=True)) == ref


def test_rips_no_edge_entries_and_vertex_births():
    D = np.array([[0.0, 1.0, np.inf], [1.0, 0.0, 2.0], [np.inf, 2.0, 0.0]])
    assert as_dict(rips_filtration(D, distance_matrix=True)) == {(0,): 0, (1,): 0, (2,): 0, (0, 1): 1, (1, 2): 2}
    B = np.array([[0.5, 1.0], [1.0, 0.25]])
    assert as_dict(rips_filtration(B, distance_matrix=True)) == {(0,): 0.5, (1,): 0.25, (0, 1): 1.0}


def test_rips_float32_keeps_dtype_and_other_metrics():
    X = np.random.default_rng(2).random((6, 2))
    f = rips_filtration(X, dtype=np.float32)
    assert f.dtype == np.float32 and f.order_values.dtype == np.float32
    assert f.persistence()["dgms"][0].dtype == np.float32
    m = rips_filtration(X, skeleton=1, metric="manhattan")
    D = np.abs(X[:, None, :] - X[None, :, :]).sum(-1)
    edges = {s: v for s, v in as_dict(m).items() if len(s) == 2}
    assert all(v == pytest.approx(D[s]) for s, v in edges.items())


def test_rips_memory_check_before_allocating(monkeypatch):
    X = np.random.default_rng(0).random((60, 2))
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", 200000)
    with pytest.raises(MemoryError, match="2-simplices.*lower the threshold"):
        rips_filtration(X, skeleton=2)
    f = rips_filtration(X, skeleton=2, thresh=0.1)  # small enough
    assert f.n_simplices[0] == 60


# ------------------------------------------------------------------------------------------
# user simplices
# ------------------------------------------------------------------------------------------


def test_from_simplices_orders_and_is_input_order_independent():
    cx = [(0,), (1,), (2,), (0, 1), (1, 2), (0, 2), (0, 1, 2)]
    vals = [0, 0, 1, 1, 2, 2, 2]
    f = Filtration.from_simplices(cx, vals)
    check_order(f)
    g = Filtration.from_simplices([tuple(reversed(s)) for s in cx[::-1]], vals[::-1])
    assert f.to_lists()[0] == g.to_lists()[0]
    np.testing.assert_array_equal(f.order_values, g.order_values)
    assert f.to_lists()[0] == [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]
    # (simplex, value) pairs, as gudhi.SimplexTree.get_filtration() gives them
    h = Filtration.from_simplices(list(zip(cx, vals)))
    assert h.to_lists()[0] == f.to_lists()[0]
    assert f.dim == 2 and f.n_simplices == [3, 3, 1] and len(f) == 7
    assert "Filtration(dim=2" in repr(f)


def test_boundary_matrix_matches_the_definition():
    cx = [(0,), (1,), (2,), (3,), (0, 1), (1, 2), (0, 2), (2, 3), (0, 1, 2)]
    f = Filtration.from_simplices(cx, [0, 1, 2, 3, 4, 5, 6, 7, 8])
    indptr, indices, signs = f.boundary_matrix()
    simplices, _ = f.to_lists()
    for g, s in enumerate(simplices):
        col = dict(zip(indices[indptr[g]:indptr[g + 1]].tolist(), signs[indptr[g]:indptr[g + 1]].tolist()))
        expect = {} if len(s) == 1 else {simplices.index(s[:i] + s[i + 1:]): (-1) ** i for i in range(len(s))}
        assert col == expect
        assert list(col) == sorted(col)


def test_skeleton_and_accessors():
    f = Filtration.from_simplices([(0,), (1,), (2,), (0, 1), (1, 2), (0, 2), (0, 1, 2)], [0, 0, 0, 1, 1, 1, 2])
    s = f.skeleton(1)
    assert s.dim == 1 and len(s) == 6 and s.to_lists()[0] == f.to_lists()[0][:6]
    assert f.skeleton(5) is f
    assert f.simplex(6) == (0, 1, 2) and f.value(6) == 2.0
    assert f.euler_characteristic(0) == 3 and f.euler_characteristic(1) == 0 and f.euler_characteristic(2) == 1


BAD = [
    # (simplices, values, message fragment)
    ([(0,), (1,), (0, 1), (0, 1, 2)], [0, 0, 1, 2], r"simplex 3 \[0, 1, 2\] has a missing face \[1, 2\]"),
    ([(0,), (0, 1)], [0, 1], r"simplex 1 \[0, 1\] has a missing face \[1\]"),
    ([(0,), (1,), (0, 1)], [0, 2, 1], r"simplex 2 \[0, 1\] has value 1.0 but its face \[1\] has the larger value 2.0"),
    ([(0,), (1,), (0, 1)], [0, np.nan, 1], r"simplex 1 \[1\] has a NaN value"),
    ([(0,), (1,), (0, 1)], [0, 0, np.inf], r"simplex 2 \[0, 1\] has a infinite value|simplex 2 \[0, 1\] has a"),
    ([(0,), (-1,), (0, -1)], [0, 0, 1], r"simplex 1 \[-1\] has a negative vertex"),
    ([(0,), (1,), (0, 1), (1, 1)], [0, 0, 1, 1], r"simplex 3 \[1, 1\] repeats a vertex"),
    ([(0,), (1,), (0, 1), (1, 0)], [0, 0, 1, 1], r"simplex 3 \[0, 1\] is listed twice \(also at position 2\)"),
    ([(0,), ()], [0, 0], r"simplex 1 is empty"),
    ([(0,), (1,)], [0], r"one number per simplex"),
    ([], [], r"empty"),
]


@pytest.mark.parametrize("cx, vals, match", BAD)
def test_bad_user_input_names_the_first_offending_simplex(cx, vals, match):
    with pytest.raises(ValueError, match=match):
        Filtration.from_simplices(cx, vals)


def test_first_offending_simplex_wins_across_kinds_of_error():
    # simplex 2 misses a face, simplex 4 has a NaN value: simplex 2 is reported
    with pytest.raises(ValueError, match=r"simplex 2 \[0, 2\] has a missing face \[2\]"):
        Filtration.from_simplices([(0,), (1,), (0, 2), (0, 1), (1,)], [0, 0, 1, 1, np.nan])


def test_bad_types_and_coefficients():
    with pytest.raises(TypeError, match="non-integer vertices"):
        Filtration.from_simplices([(0.5,)], [0])
    with pytest.raises(TypeError, match="must be numeric|numbers"):
        Filtration.from_simplices([(0,)], ["a"])
    with pytest.raises(TypeError, match="pairs"):
        Filtration.from_simplices([0, 1])
    cx, vals = [(0,), (1,), (0, 1)], [0, 0, 1]
    for p in (4, 1, 0, 9):
        with pytest.raises(ValueError, match="prime"):
            filtration_persistence(cx, vals, coeff=p)
    with pytest.raises(TypeError, match="prime"):
        filtration_persistence(cx, vals, coeff=2.5)
    with pytest.raises(ValueError, match="algorithm"):
        filtration_persistence(cx, vals, algorithm="magic")
    with pytest.raises(ValueError, match="homology reduction"):
        filtration_persistence(cx, vals, algorithm="cohomology", representatives=True)
    with pytest.raises(ValueError, match="maxdim must be >= 0"):
        filtration_persistence(cx, vals, maxdim=-1)
    f = Filtration.from_simplices(cx, vals)
    with pytest.raises(ValueError, match="values only with a list"):
        filtration_persistence(f, vals)


def test_integral_floats_as_vertices_are_accepted():
    f = Filtration.from_simplices(np.array([[0.0], [1.0]]).tolist(), [0, 0])
    assert f.to_lists()[0] == [(0,), (1,)]
    g = Filtration.from_simplices(np.array([[0], [1], [2]]), [0, 1, 2])
    assert g.n_simplices == [3]


def test_large_prime_and_maxdim_beyond_the_complex():
    res = filtration_persistence([(0,), (1,), (0, 1)], [0, 1, 2], coeff=32749, maxdim=3)
    assert len(res["dgms"]) == 4 and all(len(d) == 0 for d in res["dgms"][1:])
    np.testing.assert_array_equal(res["dgms"][0], [[0, np.inf], [1, 2]])
    assert res["coeff"] == 32749 and res["algorithm"] == "cohomology"


def test_keep_zero():
    cx = [(0,), (1,), (0, 1)]
    assert len(filtration_persistence(cx, [0, 0, 0])["dgms"][0]) == 1
    np.testing.assert_array_equal(filtration_persistence(cx, [0, 0, 0], keep_zero=True)["dgms"][0],
                                  [[0, 0], [0, np.inf]])


# ------------------------------------------------------------------------------------------
# graphs
# ------------------------------------------------------------------------------------------


def test_graph_filtration_values_and_h0_equals_kruskal():
    rng = np.random.default_rng(0)
    n = 12
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.3]
    w = rng.random(len(pairs))
    f = graph_filtration(pairs, w, n_vertices=n + 2)
    d = as_dict(f)
    assert all(d[(v,)] == 0 for v in range(n + 2))
    assert all(d[p] == x for p, x in zip(pairs, w))
    res = f.persistence(keep_zero=True)
    S = sp.coo_matrix((w, tuple(np.array(pairs).T)), shape=(n + 2, n + 2)).tocsr()
    ref = topodim.ph0(S, distance_matrix=True)
    np.testing.assert_array_equal(res["dgms"][0], ref[np.lexsort((ref[:, 1], ref[:, 0]))])
    # H1 of a graph: one essential class per independent cycle
    comps = int(np.isinf(res["dgms"][0][:, 1]).sum())
    assert len(res["dgms"][1]) == len(pairs) - (n + 2) + comps


def test_graph_flag_complex_and_vertex_values():
    edges = [(0, 1), (1, 2), (0, 2), (2, 3)]
    w = [1.0, 2.0, 3.0, 0.5]
    d = as_dict(graph_filtration(edges, w, skeleton=2))
    assert d[(0, 1, 2)] == 3.0 and len(d) == 9
    d = as_dict(graph_filtration(edges, w, vertex_values="min"))
    assert d[(0,)] == 1.0 and d[(2,)] == 0.5 and d[(3,)] == 0.5
    d = as_dict(graph_filtration(edges, w, vertex_values=[0.5, 1, 0, 0.25]))
    assert d[(0,)] == 0.5 and d[(3,)] == 0.25
    res = graph_filtration(edges, w).persistence()
    np.testing.assert_array_equal(res["dgms"][1], [[3.0, np.inf]])


@pytest.mark.parametrize("edges, w, kw, match", [
    ([(0, 0)], [1], {}, "self loop"),
    ([(0, 1), (1, 0)], [1, 2], {}, r"edge 1 \[1, 0\] is listed twice \(also edge 0\)"),
    ([(0, 1)], [-1], {}, r"below the value 0.0 of its vertex"),
    ([(0, 1)], [1], {"vertex_values": [0, 2]}, r"edge 0 \[0, 1\] has weight 1.0 below the value 2.0 of its vertex 1"),
    ([(0, -1)], [1], {}, "negative vertex"),
    ([(0, 1)], [np.nan], {}, "finite"),
    ([(0, 3)], [1], {"n_vertices": 2}, "n_vertices"),
    ([(0, 1)], [1, 2], {}, "one number per edge"),
    ([(0, 1)], [1], {"vertex_values": "max"}, "vertex_values"),
])
def test_graph_bad_input(edges, w, kw, match):
    with pytest.raises(ValueError, match=match):
        graph_filtration(edges, w, **kw)


# ------------------------------------------------------------------------------------------
# lower-star and images
# ------------------------------------------------------------------------------------------


def test_lower_star_closure_and_values():
    f = lower_star_filtration([(0, 1, 2), (2, 3)], [3.0, 1.0, 2.0, 0.5])
    d = as_dict(f)
    assert set(d) == {(0,), (1,), (2,), (3,), (0, 1), (0, 2), (1, 2), (2, 3), (0, 1, 2)}
    assert d[(1, 2)] == 2.0 and d[(0, 1, 2)] == 3.0 and d[(2, 3)] == 2.0
    check_order(f)
    with pytest.raises(ValueError, match="vertex id >= len"):
        lower_star_filtration([(0, 5)], [0, 1])
    with pytest.raises(ValueError, match="finite"):
        lower_star_filtration([(0, 1)], [0, np.nan])
    with pytest.raises(ValueError, match="repeats a vertex"):
        lower_star_filtration([(0, 0)], [0, 1])


gudhi = pytest.importorskip("gudhi")


def gudhi_diagrams(filt, maxdim):
    st_ = gudhi.SimplexTree()
    simplices, values = filt.to_lists()
    for s, v in zip(simplices, values):
        st_.insert(list(s), filtration=float(v))
    st_.compute_persistence(homology_coeff_field=2, persistence_dim_max=True)
    return [st_.persistence_intervals_in_dimension(k).reshape(-1, 2) for k in range(maxdim + 1)]


def sort_rows(d):
    return d[np.lexsort((d[:, 1], d[:, 0]))]


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_image_filtration_matches_gudhi_on_the_same_triangulation(H, W, seed):
    img = np.random.default_rng(seed).integers(0, 5, size=(H, W)).astype(float)
    f = image_filtration(img)
    counts = f.n_simplices + [0, 0]
    assert counts[0] == H * W
    assert counts[1] == H * (W - 1) + (H - 1) * W + (H - 1) * (W - 1)
    assert counts[2] == 2 * (H - 1) * (W - 1)
    assert f.euler_characteristic(np.inf) == 1  # a triangulated rectangle is contractible
    check_order(f)
    res = f.persistence()
    ref = gudhi_diagrams(f, 2)
    for k in range(len(res["dgms"])):
        np.testing.assert_array_equal(res["dgms"][k], sort_rows(ref[k]))


def test_image_ring_has_one_h1_bar_and_freudenthal_diagonal():
    img = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], dtype=float)
    res = image_filtration(img).persistence()
    np.testing.assert_array_equal(res["dgms"][1], [[1, 5]])
    np.testing.assert_array_equal(res["dgms"][0], [[1, np.inf]])
    # two low pixels on the main diagonal are joined by the Freudenthal diagonal edge...
    img = np.array([[0, 9], [9, 0]], dtype=float)
    np.testing.assert_array_equal(image_filtration(img).persistence()["dgms"][0], [[0, np.inf]])
    # ...but not on the anti-diagonal: they stay apart until a 9 enters
    img = np.array([[9, 0], [0, 9]], dtype=float)
    np.testing.assert_array_equal(image_filtration(img).persistence()["dgms"][0], [[0, 9], [0, np.inf]])
    assert image_filtration(np.zeros((1, 1))).n_simplices == [1]


def test_image_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        image_filtration(np.zeros(4))
    with pytest.raises(ValueError, match=r"image\[0, 1\]"):
        image_filtration(np.array([[0, np.nan]]))
    with pytest.raises(ValueError, match="empty"):
        image_filtration(np.zeros((0, 3)))
