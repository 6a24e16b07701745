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
filtration_persistence, Filtration, filtrations (formerly complexes), reduction
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

import importlib
import sys
import types

#: public name -> the submodule that defines it; loaded on first access (PEP 562), so that
#: ``import topodim`` imports neither Numba nor SciPy and compiles nothing.
_EXPORTS = {
    "DeviceUnavailableError": "_config",
    "InputShapeWarning": "_validate",
    "Rips": "compat",
    "correlation_to_distance": "compat",
    "lower_star_img": "compat",
    "Filtration": "filtrations",
    "filtration_persistence": "filtrations",
    "graph_filtration": "filtrations",
    "image_filtration": "filtrations",
    "lower_star_filtration": "filtrations",
    "rips_filtration": "filtrations",
    "MLE": "dimension",
    "PHDim": "dimension",
    "PHDimResult": "dimension",
    "PHDimWarning": "dimension",
    "TwoNN": "dimension",
    "ph_dimension": "dimension",
    "pairwise_distances": "metrics",
    "MSTResult": "mst",
    "mst": "mst",
    "ph0": "mst",
    "RipsPersistence": "rips",
    "estimate_memory": "rips",
    "ripser": "rips",
}
#: submodules reachable as attributes of the package (``topodim.rips``, ``topodim.dimension``, ...)
#: without importing them first; ``topodim.cuda`` stays out: it is imported only for a GPU call.
_SUBMODULES = frozenset({
    "batch", "collapse", "compat", "complexes", "datasets", "diagrams", "dimension", "filtrations",
    "metrics", "mst", "reduction", "rips", "sampling", "weighted",
})


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS) | _SUBMODULES)


class _Package(types.ModuleType):
    """The package's module type: where a public function shares its name with the submodule that
    defines it (``topodim.mst``), the package attribute is the function, as an eager
    ``from .mst import mst`` would leave it, even after the import system has set the attribute
    to the submodule on its first import."""

    def __setattr__(self, name, value):
        if (name in _EXPORTS and isinstance(value, types.ModuleType)
                and value.__name__ == f"{__name__}.{name}"):
            if not hasattr(value, name):
                return
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
    "filtrations",
    "diagrams",
    "metrics",
    "reduction",
    "rips",
]
