"""Input validation for every public entry point.

Each public function calls one of the ``as_*`` / ``check_*`` helpers here exactly once, before any
compiled kernel runs. The helpers turn array-likes into C-contiguous float arrays of the compute
dtype and raise ``ValueError`` / ``TypeError`` with a one-line message that says what was wrong and
how to fix it. Nothing here allocates more than a copy of the input.

The central object is :class:`DistanceInput`, the canonical form of "a finite metric space" that
every distance-based engine (MST, Rips, PH-dimension) consumes:

``kind == "points"``
    ``points`` is an (n, d) array and ``metric`` a name from :data:`NATIVE_METRICS`.
``kind == "dense"``
    ``dense`` is a symmetric (n, n) distance matrix with zero diagonal (vertex births, if any,
    live in ``births``). ``+inf`` off the diagonal means "no edge".
``kind == "condensed"``
    ``condensed`` is the upper triangle in scipy's ``pdist`` order, length n(n-1)/2.
``kind == "sparse"``
    ``indptr, indices, data`` hold a symmetric CSR graph without diagonal entries, column indices
    sorted within each row. Absent entries mean +inf (no edge); explicit zeros are edges of length 0.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from ._config import njit
from ._parallel import address_space_headroom

__all__ = [
    "DistanceInput",
    "InputShapeWarning",
    "NATIVE_METRICS",
    "METRIC_ALIASES",
    "as_dtype",
    "as_float_array",
    "as_points",
    "as_distance_input",
    "canonical_metric",
    "check_memory",
    "check_maxdim",
    "check_positive",
    "check_random_state",
    "check_prime",
    "check_nonnegative_int",
    "check_threshold",
    "available_memory",
    "address_space_headroom",
    "cgroup_headroom",
    "memory_limit",
]


class InputShapeWarning(UserWarning):
    """The input's shape suggests a mistake (a distance matrix passed as points, a transpose)."""


#: Metrics computed by topodim's own kernels on point clouds.
NATIVE_METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine")

#: Other spellings users bring from scipy / scikit-learn / ripser.py.
METRIC_ALIASES = {
    "l2": "euclidean",
    "minkowski2": "euclidean",
    "cityblock": "manhattan",
    "l1": "manhattan",
    "taxicab": "manhattan",
    "chebychev": "chebyshev",
    "linf": "chebyshev",
    "infinity": "chebyshev",
    "precomputed": "precomputed",
}


# --------------------------------------------------------------------------------------------
# messages and small helpers
# --------------------------------------------------------------------------------------------


def _user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first frame outside topodim."""
    package_dir = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package_dir):
        frame = frame.f_back
        level += 1
    return level


def warn(message: str, category=UserWarning) -> None:
    """``warnings.warn`` pointing at the user's call site."""
    warnings.warn(message, category, stacklevel=_user_stacklevel())


def as_dtype(dtype) -> np.dtype:
    """The compute dtype: ``np.float64`` (default) or ``np.float32``."""
    if dtype is None:
        return np.dtype(np.float64)
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from exc
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be float32 or float64, got {dt.name}")
    return dt


def as_float_array(X, name: str = "X", dtype=np.float64) -> np.ndarray:
    """Convert an array-like to a C-contiguous float array of ``dtype``.

    Rejects ragged nesting, non-numeric and complex input with a ``TypeError`` / ``ValueError``
    naming ``name``. Does not check shape or finiteness.
    """
    dt = as_dtype(dtype)
    if X is None:
        raise TypeError(f"{name} is None; pass an array of numbers")
    if _is_sparse(X):
        raise TypeError(f"{name} is a scipy.sparse matrix; pass distance_matrix=True to use it as a graph")
    try:
        arr = np.asarray(X)
    except ValueError as exc:  # numpy >= 1.24 refuses ragged nested sequences
        raise ValueError(
            f"{name} is ragged (its rows have different lengths); every row must have the same length"
        ) from exc
    if arr.ndim == 0 and not np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} is a scalar ({arr.item()!r}); pass an array")
    if arr.dtype == object:
        missing = np.fromiter((v is None for v in arr.ravel()), dtype=bool, count=arr.size)
        if missing.any():
            where = [int(v) for v in np.unravel_index(int(np.argmax(missing)), arr.shape)]
            raise ValueError(f"{name} contains None (a missing value) at index {where}; replace it by a number")
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            if any(isinstance(v, (list, tuple, np.ndarray)) for v in arr.ravel()[:1000]):
                raise ValueError(
                    f"{name} is ragged (its rows have different lengths); every row must have the same length"
                ) from exc
            raise TypeError(f"{name} must contain only numbers; found non-numeric entries") from exc
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} is complex ({arr.dtype}); pass real numbers (e.g. np.abs(X) or X.real)")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    # ascontiguousarray turns a 0-D array into shape (1,); keep the shape for the messages
    return np.ascontiguousarray(arr, dtype=dt).reshape(arr.shape)


def _is_sparse(X) -> bool:
    try:
        import scipy.sparse as sp
    except ImportError:  # pragma: no cover - scipy is a core dependency
        return False
    return sp.issparse(X)


def _first_bad(mask: np.ndarray):
    idx = np.argwhere(mask)
    return tuple(int(v) for v in idx[0]) if len(idx) else None


def _check_finite(arr: np.ndarray, name: str, allow_posinf: bool = False) -> None:
    if allow_posinf:
        bad = np.isnan(arr) | (arr == -np.inf)
    else:
        bad = ~np.isfinite(arr)
    if bad.any():
        where = _first_bad(bad)
        value = arr[where]
        what = "NaN" if np.isnan(value) else ("inf" if value > 0 else "-inf")
        fix = "remove or impute those rows" if arr.ndim == 2 and not allow_posinf else "replace them"
        raise ValueError(f"{name} contains {what} (first at index {list(where)}); {fix}")


def canonical_metric(metric) -> str:
    """Lower-case name with aliases resolved; callables and scipy names are returned as given."""
    if callable(metric):
        return metric
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a string or a callable, got {type(metric).__name__}")
    name = metric.strip().lower()
    name = METRIC_ALIASES.get(name, name)
    if name in NATIVE_METRICS or name == "precomputed":
        return name
    from scipy.spatial.distance import _METRICS_NAMES  # noqa: PLC0415

    if name in _METRICS_NAMES:
        return name
    raise ValueError(
        f"unknown metric {metric!r}; use one of {', '.join(NATIVE_METRICS)}, 'precomputed', "
        "a scipy.spatial.distance metric name or a callable"
    )


# --------------------------------------------------------------------------------------------
# points
# --------------------------------------------------------------------------------------------


def as_points(X, dtype=np.float64, name: str = "X", min_points: int = 2, warn_shape: bool = True):
    """Validate a point cloud: a finite 2-D (n_points, n_features) float array, C-contiguous."""
    arr = as_float_array(X, name=name, dtype=dtype)
    if arr.ndim != 2:
        hint = " (for 1-D data use X.reshape(-1, 1))" if arr.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (n_points, n_features), got {arr.ndim}-D shape {arr.shape}{hint}")
    n, d = arr.shape
    if (n == 0 and min_points > 0) or (d == 0 and n > 0):
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass at least {min_points} points with at least 1 feature")
    if n < min_points:
        raise ValueError(f"{name} has {n} point{'s' if n != 1 else ''}; at least {min_points} are needed")
    _check_finite(arr, name)
    if warn_shape and n > 0:
        if n == d:
            warn(
                f"{name}: the input matrix is square, but the distance_matrix flag is off, so it is read "
                f"as {n} points in R^{d}; pass distance_matrix=True if it is a distance matrix",
                InputShapeWarning,
            )
        elif d > n:
            warn(
                f"{name}: the input point cloud has more columns than rows ({d} > {n}), so it is read as "
                f"{n} point{'s' if n != 1 else ''} in R^{d}; transpose it if the points are columns",
                InputShapeWarning,
            )
    return arr


# --------------------------------------------------------------------------------------------
# distance matrices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistanceInput:
    """A validated finite metric space (see the module docstring for the four kinds)."""

    kind: str
    n: int
    dtype: np.dtype
    points: np.ndarray | None = None
    metric: str | None = None
    dense: np.ndarray | None = None
    condensed: np.ndarray | None = None
    indptr: np.ndarray | None = None
    indices: np.ndarray | None = None
    data: np.ndarray | None = None
    births: np.ndarray | None = None  # vertex birth values, None when all are zero

    @property
    def has_births(self) -> bool:
        return self.births is not None


@njit
def _dense_report(D, rtol, atol):
    """Scan a square matrix once: (exactly symmetric, first asymmetric i, j,
    first entry below its vertices' births i, j)."""
    n = D.shape[0]
    exact = True
    ai = -1
    aj = -1
    bi = -1
    bj = -1
    for i in range(n):
        bi_birth = D[i, i]
        for j in range(i + 1, n):
            a = D[i, j]
            b = D[j, i]
            if a != b:
                exact = False
                if ai < 0:
                    if a == np.inf or b == np.inf:
                        ai = i
                        aj = j
                    else:
                        scale = max(abs(a), abs(b))
                        if abs(a - b) > atol + rtol * scale:
                            ai = i
                            aj = j
            m = min(a, b)
            if bi < 0 and m < max(bi_birth, D[j, j]):
                bi = i
                bj = j
    return exact, ai, aj, bi, bj


def _symmetric_tolerance(dtype):
    return (1e-5, 1e-12) if dtype == np.float64 else (1e-4, 1e-6)


@njit
def _clamp_to_births(D):
    """Raise every off-diagonal entry below max(D[i, i], D[j, j]) to that value, in place;
    returns how many entries were raised."""
    n = D.shape[0]
    count = 0
    for i in range(n):
        for j in range(n):
            if i != j:
                b = max(D[i, i], D[j, j])
                if D[i, j] < b:
                    D[i, j] = b
                    count += 1
    return count


@njit
def _mirror_upper(D):
    """Make D symmetric in place from its upper triangle: D[j, i] = D[i, j] for i < j."""
    n = D.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            D[j, i] = D[i, j]


def _own_copy(D: np.ndarray, name: str) -> np.ndarray:
    check_memory(D.nbytes, f"a working copy of the {D.shape[0]}x{D.shape[1]} matrix {name}",
                 "pass a symmetric matrix with edges no lower than their vertices' births, or "
                 "dtype=np.float32")
    return D.copy()


def _dense_message_square(name, shape):
    return (
        f"{name} has shape {shape}: Distance matrix is not square; pass distance_matrix=False for a "
        "point cloud, or a condensed (1-D) matrix"
    )


def _check_dense_distance_matrix(D: np.ndarray, name: str, ripser_compat: bool = False) -> DistanceInput:
    n = D.shape[0]
    if D.shape[0] != D.shape[1]:
        raise ValueError(_dense_message_square(name, D.shape))
    if n < 2 and not ripser_compat:
        raise ValueError(f"{name} is a {n}x{n} distance matrix; at least 2 points are needed")
    _check_finite(D, name, allow_posinf=True)
    diag = np.diagonal(D)
    if not np.all(np.isfinite(diag)):
        i = int(np.argmax(~np.isfinite(diag)))
        raise ValueError(f"{name} has a non-finite diagonal entry at [{i}, {i}]; the diagonal holds vertex births and must be finite")
    if not ripser_compat:
        neg = D < 0
        if neg.any():
            i, j = _first_bad(neg)
            raise ValueError(f"{name} has a negative entry {D[i, j]!r} at [{i}, {j}]; distances must be >= 0")
    rtol, atol = _symmetric_tolerance(D.dtype)
    exact, ai, aj, bi, bj = _dense_report(D, rtol, atol)
    if ripser_compat:
        # the caller's array is never modified: work on one copy, made when first needed
        own = False
        if not exact:
            if ai >= 0:
                warn(
                    f"{name} is not symmetric ([{ai}, {aj}] = {D[ai, aj]!r} but [{aj}, {ai}] = "
                    f"{D[aj, ai]!r}); its upper triangle {name}[i, j], i < j, is used, as ripser.py does; "
                    "pass np.minimum(D, D.T) or (D + D.T) / 2 to choose otherwise"
                )
            D = _own_copy(D, name)
            own = True
            _mirror_upper(D)
            bi = 0 if n > 1 else -1  # re-checked below on the symmetric matrix
        if bi >= 0:
            if not own:
                D = _own_copy(D, name)
                own = True
            raised = _clamp_to_births(D)
            if raised:
                warn(
                    f"{name} has {raised // 2} edge{'s' if raised > 2 else ''} below the birth value of "
                    "its vertices (the diagonal, 0 when absent); such an edge enters the filtration with "
                    "its later vertex, max(D[i, i], D[j, j]), so that every simplex follows its faces"
                )
        births = None
        if np.any(np.diagonal(D) != 0):
            births = np.diagonal(D).copy()
            if not own:
                D = _own_copy(D, name)
            np.fill_diagonal(D, 0)
        return DistanceInput(kind="dense", n=n, dtype=D.dtype, dense=np.ascontiguousarray(D), births=births)
    else:
        if ai >= 0:
            raise ValueError(
                f"{name} is not symmetric: [{ai}, {aj}] = {D[ai, aj]!r} but [{aj}, {ai}] = {D[aj, ai]!r}; "
                "pass (D + D.T) / 2 or np.minimum(D, D.T)"
            )
        if bi >= 0:
            raise ValueError(
                f"{name}[{bi}, {bj}] = {min(D[bi, bj], D[bj, bi])!r} is below the vertex birth "
                f"max({name}[{bi}, {bi}], {name}[{bj}, {bj}]) = {max(D[bi, bi], D[bj, bj])!r}; an edge cannot "
                "enter the filtration before its vertices (the diagonal holds vertex birth values)"
            )
    births = None
    if np.any(diag != 0):
        births = np.ascontiguousarray(diag, dtype=D.dtype)
    if not exact or births is not None:
        D = np.minimum(D, D.T)  # within tolerance: take the smaller value, as for sparse input
        np.fill_diagonal(D, 0)
    return DistanceInput(kind="dense", n=n, dtype=D.dtype, dense=np.ascontiguousarray(D), births=births)


def condensed_size_to_n(m: int) -> int:
    """n such that n(n-1)/2 == m, or -1 when m is not a triangular number."""
    n = int((1 + math.isqrt(1 + 8 * m)) // 2)
    return n if n * (n - 1) // 2 == m else -1


def _check_condensed(v: np.ndarray, name: str, ripser_compat: bool = False) -> DistanceInput:
    m = v.shape[0]
    n = condensed_size_to_n(m)
    if n < 0:
        raise ValueError(
            f"{name} is 1-D with {m} entries, which is not n(n-1)/2 for any n; a condensed distance "
            "matrix holds the upper triangle in scipy.spatial.distance.pdist order"
        )
    if n < 2 and not ripser_compat:
        raise ValueError(f"{name} is an empty condensed distance matrix; at least 2 points are needed")
    _check_finite(v, name, allow_posinf=True)
    if (v < 0).any():
        k = int(np.argmax(v < 0))
        if not ripser_compat:
            raise ValueError(f"{name} has a negative entry {v[k]!r} at position {k}; distances must be >= 0")
        count = int(np.count_nonzero(v < 0))
        warn(
            f"{name} has {count} negative entr{'ies' if count > 1 else 'y'} (first {v[k]!r} at position {k}), "
            "below the birth 0 of their vertices; such an edge enters the filtration at 0, with its "
            "vertices, so that every simplex follows its faces"
        )
        v = np.maximum(v, 0)
    return DistanceInput(kind="condensed", n=n, dtype=v.dtype, condensed=v)


def _check_sparse(A, name: str, dtype, ripser_compat: bool = False) -> DistanceInput:
    """Canonicalise any scipy.sparse matrix into a symmetric CSR graph.

    Conventions: a matrix of shape (r, c) is a graph on max(r, c) vertices (giotto-ph's reading);
    absent off-diagonal entries are +inf (no edge); explicit zeros are edges of length
    0; duplicate entries and the two triangles are combined by taking the minimum (never summed);
    an explicit +inf is the same as absent; diagonal entries are vertex births (absent = 0).
    """
    import scipy.sparse as sp  # noqa: PLC0415

    if A.ndim != 2:
        raise ValueError(f"{name} is a sparse matrix of shape {A.shape}; a distance matrix is 2-D")
    # a (r, c) matrix is a graph on max(r, c) vertices (COO matrices built without shape= are
    # routinely non-square); the missing rows / columns are vertices without stored entries
    n = max(A.shape)
    if n < 2 and not ripser_compat:
        raise ValueError(f"{name} is a {A.shape[0]}x{A.shape[1]} sparse distance matrix; at least 2 points are needed")
    if np.iscomplexobj(A.data if hasattr(A, "data") else np.zeros(0)):
        raise TypeError(f"{name} is complex; pass real distances")
    coo = sp.coo_matrix(A)  # keeps duplicates and explicit zeros
    row = np.asarray(coo.row, dtype=np.int64)
    col = np.asarray(coo.col, dtype=np.int64)
    try:
        val = np.asarray(coo.data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must contain numbers; got dtype {coo.data.dtype}") from exc
    if np.isnan(val).any() or (val == -np.inf).any():
        k = int(np.argmax(np.isnan(val) | (val == -np.inf)))
        raise ValueError(f"{name} has entry {val[k]!r} at [{row[k]}, {col[k]}]; distances must be numbers >= 0")
    if (val < 0).any() and not ripser_compat:
        k = int(np.argmax(val < 0))
        raise ValueError(f"{name} has a negative entry {val[k]!r} at [{row[k]}, {col[k]}]; distances must be >= 0")
    on_diag = row == col
    births = np.zeros(n, dtype=np.float64)
    if on_diag.any():
        if not np.isfinite(val[on_diag]).all():
            k = int(np.flatnonzero(on_diag & ~np.isfinite(val))[0])
            raise ValueError(f"{name} has a non-finite diagonal entry at [{row[k]}, {row[k]}]; the diagonal holds vertex births")
        # duplicate diagonal entries: the smallest wins, like off-diagonal duplicates
        births[:] = np.inf
        np.minimum.at(births, row[on_diag], val[on_diag])
        births[np.isinf(births)] = 0.0
    keep = ~on_diag & np.isfinite(val)
    r, c, v = row[keep], col[keep], val[keep]
    # symmetrise: both (i, j) and (j, i), then keep the minimum of duplicates
    lo = np.minimum(r, c)
    hi = np.maximum(r, c)
    order = np.lexsort((v, hi, lo))
    lo, hi, v = lo[order], hi[order], v[order]
    first = np.ones(len(lo), dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, v = lo[first], hi[first], v[first]
    below = v < np.maximum(births[lo], births[hi])
    if below.any() and ripser_compat:
        count = int(np.count_nonzero(below))
        warn(
            f"{name} has {count} edge{'s' if count > 1 else ''} below the birth value of its vertices "
            "(the diagonal, 0 when absent); such an edge enters the filtration with its later vertex, "
            "max(births), so that every simplex follows its faces"
        )
        v = np.maximum(v, np.maximum(births[lo], births[hi]))
    elif below.any():
        k = int(np.argmax(below))
        raise ValueError(
            f"{name}[{lo[k]}, {hi[k]}] = {v[k]!r} is below the vertex birth {max(births[lo[k]], births[hi[k]])!r}; "
            "an edge cannot enter the filtration before its vertices (the diagonal holds vertex birth values)"
        )
    rows = np.concatenate([lo, hi])
    cols = np.concatenate([hi, lo])
    vals = np.concatenate([v, v])
    order = np.lexsort((cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, rows + 1, 1)
    np.cumsum(indptr, out=indptr)
    dt = as_dtype(dtype)
    return DistanceInput(
        kind="sparse",
        n=n,
        dtype=dt,
        indptr=indptr,
        indices=np.ascontiguousarray(cols, dtype=np.int64),
        data=np.ascontiguousarray(vals, dtype=dt),
        births=np.ascontiguousarray(births, dtype=dt) if np.any(births != 0) else None,
    )


def as_distance_input(
    X, distance_matrix: bool = False, metric="euclidean", dtype=np.float64, name: str = "X",
    ripser_compat: bool = False,
) -> DistanceInput:
    """Validate any input of a distance-based entry point into a :class:`DistanceInput`.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix
        Points (n, d) when ``distance_matrix`` is False; otherwise a square (n, n) distance matrix,
        a condensed 1-D matrix of length n(n-1)/2, or a scipy.sparse matrix.
    distance_matrix : bool
        Whether ``X`` holds distances. ``metric="precomputed"`` means the same.
    metric : str or callable
        For points: a name from :data:`NATIVE_METRICS` (computed by topodim's kernels, O(n·d)
        memory), any other scipy.spatial.distance metric name or a callable (computed by
        scipy's ``pdist`` into a condensed matrix, O(n²) memory).
    dtype : float64 (default) or float32
        The compute dtype; results keep it.
    ripser_compat : bool, default False
        Accept what ripser.py accepts (for :func:`topodim.ripser`): fewer than 2 points (n = 0 or
        1); negative values; an edge below the birth value of its vertices (the diagonal, 0 when
        absent) enters with its later vertex, with a warning; a dense matrix that is not symmetric
        is read through its upper triangle (``X[i, j]`` for ``i < j``), with a warning beyond
        roundoff. Without it these raise ``ValueError``.
    """
    dt = as_dtype(dtype)
    metric = canonical_metric(metric)
    if metric == "precomputed":
        distance_matrix = True
    if not isinstance(distance_matrix, (bool, np.bool_)):
        raise TypeError(f"distance_matrix must be True or False, got {distance_matrix!r}")
    if distance_matrix:
        if _is_sparse(X):
            return _check_sparse(X, name, dt, ripser_compat)
        D = as_float_array(X, name=name, dtype=dt)
        if D.ndim == 1:
            return _check_condensed(D, name, ripser_compat)
        if D.ndim != 2:
            raise ValueError(f"{name} must be a square distance matrix or a condensed 1-D matrix, got {D.ndim}-D shape {D.shape}")
        if D.size == 0 and not (ripser_compat and D.shape == (0, 0)):
            if D.shape[0] != D.shape[1]:
                raise ValueError(_dense_message_square(name, D.shape))
            raise ValueError(f"{name} is empty; at least 2 points are needed")
        return _check_dense_distance_matrix(D, name, ripser_compat)
    if _is_sparse(X):
        raise TypeError(f"{name} is a scipy.sparse matrix; pass distance_matrix=True to use it as a distance matrix")
    P = as_points(X, dtype=dt, name=name, min_points=0 if ripser_compat else 2)
    if P.shape[0] < 2:
        return DistanceInput(kind="points", n=P.shape[0], dtype=dt, points=P,
                             metric=metric if isinstance(metric, str) else "euclidean")
    if metric in NATIVE_METRICS:
        if metric == "cosine":
            norms = np.max(np.abs(P), axis=1)  # zero exactly for the zero vector, however small the others
            if (norms == 0).any():
                i = int(np.argmax(norms == 0))
                raise ValueError(f"cosine distance is undefined for the zero vector {name}[{i}]; remove it or use another metric")
        return DistanceInput(kind="points", n=P.shape[0], dtype=dt, points=P, metric=metric)
    # a scipy metric or a callable: condensed matrix through scipy, after a memory check
    n = P.shape[0]
    check_memory(n * (n - 1) // 2 * 8, f"the condensed distance matrix of {n} points for metric {metric!r}",
                 "use a native metric (" + ", ".join(NATIVE_METRICS) + ") which needs no n x n matrix")
    from scipy.spatial.distance import pdist  # noqa: PLC0415

    try:
        v = pdist(P.astype(np.float64), metric=metric)
    except Exception as exc:  # scipy / user callables raise all sorts
        raise ValueError(f"metric {metric!r} failed on {name}: {exc}") from exc
    v = np.ascontiguousarray(v, dtype=dt)
    return _check_condensed(v, f"the {metric} distances of {name}", ripser_compat)


# --------------------------------------------------------------------------------------------
# scalars and memory
# --------------------------------------------------------------------------------------------


def check_nonnegative_int(value, name: str, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum`` (bools are not integers here); TypeError / ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_positive(value, name: str) -> float:
    """``value`` as a finite float > 0 (bools are refused); TypeError / ValueError."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number > 0, got a bool")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number > 0, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def check_random_state(random_state) -> np.random.Generator:
    """A ``numpy.random.Generator`` from None, a non-negative int, a SeedSequence, a Generator
    (returned as it is) or a legacy RandomState (which seeds a new Generator by one draw)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, bool):
        raise TypeError("random_state must be None, an int, a SeedSequence or a Generator, got a bool")
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(random_state, numbers.Integral) and random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got {random_state}")
        return np.random.default_rng(random_state)
    raise TypeError(
        f"random_state must be None, an int, a numpy SeedSequence or Generator, got {type(random_state).__name__}"
    )


#: The largest ``maxdim`` accepted. A complex on n vertices has homology only up to dimension
#: n - 2 (a Rips complex) or its own dimension, and the simplex indices of dimension k need
#: C(n, k + 1) < 2**62; the diagrams above that are empty but one is still returned per dimension
#: (as ripser.py does), so an absurd maxdim would only allocate millions of empty diagrams.
MAX_DIMENSION = 10_000


def check_maxdim(value, name: str = "maxdim") -> int:
    """A homology dimension in 0..:data:`MAX_DIMENSION`."""
    value = check_nonnegative_int(value, name)
    if value > MAX_DIMENSION:
        raise ValueError(
            f"{name}={value} is above {MAX_DIMENSION:,}; homology of a complex on n vertices stops "
            f"at dimension n - 2 (or the complex's own dimension): pass a {name} of at most that"
        )
    return value


def is_prime(p: int) -> bool:
    if p < 2:
        return False
    if p < 4:
        return True
    if p % 2 == 0:
        return False
    k = 3
    while k * k <= p:
        if p % k == 0:
            return False
        k += 2
    return True


def check_prime(coeff, name: str = "coeff", maximum: int = 32749) -> int:
    """A prime field characteristic p with 2 <= p <= maximum."""
    if isinstance(coeff, bool) or not isinstance(coeff, numbers.Integral):
        raise TypeError(f"{name} must be a prime integer, got {coeff!r}")
    p = int(coeff)
    if not is_prime(p):
        raise ValueError(f"{name} must be a prime (coefficients in Z/p), got {p}")
    if p > maximum:
        raise ValueError(f"{name} = {p} is above the largest supported prime field size {maximum}")
    return p


def check_threshold(thresh, name: str = "thresh", allow_negative: bool = False) -> float:
    """A non-negative threshold (any real with ``allow_negative``); ``np.inf`` (no threshold)
    allowed, NaN and -inf not."""
    if thresh is None:
        return math.inf
    try:
        t = float(thresh)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a number, got {thresh!r}") from exc
    if math.isnan(t):
        raise ValueError(f"{name} is NaN; pass a number >= 0 or np.inf")
    if t == -math.inf:
        raise ValueError(f"{name} is -inf; pass a number or np.inf")
    if t < 0 and not allow_negative:
        raise ValueError(f"{name} must be >= 0, got {t}")
    return t


def available_memory() -> int:
    """Bytes of memory available to this process (MemAvailable on Linux), or 0 when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 0


def format_bytes(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(nbytes) < 1024 or unit == "TB":
            return f"{nbytes:.1f} {unit}" if unit != "B" else f"{int(nbytes)} B"
        nbytes /= 1024
    return f"{nbytes:.1f} TB"  # pragma: no cover


#: Address space left free beyond an allocation that is checked against an address-space limit
#: (``ulimit -v``): small allocations made later (C++ containers of the thread pool, Python
#: objects) must still succeed, since one failing there aborts the process.
ADDRESS_SPACE_SLACK = 64 << 20

_UNLIMITED_CGROUP = 1 << 60


def _read_int(path: str) -> int | None:
    try:
        with open(path) as fh:
            text = fh.read().strip()
    except OSError:
        return None
    if text == "max":
        return None
    try:
        v = int(text)
    except ValueError:
        return None
    return None if v >= _UNLIMITED_CGROUP else v


def cgroup_headroom(proc_cgroup: str = "/proc/self/cgroup", root: str = "/sys/fs/cgroup") -> int | None:
    """Bytes the memory cgroup of this process may still charge: ``memory.max`` minus
    ``memory.current`` (cgroup v2) or ``memory.limit_in_bytes`` minus ``memory.usage_in_bytes``
    (v1), the smallest over the cgroup and its ancestors; None without a limit. The paths are
    parameters for tests."""
    try:
        with open(proc_cgroup) as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    best = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _hid, controllers, path = parts
        if controllers == "":
            top, lim_name, use_name = root, "memory.max", "memory.current"
        elif "memory" in controllers.split(","):
            top, lim_name, use_name = os.path.join(root, "memory"), "memory.limit_in_bytes", "memory.usage_in_bytes"
        else:
            continue
        rel = path.strip("/")
        while True:
            d = os.path.join(top, rel) if rel else top
            lim = _read_int(os.path.join(d, lim_name))
            if lim is not None:
                use = _read_int(os.path.join(d, use_name)) or 0
                room = max(lim - use, 0)
                best = room if best is None else min(best, room)
            if not rel:
                break
            rel = os.path.dirname(rel)
    return best


def memory_limit() -> tuple[int, str]:
    """``(bytes, source)``: what one more allocation may take, the smallest of

    * available memory: ``TOPODIM_MEMORY_LIMIT`` (bytes, :data:`topodim._config.MEMORY_LIMIT`)
      when set, else /proc/meminfo's MemAvailable;
    * the address space left under RLIMIT_AS (``ulimit -v``), less a slack for small
      allocations (:data:`ADDRESS_SPACE_SLACK`; the thread pool is started before that by
      :func:`topodim._parallel.thread_limit`);
    * the room left in the memory cgroup (``memory.max`` / ``memory.limit_in_bytes``).

    ``bytes`` is 0 when nothing is known (no check)."""
    from . import _config  # noqa: PLC0415  (the module, so that its MEMORY_LIMIT is read now)

    if _config.MEMORY_LIMIT is not None:
        best, source = _config.MEMORY_LIMIT, "TOPODIM_MEMORY_LIMIT"
    else:
        best, source = available_memory(), "available memory"
    known = best > 0  # 0: MemAvailable unknown (nothing to compare with)
    room = address_space_headroom()
    if room is not None:
        room = max(room - ADDRESS_SPACE_SLACK, 0)
        if not known or room < best:
            best, source, known = room, "the address-space limit (ulimit -v)", True
    cg = cgroup_headroom()
    if cg is not None and (not known or cg < best):
        best, source = cg, "the memory cgroup limit"
    return max(int(best), 0), source


def check_memory(nbytes: int, what: str, way_out: str) -> None:
    """Raise ``MemoryError`` before allocating ``nbytes`` if it would not fit.

    The room is the smallest of the available memory, the address space left under
    ``ulimit -v`` (RLIMIT_AS) and the room left in the memory cgroup (see :func:`memory_limit`).
    ``TOPODIM_MEMORY_LIMIT`` (bytes; read once, at import, into
    :data:`topodim._config.MEMORY_LIMIT`) replaces the detected available memory, for tests and
    for users who share a machine; the address-space and cgroup limits still apply.
    """
    limit, source = memory_limit()
    if nbytes > limit and (limit > 0 or source not in ("available memory", "TOPODIM_MEMORY_LIMIT")):
        raise MemoryError(
            f"{what} needs {format_bytes(nbytes)} but only {format_bytes(limit)} is available "
            f"({source}); {way_out}"
        )


def check_estimate_args(X, n_points, n_perm, distance_matrix) -> None:
    """Argument checks of :func:`topodim.rips.estimate_memory` (types and ranges only).

    ``X`` must be None, an array-like of points / distances (1-D only as a condensed distance
    matrix) or a scipy.sparse matrix; ``n_points`` a positive integer; ``n_perm`` None or a
    positive integer.
    """
    if n_points is not None:
        check_nonnegative_int(n_points, "n_points", minimum=1)
    if n_perm is not None:  # 0 means no subsampling, as in ripser
        check_nonnegative_int(n_perm, "n_perm", minimum=0)
    if X is None or _is_sparse(X):
        return
    if isinstance(X, (dict, set, frozenset, str, bytes)):
        raise TypeError(f"X must be an array of points or distances, or a scipy.sparse matrix; got a {type(X).__name__}")
    try:
        shape = np.shape(X)
    except ValueError as exc:  # numpy >= 1.24 refuses ragged nesting
        raise ValueError("X is ragged (its rows have different lengths); every row must have the same length") from exc
    if len(shape) == 0:
        raise TypeError(f"X must be an array of points or distances, got the scalar {X!r}; "
                        "to estimate by size pass n_points=... instead")
    if len(shape) == 1 and not distance_matrix:
        raise ValueError(f"X is 1-D (shape {shape}); pass points of shape (n, d), a condensed distance matrix "
                         "with distance_matrix=True, or n_points=...")
    if len(shape) > 2:
        raise ValueError(f"X must be 2-D (points or a distance matrix), got shape {shape}")
    if shape[0] == 0:
        raise ValueError("X is empty; pass at least 1 point")
