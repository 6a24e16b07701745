"""asv benchmarks of the Vietoris–Rips engine (topodim.ripser), scipy style.

The cases of issue 4 (uniform points in [0,1]^3, a noisy torus, Gaussian points in R^50, a
precomputed distance matrix), the edge collapse, and the thread count (compile time: bench_compile.py).
Every ``setup`` seeds its data and calls the engine once on a small input of the same kind so
that Numba's compilation never lands in a timing. Parameters list the smallest values first
(CI runs each benchmark once with its first values; TOPODIM_BENCH_SMOKE=1 shrinks the inputs).
"""

import os

import numpy as np

import topodim

SMOKE = os.environ.get("TOPODIM_BENCH_SMOKE") == "1"


def _n(n):
    return min(n, 150) if SMOKE else n


def _cube(n, seed=0):
    return np.random.default_rng(seed).random((_n(n), 3))


def _torus(n, seed=0):
    rng = np.random.default_rng(seed)
    n = _n(n)
    u = rng.random(n) * 2 * np.pi
    v = rng.random(n) * 2 * np.pi
    X = np.stack([(2 + np.cos(v)) * np.cos(u), (2 + np.cos(v)) * np.sin(u), np.sin(v)], 1)
    return X + 0.05 * rng.standard_normal(X.shape)


def _gauss(n, seed=0):
    return np.random.default_rng(seed).standard_normal((_n(n), 50))


def _warm(X, **kw):
    topodim.ripser(X[: min(len(X), 120)], **kw)


class RipsCube:
    """Uniform points in [0,1]^3."""

    params = ([1000, 2000, 500], [1, 2])
    param_names = ["n", "maxdim"]
    timeout = 300

    def setup(self, n, maxdim):
        if maxdim == 2 and n > 1000:
            raise NotImplementedError  # not an issue case
        self.X = _cube(n)
        _warm(self.X, maxdim=maxdim)

    def time_ripser(self, n, maxdim):
        topodim.ripser(self.X, maxdim=maxdim)

    def peakmem_ripser(self, n, maxdim):
        topodim.ripser(self.X, maxdim=maxdim)

    def track_columns_h1(self, n, maxdim):
        return topodim.ripser(self.X, maxdim=maxdim)["counts"][1]["columns"]

    track_columns_h1.unit = "columns"


class RipsShapes:
    """A noisy torus (maxdim 2), Gaussian points in R^50 and a precomputed matrix (maxdim 1)."""

    params = (["torus", "gauss50", "matrix"],)
    param_names = ["case"]
    timeout = 300

    def setup(self, case):
        if case == "torus":
            self.X, self.kw = _torus(1000), {"maxdim": 2}
        elif case == "gauss50":
            self.X, self.kw = _gauss(1000), {"maxdim": 1}
        else:
            Y = _cube(1000)
            self.X = np.sqrt(((Y[:, None, :] - Y[None, :, :]) ** 2).sum(-1))
            self.kw = {"maxdim": 1, "distance_matrix": True}
        if case == "matrix":
            _warm(_cube(100), maxdim=1)
            topodim.ripser(self.X[:100, :100], **self.kw)
        else:
            _warm(self.X, **self.kw)

    def time_ripser(self, case):
        topodim.ripser(self.X, **self.kw)

    def peakmem_ripser(self, case):
        topodim.ripser(self.X, **self.kw)


class RipsCollapse:
    """maxdim 2 with and without the edge collapse (the same diagrams)."""

    params = ([300, 500], [True, False])
    param_names = ["n", "collapse"]
    timeout = 300

    def setup(self, n, collapse):
        self.X = _cube(n)
        _warm(self.X, maxdim=2, collapse_edges=collapse)

    def time_ripser(self, n, collapse):
        topodim.ripser(self.X, maxdim=2, collapse_edges=collapse)

    def track_edges_after_collapse(self, n, collapse):
        r = topodim.ripser(self.X, maxdim=2, collapse_edges=collapse)
        return r["collapse"]["edges_after"] if collapse else r["num_edges"]

    track_edges_after_collapse.unit = "edges"


class RipsThreads:
    """One against two threads (the result is the same)."""

    params = ([1, 2],)
    param_names = ["n_threads"]
    timeout = 300

    def setup(self, n_threads):
        self.X = _cube(2000)
        _warm(self.X, maxdim=1, n_threads=n_threads)

    def time_ripser(self, n_threads):
        topodim.ripser(self.X, maxdim=1, n_threads=n_threads)


class RipsCoefficients:
    """Z/2 against Z/3 and Z/5 (the same reduction code; coefficients mod p)."""

    params = ([2, 3, 5],)
    param_names = ["coeff"]
    timeout = 300

    def setup(self, coeff):
        self.X = _cube(1000)
        _warm(self.X, maxdim=1, coeff=coeff)

    def time_ripser(self, coeff):
        topodim.ripser(self.X, maxdim=1, coeff=coeff)
