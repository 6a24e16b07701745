"""Union–find (disjoint sets) over the integers 0..n-1, stored as a parent array.

A set is represented by its root (``parent[r] == r``). Callers own the linking rule (by rank in
Kruskal, smaller root in Borůvka, elder birth in the elder rule), since it decides which root
names the merged set and so the order of some outputs; :func:`find` is the one shared part.
"""

from __future__ import annotations

from ._jit import njit

__all__ = ["find"]


@njit
def find(parent, x):
    """The root of ``x``'s set; compresses the path from ``x`` to it (every node on it then points
    at the root)."""
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root
