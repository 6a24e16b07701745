"""Vietoris–Rips persistent homology: the Ripser algorithm in Numba, a drop-in for ripser.py.

The public face of the Rips package: :func:`ripser`, :func:`estimate_memory` and the estimator
:class:`RipsPersistence`. Where each part of the engine lives:

===================  =====================================================================
``_driver``          :func:`ripser`: validation, the stages in order, the result dict
``_stages``          the checks and the stages the driver runs (edges, assembly, reduction)
``_memory``          :func:`estimate_memory`
``_estimator``       :class:`RipsPersistence` (scikit-learn transformer, batches)
``_graph``           :class:`RipsGraph`, the dense or sparse graph below the threshold
``_edges``           distances, graph conversion, the flat pass over all edges
``_assemble``        the columns of dimension >= 2, enumerated from their facets
``_coboundary``      implicit coboundaries and the apparent / emergent pair searches
``_heap``            the binary heap of the working column
``_reduce``          the reduction with clearing, apparent and emergent pairs
``_reduce_batched``  the same reduction, batches of columns on several threads
``_generators``      generators and cocycles of the bars
``_collapse``        the edge collapse (public as :mod:`topodim.collapse`)
``_collapse_dense``  its sweep on a dense value matrix
``_combinatorics``   the combinatorial number system (simplex indices)
``_sorting``         sorting columns in reduction order
``_state``           the kernels' conventions and state types (Numba namedtuples)
===================  =====================================================================
"""

from ._driver import ripser
from ._estimator import RipsPersistence
from ._memory import estimate_memory

__all__ = ["ripser", "estimate_memory", "RipsPersistence"]
