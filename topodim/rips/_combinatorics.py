"""The combinatorial number system of the Rips kernels, and the threshold as kernels take it.

Conventions (simplex indices, filtration order, graphs, coefficients): :mod:`topodim.rips._state`.
"""

from __future__ import annotations

import numpy as np

from .._config import njit_inner
from .._kernels.csr import csr_value


INF = np.inf


def kernel_threshold(thresh, dtype):
    """The threshold as the kernels take it: a value of ``dtype``, +inf clamped to the largest
    finite value so that ``x <= thresh`` is false for absent (+inf) entries."""
    dt = np.dtype(dtype)
    t = float(thresh)
    big = float(np.finfo(dt).max)
    return dt.type(big if t >= big else t)

# ==========================================================================================
# combinatorial number system
# ==========================================================================================


@njit_inner
def max_vertex(B, idx, k, top):
    """Largest v in [k - 1, top] with C(v, k) <= idx (binary search on row k of B)."""
    lo = k - 1
    hi = top
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if B[k, mid] <= idx:
            lo = mid
        else:
            hi = mid - 1
    return lo


@njit_inner
def simplex_vertices(B, idx, dim, n, out):
    """Write the dim + 1 vertices of simplex ``idx`` into out[0..dim], decreasing."""
    v = n - 1
    for t in range(dim + 1):
        k = dim + 1 - t
        v = max_vertex(B, idx, k, v)
        out[t] = v
        idx -= B[k, v]
        v -= 1


@njit_inner
def edge_value(graph, a, b):
    """Value of edge {a, b} of ``graph`` (a :data:`~topodim.rips._state.Graph`): from the
    matrix D whenever one is given (a sparse graph may come with its matrix of values for O(1)
    lookups), else by binary search in the CSR row."""
    if graph.D.shape[0] > 0:
        return graph.D[a, b]
    return csr_value(graph.indptr, graph.indices, graph.data, a, b)


