"""Distance inputs: point clouds, dense, condensed and sparse distance matrices validated into one
:class:`DistanceInput`, the canonical form of "a finite metric space" that every distance-based
engine (MST, Rips, PH-dimension) consumes:

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
from dataclasses import dataclass

import numpy as np

from .._config import njit
from .arrays import (
    NATIVE_METRICS,
    _check_finite,
    _first_bad,
    _is_sparse,
    as_dtype,
    as_float_array,
    as_points,
    canonical_metric,
    warn,
)
from .memory import check_memory
from .scalars import check_nonnegative_int

__all__ = ["DistanceInput", "as_distance_input", "condensed_size_to_n", "check_estimate_args"]


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
