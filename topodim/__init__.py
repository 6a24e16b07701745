"""topodim: topological data analysis in pure Python, hot loops compiled by Numba.

Main entry points
-----------------
ph0, mst
    0-dimensional persistence (Vietoris–Rips) and minimum spanning trees of point clouds and
    distance matrices, without an n x n matrix.
diagrams
    Helpers on persistence diagrams: finite / essential bars, total persistence, Betti numbers.
metrics
    Distance kernels (pairwise_distances, enclosing_radius).
"""

from . import diagrams, metrics
from ._validate import InputShapeWarning
from .metrics import pairwise_distances
from .mst import MSTResult, mst, ph0

__version__ = "0.1.0"

__all__ = [
    "InputShapeWarning",
    "MSTResult",
    "diagrams",
    "metrics",
    "mst",
    "pairwise_distances",
    "ph0",
]
