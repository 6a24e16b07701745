"""The memory a Rips computation needs, estimated before anything is allocated."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import (
    as_dtype,
    check_estimate_args,
    check_maxdim,
    check_nonnegative_int,
    check_threshold,
)

__all__ = ["estimate_memory"]


# ==========================================================================================
# memory estimate
# ==========================================================================================


def estimate_memory(X=None, maxdim=1, thresh=np.inf, distance_matrix=False, dtype=np.float64,
                    n_points=None, n_perm=None, do_cocycles=False, collapse_edges="auto"):
    """Peak memory (bytes) of :func:`ripser` above what the process held before, estimated
    before running it.

    Pass the input ``X`` (its size and kind are read, nothing is computed) or ``n_points``. The
    estimate is the largest of the stages' working sets, each counted from the arrays
    :func:`ripser` checks before allocating them, with every pair of points taken as an edge
    (the threshold is not applied: that would need the distances):

    * the n x n distance matrix and the int32 code of every edge (all maxdim);
    * for maxdim >= 2 with the edge collapse (the default without cocycles): the sorted edge list
      and its sort buffers, then the sweep's second value matrix, pending-edge arrays and
      adjacency bitsets (see :func:`topodim.collapse.working_bytes`); the collapsed graph is
      taken to be small beside them, as it is on point clouds (a graph that does not collapse
      costs up to 2 x edges x (8 + itemsize) more, checked when it is built);
    * without the collapse: the list of all edges, from which the triangles are assembled;
    * for maxdim >= 3, the simplices one dimension below the top (at most C(n, k) of them, an
      upper bound: the collapse and a threshold usually leave far fewer).

    Measured peaks above the baseline, in fresh processes (bench/memory_peak.py, table in
    bench/README.md), are within 1.5x of this estimate for maxdim 1 and 2 and never more than
    20 % above it.
    """
    dt = as_dtype(dtype)
    maxdim = check_maxdim(maxdim)
    check_threshold(thresh)
    if collapse_edges not in ("auto", True, False):
        raise ValueError(f"collapse_edges must be 'auto', True or False, got {collapse_edges!r}")
    check_estimate_args(X, n_points, n_perm, distance_matrix)
    if X is None and n_points is None:
        raise TypeError("pass X or n_points")
    sparse_nnz = None
    if n_points is None:
        if hasattr(X, "nnz") and hasattr(X, "shape"):
            n = int(X.shape[0])
            sparse_nnz = int(X.nnz)
        else:
            shape = np.shape(X)
            if len(shape) == 0:
                raise ValueError("X must be an array of points (n, d) or distances, got a scalar; "
                                 "pass the input itself or n_points=...")
            if distance_matrix and len(shape) == 1:
                from .._validate import condensed_size_to_n  # noqa: PLC0415

                n = condensed_size_to_n(int(shape[0]))
            else:
                n = int(shape[0])
    else:
        n = check_nonnegative_int(n_points, "n_points", minimum=1)
    n_full = n
    extra = 0
    if n_perm is not None and not (isinstance(n_perm, numbers.Integral) and int(n_perm) == 0):
        k = check_nonnegative_int(n_perm, "n_perm", minimum=1)
        n = min(n, k)
        extra = n * n_full * dt.itemsize  # the subsample's distances to every point (dperm2all)
        sparse_nnz = None
    item = dt.itemsize
    pairs = n * (n - 1) // 2
    if sparse_nnz is not None:
        nnz = sparse_nnz
        base = nnz * (8 + item + 4) * 2  # CSR copy + edge codes
        edges = nnz // 2
        matrix = 0
    else:
        nnz = 0
        matrix = n * n * item
        base = matrix + pairs * 4  # matrix + int32 edge codes
        edges = pairs
    total = base
    if maxdim >= 2:
        collapse = collapse_edges is True or (collapse_edges == "auto" and not do_cocycles)
        if collapse:
            from ._collapse import working_bytes  # noqa: PLC0415

            sorting, sweep = working_bytes(sparse_nnz is None, n, edges, nnz, item)
            total = max(total, matrix + sorting, matrix + sweep)
        else:
            # every edge listed (index + diameter) for the assembly of the triangles
            total += edges * (8 + item)
    if maxdim >= 3:
        total += math.comb(n, 3) * (8 + item)
    for k in range(4, maxdim + 1):
        total += math.comb(n, k) * (8 + item)
    if do_cocycles:
        total += pairs * 16
    return int(total + extra)
