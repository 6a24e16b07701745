"""The GPU half of ``topodim.ripser(..., device="cuda")``: Ripser++'s split for dimension 1.

On the GPU (this module):

1. the (n, n) distance matrix of a point cloud (:mod:`topodim.cuda.distances`, bit-identical to
   :func:`topodim.rips._edges.fill_dense_from_points`, zero diagonal), or the upload of a
   dense / condensed input matrix;
2. the flat pass over all edges {i > j} (one thread per edge), writing the int32 edge codes of
   :func:`topodim.rips._edges.edge_pass` (its dense branch, ported): -2 above the threshold,
   k >= 0 when the edge is the facet of a zero-persistence apparent pair with the triangle
   {i, j, k}, -1 otherwise;
3. the H0 spanning forest in the filtration order (diameter ascending, larger edge index first)
   by the batched Borůvka of :mod:`topodim.cuda.mst`: its edges are the pivots of dimension 0,
   so their columns are *cleared*;
4. the compaction of the remaining columns (code -1, not cleared) with one atomic per block.

On the CPU (topodim.rips): the columns are sorted (diameter descending, index ascending) and
reduced by the same code as on the CPU path (apparent-pair shortcuts, emergent pairs, the capped
working column), and H0 comes from the same forest by the elder rule. Every value the pairings
depend on is the same bits as on the CPU, so the diagrams are identical.

The flag kernel reads the symmetric matrix by columns (``D[k, i]`` for ``D[i, k]``) so that the
threads of a warp, which hold consecutive edges of one row, read consecutive addresses; the
matrices the Rips engine builds are exactly symmetric.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from ..rips._graph import graph_of
from .._validate import DistanceInput, check_memory
from ._arith import add_rn, device_function, mul_rn
from ._device import DeviceScope, check_device_memory, simulator_enabled
from .distances import device_distances
from .mst import FILTRATION, batch_msf
from ..rips._combinatorics import kernel_threshold
from ..rips._sorting import sort_columns

__all__ = ["RipsSession"]

_SIM = simulator_enabled()
#: Threads per block of the per-edge kernels.
EB = 8 if _SIM else 256


@device_function
def _edge_vertices(e):
    """(i, j), i > j, of the edge index e = C(i, 2) + j."""
    # an estimate corrected below (rounded ops only: the PTX check finds no FMA in any kernel)
    i = int(mul_rn(add_rn(1.0, math.sqrt(add_rn(1.0, mul_rn(8.0, float(e))))), 0.5))
    while (i * (i - 1)) // 2 > e:
        i -= 1
    while ((i + 1) * i) // 2 <= e:
        i += 1
    return i, e - (i * (i - 1)) // 2


@cuda.jit
def _edge_flags(D, thresh, flags, counts):
    """codes[C(i, 2) + j] for every edge (topodim.rips._edges.edge_pass); counts[0] +=
    apparent edges, counts[1] += edges not apparent (one atomic per block)."""
    block = cuda.shared.array(2, dtype=np.int64)
    t = cuda.threadIdx.x
    if t == 0:
        block[0] = 0
        block[1] = 0
    cuda.syncthreads()
    e = cuda.grid(1)
    n = D.shape[0]
    if e < (n * (n - 1)) // 2:
        i, j = _edge_vertices(e)
        d = D[i, j]
        f = -1
        if d > thresh:
            f = -2
        else:
            # the zero-pivot cofacet: the largest k with both new edges <= d; the edge must be
            # that triangle's zero-pivot facet (no other facet of diameter d with a smaller index)
            for k in range(n - 1, -1, -1):
                if D[k, i] <= d and D[k, j] <= d and k != i and k != j:
                    if k > i:
                        f = k
                    elif k > j:
                        f = k if D[k, j] != d else -1
                    else:
                        f = k if (D[k, j] != d and D[k, i] != d) else -1
                    break
        flags[e] = f
        if f >= 0:
            cuda.atomic.add(block, 0, 1)
        elif f == -1:
            cuda.atomic.add(block, 1, 1)
    cuda.syncthreads()
    if t == 0:
        cuda.atomic.add(counts, 0, block[0])
        cuda.atomic.add(counts, 1, block[1])


@cuda.jit
def _mark_cleared(tree_idx, cleared):
    k = cuda.grid(1)
    if k < tree_idx.shape[0]:
        cleared[tree_idx[k]] = 1


@cuda.jit
def _compact_columns(D, flags, cleared, counter, out_idx, out_diam):
    """Write every edge that is not apparent (code -1) and not cleared, (index, diameter), in no
    particular order."""
    local = cuda.shared.array(2, dtype=np.int64)
    t = cuda.threadIdx.x
    if t == 0:
        local[0] = 0
    cuda.syncthreads()
    e = cuda.grid(1)
    n = D.shape[0]
    keep = False
    if e < (n * (n - 1)) // 2:
        keep = flags[e] == -1 and cleared[e] == 0
    slot = 0
    if keep:
        slot = cuda.atomic.add(local, 0, 1)
    cuda.syncthreads()
    if t == 0:
        local[1] = cuda.atomic.add(counter, 0, local[0])
    cuda.syncthreads()
    if keep:
        i, j = _edge_vertices(e)
        out_idx[local[1] + slot] = e
        out_diam[local[1] + slot] = D[i, j]


class RipsSession:
    """The device state of one ``ripser`` call: the distance matrix on the GPU between the two
    stages. Use as a context manager; device memory is freed at exit."""

    def __init__(self):
        self.scope = DeviceScope()
        self.D_dev = None
        self.D_host = None

    def __enter__(self):
        self.scope.__enter__()
        return self

    def __exit__(self, *exc):
        self.D_dev = None
        self.D_host = None
        return self.scope.__exit__(*exc)

    def tree(self, inp: DistanceInput):
        """The H0 spanning tree for maxdim = 0 (topodim.mst.minimum_spanning_tree on the GPU)."""
        from .mst import minimum_spanning_tree  # noqa: PLC0415

        return minimum_spanning_tree(inp)

    # -- stage 1 -------------------------------------------------------------------------------
    def graph_of(self, inp: DistanceInput, thresh: float, representation: str = "auto"):
        """topodim.rips._graph.graph_of with the distance matrix computed (or uploaded) on the GPU."""
        from ..metrics import metric_code, prepare_points, squareform  # noqa: PLC0415

        if inp.kind == "sparse":
            return graph_of(inp, thresh, representation=representation)
        n = inp.n
        dt = inp.dtype
        check_device_memory(n * n * dt.itemsize + 3 * n * n, f"the {n}x{n} distance matrix and edge codes",
                            "use n_perm=... to subsample, dtype=np.float32, or device='cpu'")
        if inp.kind == "points":
            check_memory(n * n * dt.itemsize, f"the {n}x{n} distance matrix",
                         "pass a threshold (thresh=...) with sparse input, dtype=np.float32, or n_perm=... to subsample")
            P = np.ascontiguousarray(prepare_points(inp.points, inp.metric))
            Xd = self.scope.to_device(P)
            self.D_dev = device_distances(self.scope, Xd, metric_code(inp.metric), zero_diagonal=True)
            self.scope.release(Xd)
            D = np.empty((n, n), dtype=dt)
            self.D_dev.copy_to_host(D)
        else:
            D = inp.dense if inp.kind == "dense" else squareform(inp.condensed)
            self.D_dev = self.scope.to_device(D)
        self.D_host = D
        dense_inp = DistanceInput(kind="dense", n=n, dtype=dt, dense=D, births=inp.births)
        g = graph_of(dense_inp, thresh, representation=representation)
        if not g.dense:
            self.D_dev = None  # the CPU takes over (a sparse graph below the threshold)
        return g

    # -- stage 2 -------------------------------------------------------------------------------
    def edge_columns(self, g, thresh, progress):
        """topodim.rips._driver._edge_stage on the GPU for the dense graph built by :meth:`graph_of`: the
        same (int32 edge codes, columns sorted, H0 forest in filtration order, apparent count,
        count of edges not apparent); None when ``g`` is not that graph (the CPU pass runs)."""

        if self.D_dev is None or not g.dense or g.D is not self.D_host:
            return None
        n = g.n
        dt = g.D.dtype
        t = kernel_threshold(thresh, dt)
        total = n * (n - 1) // 2
        progress("apparent pairs", 0, 1)
        check_memory(5 * total, f"the edge codes of {n} points",
                     "pass a threshold (thresh=...), or n_perm=... to subsample")
        scope = self.scope
        flags_d = scope.empty(max(total, 1), np.int32)
        counts_d = scope.to_device(np.zeros(2, dtype=np.int64))
        grid = (max(1, (total + EB - 1) // EB),)
        _edge_flags[grid, EB](self.D_dev, t, flags_d, counts_d)
        counts = counts_d.copy_to_host()
        n_apparent, m = int(counts[0]), int(counts[1])
        progress("apparent pairs", 1, 1)
        # H0: the spanning forest in filtration order; its edges are dimension 0's pivots
        ids = np.arange(n, dtype=np.int64)
        a, b, w, _ = batch_msf(g.D, ids, np.array([0, n], dtype=np.int64), None, FILTRATION,
                               scope=scope, source_on_device=self.D_dev)
        keep = w <= t
        a, b, w = a[keep], b[keep], w[keep]
        tree_idx = (b * (b - 1)) // 2 + a
        order = np.lexsort((-tree_idx, w))
        tree_u, tree_v, tree_w = b[order], a[order], w[order]
        cleared = scope.to_device(np.zeros(max(total, 1), dtype=np.uint8))
        if tree_idx.shape[0]:
            ti = scope.to_device(np.ascontiguousarray(tree_idx, dtype=np.int64))
            _mark_cleared[(max(1, (tree_idx.shape[0] + EB - 1) // EB),), EB](ti, cleared)
        cap = max(m, 1)
        out_idx = scope.empty(cap, np.int64)
        out_diam = scope.empty(cap, dt)
        counter = scope.to_device(np.zeros(1, dtype=np.int64))
        _compact_columns[grid, EB](self.D_dev, flags_d, cleared, counter, out_idx, out_diam)
        ncols = int(counter.copy_to_host()[0])
        col_idx = out_idx.copy_to_host()[:ncols].copy()
        col_diam = out_diam.copy_to_host()[:ncols].copy()
        flags = flags_d.copy_to_host()[:total].copy()
        self.D_dev = None
        for arr in (flags_d, counts_d, cleared, out_idx, out_diam, counter):
            scope.release(arr)
        sort_columns(col_diam, col_idx)
        return flags, col_idx, col_diam, (tree_u, tree_v, tree_w), n_apparent, m
