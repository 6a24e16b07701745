"""asv benchmarks of the Vietoris–Rips engine (topodim.ripser), scipy style.

The reference cases (uniform points in [0,1]^3, a noisy torus, Gaussian points in R^50, a
precomputed distance matrix), the edge collapse, and the thread count (compile time: bench_compile.py);
structured data (a noisy circle and torus, where maxdim 1 collapses automatically, and their
long columns without the collapse) and its scaling with n.
Every ``setup`` seeds its data and calls the engine once on a small input of the same kind so
that Numba's compilation never lands in a timing. Parameters list the smallest values first
(CI runs each benchmark once with its first values; TOPODIM_BENCH_SMOKE=1 shrinks the inputs).
"""

import numpy as np

import topodim

from .common import circle, cloud, smoke_size, torus, warm


def _n(n):
    return smoke_size(n, 150)


def _cube(n, seed=0):
    return cloud(_n(n), 3, seed)


def _torus(n, seed=0):
    return torus(_n(n), seed)


def _circle(n, seed=0):
    return circle(_n(n), seed)


def _gauss(n, seed=0):
    return cloud(_n(n), 50, seed)


def _warm(X, **kw):
    warm(topodim.ripser, X, rows=120, **kw)


class RipsCube:
    """Uniform points in [0,1]^3."""

    params = ([1000, 2000, 500], [1, 2])
    param_names = ["n", "maxdim"]
    timeout = 300

    def setup(self, n, maxdim):
        if maxdim == 2 and n > 1000:
            raise NotImplementedError  # maxdim 2 on the cube is benchmarked up to n = 1,000 only
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


def _warm_structured(X, maxdim, n_threads=None):
    """Compile every path: the plain reduction, the budget's restart, the forced collapse and
    the batch-parallel reduction (taken on large inputs only)."""
    from topodim._parallel import parallel_shells

    small = X[: min(len(X), 200)]
    topodim.ripser(small, maxdim=maxdim, n_threads=n_threads)
    topodim.ripser(small, maxdim=maxdim, collapse_edges=True, n_threads=n_threads)
    parallel_shells(lambda: topodim.ripser(small, maxdim=maxdim, n_threads=n_threads))


class RipsStructured:
    """A noisy circle (n=1000, maxdim 1) and a noisy torus (n=2000 maxdim 1, n=1000 maxdim 2),
    on one and two threads: the reduction of the full filtration runs out of its budget and the
    collapsed filtration is reduced (maxdim 1), or the collapse runs first (maxdim 2)."""

    params = (["circle1000_h1", "torus1000_h2", "torus2000_h1"], [1, 2])
    param_names = ["case", "n_threads"]
    timeout = 600

    def setup(self, case, n_threads):
        self.X, self.maxdim = {"circle1000_h1": (_circle(1000), 1),
                               "torus2000_h1": (_torus(2000), 1),
                               "torus1000_h2": (_torus(1000), 2)}[case]
        _warm_structured(self.X, self.maxdim, n_threads)

    def time_ripser(self, case, n_threads):
        topodim.ripser(self.X, maxdim=self.maxdim, n_threads=n_threads)

    def peakmem_ripser(self, case, n_threads):
        topodim.ripser(self.X, maxdim=self.maxdim, n_threads=n_threads)

    def track_heap_pushes_per_column_h1(self, case, n_threads):
        c = topodim.ripser(self.X, maxdim=self.maxdim, n_threads=n_threads)["counts"][1]
        return c["heap_pushes"] / max(c["columns"], 1)

    track_heap_pushes_per_column_h1.unit = "pushes"


class RipsReductionThreads:
    """The reduction of many dear columns (H2 of Gaussian points in R^10, of a noisy torus) on
    one thread (serial) and two (batch-parallel; the same output)."""

    params = (["gauss1000_r10_h2", "torus1000_h2"], [1, 2])
    param_names = ["case", "n_threads"]
    timeout = 600

    def setup(self, case, n_threads):
        self.X = {"gauss1000_r10_h2": cloud(_n(1000), 10), "torus1000_h2": _torus(1000)}[case]
        _warm_structured(self.X, 2, n_threads)

    def time_ripser(self, case, n_threads):
        topodim.ripser(self.X, maxdim=2, n_threads=n_threads)


class RipsStructuredScaling:
    """Noisy circle and torus, maxdim 1, n = 1000, 2000, 4000."""

    params = ([1000, 2000, 4000], ["circle", "torus"])
    param_names = ["n", "shape"]
    timeout = 900

    def setup(self, n, shape):
        self.X = _circle(n) if shape == "circle" else _torus(n)
        _warm_structured(self.X, 1)

    def time_ripser(self, n, shape):
        topodim.ripser(self.X, maxdim=1)


class RipsLongColumns:
    """The reduction of the full filtration (``collapse_edges=False``) of a noisy circle
    (n=1000) and a noisy torus (n=2000), maxdim 1: a few long columns, each cancelling its pivot
    tens of thousands of times. Heap pushes per column measure the working columns' traffic."""

    params = (["circle1000", "torus2000"],)
    param_names = ["case"]
    timeout = 900

    def setup(self, case):
        self.X = _circle(1000) if case == "circle1000" else _torus(2000)
        _warm(self.X, maxdim=1, collapse_edges=False)

    def time_ripser(self, case):
        topodim.ripser(self.X, maxdim=1, collapse_edges=False)

    def track_heap_pushes_per_column(self, case):
        c = topodim.ripser(self.X, maxdim=1, collapse_edges=False)["counts"][1]
        return c["heap_pushes"] / max(c["columns"], 1)

    track_heap_pushes_per_column.unit = "pushes"
