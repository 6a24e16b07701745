"""Array checks: array-likes into C-contiguous float arrays, point clouds, metric names, and the
warnings that point at the user's line.

Each helper raises ``ValueError`` / ``TypeError`` with a one-line message that says what was wrong
and how to fix it.
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

__all__ = [
    "InputShapeWarning",
    "NATIVE_METRICS",
    "METRIC_ALIASES",
    "warn",
    "as_dtype",
    "as_float_array",
    "canonical_metric",
    "as_points",
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
    # this file is topodim/_validate/arrays.py: the package directory is two levels up
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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

