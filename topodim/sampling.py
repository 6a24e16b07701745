"""Greedy furthest-point sampling (the "greedy permutation" of ripser.py's ``n_perm``).

Starting from point 0, each step adds the point furthest from those already chosen. After k
steps the chosen points cover the cloud within the covering radius ``r_cover`` (the largest
distance from any point to its nearest chosen point), and the Rips diagrams of the subsample
are within ``2 * r_cover`` of the full cloud's in bottleneck distance.

Distances come from :func:`topodim.metrics.point_distance` (points) or the rows of the validated
distance matrix, so the subsample's distance matrix is bit-identical to the full one's entries.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._config import njit, njit_parallel
from .metrics import metric_code, point_distance, prepare_points

__all__ = ["greedy_permutation"]


@njit_parallel
def _row_points(P, i, metric, out):
    for j in prange(P.shape[0]):
        out[j] = point_distance(P, i, P, j, metric) if j != i else P.dtype.type(0)


@njit
def _greedy(P, D, dense, metric, n_perm, dperm2all):
    """Fill dperm2all (n_perm, n) row by row; return (idx_perm, lambdas)."""
    n = dperm2all.shape[1]
    idx = np.zeros(n_perm, dtype=np.int64)
    lambdas = np.zeros(n_perm, dtype=dperm2all.dtype)
    ds = np.empty(n, dtype=dperm2all.dtype)
    cur = 0
    for r in range(n_perm):
        idx[r] = cur
        row = dperm2all[r]
        if dense:
            for j in range(n):
                row[j] = D[cur, j] if j != cur else 0
        else:
            _row_points(P, cur, metric, row)
        best = -1.0
        nxt = 0
        for j in range(n):
            x = row[j]
            if r == 0 or x < ds[j]:
                ds[j] = x
            if ds[j] > best:  # first maximum, as np.argmax
                best = ds[j]
                nxt = j
        lambdas[r] = best  # covering radius of the first r + 1 points
        cur = nxt
    return idx, lambdas


def greedy_permutation(inp, n_perm: int):
    """Greedy permutation of a validated points / dense / condensed input.

    Returns ``(idx_perm, lambdas, dperm2all)`` as ripser.py's ``get_greedy_perm``: the chosen
    indices (the first is 0), the covering radii after each step (``lambdas[-1]`` is the final
    covering radius r_cover) and the (n_perm, n) distances from the chosen points to all points.
    """
    n = inp.n
    dt = inp.dtype
    dperm2all = np.empty((n_perm, n), dtype=dt)
    if inp.kind == "points":
        P = prepare_points(inp.points, inp.metric)
        idx, lam = _greedy(P, np.empty((0, 0), dtype=dt), False, metric_code(inp.metric), n_perm,
                           dperm2all)
    else:
        if inp.kind == "condensed":
            from .metrics import squareform  # noqa: PLC0415

            D = squareform(inp.condensed)
        else:
            D = inp.dense
        idx, lam = _greedy(np.empty((0, 0), dtype=dt), D, True, 0, n_perm, dperm2all)
    return idx, lam, dperm2all
