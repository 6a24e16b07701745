"""Distances from every point to its k nearest other points, without an n x n matrix.

Points are scanned panel by panel (the layout of :mod:`topodim.metrics`), four query rows per
pass for the squared-euclidean family, keeping each row's k smallest in an insertion-sorted list
(ties by index); distance matrices (dense or condensed) are scanned row by row. Rows run in
parallel, each writing its own output rows, in batches launched from Python so that Ctrl-C is
seen between them.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from .._config import njit_inner, njit_parallel
from .._parallel import thread_limit
from .._mst.incremental import panel4_sq
from .._validate import as_distance_input, check_nonnegative_int
from ..metrics import (
    EUCLIDEAN,
    PANEL,
    SQEUCLIDEAN,
    condensed_index,
    finish_distance,
    metric_code,
    panel_reduced_distances,
    prepare_points,
    scaled_points_input,
    to_panels,
    unscale,
)

__all__ = ["KNN_BATCH_WORK", "knn_distances"]


@njit_inner
def _push_knn(dist, idx, k, r, j):
    """Insert (r, j) into the ascending lists dist/idx of length k if it is among the k smallest."""
    if r >= dist[k - 1]:
        return
    p = k - 1
    while p > 0 and dist[p - 1] > r:
        dist[p] = dist[p - 1]
        idx[p] = idx[p - 1]
        p -= 1
    dist[p] = r
    idx[p] = j


@njit_parallel
def _knn_points(X, P, k, metric, out_d, out_i, g0, g1):
    """Rows 4*g0 .. 4*g1 - 1 (groups of 4 rows) of the k-NN lists of the points X (panels P)."""
    n = X.shape[0]
    nb = P.shape[0]
    for g in prange(g0, g1):  # each group of 4 rows writes its own rows of out_d / out_i
        acc = np.empty((4, PANEL), dtype=P.dtype)
        i0 = 4 * np.int64(g)
        rows = min(4, n - i0)
        for r in range(rows):
            for q in range(k):
                out_d[i0 + r, q] = np.inf
                out_i[i0 + r, q] = -1
        for b in range(nb):
            lo = b * PANEL
            w = min(PANEL, n - lo)
            if rows == 4 and (metric == EUCLIDEAN or metric == SQEUCLIDEAN):
                panel4_sq(P, b, w, X, i0, acc)
                for r in range(4):
                    for t in range(w):
                        j = lo + t
                        if j != i0 + r:
                            _push_knn(out_d[i0 + r], out_i[i0 + r], k, acc[r, t], j)
            else:
                for r in range(rows):
                    panel_reduced_distances(P, b, w, X[i0 + r], metric, acc[0])
                    for t in range(w):
                        j = lo + t
                        if j != i0 + r:
                            _push_knn(out_d[i0 + r], out_i[i0 + r], k, acc[0, t], j)
        for r in range(rows):
            for q in range(k):
                out_d[i0 + r, q] = finish_distance(out_d[i0 + r, q], metric)


@njit_inner
def _knn_matrix_row(D, C, N, dense, k, i, dist, idx):
    for q in range(k):
        dist[q] = np.inf
        idx[q] = -1
    for j in range(N):
        if j == i:
            continue
        if dense:
            r = D[i, j]
        else:
            r = C[condensed_index(i, j, N)]
        _push_knn(dist, idx, k, r, j)


@njit_parallel
def _knn_matrix(D, C, N, dense, k, out_d, out_i, r0, r1):
    for i in prange(r0, r1):  # each row writes its own slots
        _knn_matrix_row(D, C, N, dense, k, np.int64(i), out_d[i], out_i[i])


def knn_distances(X, k, metric="euclidean", distance_matrix=False, dtype=np.float64, n_threads=None,
                  return_indices=False):
    """Distances from every point to its k nearest other points, without an n x n matrix.

    Returns an (n, k) array sorted ascending along rows (ties by index), in the compute dtype
    (and the (n, k) int64 indices with ``return_indices=True``). The point itself is excluded;
    duplicates of it are not (distance 0).
    """
    k = check_nonnegative_int(k, "k", 1)
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    if inp.kind == "sparse" or inp.has_births:
        raise ValueError("knn_distances takes points or a dense / condensed distance matrix with a zero diagonal")
    if k > inp.n - 1:
        raise ValueError(f"k={k} neighbours need at least {k + 1} points, X has {inp.n}")
    out_d = np.empty((inp.n, k), dtype=inp.dtype)
    out_i = np.empty((inp.n, k), dtype=np.int64)
    n = inp.n
    e = 0
    with thread_limit(n_threads) as threads:
        if inp.kind == "points":
            inp, e = scaled_points_input(inp)
            Xp = np.ascontiguousarray(prepare_points(inp.points, inp.metric))
            P = to_panels(Xp)
            code = metric_code(inp.metric)
            # row batches run from Python, so that Ctrl-C is seen between them
            groups = (n + 3) // 4
            step = _knn_batch_rows(n, Xp.shape[1], threads) // 4
            for g0 in range(0, groups, step):
                _knn_points(Xp, P, k, code, out_d, out_i, g0, min(groups, g0 + step))
        else:
            dense = inp.kind == "dense"
            D = inp.dense if dense else np.zeros((1, 1), dtype=inp.dtype)
            C = inp.condensed if not dense else np.zeros(1, dtype=inp.dtype)
            step = _knn_batch_rows(n, 1, threads)
            for r0 in range(0, n, step):
                _knn_matrix(D, C, n, dense, k, out_d, out_i, r0, min(n, r0 + step))
    out_d = unscale(out_d, e)  # a power of two: exact
    return (out_d, out_i) if return_indices else out_d


#: Work (pairs x coordinates) of one batch of rows of :func:`knn_distances`, per thread; the
#: batches run one after another from Python so that KeyboardInterrupt is raised between them
#: (a batch takes a fraction of a second).
KNN_BATCH_WORK = 1 << 26


def _knn_batch_rows(n: int, d: int, threads: int) -> int:
    """Rows per batch: a multiple of 4 (the kernel's row groups, so results do not depend on it)."""
    rows = (KNN_BATCH_WORK * max(1, threads)) // max(1, n * max(1, d))
    return max(4, (rows // 4) * 4)
