"""Hypothesis strategies and diagram comparisons shared by the test modules."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@st.composite
def point_clouds(draw, min_points=2, max_points=40, min_dim=1, max_dim=5, ties=True):
    """Point clouds of modest size; with ``ties`` some draws use a coarse grid (duplicates, ties)."""
    n = draw(st.integers(min_points, max_points))
    d = draw(st.integers(min_dim, max_dim))
    if ties and draw(st.booleans()):
        values = st.integers(-3, 3).map(float)
    else:
        values = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=64)
    return draw(hnp.arrays(np.float64, (n, d), elements=values))


@st.composite
def distance_matrices_with_births(draw, min_points=2, max_points=25):
    """A symmetric distance matrix whose diagonal holds vertex births, every edge >= its births.

    Off-diagonal entries are at least 0.5: ripser.py (the oracle) turns a matrix with a non-zero
    diagonal into a scipy.sparse matrix, which silently drops zero-length edges.
    """
    X = draw(point_clouds(min_points=min_points, max_points=max_points, max_dim=3))
    n = X.shape[0]
    births = draw(hnp.arrays(np.float64, n, elements=st.floats(0, 5, allow_nan=False)))
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)) + 0.5
    D = np.maximum(D, np.maximum.outer(births, births))
    np.fill_diagonal(D, births)
    return D


def seeded_cloud(n, d, seed=0):
    return np.random.default_rng(seed).standard_normal((n, d))


def sorted_dgm(dgm):
    """A diagram as float64 (k, 2), rows in lexicographic order (births, then deaths)."""
    dgm = np.asarray(dgm, dtype=np.float64).reshape(-1, 2)
    return dgm[np.lexsort((dgm[:, 1], dgm[:, 0]))]


def assert_same_dgms(a, b):
    """Two lists of diagrams are equal bar for bar, exactly, whatever the row order."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        x, y = sorted_dgm(x), sorted_dgm(y)
        assert x.shape == y.shape and np.array_equal(x, y), (x, y)
