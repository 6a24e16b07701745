"""Pairwise distances on the GPU: tiled kernels with shared memory, bit-identical to the CPU.

Each thread block computes a TILE x TILE block of distances; the coordinates of its TILE rows of
X and TILE rows of Y are staged in shared memory KC coordinates at a time, and each thread keeps
one accumulator that runs over k = 0..d-1 in order with every product and sum rounded separately
(:mod:`topodim.cuda._arith`): the arithmetic of :func:`topodim.metrics.reduced_distance` /
:func:`topodim.metrics.finish_distance`, so every entry equals the CPU's bit for bit (float32 and
float64). Cosine rows are unit-normalised once on the host by
:func:`topodim.metrics.prepare_points`, as on the CPU.

Large outputs are computed in blocks of rows so that the device holds at most a bounded slice of
the result (see :data:`MAX_BLOCK_BYTES`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .._kernels.condensed import condensed_index
from ..metrics import CHEBYSHEV, COSINE, EUCLIDEAN, MANHATTAN, SQEUCLIDEAN
from ._arith import add_rn, device_function, mul_rn
from ._device import DeviceScope, simulator_enabled

__all__ = ["pairwise_distances", "device_distances", "TILE", "KC"]

_SIM = simulator_enabled()
#: Threads per block side: a block computes TILE x TILE distances (small under the simulator,
#: where every thread is a Python thread).
TILE = 4 if _SIM else 16
#: Coordinates staged in shared memory per pass (3 under the simulator, so that tiny inputs
#: exercise several passes and a partial last one).
KC = 3 if _SIM else 16
_KC_PAD = KC + 1  # padded row of the Y tile (fewer shared-memory bank conflicts); a constant
#: Most bytes of output one launch writes on the device (rows are processed in blocks).
MAX_BLOCK_BYTES = 1 << 28

#: The CPU's condensed index (scipy pdist order), compiled for the device.
_condensed_index = device_function(condensed_index.py_func)

FULL = 0
CONDENSED = 1
#: FULL with a zero diagonal (the Rips engine's matrix: topodim.rips._edges.fill_dense_from_points)
FULL_ZERO_DIAGONAL = 2


@device_function
def dist_step(s, a, b, metric):
    """One coordinate of the reduced distance (the loop body of topodim.metrics.reduced_distance)."""
    if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
        t = a - b
        return add_rn(s, mul_rn(t, t))
    if metric == MANHATTAN:
        return add_rn(s, abs(a - b))
    if metric == CHEBYSHEV:
        t = abs(a - b)
        return t if t > s else s
    return add_rn(s, mul_rn(a, b))  # COSINE: inner product of unit rows


@device_function
def dist_reduce_end(s, metric, one, zero):
    """The reduced distance from the accumulated sum (cosine: 1 - <x, y> clipped at 0)."""
    if metric == COSINE:
        c = one - s
        return c if c > zero else zero
    return s


@device_function
def dist_finish(r, metric):
    """topodim.metrics.finish_distance: the square root for euclidean (sqrt.rn)."""
    if metric == EUCLIDEAN:
        return math.sqrt(r)
    return r


@cuda.jit
def _distance_tiles(X, Y, metric, out, r0, r1, mode):
    """Distances from rows r0..r1-1 of X to the rows of Y, a TILE x TILE block per thread block.

    mode FULL: out[(i - r0) * m + j] for all j (FULL_ZERO_DIAGONAL: and 0 where i == j); mode
    CONDENSED (Y is X): scipy pdist order for j > i, stored relative to the first pair of row r0.
    """
    A = cuda.shared.array((TILE, KC), dtype=X.dtype)
    B = cuda.shared.array((TILE, _KC_PAD), dtype=X.dtype)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    i0 = r0 + cuda.blockIdx.y * TILE
    j0 = cuda.blockIdx.x * TILE
    m = Y.shape[0]
    d = X.shape[1]
    if mode == CONDENSED and j0 + TILE - 1 <= i0:
        return  # the whole block is on or below the diagonal (uniform over the block)
    i = i0 + ty
    j = j0 + tx
    zero = X.dtype.type(0)
    one = X.dtype.type(1)
    s = zero
    for k0 in range(0, d, KC):
        kc = min(KC, d - k0)
        for kk in range(tx, KC, TILE):
            if i < r1 and kk < kc:
                A[ty, kk] = X[i, k0 + kk]
            else:
                A[ty, kk] = zero
            if j0 + ty < m and kk < kc:
                B[ty, kk] = Y[j0 + ty, k0 + kk]
            else:
                B[ty, kk] = zero
        cuda.syncthreads()
        for kk in range(kc):
            s = dist_step(s, A[ty, kk], B[tx, kk], metric)
        cuda.syncthreads()
    if i < r1 and j < m:
        v = dist_finish(dist_reduce_end(s, metric, one, zero), metric)
        if mode == FULL:
            out[(i - r0) * m + j] = v
        elif mode == FULL_ZERO_DIAGONAL:
            out[(i - r0) * m + j] = v if i != j else zero
        elif j > i:
            n = X.shape[0]
            out[_condensed_index(i, j, n) - _condensed_index(r0, r0 + 1, n)] = v


def _launch(Xd, Yd, code, out_d, r0, r1, mode):
    m = Yd.shape[0]
    grid = ((m + TILE - 1) // TILE, (r1 - r0 + TILE - 1) // TILE)
    _distance_tiles[grid, (TILE, TILE)](Xd, Yd, np.int64(code), out_d, np.int64(r0), np.int64(r1),
                                        np.int64(mode))


def _row_blocks(n, row_bytes, max_block_bytes):
    rows = max(TILE, int(max_block_bytes // max(row_bytes, 1)) // TILE * TILE)
    return [(r0, min(n, r0 + rows)) for r0 in range(0, n, rows)]


def device_distances(scope: DeviceScope, Xd, code: int, zero_diagonal: bool = False):
    """The full (n, n) distance matrix of the device points Xd, left on the device (2-D)."""
    n = Xd.shape[0]
    out = scope.empty(n * n, Xd.dtype)
    _launch(Xd, Xd, code, out, 0, n, FULL_ZERO_DIAGONAL if zero_diagonal else FULL)
    return out.reshape((n, n))


def pairwise_distances(P, Q, code: int, condensed: bool, max_block_bytes=None) -> np.ndarray:
    """Distances between the rows of prepared points P and Q (Q None: P with itself).

    Returns the (n, m) matrix, or with ``condensed`` (Q None) the pdist-order vector; the dtype
    of P. Bit-identical to :func:`topodim.metrics.pairwise_distances` on the same prepared points.
    """
    limit = MAX_BLOCK_BYTES if max_block_bytes is None else int(max_block_bytes)
    n = P.shape[0]
    item = P.dtype.itemsize
    with DeviceScope() as scope:
        Xd = scope.to_device(P)
        Yd = Xd if Q is None else scope.to_device(Q)
        m = Yd.shape[0]
        if condensed:
            total = n * (n - 1) // 2
            out = np.empty(total, dtype=P.dtype)
            for r0, r1 in _row_blocks(n, max(n - 1, 1) * item, limit):
                if r0 >= n - 1:
                    break
                lo = n * r0 - (r0 * (r0 + 1)) // 2
                hi = n * r1 - (r1 * (r1 + 1)) // 2 if r1 < n else total
                if hi <= lo:
                    continue
                od = scope.empty(hi - lo, P.dtype)
                _launch(Xd, Xd, code, od, r0, r1, CONDENSED)
                od.copy_to_host(out[lo:hi])
                scope.release(od)
                del od
            return out
        out = np.empty((n, m), dtype=P.dtype)
        flat = out.reshape(-1)
        for r0, r1 in _row_blocks(n, m * item, limit):
            od = scope.empty((r1 - r0) * m, P.dtype)
            # d(x, x) = 0 exactly for the self matrix, as topodim.metrics.pairwise_distances
            _launch(Xd, Yd, code, od, r0, r1, FULL if Q is not None else FULL_ZERO_DIAGONAL)
            od.copy_to_host(flat[r0 * m:r1 * m])
            scope.release(od)
            del od
        return out
