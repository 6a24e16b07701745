"""What PHDim, TwoNN and MLE share: their warning, the check of ``X`` with scikit-learn's
wording, their base class and the nearest-neighbour distances of TwoNN and MLE."""

from __future__ import annotations

import numpy as np

from .._base import EstimatorMixin, NotFittedError
from ._knn import knn_distances

__all__ = ["DimensionEstimator", "NotFittedError", "PHDimWarning", "as_estimator_array", "estimator_knn"]


class PHDimWarning(UserWarning):
    """The PH-dimension estimate is unreliable (alpha >= d regime, poor fit, dropped sizes)."""


def as_estimator_array(X, who: str, *, allow_posinf: bool = False) -> np.ndarray:
    """X as a finite float64 2-D array, with the functional API's checks and scikit-learn's wording."""
    if X is None:
        raise ValueError("X is None; pass an array of shape (n_samples, n_features)")
    try:
        import scipy.sparse as sp  # noqa: PLC0415

        if sp.issparse(X):
            raise TypeError(f"{who} does not take sparse input (a scipy.sparse matrix); pass a dense array (X.toarray())")
    except ImportError:  # pragma: no cover
        pass
    if isinstance(X, (dict, set, frozenset, str, bytes)):
        raise TypeError(f"X must be an array of shape (n_samples, n_features), got a {type(X).__name__}")
    try:
        arr = np.asarray(X)
    except ValueError as exc:  # numpy >= 1.24 refuses ragged nested sequences
        raise ValueError("X is ragged (its rows have different lengths); every row must have the same length") from exc
    if np.iscomplexobj(arr):
        raise ValueError("Complex data not supported; pass real numbers (e.g. np.abs(X) or X.real)")
    if arr.dtype.kind in "US":
        raise ValueError(f"X must be numeric, got strings (dtype {arr.dtype})")
    if arr.dtype.kind in "mM":
        raise TypeError(f"X holds dates or durations (dtype {arr.dtype}); pass numbers, e.g. "
                        "X.astype('datetime64[s]').astype(np.int64) for seconds")
    if arr.dtype == object:
        flat = arr.ravel()
        if any(v is None for v in flat):
            raise ValueError("X contains None (a missing value); remove or impute those entries")
        if any(isinstance(v, (list, tuple, np.ndarray)) for v in flat[:1000]):
            raise ValueError("X is ragged (its rows have different lengths); every row must have the same length")
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            # keep numpy's text ("float() argument must be a string or a real number, not 'dict'")
            raise TypeError(f"X must contain only numbers: {exc}") from exc
        if np.iscomplexobj(arr):  # pragma: no cover - astype(float64) refuses complex objects
            raise ValueError("Complex data not supported; pass real numbers")
    elif not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"X must be numeric, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64, order="C", copy=True)
    if arr.ndim != 2:
        hint = (". Reshape your data either using X.reshape(-1, 1) if your data has a single feature or "
                "X.reshape(1, -1) if it contains a single sample") if arr.ndim == 1 else ""
        what = "a scalar" if arr.ndim == 0 else f"{arr.ndim}D array"
        raise ValueError(f"Expected 2D array, got {what} instead (shape {arr.shape}){hint}")
    bad = np.isnan(arr) | (arr == -np.inf) if allow_posinf else ~np.isfinite(arr)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        what = "NaN" if np.isnan(arr[i, j]) else ("infinity" if arr[i, j] > 0 else "-infinity")
        fix = "remove or impute those rows" if not allow_posinf else "use np.inf (no edge) or finite distances"
        raise ValueError(f"Input X contains {what} (first at [{i}, {j}]); {fix}")
    return arr


class DimensionEstimator(EstimatorMixin):
    """The base of PHDim, TwoNN and MLE: the estimator protocol of :class:`topodim._base.EstimatorMixin`
    with ``transform`` returning the fitted ``dimension_`` and scikit-learn's checks of ``X``."""

    _fitted_attr = "dimension_"

    def transform(self, X=None):
        """The fitted ``dimension_`` (scikit-dimension's convention: a transform returns the estimate).

        ``X`` is optional; when given it is checked to have ``n_features_in_`` columns and
        otherwise ignored (the estimate is of the data passed to ``fit``).
        """
        self._check_fitted("transform")
        if X is not None:
            arr = as_estimator_array(X, type(self).__name__, allow_posinf=self._precomputed())
            if arr.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {arr.shape[1]} features, but {type(self).__name__} is expecting "
                                 f"{self.n_features_in_} features as input")
        return self.dimension_

    def _precomputed(self) -> bool:
        metric = getattr(self, "metric", None)
        return isinstance(metric, str) and metric.strip().lower() == "precomputed"

    def _validate(self, X, min_samples):
        """Points (or a precomputed distance matrix) as float64 (n, d) with scikit-learn's error conventions."""
        name = type(self).__name__
        arr = as_estimator_array(X, name, allow_posinf=self._precomputed())
        n, d = arr.shape
        if d == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
        if n < min_samples:
            raise ValueError(f"Found array with {n} sample(s) (shape={arr.shape}) while a minimum of {min_samples} "
                             f"is required by {name}" + (" (1 sample is not enough)" if n == 1 else ""))
        if self._precomputed():
            if n != d:
                raise ValueError(f"metric='precomputed' needs a square distance matrix, got shape {arr.shape}")
            diag = np.diagonal(arr)
            if np.any(diag != 0):
                i = int(np.argmax(diag != 0))
                raise ValueError(f"metric='precomputed': {name} needs a zero diagonal (X[{i}, {i}] = {diag[i]!r}); "
                                 "a distance matrix with vertex births has no nearest-neighbour or MST reading here")
        self.n_features_in_ = d
        return arr


def estimator_knn(est, X, k):
    """k-NN distances for TwoNN / MLE; metric="precomputed" reads X as a square distance matrix."""
    if est._precomputed():
        if k > X.shape[0] - 1:
            raise ValueError(f"{type(est).__name__} needs at least {k + 1} points, the matrix has {X.shape[0]}")
        T = knn_distances(X, k, distance_matrix=True, n_threads=est.n_threads).astype(np.float64)
        if not np.all(np.isfinite(T)):
            i = int(np.argmax(~np.all(np.isfinite(T), axis=1)))
            raise ValueError(f"{type(est).__name__}: point {i} has fewer than {k} neighbours at a finite distance "
                             "(inf entries of the matrix); give every point enough finite distances or use fewer neighbours")
        return T
    return knn_distances(X, k, metric=est.metric, n_threads=est.n_threads).astype(np.float64)
