"""topodim as a drop-in for ripser.py at the edges, with ripser.py itself as the oracle: fewer
than 2 points, negative filtration values, non-symmetric matrices, dperm2all, num_edges, the
positional order, message phrases, Rips, lower_star_img and correlation_to_distance.

ripser.py computes in float32; the generated values sit on a grid of eighths (exact in float32) so
that diagrams can be compared exactly."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import topodim
from strategies import assert_same_dgms, sorted_dgm

ripser_py = pytest.importorskip("ripser")
pytest.importorskip("sklearn")


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def grid(draw, shape, lo, hi):
    """Values k / 8 for integers k in [8 lo, 8 hi] (exact in float32)."""
    return draw(hnp.arrays(np.int64, shape, elements=st.integers(8 * lo, 8 * hi))) / 8.0


# ==========================================================================================
# fewer than 2 points
# ==========================================================================================

ONE_POINT = [
    (np.array([[0.0, 1.0]]), {}),
    (np.array([[2.5]]), {}),
    (np.array([[0.0, 1.0, 2.0]]), {"metric": "manhattan"}),
    (np.array([[1.0, 1.0]]), {"metric": "cosine"}),
    (np.array([[1.0, 2.0]]), {"metric": "canberra"}),
    (np.array([[1.0, 2.0]]), {"metric": lambda a, b: float(np.abs(a - b).sum())}),
    (np.zeros((1, 1)), {"distance_matrix": True}),
    (np.array([[0.75]]), {"distance_matrix": True}),
    (np.array([[-0.75]]), {"distance_matrix": True}),
    (sp.coo_matrix(np.zeros((1, 1))), {"distance_matrix": True}),
    (sp.coo_matrix(([0.5], ([0], [0])), shape=(1, 1)), {"distance_matrix": True}),
    (sp.coo_matrix((0, 0)), {"distance_matrix": True}),
    (sp.csr_matrix((0, 0)), {"distance_matrix": True}),
]


@pytest.mark.parametrize("X, kwargs", ONE_POINT)
@pytest.mark.parametrize("maxdim", [0, 1, 2])
def test_fewer_than_two_points_as_ripser_py(X, kwargs, maxdim):
    ours = quiet(topodim.ripser, X, maxdim=maxdim, **kwargs)
    theirs = quiet(ripser_py.ripser, X, maxdim=maxdim, **kwargs)
    assert len(ours["dgms"]) == maxdim + 1
    for a, b in zip(ours["dgms"], theirs["dgms"]):
        assert a.shape == b.shape and np.allclose(a, b), (a, b)
    assert ours["num_edges"] == theirs["num_edges"] == 0
    assert np.shape(ours["dperm2all"]) == np.shape(theirs["dperm2all"])
    assert np.array_equal(ours["idx_perm"], theirs["idx_perm"])
    assert ours["r_cover"] == theirs["r_cover"] == 0
    assert ours["cocycles"] == [[]] * (maxdim + 1)


@pytest.mark.parametrize("X, kwargs", [
    (np.zeros((0, 3)), {}),  # ripser.py: scikit-learn refuses 0 samples
    (np.zeros((0, 0)), {"distance_matrix": True}),  # ripser.py: reads it as one point
    (np.zeros((0, 0)), {}),
])
def test_no_points_give_empty_diagrams(X, kwargs):
    r = quiet(topodim.ripser, X, maxdim=1, **kwargs)
    assert [d.shape for d in r["dgms"]] == [(0, 2), (0, 2)]
    assert r["num_edges"] == 0 and r["dperm2all"].shape == (0, 0) and r["idx_perm"].shape == (0,)


def test_one_point_keeps_its_birth_and_the_dtype():
    r = topodim.ripser(np.array([[-2.0]]), distance_matrix=True, dtype=np.float32)
    assert r["dgms"][0].dtype == np.float32
    assert r["dgms"][0].tolist() == [[-2.0, np.inf]]
    assert r["dperm2all"].tolist() == [[-2.0]]


# ==========================================================================================
# negative filtration values
# ==========================================================================================


def test_negative_births_pinned():
    A = np.array([[-1.0, 0.5, 2.0], [0.5, -0.5, 1.0], [2.0, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a valid filtration: no warning
        r = topodim.ripser(A, distance_matrix=True)
    assert sorted_dgm(r["dgms"][0]).tolist() == [[-1.0, np.inf], [-0.5, 0.5], [0.0, 1.0]]
    assert_same_dgms(r["dgms"], quiet(ripser_py.ripser, A, distance_matrix=True)["dgms"])


@st.composite
def filtrations_with_negative_values(draw, max_points=10):
    """A symmetric matrix, diagonal = vertex births in [-4, 2], every edge >= its births, values
    possibly negative; no off-diagonal zero (ripser.py drops those when the diagonal is not 0)."""
    n = draw(st.integers(2, max_points))
    births = grid(draw, n, -4, 2)
    E = grid(draw, (n, n), 0, 3)
    E = np.triu(E, 1)
    E = E + E.T + np.maximum.outer(births, births)
    E[E == 0] = 0.125
    np.fill_diagonal(E, births)
    return E


THRESHOLDS = st.one_of(st.just(np.inf), st.integers(-24, 24).map(lambda k: k / 8))


@settings(max_examples=60)
@given(D=filtrations_with_negative_values(), maxdim=st.integers(0, 2), thresh=THRESHOLDS)
def test_negative_values_as_ripser_py(D, maxdim, thresh):
    keep = D.copy()
    ours = topodim.ripser(D, distance_matrix=True, maxdim=maxdim, thresh=thresh)
    assert np.array_equal(D, keep)
    assert np.array_equal(ours["dperm2all"], D)  # the diagonal (births) as given
    theirs = quiet(ripser_py.ripser, D, distance_matrix=True, maxdim=maxdim, thresh=thresh)
    assert_same_dgms(ours["dgms"], theirs["dgms"])
    assert ours["num_edges"] == theirs["num_edges"]


@settings(max_examples=40)
@given(D=filtrations_with_negative_values(), shift=st.integers(-16, 16).map(lambda k: k / 4),
       maxdim=st.integers(1, 3), thresh=THRESHOLDS, collapse=st.booleans())
def test_shifting_every_value_shifts_every_bar(D, shift, maxdim, thresh, collapse):
    a = topodim.ripser(D, distance_matrix=True, maxdim=maxdim, thresh=thresh, collapse_edges=collapse)
    b = topodim.ripser(D + shift, distance_matrix=True, maxdim=maxdim, thresh=thresh + shift,
                       collapse_edges=collapse)
    assert_same_dgms([x + shift for x in a["dgms"]], b["dgms"])
    # num_edges follows ripser.py, which caps the count at the enclosing radius only when the
    # diagonal is zero: a shift that zeroes or un-zeroes the diagonal may change the count
    if np.diag(D).any() and np.diag(D + shift).any():
        assert a["num_edges"] == b["num_edges"]
    off_diagonal = (D + shift)[~np.eye(len(D), dtype=bool)]
    if not (np.diag(D + shift).any() and (off_diagonal == 0).any()):
        # (ripser.py turns a matrix with a nonzero diagonal into a sparse one, which drops
        # zero-length edges: no oracle there)
        theirs = quiet(ripser_py.ripser, D + shift, distance_matrix=True, maxdim=0, thresh=thresh + shift)
        assert b["num_edges"] == theirs["num_edges"]


def test_shift_to_a_zero_edge_and_nonzero_diagonal_pinned():
    # a shift that makes an edge 0 while the diagonal stays nonzero: the zero-length edge joins
    # its vertices at once (3 edges counted; ripser.py's sparse conversion drops it and counts 2)
    D = np.array([[-0.5, -0.5, 0.125], [-0.5, -0.5, 0.125], [0.125, 0.125, 0.0]])
    a = topodim.ripser(D, distance_matrix=True, maxdim=1)
    b = topodim.ripser(D + 0.5, distance_matrix=True, maxdim=1)
    assert_same_dgms([x + 0.5 for x in a["dgms"]], b["dgms"])
    assert b["dgms"][0].tolist() == [[0.5, 0.625], [0.0, np.inf]]
    assert a["num_edges"] == b["num_edges"] == 3


def test_collapse_orders_mixed_sign_values_pinned():
    # values of both signs: the collapse's radix key must order negative floats below positive
    # ones (raw IEEE-754 bits put them above, and the collapse then kept the wrong edges)
    D = np.array([[0.0, 0.25, 0.25], [0.25, -0.125, 0.125], [0.25, 0.125, -0.125]]) - 0.25
    for maxdim in (1, 2):
        a = topodim.ripser(D, distance_matrix=True, maxdim=maxdim, collapse_edges=True)
        b = topodim.ripser(D, distance_matrix=True, maxdim=maxdim, collapse_edges=False)
        assert_same_dgms(a["dgms"], b["dgms"])
        assert a["dgms"][0].tolist() == [[-0.375, -0.125], [-0.25, 0.0], [-0.375, np.inf]]


def test_all_negative_matrix_keeps_every_bar_pinned():
    # every value negative: a simplex's diameter is a maximum over negative edge values (the
    # apparent-pair test once started that maximum at 0 and lost this H1 bar)
    D = np.array([[-2.0, -1.25, -1.75, -1.375, -1.625],
                  [-1.25, -1.75, -1.0, -1.75, -1.75],
                  [-1.75, -1.0, -3.125, -2.0, -1.625],
                  [-1.375, -1.75, -2.0, -2.875, -1.0],
                  [-1.625, -1.75, -1.625, -1.0, -1.75]])
    for collapse in (False, True):
        r = topodim.ripser(D, distance_matrix=True, maxdim=2, collapse_edges=collapse)
        assert r["dgms"][1].tolist() == [[-1.625, -1.25]]
        assert_same_dgms(r["dgms"], quiet(ripser_py.ripser, D, distance_matrix=True, maxdim=2)["dgms"])


@settings(max_examples=25)
@given(D=filtrations_with_negative_values())
def test_sparse_input_with_negative_values_matches_dense(D):
    a = topodim.ripser(D, distance_matrix=True, maxdim=1)
    b = topodim.ripser(sp.coo_matrix(D), distance_matrix=True, maxdim=1)
    assert_same_dgms(a["dgms"], b["dgms"])
    if np.diag(D).any():  # ripser.py caps the count at the enclosing radius only with a zero diagonal
        assert a["num_edges"] == b["num_edges"]


@settings(max_examples=30)
@given(data=st.data())
def test_edges_below_their_vertices_enter_with_them(data):
    # zero diagonal, some negative edges: not a filtration as given; topodim raises each such
    # edge to its vertices' birth (0) and warns. H0 is ripser.py's; higher dimensions are
    # ripser.py's on the raised matrix (ripser.py itself keeps the raw values there)
    n = data.draw(st.integers(3, 10))
    U = np.triu(grid(data.draw, (n, n), -2, 3), 1)
    U[np.triu(U == 0, 1)] = 0.125  # no off-diagonal zero
    U[0, 1] = min(U[0, 1], -0.5)  # at least one edge below its vertices
    D = U + U.T
    keep = D.copy()
    with pytest.warns(UserWarning, match="below the birth value"):
        ours = topodim.ripser(D, distance_matrix=True, maxdim=1)
    assert np.array_equal(D, keep)  # the caller's matrix is not modified
    theirs = quiet(ripser_py.ripser, D, distance_matrix=True, maxdim=1)
    assert_same_dgms(ours["dgms"][:1], theirs["dgms"][:1])
    raised = quiet(ripser_py.ripser, np.maximum(D, 0), distance_matrix=True, maxdim=1)
    assert_same_dgms(ours["dgms"], raised["dgms"])
    # condensed and sparse input read the same way
    from scipy.spatial.distance import squareform
    assert_same_dgms(quiet(topodim.ripser, squareform(D, checks=False), distance_matrix=True)["dgms"],
                     ours["dgms"])
    assert_same_dgms(quiet(topodim.ripser, sp.coo_matrix(D), distance_matrix=True)["dgms"], ours["dgms"])


def test_edge_below_a_positive_birth_pinned():
    C = np.array([[1.0, 0.5, 2.0], [0.5, 0.0, 1.0], [2.0, 1.0, 0.0]])
    with pytest.warns(UserWarning, match="enters the filtration with its later vertex"):
        r = topodim.ripser(C, distance_matrix=True)
    assert_same_dgms(r["dgms"], quiet(ripser_py.ripser, C, distance_matrix=True)["dgms"])


def test_strict_entry_points_still_refuse_negative_distances():
    # ph0 / mst read a distance matrix as a metric space; only ripser follows ripser.py
    with pytest.raises(ValueError, match="negative"):
        topodim.ph0(np.array([[0.0, -1.0], [-1.0, 0.0]]), distance_matrix=True)


# ==========================================================================================
# non-symmetric dense matrices: the upper triangle
# ==========================================================================================


@settings(max_examples=40)
@given(data=st.data())
def test_non_symmetric_matrix_uses_the_upper_triangle_as_ripser_py(data):
    n = data.draw(st.integers(3, 10))
    A = grid(data.draw, (n, n), 1, 4)
    if data.draw(st.booleans()):  # vertex births, below every edge
        np.fill_diagonal(A, grid(data.draw, n, 0, 1) - 0.5)
    else:
        np.fill_diagonal(A, 0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ours = topodim.ripser(A, distance_matrix=True, maxdim=2)
    if not np.array_equal(A, A.T):
        assert any("upper triangle" in str(x.message) for x in w)
    theirs = quiet(ripser_py.ripser, A, distance_matrix=True, maxdim=2)
    assert_same_dgms(ours["dgms"], theirs["dgms"])
    assert ours["num_edges"] == theirs["num_edges"]
    U = np.triu(A, 1)
    assert_same_dgms(topodim.ripser(U + U.T + np.diag(np.diag(A)), distance_matrix=True, maxdim=2)["dgms"],
                     ours["dgms"])


def test_non_symmetric_pinned_and_input_untouched():
    N = np.array([[0.0, 1, 5], [3, 0, 2], [4, 6, 0]])
    keep = N.copy()
    with pytest.warns(UserWarning, match=r"not symmetric .*upper triangle"):
        r = topodim.ripser(N, distance_matrix=True)
    assert sorted_dgm(r["dgms"][0]).tolist() == [[0, 1], [0, 2], [0, np.inf]]
    assert np.array_equal(N, keep)


def test_roundoff_asymmetry_is_silent():
    D = np.array([[0, 1, 2], [1 + 1e-13, 0, 3], [2, 3, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        topodim.ripser(D, distance_matrix=True)


# ==========================================================================================
# dperm2all, num_edges, positional order
# ==========================================================================================

METRICS = ["euclidean", "manhattan", "cosine", "chebyshev", "canberra", "minkowski", "braycurtis",
           lambda a, b: float(np.abs(a - b).max() + np.abs(a - b).sum())]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("maxdim", [0, 1])
@pytest.mark.parametrize("n_perm", [None, 9])
def test_dperm2all_is_square_as_ripser_py(metric, maxdim, n_perm):
    X = np.random.default_rng(1).random((25, 3)) + 0.1
    ours = topodim.ripser(X, maxdim=maxdim, metric=metric, n_perm=n_perm)
    theirs = ripser_py.ripser(X, maxdim=maxdim, metric=metric, n_perm=n_perm)
    assert ours["dperm2all"].shape == theirs["dperm2all"].shape == ((n_perm or 25), 25)
    assert np.allclose(ours["dperm2all"], theirs["dperm2all"], rtol=1e-12, atol=1e-12)
    assert np.array_equal(ours["idx_perm"], theirs["idx_perm"])


def test_dperm2all_of_condensed_input_is_square():
    from scipy.spatial.distance import pdist, squareform
    X = np.random.default_rng(2).random((12, 2))
    for maxdim in (0, 1):
        r = topodim.ripser(pdist(X), distance_matrix=True, maxdim=maxdim)
        assert np.array_equal(r["dperm2all"], squareform(pdist(X)))


@st.composite
def matrices_for_counting(draw):
    n = draw(st.integers(2, 14))
    U = np.triu(grid(draw, (n, n), 1, 4), 1)
    D = U + U.T
    kind = draw(st.sampled_from(["dense", "births", "sparse"]))
    if kind == "births":
        np.fill_diagonal(D, 0.5)
    thresh = draw(st.sampled_from([np.inf, 1.5, 2.0, 3.25]))
    if kind == "sparse":
        keep = D <= thresh
        D = sp.coo_matrix(np.where(keep, D, 0))
    return D, thresh


@settings(max_examples=60)
@given(case=matrices_for_counting(), maxdim=st.integers(0, 1))
def test_num_edges_counted_as_ripser_py(case, maxdim):
    D, thresh = case
    ours = topodim.ripser(D, distance_matrix=True, thresh=thresh, maxdim=maxdim)
    theirs = quiet(ripser_py.ripser, D, distance_matrix=True, thresh=thresh, maxdim=maxdim)
    assert ours["num_edges"] == theirs["num_edges"]
    assert_same_dgms(ours["dgms"], theirs["dgms"])


def test_num_edges_with_a_nonzero_diagonal_pinned():
    X = np.random.default_rng(0).random((25, 3))
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    np.fill_diagonal(D, 0.01)
    assert topodim.ripser(D, distance_matrix=True)["num_edges"] == 300 == \
        ripser_py.ripser(D, distance_matrix=True)["num_edges"]


def test_positional_arguments_in_ripser_py_order():
    X = np.random.default_rng(3).random((30, 2))
    # ripser(X, maxdim, thresh, coeff, distance_matrix, do_cocycles, metric, n_perm)
    a = topodim.ripser(X, 1, np.inf, 3, False, True, "manhattan", 20)
    b = topodim.ripser(X, maxdim=1, coeff=3, do_cocycles=True, metric="manhattan", n_perm=20)
    c = ripser_py.ripser(X, 1, np.inf, 3, False, True, "manhattan", 20)
    assert_same_dgms(a["dgms"], b["dgms"])
    assert len(a["cocycles"][1]) == len(a["dgms"][1]) == len(c["dgms"][1]) > 0
    assert np.array_equal(a["idx_perm"], c["idx_perm"])
    # the former order (..., distance_matrix, metric, do_cocycles) is still recognised
    d = topodim.ripser(X, 1, np.inf, 3, False, "manhattan", True, 20)
    assert_same_dgms(a["dgms"], d["dgms"])
    assert len(d["cocycles"][1]) == len(a["cocycles"][1])


# ==========================================================================================
# warning and error texts: ripser.py's key phrases
# ==========================================================================================


@pytest.mark.parametrize("call, category, phrase", [
    (lambda f: f(np.random.random((3, 10))), UserWarning, "has more columns than rows"),
    (lambda f: f(np.random.random((3, 3))), UserWarning, "input matrix is square, but the distance_matrix"),
])
def test_warning_phrases(call, category, phrase):
    for f in (topodim.ripser, ripser_py.ripser):
        with pytest.warns(category, match=phrase):
            call(f)


@pytest.mark.parametrize("call, phrase", [
    (lambda f: f(np.random.random((3, 10)), distance_matrix=True), "Distance matrix is not square"),
    (lambda f: f(np.zeros((10, 2)), n_perm=11), "points in greedy permutation is greater"),
    (lambda f: f(np.zeros((10, 2)), n_perm=-1), "Should be a strictly positive number"),
    (lambda f: f(sp.coo_matrix(np.ones((4, 4))), distance_matrix=True, n_perm=2),
     "Greedy permutation is not supported for sparse"),
])
def test_error_phrases(call, phrase):
    for f in (topodim.ripser, ripser_py.ripser):
        with pytest.raises(ValueError, match=phrase):
            call(f)


@pytest.mark.parametrize("X, exc, match", [
    (3.0, ValueError, "X is a scalar"),
    (np.float64(3.0), ValueError, "X is a scalar"),
    ([[1.0, 2.0], [3.0, None]], ValueError, "contains None"),
])
def test_scalar_and_none_messages(X, exc, match):
    with pytest.raises(exc, match=match):
        topodim.ripser(X)


# ==========================================================================================
# lower_star_img
# ==========================================================================================


@settings(max_examples=40)
@given(data=st.data())
def test_lower_star_img_as_ripser_py(data):
    m = data.draw(st.integers(1, 12))
    n = data.draw(st.integers(1, 12))
    if data.draw(st.booleans()):
        img = data.draw(hnp.arrays(np.int64, (m, n), elements=st.integers(-3, 3))).astype(float)  # ties
    else:
        img = grid(data.draw, (m, n), -10, 10)
    ours = topodim.lower_star_img(img)
    theirs = ripser_py.lower_star_img(img)
    assert ours.shape == theirs.shape and ours.dtype == np.float64
    assert np.array_equal(sorted_dgm(ours), sorted_dgm(theirs))
    assert np.array_equal(np.sort(ours[:, 1]), ours[:, 1])  # increasing death, essential last


def test_lower_star_img_pinned():
    img = np.random.default_rng(0).random((30, 40))
    ours = topodim.lower_star_img(img)
    theirs = ripser_py.lower_star_img(img)
    assert ours.shape == theirs.shape
    assert np.allclose(sorted_dgm(ours), sorted_dgm(theirs), rtol=0, atol=1e-7)
    # not the Freudenthal triangulation (6-neighbourhood) of image_filtration: fewer bars
    tri = topodim.filtration_persistence(topodim.image_filtration(img), maxdim=0)["dgms"][0]
    assert len(tri) > len(ours)


def test_lower_star_img_diagonal_neighbours_connect():
    img = np.ones((3, 3))
    img[0, 0] = img[1, 1] = 0  # diagonal neighbours: one component at 0 in the 8-neighbourhood
    assert topodim.lower_star_img(img).tolist() == [[0.0, np.inf]]


@pytest.mark.parametrize("img, exc, match", [
    (np.zeros(4), ValueError, "2-D"),
    (np.zeros((2, 2, 3)), ValueError, "2-D"),
    (np.array([[0.0, np.nan]]), ValueError, "non-finite"),
    (np.array([["a"]]), TypeError, "numeric"),
])
def test_lower_star_img_bad_input(img, exc, match):
    with pytest.raises(exc, match=match):
        topodim.lower_star_img(img)


# ==========================================================================================
# correlation_to_distance
# ==========================================================================================


@settings(max_examples=40)
@given(data=st.data())
def test_correlation_to_distance_as_ripser_py(data):
    n = data.draw(st.integers(1, 6))
    kind = data.draw(st.sampled_from(["corr", "any", "sym"]))
    if kind == "corr":
        Y = data.draw(hnp.arrays(np.float64, (n, 8), elements=st.floats(-10, 10, width=32)))
        with np.errstate(all="ignore"):
            C = np.corrcoef(Y) if n > 1 else np.ones((1, 1))
        C = np.nan_to_num(C, nan=0.0)
    else:
        C = data.draw(hnp.arrays(np.float64, (n, n), elements=st.floats(-1.1, 1.1)))
        if kind == "sym":
            C = (C + C.T) / 2
    check = data.draw(st.booleans())

    def run(f):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                out = f(C, check_input=check)
            except ValueError as e:
                out = type(e)
        return out, sorted(str(x.category.__name__) + str(x.message)[:40] for x in w)

    ours, w1 = run(topodim.correlation_to_distance)
    theirs, w2 = run(ripser_py.correlation_to_distance)
    assert w1 == w2
    if isinstance(theirs, type):
        assert ours is theirs
    else:
        assert np.array_equal(ours, theirs)


def test_correlation_to_distance_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        topodim.correlation_to_distance(np.array([[1.0, np.nan], [np.nan, 1.0]]))


# ==========================================================================================
# Rips
# ==========================================================================================


def test_rips_stores_parameters_only(capsys):
    r = topodim.Rips(maxdim=2, thresh=1.5, coeff=3, do_cocycles=True, n_perm=10, verbose=True)
    assert capsys.readouterr().out == ""
    assert r.get_params() == {"maxdim": 2, "thresh": 1.5, "coeff": 3, "do_cocycles": True,
                              "n_perm": 10, "verbose": True}
    assert not hasattr(r, "dgms_")
    defaults = topodim.Rips().get_params()
    theirs = quiet(ripser_py.Rips)
    assert defaults == {k: getattr(theirs, k) for k in defaults}


@pytest.mark.parametrize("kwargs", [{}, {"maxdim": 2}, {"n_perm": 15, "do_cocycles": True},
                                    {"thresh": 0.4, "coeff": 3}])
def test_rips_as_ripser_py(kwargs):
    X = np.random.default_rng(4).random((40, 2))
    ours = topodim.Rips(**kwargs)
    theirs = quiet(ripser_py.Rips, **kwargs)
    a = ours.fit_transform(X)
    b = theirs.fit_transform(X)
    assert a is ours.dgms_ and len(a) == len(b)
    for x, y in zip(a, b):
        assert x.shape == y.shape and np.allclose(sorted_dgm(x), sorted_dgm(y), rtol=1e-6)
    assert ours.num_edges_ == theirs.num_edges_
    assert np.allclose(ours.dperm2all_, theirs.dperm2all_)
    assert np.array_equal(ours.idx_perm_, theirs.idx_perm_)
    assert np.isclose(ours.r_cover_, theirs.r_cover_)
    assert len(ours.cocycles_) == len(theirs.cocycles_)
    assert ours.metric_ == "euclidean"


def test_rips_distance_matrix_and_metric_positionally():
    X = np.random.default_rng(5).random((20, 3))
    D = np.abs(X[:, None] - X[None]).sum(-1)
    r = topodim.Rips(verbose=False)
    a = r.fit_transform(D, True)
    b = topodim.Rips().transform(X, False, "manhattan")
    c = topodim.Rips().fit_transform(X, False, "manhattan")
    assert_same_dgms(a, b)
    assert_same_dgms(a, c)


def test_rips_in_a_pipeline_and_clone():
    sklearn_base = pytest.importorskip("sklearn.base")
    r = topodim.Rips(maxdim=0, verbose=False)
    c = sklearn_base.clone(r)
    assert c.get_params() == r.get_params() and c is not r
    X = np.random.default_rng(6).random((15, 2))
    assert c.fit(X) is c and len(c.dgms_) == 1
    with pytest.raises(ValueError, match="unknown parameter"):
        r.set_params(maxdims=2)


def test_rips_plot_without_persim(monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.setitem(__import__("sys").modules, "persim", None)
    r = topodim.Rips()
    with pytest.raises(ValueError, match="transform"):
        r.plot()
    import matplotlib.pyplot as plt

    r.fit_transform(np.random.default_rng(7).random((12, 2)))
    plt.figure()  # like persim, plot draws on the current axes: start from empty ones
    ax = r.plot(show=False, title="t")
    assert len(ax.collections) == 2  # one scatter per diagram
    plt.close("all")
    with pytest.raises(TypeError, match="persim"):
        r.plot(xy_range=[0, 1, 0, 1])


def test_rips_plot_without_matplotlib(monkeypatch):
    sys = __import__("sys")
    monkeypatch.setitem(sys.modules, "persim", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    r = topodim.Rips()
    r.fit_transform(np.random.default_rng(8).random((6, 2)))
    with pytest.raises(ImportError, match="pip install persim"):
        r.plot()
