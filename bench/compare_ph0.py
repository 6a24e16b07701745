"""PH0 (minimum spanning tree) side by side: topodim against scipy and ripser.py / giotto-ph.

    python bench/compare_ph0.py [--repeats 3] [--cases ...] [--tools ...]

Every tool computes the finite H0 deaths (the MST edge lengths) of the same seeded cloud. One
fresh process per measurement, tools alternating, after a warm-up call (see harness.py).
"""

import os

import harness
from benchmarks.common import cloud


def _case(n, dim):
    return lambda small: cloud(600 if small else n, dim)


CASES = {
    "[0,1]³, n=1,000": _case(1000, 3),
    "[0,1]³, n=5,000": _case(5000, 3),
    "[0,1]³, n=10,000": _case(10000, 3),
    "Gaussian R⁵⁰, n=5,000": _case(5000, 50),
    "Gaussian R⁵⁰, n=10,000": _case(10000, 50),
    "Gaussian R⁵⁰, n=50,000": _case(50000, 50),
    "[0,1]³, n=1,000,000": _case(1000000, 3),
}


def run_topodim(X):
    import topodim

    return topodim.ph0(X)


def run_topodim_1thread(X):
    import topodim

    return topodim.ph0(X, n_threads=1)


def run_scipy(X):
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial.distance import pdist, squareform

    return minimum_spanning_tree(squareform(pdist(X)))


def run_ripser(X):
    from ripser import ripser

    return ripser(X, maxdim=0)


def run_giotto_all(X):
    from gph import ripser_parallel

    return ripser_parallel(X, maxdim=0, n_threads=-1)


def run_giotto_1(X):
    from gph import ripser_parallel

    return ripser_parallel(X, maxdim=0, n_threads=1)


TOOLS = {
    "topodim": run_topodim,
    "topodim 1 thread": run_topodim_1thread,
    "scipy pdist+MST": run_scipy,
    "ripser.py": run_ripser,
    "giotto-ph 1 thread": run_giotto_1,
    "giotto-ph all threads": run_giotto_all,
}


def skip(case, tool):
    if tool.startswith("topodim"):
        return None
    if "50,000" in case or "1,000,000" in case:
        return "n×n matrix: ≥10 GB"
    return None


if __name__ == "__main__":
    harness.main(os.path.splitext(os.path.basename(__file__))[0], CASES, TOOLS, skip=skip)
