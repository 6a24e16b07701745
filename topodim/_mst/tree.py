"""The minimum-spanning-tree result type and its canonical form, shared by the CPU and GPU paths."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["MSTResult", "canonical_tree"]


class MSTResult(NamedTuple):
    """A minimum spanning tree (a forest when the graph is disconnected).

    Attributes
    ----------
    edges : ndarray of int64, shape (n - c, 2)
        Endpoints (smaller index first) of the tree edges, where c is the number of connected
        components (1 for point clouds and complete distance matrices).
    lengths : ndarray, shape (n - c,)
        Edge lengths in the compute dtype, sorted ascending (ties by endpoints).
    """

    edges: np.ndarray
    lengths: np.ndarray


def canonical_tree(u, v, w) -> MSTResult:
    """The tree of edges (u, v) with lengths w in the canonical form: smaller end first, sorted
    by (length, smaller end, larger end)."""
    a = np.minimum(u, v)
    b = np.maximum(u, v)
    order = np.lexsort((b, a, w))
    return MSTResult(np.stack([a[order], b[order]], axis=1).astype(np.int64), w[order])
