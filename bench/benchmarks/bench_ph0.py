"""asv benchmarks of the PH0 engine (minimum spanning trees), scipy style.

Every ``setup`` seeds its data and calls the kernel once on a small input so that Numba's
compilation never lands in a timing; compilation itself is measured in bench_compile.py.
Parameters list the smallest values first (CI runs each benchmark once with its first values).
"""

from scipy.spatial.distance import pdist, squareform

import topodim

from .common import cloud, smoke_size, warm


def _cloud(n, dim):
    """The seeded cloud of the case, at most 2,000 points in a smoke run."""
    return cloud(smoke_size(n, 2000), dim)


class PH0Points:
    """topodim.ph0 on point clouds: uniform cube in R^3, Gaussian in R^50."""

    params = ([1000, 5000, 10000], [3, 50], ["auto", "prim"])
    param_names = ["n", "dim", "method"]
    timeout = 300

    def setup(self, n, dim, method):
        self.X = _cloud(n, dim)
        warm(topodim.ph0, cloud(600, dim), method=method)

    def time_ph0(self, n, dim, method):
        topodim.ph0(self.X, method=method)

    def peakmem_ph0(self, n, dim, method):
        topodim.ph0(self.X, method=method)


class PH0Threads:
    """Serial against parallel Prim at n = 10,000 in R^50 (the result is the same)."""

    params = ([1, 2],)
    param_names = ["n_threads"]
    timeout = 300

    def setup(self, n_threads):
        self.X = _cloud(10000, 50)
        warm(topodim.ph0, cloud(600, 50), method="prim", n_threads=n_threads)

    def time_prim(self, n_threads):
        topodim.ph0(self.X, method="prim", n_threads=n_threads)


class PH0Large:
    """The sizes no dense-matrix tool reaches: 50,000 points in R^50, 10^6 points in R^3."""

    params = ([(50000, 50), (1000000, 3)],)
    param_names = ["shape"]
    number = 1
    repeat = 1
    timeout = 900

    def setup(self, shape):
        self.X = _cloud(*shape)
        warm(topodim.ph0, cloud(600, shape[1]))

    def time_ph0(self, shape):
        topodim.ph0(self.X)

    def peakmem_ph0(self, shape):
        topodim.ph0(self.X)


class MSTDistanceMatrix:
    """topodim.mst on a dense, condensed or sparse distance matrix (n = 2,000)."""

    params = (["dense", "condensed", "sparse"],)
    param_names = ["kind"]

    def setup(self, kind):
        import scipy.sparse as sp

        X = _cloud(2000, 3)
        v = pdist(X)
        if kind == "dense":
            self.D = squareform(v)
        elif kind == "condensed":
            self.D = v
        else:
            D = squareform(v)
            D[D > 0.2] = 0  # a thresholded graph (~20% of the edges)
            self.D = sp.csr_matrix(D)
        topodim.mst(self.D, distance_matrix=True)

    def time_mst(self, kind):
        topodim.mst(self.D, distance_matrix=True)


class PairwiseDistances:
    """The condensed distance matrix (parallel, panel kernel)."""

    params = ([1000, 4000], ["euclidean", "cosine"])
    param_names = ["n", "metric"]

    def setup(self, n, metric):
        self.X = _cloud(n, 50)
        topodim.pairwise_distances(self.X[:300], metric=metric, condensed=True)

    def time_pdist(self, n, metric):
        topodim.pairwise_distances(self.X, metric=metric, condensed=True)

    def track_tree_weight(self, n, metric):
        # a correctness anchor that moves only if the arithmetic changes
        return float(topodim.mst(self.X, metric=metric).lengths.sum())

    track_tree_weight.unit = "length"
