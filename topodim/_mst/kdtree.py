"""A balanced KD-tree over points in implicit layout, and the queries Borůvka asks of it.

Node k has children 2k+1 and 2k+2; the points of node k are ``perm[start[k]:end[k]]`` (tree
order), split at the median of the widest coordinate of the node's tight bounding box
(``lo_box[k]``, ``hi_box[k]``). Distances are the reduced distances of :mod:`topodim.metrics`
(squared for euclidean); box bounds sum the per-coordinate gaps in the same order as
:func:`topodim.metrics.reduced_distance`, so rounding never lets a bound exceed a distance.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._kernels._jit import njit_inner
from ..metrics import CHEBYSHEV, MANHATTAN, reduced_distance

__all__ = ["KDTree", "build_kdtree", "box_bound", "node_components", "query_other_component"]

_INT_MAX = np.iinfo(np.int64).max


class KDTree(NamedTuple):
    """A KD-tree in implicit layout (one Numba type per dtype; kernels take it whole).

    Attributes
    ----------
    perm : ndarray of int64, shape (n,)
        Tree order -> input index.
    start, end : ndarray of int64, shape (n_nodes,)
        Node k holds the points at tree positions ``start[k]:end[k]``.
    lo_box, hi_box : ndarray, shape (n_nodes, d)
        The tight bounding box of each node's points.
    """

    perm: np.ndarray
    start: np.ndarray
    end: np.ndarray
    lo_box: np.ndarray
    hi_box: np.ndarray


@njit_inner
def _select(perm, X, lo, hi, kth, dim):
    """Reorder perm[lo:hi] so that perm[kth] has the kth key along ``dim`` (quickselect)."""
    while hi - lo > 1:
        mid = (lo + hi - 1) >> 1
        a = X[perm[lo], dim]
        b = X[perm[mid], dim]
        c = X[perm[hi - 1], dim]
        # median of three as the pivot value
        if a < b:
            pivot = b if b < c else (c if a < c else a)
        else:
            pivot = a if a < c else (c if b < c else b)
        i = lo
        j = hi - 1
        while i <= j:
            while X[perm[i], dim] < pivot:
                i += 1
            while X[perm[j], dim] > pivot:
                j -= 1
            if i <= j:
                t = perm[i]
                perm[i] = perm[j]
                perm[j] = t
                i += 1
                j -= 1
        if kth <= j:
            hi = j + 1
        elif kth >= i:
            lo = i
        else:
            return


@njit_inner
def build_kdtree(X, leaf_size):
    """A balanced KD-tree in implicit layout: node k has children 2k+1 and 2k+2.

    Returns a :class:`KDTree`: the permutation (tree order -> input index), node ranges and
    tight bounding boxes.
    """
    n, d = X.shape
    n_levels = 1
    while (n >> (n_levels - 1)) > leaf_size and n_levels < 40:
        n_levels += 1
    n_nodes = (1 << n_levels) - 1
    perm = np.arange(n)
    start = np.empty(n_nodes, dtype=np.int64)
    end = np.empty(n_nodes, dtype=np.int64)
    lo_box = np.empty((n_nodes, d), dtype=X.dtype)
    hi_box = np.empty((n_nodes, d), dtype=X.dtype)
    start[0] = 0
    end[0] = n
    for k in range(n_nodes):
        s = start[k]
        e = end[k]
        for t in range(d):
            lo_box[k, t] = np.inf
            hi_box[k, t] = -np.inf
        for i in range(s, e):
            p = perm[i]
            for t in range(d):
                x = X[p, t]
                if x < lo_box[k, t]:
                    lo_box[k, t] = x
                if x > hi_box[k, t]:
                    hi_box[k, t] = x
        left = 2 * k + 1
        if left < n_nodes:
            dim = 0
            spread = -1.0
            for t in range(d):
                sp = hi_box[k, t] - lo_box[k, t]
                if sp > spread:
                    spread = sp
                    dim = t
            mid = (s + e) >> 1
            if e - s > 1:
                _select(perm, X, s, e, mid, dim)
            start[left] = s
            end[left] = mid
            start[left + 1] = mid
            end[left + 1] = e
    return KDTree(perm, start, end, lo_box, hi_box)


@njit_inner
def box_bound(x, p, lo_box, hi_box, node, metric):
    """Lower bound of the reduced distance from point x[p] to any point in the node's box.

    Sums the per-coordinate gaps in the same order as :func:`topodim.metrics.reduced_distance`, so
    rounding can never make the bound exceed an actual distance.
    """
    s = x.dtype.type(0)
    zero = s
    for k in range(x.shape[1]):
        g = max(lo_box[node, k] - x[p, k], x[p, k] - hi_box[node, k], zero)
        if metric == CHEBYSHEV:
            if g > s:
                s = g
        elif metric == MANHATTAN:
            s += g
        else:
            s += g * g
    return s


@njit_inner
def node_components(comp, tree):
    """node_comp[k] = the component shared by all points of node k, or -1 (``comp`` is indexed
    by tree position)."""
    start = tree.start
    end = tree.end
    n_nodes = start.shape[0]
    node_comp = np.empty(n_nodes, dtype=np.int64)
    for k in range(n_nodes - 1, -1, -1):
        left = 2 * k + 1
        if left >= n_nodes:
            c = comp[start[k]]
            for i in range(start[k] + 1, end[k]):
                if comp[i] != c:
                    c = -1
                    break
            node_comp[k] = c
        else:
            a = node_comp[left]
            node_comp[k] = a if a == node_comp[left + 1] else -1
    return node_comp


@njit_inner
def query_other_component(Xp, p, comp, node_comp, start, end, lo_box, hi_box, metric, bound, stack):
    """Nearest point (by reduced distance, ties by position) to Xp[p] outside p's component.

    Searches only below ``bound`` (inclusive); returns (-1, inf) when nothing lies within it.
    ``Xp`` holds the points in tree order; ``start``, ``end``, ``lo_box``, ``hi_box`` are the
    :class:`KDTree`'s arrays (passed one by one: this is the innermost kernel); ``stack`` has room
    for two entries per tree level.
    """
    n_nodes = start.shape[0]
    cp = comp[p]
    best = bound
    best_q = _INT_MAX
    top = 0
    stack[0] = 0
    while top >= 0:
        node = stack[top]
        top -= 1
        if node_comp[node] == cp:
            continue
        if box_bound(Xp, p, lo_box, hi_box, node, metric) > best:
            continue
        left = 2 * node + 1
        if left >= n_nodes:
            for q in range(start[node], end[node]):
                if comp[q] != cp:
                    r = reduced_distance(Xp, p, Xp, q, metric)
                    if r < best or (r == best and q < best_q):
                        best = r
                        best_q = q
        else:
            bl = box_bound(Xp, p, lo_box, hi_box, left, metric)
            br = box_bound(Xp, p, lo_box, hi_box, left + 1, metric)
            # push the farther child first so the nearer one is searched first
            if bl <= br:
                top += 1
                stack[top] = left + 1
                top += 1
                stack[top] = left
            else:
                top += 1
                stack[top] = left
                top += 1
                stack[top] = left + 1
    if best_q == _INT_MAX:
        return -1, np.inf
    return best_q, best
