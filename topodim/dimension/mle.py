"""The Levina–Bickel maximum-likelihood intrinsic dimension (with MacKay–Ghahramani averaging and
Haro et al.'s noise model) as an estimator."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import warn
from ._common import DimensionEstimator, PHDimWarning, estimator_knn

__all__ = ["MLE"]


#: Absolute and relative tolerance of the adaptive quadrature of MLE's noise integrals (the
#: intrinsicDimension R package's and scikit-dimension's, so that the numbers agree with theirs).
DNOISE_QUAD_TOL = 1e-2


def _gauss_density(r, s, sigma):
    """Haro et al.'s transition density f(s | r): a distance r observed as s under N(0, sigma^2) noise."""
    return np.exp(-0.5 * ((s - r) / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))


def _noisy_log_sum(R, k, sigma, density):
    """sum_{j < k} E_j[log(R_k / r)] under the density f(r | R_j) on [0, R_k + 100 sigma] (Haro et al. 2008).

    Each expectation is a ratio of two integrals computed by ``scipy.integrate.quad``.
    """
    from scipy.integrate import quad  # noqa: PLC0415

    Rk = float(R[k - 1])
    top = Rk + 100.0 * sigma
    total = 0.0
    for j in range(k - 1):
        Rj = float(R[j])
        num = quad(lambda r: density(r, Rj, sigma) * math.log(Rk / r) if r > 0 else 0.0, 0.0, top,
                   epsabs=DNOISE_QUAD_TOL, epsrel=DNOISE_QUAD_TOL)[0]
        den = quad(lambda r: density(r, Rj, sigma), 0.0, top, epsabs=DNOISE_QUAD_TOL, epsrel=DNOISE_QUAD_TOL)[0]
        total += num / den
    return total


class MLE(DimensionEstimator):
    """Levina–Bickel maximum-likelihood intrinsic dimension with MacKay–Ghahramani averaging.

    For point x and k, with T_j(x) the distance to its j-th nearest neighbour, the local inverse
    estimate is ``(1 / (k - 1)) * sum_{j < k} log(T_k(x) / T_j(x))`` (Levina & Bickel, NIPS 2004).
    For each k in [k1, k2] the global estimate is the inverse of the mean of these inverses over
    the points (MacKay & Ghahramani 2005, "comments on Levina & Bickel"; ``averaging="mean"``
    averages the local estimates instead, Levina–Bickel's rule, and ``"median"`` takes their
    median); the result is the mean over k. Points whose first neighbour distance is 0
    (duplicates) are discarded with a warning. ``metric="precomputed"`` reads X as a square
    distance matrix (``np.inf`` = no edge; every point needs k2 finite neighbours).

    Parameters
    ----------
    k1, k2 : int, default 10, 20
        The range of neighbour counts averaged over (k1 = k2 = k is the plain estimator at k,
        scikit-dimension's ``fit(X, n_neighbors=k)``).
    averaging : {"inverse", "mean", "median"}, default "inverse"
        scikit-dimension's ``comb`` "mle", "mean", "median".
    metric, n_threads
        As in :class:`TwoNN`.
    unbiased : bool, default False
        Divide by k - 2 instead of k - 1 (the estimator is then unbiased for a Poisson process
        without noise or boundary; Levina & Bickel). Needs k1 >= 3.
    dnoise : None, "gaussian" or callable, default None
        Noise model of Haro, Randall & Sapiro (2008): a distance r is observed as s with density
        ``f(r, s, sigma)``; "gaussian" (scikit-dimension's "dnoiseGaussH") is
        exp(-(s - r)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)). Each log(T_k / T_j) is then replaced by
        its expectation under f(. | T_j) on [0, T_k + 100 sigma], by adaptive quadrature to the
        tolerance :data:`DNOISE_QUAD_TOL` (1e-2, as the intrinsicDimension R package and
        scikit-dimension). This costs 2 (k - 1) integrals per point and k.
    sigma : float >= 0, default 0.0
        The noise standard deviation; needs to be > 0 with ``dnoise``.
    neighborhood_based : bool, default True
        False: one global estimate from the distinct values among every point's ``global_k``
        nearest-neighbour distances: for each k, the k smallest of them play the role of T_1..T_k
        (intrinsicDimension's ``neighborhood.based = FALSE``; zero distances are left out).
    global_k : int, default 5
        Neighbours per point pooled when ``neighborhood_based=False`` (scikit-dimension's ``K``).

    Attributes (after fit)
    ----------------------
    dimension_ : float
    dimension_k_ : ndarray, the estimate for each k in [k1, k2]
    ks_ : ndarray of int
    local_inverse_ : ndarray (n_kept, n_k), the local inverse estimates (neighbourhood-based only)
    n_discarded_ : int
    """

    def __init__(self, k1=10, k2=20, averaging="inverse", metric="euclidean", n_threads=None, unbiased=False,
                 dnoise=None, sigma=0.0, neighborhood_based=True, global_k=5):
        self.k1 = k1
        self.k2 = k2
        self.averaging = averaging
        self.metric = metric
        self.n_threads = n_threads
        self.unbiased = unbiased
        self.dnoise = dnoise
        self.sigma = sigma
        self.neighborhood_based = neighborhood_based
        self.global_k = global_k


    def _density(self):
        if self.dnoise is None:
            return None
        if callable(self.dnoise):
            return self.dnoise
        if isinstance(self.dnoise, str) and self.dnoise in ("gaussian", "dnoiseGaussH"):
            return _gauss_density
        raise ValueError(f"dnoise must be None, 'gaussian' (or 'dnoiseGaussH') or a callable f(r, s, sigma), "
                         f"got {self.dnoise!r}")

    def fit(self, X, y=None):
        k1, k2 = self.k1, self.k2
        for name, v in (("k1", k1), ("k2", k2)):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 2:
                raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
        if k2 < k1:
            raise ValueError(f"k2 must be >= k1, got k1={k1}, k2={k2}")
        if self.averaging not in ("inverse", "mean", "median"):
            raise ValueError("averaging must be 'inverse' (MacKay-Ghahramani), 'mean' (Levina-Bickel) or 'median', "
                             f"got {self.averaging!r}")
        for name in ("unbiased", "neighborhood_based"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        density = self._density()
        sigma = self.sigma
        if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real) or not math.isfinite(sigma) or sigma < 0:
            raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}")
        if density is not None and sigma <= 0:
            raise ValueError("dnoise needs the noise level sigma > 0 (sigma=0 means no noise: pass dnoise=None)")
        gk = self.global_k
        if isinstance(gk, bool) or not isinstance(gk, numbers.Integral) or gk < 1:
            raise ValueError(f"global_k must be a positive integer, got {gk!r}")
        kfac_shift = 2 if self.unbiased else 1
        X = self._validate(X, min_samples=3)
        n = X.shape[0]
        k2_eff = min(int(k2), n - 1)
        k1_eff = min(int(k1), k2_eff)
        if k1_eff < 2:
            raise ValueError(f"MLE needs at least 3 points (k >= 2 neighbours), X has {n}")
        if k2_eff < k2:
            warn(f"MLE: only {n - 1} neighbours exist; using k1={k1_eff}, k2={k2_eff}", PHDimWarning)
        if self.unbiased and k1_eff < 3:
            raise ValueError("unbiased=True divides by k - 2 and needs k1 >= 3")
        ks = np.arange(k1_eff, k2_eff + 1)
        if not self.neighborhood_based:
            self._fit_global(X, ks, kfac_shift, density, float(sigma), min(int(gk), n - 1))
            return self
        T = estimator_knn(self, X, k2_eff)
        keep = T[:, 0] > 0
        self.n_discarded_ = int(np.sum(~keep))
        if keep.sum() < 2:
            raise ValueError("MLE: fewer than two points have a nearest neighbour at a positive distance (duplicates)")
        if self.n_discarded_:
            warn(f"MLE discarded {self.n_discarded_} points with a duplicate (nearest neighbour at distance 0)", PHDimWarning)
        T = T[keep]
        inv = np.empty((T.shape[0], len(ks)))
        if density is None:
            logT = np.log(T)
            csum = np.cumsum(logT, axis=1)  # csum[:, j-1] = sum_{i<=j} log T_i
            for c, k in enumerate(ks):
                inv[:, c] = logT[:, k - 1] - csum[:, k - 2] / (k - 1)
                if kfac_shift == 2:
                    inv[:, c] *= (k - 1) / (k - 2)
        else:
            for c, k in enumerate(ks):
                for i in range(T.shape[0]):
                    inv[i, c] = _noisy_log_sum(T[i], k, float(sigma), density) / (k - kfac_shift)
        if not np.all(np.isfinite(inv)):  # cannot happen for finite distances; never return inf with NaN inside
            raise ValueError("MLE: non-finite local estimates (nearest-neighbour distances out of the float range)")
        with np.errstate(divide="ignore"):
            if self.averaging == "inverse":
                mean_inv = inv.mean(axis=0)
                dk = np.where(mean_inv > 0, 1.0 / np.where(mean_inv > 0, mean_inv, 1.0), np.inf)
            else:
                local = np.where(inv > 0, 1.0 / np.where(inv > 0, inv, 1.0), np.inf)
                dk = np.mean(local, axis=0) if self.averaging == "mean" else np.median(local, axis=0)
        self.ks_ = ks
        self.local_inverse_ = inv
        self.dimension_k_ = dk
        self.dimension_ = float(np.mean(dk))
        return self

    def _fit_global(self, X, ks, kfac_shift, density, sigma, gk):
        T = estimator_knn(self, X, gk)
        R = np.unique(T)  # sorted distinct distances
        self.n_discarded_ = int(np.sum(T == 0))
        R = R[R > 0]
        if self.n_discarded_:
            warn(f"MLE left out {self.n_discarded_} zero nearest-neighbour distances (duplicates)", PHDimWarning)
        if len(R) < 2:
            raise ValueError("MLE: fewer than two distinct positive nearest-neighbour distances")
        dk = np.empty(len(ks))
        for c, k in enumerate(ks):
            kk = min(int(k), len(R))
            Rs = R[:kk]
            s = float(np.sum(np.log(Rs[-1] / Rs))) if density is None else _noisy_log_sum(Rs, kk, sigma, density)
            dk[c] = (kk - kfac_shift) / s if s > 0 else np.inf
        self.ks_ = ks
        self.dimension_k_ = dk
        self.dimension_ = float(np.mean(dk))
