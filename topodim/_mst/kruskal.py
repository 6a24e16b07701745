"""Kruskal's algorithm over the edges of a sparse graph (a spanning forest when disconnected)."""

from __future__ import annotations

import numpy as np

from .._kernels._jit import njit
from .._kernels.unionfind import find

__all__ = ["kruskal", "kruskal_csr"]


@njit
def kruskal(us, vs, ws, n):
    """Edges already sorted by (w, u, v); returns the mask of the spanning forest's edges.

    Union by rank; stops once n - 1 edges are kept.
    """
    parent = np.arange(n)
    rank = np.zeros(n, dtype=np.int64)
    keep = np.zeros(len(us), dtype=np.bool_)
    n_kept = 0
    for k in range(len(us)):
        a = find(parent, us[k])
        b = find(parent, vs[k])
        if a == b:
            continue
        if rank[a] < rank[b]:
            a, b = b, a
        parent[b] = a
        if rank[a] == rank[b]:
            rank[a] += 1
        keep[k] = True
        n_kept += 1
        if n_kept == n - 1:
            break
    return keep


def kruskal_csr(indptr, indices, data, n):
    """The minimum spanning forest of a symmetric CSR graph: (u, v, w) with u < v, in the order
    (w, u, v). Each edge is read from its upper-triangle entry."""
    rows = np.repeat(np.arange(n), np.diff(indptr))
    upper = rows < indices
    us, vs, ws = rows[upper], indices[upper], data[upper]
    order = np.lexsort((vs, us, ws))
    us, vs, ws = us[order], vs[order], ws[order]
    keep = kruskal(us, vs, ws, n)
    return us[keep], vs[keep], ws[keep]
