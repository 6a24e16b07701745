"""asv benchmarks of the explicit persistence engine (topodim.filtrations + topodim.reduction).

Cases: the full Vietoris–Rips 2-skeleton of n uniform points in [0,1]³ (H0 and H1), and the
lower-star filtration of a 256×256 random image on its Freudenthal triangulation (H0, H1, H2).
``time_build`` measures building the Filtration, ``time_persistence`` the boundary matrix plus the
reduction on a prebuilt Filtration, ``peakmem_total`` both. The homology algorithms ("twist") are
only run where they finish quickly: on Rips complexes the top-dimensional columns make them
orders of magnitude slower than cohomology (58 million column additions at n = 200), which is
why "auto" picks cohomology.

Every ``setup`` seeds its data and runs the engine once on a small input so that Numba's
compilation never lands in a timing. Parameters list the smallest values first (CI runs each
benchmark once with its first values, with TOPODIM_BENCH_SMOKE=1 shrinking the inputs).
"""

import numpy as np

from topodim import image_filtration, rips_filtration

from .common import cloud, smoke_size


def _cloud(n, seed=0):
    return cloud(smoke_size(n, 30), 3, seed)


def _image(size, seed=0):
    size = smoke_size(size, 16)
    return np.random.default_rng(seed).random((size, size))


def _warm():
    rips_filtration(np.random.default_rng(1).random((12, 3)), skeleton=2).persistence(maxdim=1)
    for alg in ("cohomology", "twist", "standard"):
        image_filtration(np.random.default_rng(1).random((6, 6))).persistence(algorithm=alg)


class RipsSkeleton:
    """Full Rips 2-skeleton of n points in [0,1]³ (C(n,3) triangles), H0 and H1."""

    params = ([100, 200, 300], ["cohomology"])
    param_names = ["n", "algorithm"]
    number = 1
    repeat = 3
    timeout = 600

    def setup(self, n, algorithm):
        _warm()
        self.X = _cloud(n)
        self.filt = rips_filtration(self.X, skeleton=2)

    def time_build(self, n, algorithm):
        rips_filtration(self.X, skeleton=2)

    def time_persistence(self, n, algorithm):
        self.filt.persistence(maxdim=1, algorithm=algorithm)

    def peakmem_total(self, n, algorithm):
        rips_filtration(self.X, skeleton=2).persistence(maxdim=1, algorithm=algorithm)

    def track_column_additions(self, n, algorithm):
        return self.filt.persistence(maxdim=1, algorithm=algorithm)["column_additions"]

    track_column_additions.unit = "additions"


class RipsSkeletonHomology:
    """The homology algorithms on the Rips 2-skeleton of 100 points (the oracle's regime)."""

    params = ([100], ["twist", "standard"])
    param_names = ["n", "algorithm"]
    number = 1
    repeat = 3
    timeout = 300

    def setup(self, n, algorithm):
        _warm()
        self.filt = rips_filtration(_cloud(n), skeleton=2)

    def time_persistence(self, n, algorithm):
        self.filt.persistence(maxdim=1, algorithm=algorithm)


class ImageLowerStar:
    """Lower-star filtration of a random image (Freudenthal triangulation), H0..H2."""

    params = ([64, 256], ["cohomology", "twist"])
    param_names = ["size", "algorithm"]
    number = 1
    repeat = 5
    timeout = 300

    def setup(self, size, algorithm):
        _warm()
        self.img = _image(size)
        self.filt = image_filtration(self.img)

    def time_build(self, size, algorithm):
        image_filtration(self.img)

    def time_persistence(self, size, algorithm):
        self.filt.persistence(algorithm=algorithm)

    def peakmem_total(self, size, algorithm):
        image_filtration(self.img).persistence(algorithm=algorithm)

    def track_bars(self, size, algorithm):
        # a correctness anchor: the number of bars of positive length
        return sum(len(d) for d in self.filt.persistence(algorithm=algorithm)["dgms"])

    track_bars.unit = "bars"
