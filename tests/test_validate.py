"""Every bad input gets a clear, one-line error; accepted inputs are canonicalised as documented."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import topodim
from topodim._validate import InputShapeWarning, as_distance_input, check_memory, check_prime, check_threshold


def one_line(excinfo):
    msg = str(excinfo.value)
    assert msg and "\n" not in msg
    return msg


ENTRY_POINTS = [topodim.ph0, topodim.mst]


@pytest.mark.parametrize("fn", ENTRY_POINTS)
@pytest.mark.parametrize(
    "X, exc, match",
    [
        (np.array([[0.0, 1.0], [np.nan, 2.0]]), ValueError, "NaN"),
        (np.array([[0.0, 1.0], [np.inf, 2.0]]), ValueError, "inf"),
        (np.empty((0, 3)), ValueError, "empty"),
        (np.empty((5, 0)), ValueError, "empty"),
        ([[1.0, 2.0]], ValueError, "at least 2"),
        ([[1.0, 2.0], [3.0]], ValueError, "ragged"),
        ([["a", "b"], ["c", "d"]], TypeError, "numeric"),
        (np.array([[1 + 1j, 2], [3, 4]]), TypeError, "complex"),
        (np.zeros((2, 2, 2)), ValueError, "2-D"),
        (np.zeros(5), ValueError, "2-D"),
        (None, TypeError, "None"),
        (np.array([[object(), 1], [2, 3]], dtype=object), TypeError, "numbers"),
    ],
)
def test_bad_point_clouds(fn, X, exc, match):
    with pytest.raises(exc, match=match) as info:
        fn(X)
    one_line(info)


@pytest.mark.parametrize(
    "D, match",
    [
        (np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0]]), "square"),
        (np.array([[0.0, 1.0], [2.0, 0.0]]), "not symmetric"),
        (np.array([[0.0, -1.0], [-1.0, 0.0]]), "negative"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), "NaN"),
        (np.array([[np.inf, 1.0], [1.0, 0.0]]), "diagonal"),
        (np.array([[0.0, 1.0], [1.0, 2.0]]), "vertex birth"),
        (np.array([[0.0]]), "at least 2"),
        (np.array([1.0, 2.0]), "n\\(n-1\\)/2"),
        (np.array([1.0, -2.0, 3.0]), "negative"),
        (np.array([1.0, np.nan, 3.0]), "NaN"),
    ],
)
def test_bad_distance_matrices(D, match):
    with pytest.raises(ValueError, match=match) as info:
        topodim.ph0(D, distance_matrix=True)
    one_line(info)


@pytest.mark.parametrize(
    "A, exc, match",
    [
        (sp.coo_matrix(([-1.0], ([0], [1])), shape=(3, 3)), ValueError, "negative"),
        (sp.coo_matrix(([np.nan], ([0], [1])), shape=(3, 3)), ValueError, "nan"),
        (sp.coo_matrix(([1.0, 2.0], ([0, 1], [1, 1])), shape=(3, 3)), ValueError, "vertex birth"),
        (sp.csr_matrix((1, 1)), ValueError, "at least 2"),
    ],
)
def test_bad_sparse_matrices(A, exc, match):
    with pytest.raises(exc, match=match) as info:
        topodim.ph0(A, distance_matrix=True)
    one_line(info)


def test_non_square_sparse_is_a_graph_on_max_shape_vertices():
    A = sp.coo_matrix(([1.0, 2.0], ([0, 1], [1, 4])))  # shape (2, 5)
    inp = as_distance_input(A, distance_matrix=True)
    assert inp.n == 5 and inp.indptr.shape == (6,)
    assert np.array_equal(topodim.ph0(A, distance_matrix=True)[:, 1], [1.0, 2.0, np.inf, np.inf, np.inf])


def test_sparse_without_distance_matrix_flag_is_refused():
    with pytest.raises(TypeError, match="distance_matrix=True"):
        topodim.ph0(sp.eye(3, format="csr"))


def test_sparse_canonicalisation():
    # duplicates in COO are combined by the minimum (never summed); triangles too; explicit zero kept
    A = sp.coo_matrix(
        ([5.0, 3.0, 4.0, 0.0, 7.0], ([0, 0, 1, 2, 3], [1, 1, 0, 3, 2])), shape=(4, 4)
    )
    inp = as_distance_input(A, distance_matrix=True)
    assert inp.kind == "sparse"
    dense = np.full((4, 4), np.inf)
    for i in range(4):
        for k in range(inp.indptr[i], inp.indptr[i + 1]):
            dense[i, inp.indices[k]] = inp.data[k]
    assert dense[0, 1] == dense[1, 0] == 3.0
    assert dense[2, 3] == dense[3, 2] == 0.0
    assert np.isinf(dense[0, 2])
    for i in range(4):  # sorted column indices per row
        assert np.all(np.diff(inp.indices[inp.indptr[i]:inp.indptr[i + 1]]) > 0)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok", "bsr"])
def test_every_scipy_sparse_format_is_accepted(fmt):
    D = np.array([[0, 1, 4], [1, 0, 2], [4, 2, 0]], dtype=float)
    A = sp.csr_matrix(D).asformat(fmt)
    np.testing.assert_array_equal(topodim.mst(A, distance_matrix=True).lengths, [1.0, 2.0])


def test_nearly_symmetric_matrix_is_accepted_and_symmetrised():
    D = np.array([[0, 1, 2], [1 + 1e-12, 0, 3], [2, 3, 0]], dtype=float)
    inp = as_distance_input(D, distance_matrix=True)
    np.testing.assert_array_equal(inp.dense, inp.dense.T)


def test_square_input_without_flag_warns():
    D = np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0]], dtype=float)
    with pytest.warns(InputShapeWarning, match="distance_matrix=True"):
        topodim.ph0(D)


def test_more_columns_than_rows_warns():
    with pytest.warns(InputShapeWarning, match="more columns"):
        topodim.ph0(np.random.default_rng(0).random((3, 10)))


def test_ordinary_input_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        topodim.ph0(np.random.default_rng(0).random((10, 3)))


def test_integer_and_boolean_input_are_converted():
    X = np.array([[0, 0], [3, 4], [6, 8]])
    np.testing.assert_array_equal(topodim.ph0(X)[:-1, 1], [5.0, 5.0])
    assert topodim.ph0(X.astype(bool)).dtype == np.float64


def test_list_and_float32_input():
    dgm = topodim.ph0([[0.0], [1.0], [3.0]], dtype="float32")
    assert dgm.dtype == np.float32
    np.testing.assert_array_equal(dgm[:-1, 1], [1.0, 2.0])


@pytest.mark.parametrize("dtype", ["int32", np.float16, "complex128", "foo"])
def test_bad_dtype(dtype):
    with pytest.raises(TypeError, match="float32 or float64"):
        topodim.ph0([[0.0], [1.0]], dtype=dtype)


@pytest.mark.parametrize("metric", ["nonsense", 3])
def test_bad_metric(metric):
    with pytest.raises((ValueError, TypeError), match="metric"):
        topodim.ph0([[0.0], [1.0]], metric=metric)


def test_cosine_zero_vector():
    with pytest.raises(ValueError, match="zero vector"):
        topodim.ph0([[0.0, 0.0], [1.0, 1.0]], metric="cosine")


@pytest.mark.parametrize("n_threads, exc", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_bad_thread_counts(n_threads, exc):
    with pytest.raises(exc, match="n_threads"):
        topodim.ph0([[0.0], [1.0]], n_threads=n_threads)


@pytest.mark.parametrize("thresh, exc", [(-1.0, ValueError), (np.nan, ValueError), ("x", TypeError)])
def test_bad_threshold(thresh, exc):
    with pytest.raises(exc, match="thresh"):
        topodim.ph0([[0.0], [1.0]], thresh=thresh)
    with pytest.raises(exc):
        check_threshold(thresh)


def test_check_prime():
    assert check_prime(2) == 2 and check_prime(251) == 251
    for bad in (1, 4, 9, 0, -3):
        with pytest.raises(ValueError, match="prime"):
            check_prime(bad)
    with pytest.raises(TypeError):
        check_prime(2.0)


def test_memory_check_names_the_way_out(monkeypatch):
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", 1000)
    with pytest.raises(MemoryError, match="needs .* only .*; use less"):
        check_memory(10**6, "a test buffer", "use less")
    check_memory(100, "a small buffer", "-")
    with pytest.raises(MemoryError, match="condensed"):
        topodim.pairwise_distances(np.zeros((100, 2)), condensed=True)
