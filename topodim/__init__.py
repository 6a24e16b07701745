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
ripser, RipsPersistence, estimate_memory
    Vietoris–Rips persistence diagrams (H0..Hk) of point clouds and distance matrices, a drop-in for
    ripser.py (the Ripser algorithm in Numba, edge collapse for maxdim >= 2), a batch transformer,
    and the memory a call would need.
Rips, lower_star_img, correlation_to_distance
    ripser.py's other names: its scikit-learn style transformer, the H0 diagram of an image's
    sublevel sets (8-neighbourhood) and the chordal distance of a correlation matrix.
ph_dimension, PHDim, TwoNN, MLE, datasets
    The persistent-homology dimension (PH0 by incremental minimum spanning trees, PHi through the
    Rips engine) with repeats, a bootstrap interval and diagnostics; the TwoNN and MLE intrinsic
    dimension estimators (scikit-learn estimator contract); samplers of sets of known dimension.
device="cuda" | "auto", DeviceUnavailableError
    The GPU paths (topodim.cuda, imported only when a call asks for a GPU).
"""

from . import complexes, datasets, diagrams, metrics, reduction, rips
from ._config import DeviceUnavailableError
from ._validate import InputShapeWarning
from .compat import Rips, correlation_to_distance, lower_star_img
from .complexes import (
    Filtration,
    filtration_persistence,
    graph_filtration,
    image_filtration,
    lower_star_filtration,
    rips_filtration,
)
from .dimension import MLE, PHDim, PHDimResult, PHDimWarning, TwoNN, ph_dimension
from .metrics import pairwise_distances
from .mst import MSTResult, mst, ph0
from .rips import RipsPersistence, estimate_memory, ripser

__version__ = "0.1.0"

__all__ = [
    # PH0 and minimum spanning trees
    "MSTResult",
    "mst",
    "ph0",
    # Vietoris-Rips persistence
    "Rips",
    "RipsPersistence",
    "correlation_to_distance",
    "estimate_memory",
    "lower_star_img",
    "ripser",
    # general filtrations
    "Filtration",
    "filtration_persistence",
    "graph_filtration",
    "image_filtration",
    "lower_star_filtration",
    "rips_filtration",
    # dimension estimators
    "MLE",
    "PHDim",
    "PHDimResult",
    "PHDimWarning",
    "TwoNN",
    "ph_dimension",
    # helpers and modules
    "DeviceUnavailableError",
    "InputShapeWarning",
    "pairwise_distances",
    "complexes",
    "datasets",
    "diagrams",
    "metrics",
    "reduction",
    "rips",
]
