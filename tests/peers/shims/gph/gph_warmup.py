"""A pytest plugin (``-p gph_warmup``) that runs the shim once on small inputs at session start.

giotto-ph is compiled ahead of time; topodim's kernels are compiled (or loaded from Numba's
on-disk cache) on their first call. giotto-ph's suite runs its hypothesis tests with a 500 ms
deadline per example, which a first call that loads or compiles kernels can exceed. Calling
every path the suite takes once before the first test (dense, sparse, thresholded, collapsed,
with generators and weights, dimensions 0 to 3) leaves the suite and its settings unchanged and
times only the computations.
"""

import numpy as np


def pytest_sessionstart(session):
    from scipy.sparse import coo_matrix  # noqa: PLC0415

    from gph import ripser_parallel  # noqa: PLC0415  (the shim)

    rng = np.random.default_rng(0)
    X = rng.random((12, 3))
    dm = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    diag = dm + 1.0
    np.fill_diagonal(diag, rng.random(12))
    inputs = [(X, "euclidean"), (dm, "precomputed"), (coo_matrix(np.triu(dm, 1)), "precomputed"),
              (diag, "precomputed"), (coo_matrix(diag), "precomputed")]
    for A, metric in inputs:
        for maxdim in (0, 1, 2, 3):
            for collapse in (False, True):
                for thresh in (np.inf, 0.5):
                    for coeff in (2, 3):
                        ripser_parallel(A, maxdim=maxdim, metric=metric, collapse_edges=collapse,
                                        thresh=thresh, coeff=coeff, n_threads=-1)
                        ripser_parallel(A, maxdim=maxdim, metric=metric, collapse_edges=collapse,
                                        thresh=thresh, coeff=coeff, n_threads=1)
            ripser_parallel(A, maxdim=maxdim, metric=metric, return_generators=True)
        for p in (1, 2, np.inf):
            ripser_parallel(A, metric=metric, weights="DTM", weight_params={"p": p})
            ripser_parallel(A, metric=metric, weights=np.zeros(12), weight_params={"p": p})
