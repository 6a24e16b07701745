"""Explicit filtered simplicial complexes.

A *filtration* here is a finite simplicial complex K with a value f(σ) on every simplex such that
f(τ) <= f(σ) whenever τ is a face of σ. The sublevel sets K_r = {σ : f(σ) <= r} are subcomplexes,
and their persistent homology is computed by :mod:`topodim.reduction`.

Builders (each returns a :class:`Filtration`):

:meth:`Filtration.from_simplices`
    A user's list of simplices and values, validated: vertices are non-negative integers, no vertex
    repeats inside a simplex, no simplex is listed twice, values are finite, every face of every
    simplex is listed with a value not above the simplex's. An error names the first offending
    simplex (in the order given).
:func:`rips_filtration`
    The Vietoris–Rips k-skeleton of a point cloud or distance matrix up to a threshold. Values are
    *diameters* (the longest edge), not radii, computed by :func:`topodim.metrics.point_distance`
    exactly as every other engine computes them.
:func:`graph_filtration`
    A weighted graph (edges enter at their weights, vertices at 0 or at given values), optionally
    expanded to its flag (clique) complex.
:func:`lower_star_filtration`
    A function on the vertices of a simplicial complex: every simplex enters at the largest value
    of its vertices.
:func:`image_filtration`
    The lower-star filtration of a 2-D image on the Freudenthal triangulation of its pixel grid.

Order. Simplices are totally ordered by (value, dimension, vertices in lexicographic order). A face
has a value not above its coface's and a smaller dimension, so every face precedes its cofaces:
this order is the filtration order used by the reduction, and the "filtration index" of a simplex
(as in the ``pairs`` of :func:`filtration_persistence`) is its position in it.

Orientation. A simplex is stored with its vertices in increasing order and oriented by that order:
the boundary of [v0, ..., vk] is sum_i (-1)^i [v0, ..., v̂i, ..., vk].

Modules: :mod:`~topodim.filtrations.filtration` (the :class:`Filtration` type and
:func:`filtration_persistence`), :mod:`~topodim.filtrations.builders` (the builders above),
:mod:`~topodim.filtrations.io` (:func:`read_simplices`), and the private kernels ``_hashing``
(hash tables of vertex rows, boundary columns), ``_cliques`` (graphs as upper CSR, their cliques,
Rips edges) and ``_parse`` (validation of user simplices).
"""

from .builders import graph_filtration, image_filtration, lower_star_filtration, rips_filtration
from .filtration import Filtration, filtration_persistence
from .io import read_simplices

__all__ = [
    "Filtration",
    "filtration_persistence",
    "rips_filtration",
    "graph_filtration",
    "lower_star_filtration",
    "image_filtration",
    "read_simplices",
]
