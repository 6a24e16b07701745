"""TwoNN (Facco, d'Errico, Rodriguez & Laio, Sci. Rep. 7, 12140, 2017) as an estimator."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import warn
from ._common import DimensionEstimator, PHDimWarning, as_estimator_array, estimator_knn

__all__ = ["TwoNN"]


class TwoNN(DimensionEstimator):
    """TwoNN intrinsic dimension (Facco, d'Errico, Rodriguez & Laio, Sci. Rep. 7, 12140, 2017).

    With r1 <= r2 the distances of a point to its two nearest neighbours and mu = r2 / r1, the
    law of mu on a d-dimensional set is Pareto: F(mu) = 1 - mu^-d. Points with r1 = 0 (duplicates)
    or r1 = r2 are discarded (with a warning); the N others are sorted by mu and the smallest
    ``k = floor(fraction * N)`` are used (the largest are discarded as in Ansuini et al. 2019,
    ``fraction=0.9``, i.e. scikit-dimension's ``discard_fraction=0.1``).

    Parameters
    ----------
    fraction : float in (0, 1], default 0.9
        Fraction of the sorted ratios kept.
    metric : str, default "euclidean"
        Any metric of :func:`knn_distances`; ``"precomputed"`` reads X as a square distance
        matrix (``np.inf`` = no edge; every point needs two finite neighbours).
    n_threads : int, optional
    method : {"linear", "mle"}, default "linear"
        ``"linear"``: the slope through the origin of -log(1 - F) against log mu, F estimated by
        i / N (Facco et al.). ``"mle"``: log mu is exponential with rate d, and keeping the k
        smallest of N is type-II censoring, whose unbiased maximum-likelihood estimate is
        ``(k - 1) / (sum_{i <= k} log mu_(i) + (N - k) log mu_(k))``; with ``fraction=1`` it is
        ``(N - 1) / sum(log mu)`` (Denti et al. 2022).
    dist : bool, default False
        When True, X is not data but an (n, 2) array of each point's distances to its first and
        second nearest neighbours (r1 <= r2), as scikit-dimension's ``dist=True``.

    Attributes (after fit)
    ----------------------
    dimension_ : float
    mu_ : ndarray, the sorted ratios of the points kept
    x_, y_ : ndarray, log mu and -log(1 - F) of the points used in the fit
    n_discarded_ : int, points dropped because r1 = 0 or r1 = r2
    r2_ : float, R² through the origin (uncentred) of the line y = dimension_ * x
    """

    def __init__(self, fraction=0.9, metric="euclidean", n_threads=None, method="linear", dist=False):
        self.fraction = fraction
        self.metric = metric
        self.n_threads = n_threads
        self.method = method
        self.dist = dist


    def fit(self, X, y=None):
        if self.method not in ("linear", "mle"):
            raise ValueError(f"method must be 'linear' (Facco et al.'s fit) or 'mle' (closed-form maximum "
                             f"likelihood), got {self.method!r}")
        if not isinstance(self.dist, (bool, np.bool_)):
            raise TypeError(f"dist must be True or False, got {self.dist!r}")
        frac = self.fraction
        if isinstance(frac, bool) or not isinstance(frac, numbers.Real) or not 0.0 < float(frac) <= 1.0:
            raise ValueError(f"fraction must be a number in (0, 1], got {frac!r}")
        if self.dist:
            X = as_estimator_array(X, "TwoNN")
            if X.shape[1] != 2 or X.shape[0] < 3:
                raise ValueError(f"with dist=True, X must be an (n, 2) array of the distances (r1, r2) to the first "
                                 f"and second nearest neighbours, n >= 3; got shape {X.shape}")
            if np.any(X < 0) or np.any(X[:, 1] < X[:, 0]):
                i = int(np.argmax((X < 0).any(axis=1) | (X[:, 1] < X[:, 0])))
                raise ValueError(f"with dist=True every row must be 0 <= r1 <= r2; row {i} is {X[i].tolist()}")
            self.n_features_in_ = 2
            dist = X
        else:
            X = self._validate(X, min_samples=3)
            dist = estimator_knn(self, X, 2)
        r1, r2 = dist[:, 0], dist[:, 1]
        keep = (r1 > 0) & (r1 < r2)
        self.n_discarded_ = int(np.sum(~keep))
        mu = np.sort(r2[keep] / r1[keep])
        N = len(mu)
        n_fit = int(math.floor(float(frac) * N))
        if n_fit < 2 or N < 3:
            raise ValueError(f"TwoNN needs at least 3 points with distinct first and second neighbour distances; "
                             f"only {N} of {dist.shape[0]} qualify (duplicates are discarded)")
        if self.n_discarded_:
            warn(f"TwoNN discarded {self.n_discarded_} points whose nearest neighbour is a duplicate or ties with the second",
                 PHDimWarning)
        F = np.arange(1, N + 1, dtype=np.float64) / N
        x = np.log(mu[:n_fit])
        with np.errstate(divide="ignore"):
            yv = -np.log1p(-F[:n_fit])  # inf at F = 1 (fraction=1), as in Facco et al.'s fit
        if self.method == "mle":
            s = float(np.sum(x) + (N - n_fit) * x[-1])
            d = (n_fit - 1) / s if s > 0 else float("inf")
        else:
            sxx = float(np.dot(x, x))
            d = float(np.dot(x, yv) / sxx) if sxx > 0 else float("inf")
        syy = float(np.dot(yv, yv))
        if math.isfinite(d) and math.isfinite(syy):
            res = yv - d * x
            self.r2_ = 1.0 - float(np.dot(res, res)) / syy if syy > 0 else 0.0
        else:
            self.r2_ = 0.0
        self.mu_ = mu
        self.x_ = x
        self.y_ = yv
        self.dimension_ = float(d)
        return self
