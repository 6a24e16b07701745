"""Edge collapse of a flag (Vietoris–Rips) filtration, preserving its persistent homology.

The implementation lives in the Rips package (``topodim.rips._collapse``, where the algorithm is
described); this module is its public face, so that ``topodim.collapse.collapse_edges`` keeps
working.
"""

from .rips._collapse import collapse_edges, collapse_graph, working_bytes

__all__ = ["collapse_edges", "collapse_graph", "working_bytes"]
