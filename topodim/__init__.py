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
filtration_persistence, Filtration, complexes, reduction
    Persistent homology over Z/p of any filtered simplicial complex (a list of simplices with
    values, a Rips skeleton, a weighted graph, a lower-star function, an image) by explicit sparse
    matrix reduction, with representative cycles.
"""

from . import diagrams, metrics
from ._validate import InputShapeWarning
from .metrics import pairwise_distances
from .mst import MSTResult, mst, ph0
from . import complexes, reduction
from .complexes import (
    Filtration,
    filtration_persistence,
    graph_filtration,
    image_filtration,
    lower_star_filtration,
    rips_filtration,
)

__version__ = "0.1.0"

__all__ = [
    "Filtration",
    "InputShapeWarning",
    "MSTResult",
    "complexes",
    "diagrams",
    "filtration_persistence",
    "graph_filtration",
    "image_filtration",
    "lower_star_filtration",
    "metrics",
    "mst",
    "pairwise_distances",
    "ph0",
    "reduction",
    "rips_filtration",
]
