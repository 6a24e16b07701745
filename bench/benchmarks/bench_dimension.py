"""asv benchmarks of the dimension estimators (PH-dimension, TwoNN, MLE), scipy style.

Every ``setup`` seeds its data and runs the estimator once on a small input so that Numba's
compilation never lands in a timing. Parameters list the smallest values first (CI runs each
benchmark once with its first values, with TOPODIM_BENCH_SMOKE=1 shrinking the inputs).
The peer comparison (ripser.py, scikit-dimension) is bench/compare_dimension.py.
"""

import warnings

import topodim
from topodim import datasets as ds

from .common import activations, cloud, smoke_size


def _n(n):
    return smoke_size(n, 1200)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", topodim.PHDimWarning)
        return fn(*args, **kwargs)


class PHDimSeedPaperSchedule:
    """The seed paper's schedule (500, 850, ..., 2950; one subsample each) on 3,000 points in R^512."""

    params = (["nested", "independent"], [2, 1])
    param_names = ["sampling", "n_threads"]
    timeout = 300

    def setup(self, sampling, n_threads):
        self.X = activations(_n(3000))
        self.schedule = "magai" if len(self.X) > 2000 else [300, 600, 900, 1200]
        _quiet(topodim.ph_dimension, self.X[:900], schedule=[300, 600, 900], n_repeats=1, sampling=sampling,
               n_threads=n_threads, random_state=0)

    def time_ph_dimension(self, sampling, n_threads):
        _quiet(topodim.ph_dimension, self.X, schedule=self.schedule, n_repeats=1, sampling=sampling,
               n_threads=n_threads, random_state=0)

    def peakmem_ph_dimension(self, sampling, n_threads):
        _quiet(topodim.ph_dimension, self.X, schedule=self.schedule, n_repeats=1, sampling=sampling,
               n_threads=n_threads, random_state=0)


class PHDimScaling:
    """Default settings (geometric schedule to N, 5 nested repeats): time and memory against N.

    Memory is O(N·d) (points, one panel copy and one distance block per ordering): the peak
    grows linearly in N where a distance matrix would grow as N².
    """

    params = ([2000, 8000, 20000], [50])
    param_names = ["n", "dim"]
    timeout = 900

    def setup(self, n, dim):
        self.X = cloud(_n(n), dim)
        _quiet(topodim.ph_dimension, self.X[:500], random_state=0)

    def time_ph_dimension(self, n, dim):
        _quiet(topodim.ph_dimension, self.X, random_state=0)

    def peakmem_ph_dimension(self, n, dim):
        _quiet(topodim.ph_dimension, self.X, random_state=0)


class PHDimEngines:
    """The MST engines on the same subsamples: uniform [0,1]^3, default schedule, 5 repeats."""

    params = ([4000, 20000], ["incremental", "prim", "boruvka"])
    param_names = ["n", "method"]
    timeout = 600

    def setup(self, n, method):
        self.X = ds.cube(_n(n), 3, random_state=0)
        _quiet(topodim.ph_dimension, self.X[:600], method=method, random_state=0)

    def time_ph_dimension(self, n, method):
        _quiet(topodim.ph_dimension, self.X, method=method, random_state=0)


class NearestNeighbourEstimators:
    """TwoNN and MLE (k = 10..20) on Gaussian points."""

    params = ([2000, 10000], [10, 100], ["TwoNN", "MLE"])
    param_names = ["n", "dim", "estimator"]
    timeout = 300

    def setup(self, n, dim, estimator):
        self.X = cloud(_n(n), dim)
        self.cls = getattr(topodim, estimator)
        _quiet(self.cls().fit, self.X[:300])

    def time_fit(self, n, dim, estimator):
        _quiet(self.cls().fit, self.X)


class Accuracy:
    """The estimates themselves on reference sets (2,000 points, seed 0): tracked for regressions."""

    params = (["cube2", "cube3", "sphere2", "sierpinski_triangle", "cantor_set", "cube10"],
              ["phdim", "twonn", "mle"])
    param_names = ["set", "estimator"]
    timeout = 300

    def setup(self, name, estimator):
        self.X = ds.sample(name, _n(2000), random_state=0)
        self.alpha = 0.5 if name == "cantor_set" else 1.0

    def track_estimate(self, name, estimator):
        if estimator == "phdim":
            return _quiet(topodim.ph_dimension, self.X, alpha=self.alpha, random_state=0).dimension
        cls = topodim.TwoNN if estimator == "twonn" else topodim.MLE
        return _quiet(cls().fit, self.X).dimension_

    def track_error(self, name, estimator):
        return self.track_estimate(name, estimator) - ds.REFERENCE_SETS[name].dimension
