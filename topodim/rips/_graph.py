"""The Rips engine's graph: the kernel representation of a distance input below a threshold.

A :class:`RipsGraph` is either dense (the (n, n) matrix ``D``, empty CSR arrays) or sparse (a CSR
graph whose rows are sorted, with ``D`` the (n, n) value matrix when one was built for O(1)
lookups, else (0, 0)). :func:`graph_of` builds it from a validated
:class:`~topodim._validate.DistanceInput`; the driver (:mod:`topodim.rips`), the edge collapse
(:mod:`topodim.collapse`) and the GPU session (:mod:`topodim.cuda.rips`) share it.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from .._kernels.bits import csr_bitsets
from .._parallel import run_batches
from .._validate import check_memory, DistanceInput
from ..metrics import metric_code, prepare_points, scaled_points_input, squareform, to_panels

from ._combinatorics import kernel_threshold
from ._edges import count_lower, dense_degrees, dense_to_csr, fill_dense_from_points, mirror_lower
from ._state import kernel_graph

__all__ = ["SPARSE_DENSITY", "RipsGraph", "graph_of", "dense_matrix", "count_edges", "graph_enclosing_radius"]

#: A thresholded dense input is converted to a sparse graph when at most this fraction of the
#: pairs are edges.
SPARSE_DENSITY = 0.25



@dataclass
class RipsGraph:
    dense: bool
    D: np.ndarray  # (n, n) or (0, 0)
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n: int
    full: np.ndarray | None = None  # the dense matrix, when one was built (for dperm2all)

    def kernel(self):
        """The graph as the kernels take it (a :data:`~topodim.rips._state.Graph`)."""
        return kernel_graph(self.dense, self.D, self.indptr, self.indices, self.data, self.n)

    def bitsets(self) -> np.ndarray:
        """Adjacency bitsets of a sparse graph that comes with its value matrix (else empty)."""
        if self.dense or self.D.shape[0] == 0:
            return np.zeros((0, 0), dtype=np.uint64)
        return csr_bitsets(self.indptr, self.indices, self.n)


def _empty_csr(dt):
    return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=dt)


def dense_matrix(inp: DistanceInput) -> np.ndarray:
    """The (n, n) distance matrix of a points / dense / condensed input (memory checked)."""
    n = inp.n
    dt = inp.dtype
    if inp.kind == "dense":
        return inp.dense
    check_memory(n * n * dt.itemsize, f"the {n}x{n} distance matrix",
                 "pass a threshold (thresh=...) with sparse input, dtype=np.float32, or n_perm=... to subsample")
    if inp.kind == "condensed":
        return squareform(inp.condensed)
    inp, e = scaled_points_input(inp)  # an exact power-of-two scale where squares would overflow / underflow
    P = prepare_points(inp.points, inp.metric)
    D = np.empty((n, n), dtype=dt)
    code = metric_code(inp.metric)
    Pn = to_panels(P)
    run_batches(np.arange(n, 0, -1, dtype=np.float64) * P.shape[1],
                 lambda lo, hi: fill_dense_from_points(P, Pn, code, D, lo, hi))
    mirror_lower(D)
    if e:
        np.ldexp(D, e, out=D)
    return D


def count_edges(inp: DistanceInput, g, t):
    """Edges {i > j} with value <= t (None when that would need a matrix not built)."""
    if g is not None:
        if g.dense:
            return int(count_lower(True, g.D, g.indptr, g.indices, g.data, t).sum())
        return int(count_lower(False, g.D, g.indptr, g.indices, g.data, t).sum())
    if inp.kind == "dense":
        return int(count_lower(True, inp.dense, None, None, None, t).sum())
    if inp.kind == "condensed":
        return int(np.count_nonzero(inp.condensed <= t))
    if inp.kind == "sparse":
        return int(count_lower(False, None, inp.indptr, inp.indices, inp.data, t).sum())
    return None


def _csr_from_dense(D, thresh):
    n = D.shape[0]
    thresh = kernel_threshold(thresh, D.dtype)
    deg = dense_degrees(D, thresh)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(deg, out=indptr[1:])
    indices = np.empty(int(indptr[-1]), dtype=np.int64)
    data = np.empty(int(indptr[-1]), dtype=D.dtype)
    dense_to_csr(D, thresh, indptr, indices, data)
    return indptr, indices, data


def graph_of(inp: DistanceInput, thresh: float, want_dense: bool = True,
              representation: str = "auto") -> RipsGraph:
    """The kernel representation of an input below ``thresh``."""
    dt = inp.dtype
    n = inp.n
    if inp.kind == "sparse":
        return RipsGraph(False, np.zeros((0, 0), dtype=dt), inp.indptr, inp.indices, inp.data, n)
    D = dense_matrix(inp)
    use_sparse = representation == "sparse"
    if representation == "auto" and math.isfinite(thresh):
        n_edges = int(count_lower(True, D, None, None, None, kernel_threshold(thresh, dt)).sum())
        use_sparse = n_edges <= SPARSE_DENSITY * (n * (n - 1) // 2)
    if use_sparse:
        indptr, indices, data = _csr_from_dense(D, thresh)
        return RipsGraph(False, np.zeros((0, 0), dtype=dt), indptr, indices, data, n, full=D)
    ip, ix, dv = _empty_csr(dt)
    return RipsGraph(True, D, ip, ix, dv, n, full=D)


def graph_enclosing_radius(g: RipsGraph) -> float:
    """The enclosing radius of the graph: the least, over vertices adjacent to every other, of the
    largest value in their row (``inf`` when no vertex is)."""
    if g.dense:
        return float(np.max(g.D, axis=1).min())
    deg = np.diff(g.indptr)
    if g.n > 1 and (deg < g.n - 1).all():
        return math.inf
    best = math.inf
    for i in np.flatnonzero(deg == g.n - 1):
        row = g.data[g.indptr[i]:g.indptr[i + 1]]
        best = min(best, float(row.max()) if row.size else 0.0)
    return best
