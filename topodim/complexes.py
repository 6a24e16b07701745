"""Explicit filtered simplicial complexes: the former home of :mod:`topodim.filtrations`.

Every public name lives in :mod:`topodim.filtrations` (the :class:`Filtration` type, the builders,
persistence and file reading); this module re-exports them so that ``topodim.complexes.X`` keeps
working.
"""

from .filtrations import (
    Filtration,
    filtration_persistence,
    graph_filtration,
    image_filtration,
    lower_star_filtration,
    read_simplices,
    rips_filtration,
)

__all__ = [
    "Filtration",
    "filtration_persistence",
    "rips_filtration",
    "graph_filtration",
    "lower_star_filtration",
    "image_filtration",
    "read_simplices",
]
