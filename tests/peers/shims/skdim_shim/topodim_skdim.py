"""A pytest plugin (``-p topodim_skdim``) that runs scikit-dimension's own tests on topodim.

Loaded before the test modules are imported, it replaces ``skdim.id.TwoNN``, ``skdim.id.MLE``
and ``skdim.id.PH`` (and the same names in their private modules, which some test files import
directly, plus ``skdim.id._PH._total_persistence``) by thin subclasses of topodim's estimators
that only rename scikit-dimension's parameters to topodim's:

* TwoNN(discard_fraction, dist, method) -> topodim.TwoNN(fraction=1 - discard_fraction, dist, method)
* MLE(dnoise, sigma, n, integral_approximation, unbiased, neighborhood_based, K) with
  fit(X, n_neighbors=k, comb=c, n_jobs=j) -> topodim.MLE(k1=k, k2=k, averaging=c renamed,
  unbiased, dnoise, sigma, neighborhood_based, global_k=K, n_threads=j)
* PH(alpha, n_range_min, n_range_max, range_type, nsteps, subsamples, metric, random_state,
  n_jobs) -> topodim.PHDim(alpha, schedule=the sizes ceil(linspace(nmin, nmax, nsteps)),
  n_subsamples=subsamples, sampling="independent", n_repeats=1, metric, random_state,
  n_threads=n_jobs)
* _total_persistence(D, alpha) -> the sum of the H0 bar lengths of topodim.ph0 to the power alpha.

Anything that has no counterpart raises :class:`ShimGap` (neither ValueError nor
NotImplementedError), so no test can pass by accident.
"""

from __future__ import annotations

import math

import numpy as np
import skdim
import skdim.id
import skdim.id._MLE
import skdim.id._PH
import skdim.id._TwoNN

import topodim
from topodim.diagrams import total_persistence


class ShimGap(Exception):
    """scikit-dimension has something here that topodim does not (the shim does not emulate it)."""


def _copy_fitted(dst, src):
    for key, value in vars(src).items():
        if key.endswith("_") and not key.startswith("_"):
            setattr(dst, key, value)
    return dst


class TwoNN(topodim.TwoNN):
    def __init__(self, discard_fraction=0.1, dist=False, method="linear"):
        self.discard_fraction = discard_fraction
        self.dist = dist
        self.method = method

    def fit(self, X, y=None):
        est = topodim.TwoNN(fraction=1 - self.discard_fraction, method=self.method, dist=self.dist)
        return _copy_fitted(self, est.fit(X))


_COMB = {"mle": "inverse", "mean": "mean", "median": "median"}


class MLE(topodim.MLE):
    def __init__(self, dnoise=None, sigma=0, n=None, integral_approximation="Haro", unbiased=False,
                 neighborhood_based=True, K=5):
        self.dnoise = dnoise
        self.sigma = sigma
        self.n = n  # the noise dimension: an argument of skdim's density that its Gaussian ignores
        self.integral_approximation = integral_approximation
        self.unbiased = unbiased
        self.neighborhood_based = neighborhood_based
        self.K = K

    def fit(self, X, y=None, precomputed_knn_arrays=None, smooth=False, n_neighbors=None, comb="mle", n_jobs=1):
        if precomputed_knn_arrays is not None or smooth:
            raise ShimGap("topodim.MLE has no precomputed_knn_arrays / smooth")
        if self.integral_approximation != "Haro":
            raise ShimGap("topodim.MLE has only Haro et al.'s approximation of the noise integrals")
        k = 20 if n_neighbors is None else n_neighbors
        est = topodim.MLE(k1=k, k2=k, averaging=_COMB.get(comb, comb), unbiased=self.unbiased, dnoise=self.dnoise,
                          sigma=self.sigma, neighborhood_based=self.neighborhood_based, global_k=self.K,
                          n_threads=n_jobs)
        return _copy_fitted(self, est.fit(X))


class PH(topodim.PHDim):
    def __init__(self, alpha=1.0, n_range_min=0.5, n_range_max=1.0, range_type="fraction", nsteps=100,
                 subsamples=10, metric="euclidean", random_state=None, n_jobs=1):
        self.alpha = alpha
        self.n_range_min = n_range_min
        self.n_range_max = n_range_max
        self.range_type = range_type
        self.nsteps = nsteps
        self.subsamples = subsamples
        self.metric = metric
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        shape = getattr(X, "shape", None)
        n = shape[0] if shape else (len(X) if hasattr(X, "__len__") else 0)  # topodim validates X itself
        if self.range_type == "fraction":
            lo, hi = math.ceil(self.n_range_min * n), math.ceil(self.n_range_max * n)
            schedule = np.ceil(np.linspace(lo, hi, self.nsteps)).astype(int)
        elif self.range_type == "num":
            schedule = np.ceil(np.linspace(self.n_range_min, self.n_range_max, self.nsteps)).astype(int)
        else:
            schedule = self.range_type  # not a schedule name either: topodim's own ValueError
        est = topodim.PHDim(alpha=self.alpha, schedule=schedule, n_subsamples=self.subsamples, n_repeats=1,
                            sampling="independent", metric=self.metric, random_state=self.random_state,
                            n_threads=self.n_jobs)
        _copy_fitted(self, est.fit(X))
        self.nmin_, self.nmax_ = int(self.sizes_[0]), int(self.sizes_[-1])
        return self


def _total_persistence(D, alpha):
    dgm = topodim.ph0(D, distance_matrix=True)
    if np.ndim(alpha):
        return np.array([total_persistence(dgm, float(a)) for a in np.ravel(alpha)])
    return total_persistence(dgm, float(alpha))


for _mod, _names in ((skdim.id, ("TwoNN", "MLE", "PH")), (skdim.id._TwoNN, ("TwoNN",)), (skdim.id._MLE, ("MLE",)),
                     (skdim.id._PH, ("PH", "_total_persistence"))):
    for _name in _names:
        setattr(_mod, _name, globals()[_name])
for _cls in (TwoNN, MLE, PH):
    _cls.__module__ = "skdim.id"
