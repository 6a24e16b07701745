"""Weighted Vietoris–Rips filtrations and distance-to-measure (DTM) vertex weights.

Anai, Chazal, Glisse, Ike, Inakoshi, Tinarrage and Umeda, "DTM-based filtrations" (SoCG 2019;
Abel Symposia 15, 2020) grow around each point x a ball whose radius at filtration value t is
``r_x(t) = (t^p - w(x)^p)^(1/p)`` for t >= w(x) (the point is absent before w(x)). The weighted
Rips filtration is the flag complex of these balls' intersections:

* vertex x enters at ``w(x)``;
* edge {x, y} enters at the smallest t >= max(w(x), w(y)) with ``r_x(t) + r_y(t) >= 2 d(x, y)``.

The factor 2 in front of ``d(x, y)`` is giotto-ph's convention: with all weights 0 the filtration is
the ordinary Rips filtration by diameters (edge value ``d(x, y)``), not by radii. The edge value
``t`` solves ``(t^p - w_x^p)^(1/p) + (t^p - w_y^p)^(1/p) = 2d`` when
``2d > |w_x^p - w_y^p|^(1/p)`` (otherwise the larger ball already contains the other's centre when
it appears, and t = max(w_x, w_y)). For the three powers supported the root is explicit:

* p = 1: ``t = d + (w_x + w_y) / 2`` (which is >= max(w) exactly when 2d >= |w_x - w_y|);
* p = 2: ``t^2 = d^2 + (w_x^2 + w_y^2) / 2 + (w_x^2 - w_y^2)^2 / (16 d^2)`` (squaring the equation
  twice);
* p = inf: ``t = max(d, w_x, w_y)`` (the balls have radius t once present).

The DTM weights (the paper's empirical distance to measure, with giotto-ph's factor 2 and mass
``k / (k + 1)``) are ``w(x) = 2 ((d_1^r + ... + d_k^r) / (k + 1))^(1/r)`` where d_1 <= ... <= d_k are
the distances from x to its k nearest other points (x itself is not its own neighbour; a duplicate
of x is, at distance 0); r = inf gives ``2 d_k``.

The weighted filtration is handed to the Rips engine as a distance matrix (dense or sparse) whose
diagonal holds the vertex values; the input's own diagonal, if any, is replaced.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._validate import DistanceInput, check_memory

__all__ = ["weighted_input", "weighted_edge_values", "dtm_weights"]

#: weight_params keys and their defaults (giotto-ph's).
DEFAULT_WEIGHT_PARAMS = {"p": 1, "r": 2, "n_neighbors": 3}
#: Rows of a dense matrix transformed at a time (bounds the temporaries to ~this many entries).
_BLOCK_ENTRIES = 1 << 21


def _check_power(value, key):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"weight_params[{key!r}] must be a number (1, 2 or np.inf), got {value!r}")
    v = float(value)
    if math.isnan(v) or v <= 0:
        raise ValueError(f"weight_params[{key!r}] must be > 0, got {value!r}")
    return v


def _check_params(weight_params, is_dtm):
    if weight_params is None:
        weight_params = {}
    if not isinstance(weight_params, dict):
        raise TypeError(f"weight_params must be a dict or None, got {type(weight_params).__name__}")
    unknown = set(weight_params) - set(DEFAULT_WEIGHT_PARAMS)
    if unknown:
        raise ValueError(f"unknown weight_params key(s) {sorted(map(str, unknown))}; "
                         "valid: 'p', and for weights='DTM' also 'r' and 'n_neighbors'")
    params = {**DEFAULT_WEIGHT_PARAMS, **weight_params}
    p = _check_power(params["p"], "p")
    if p not in (1.0, 2.0, math.inf):
        raise NotImplementedError(f"weight_params['p']={params['p']!r} is not implemented; "
                                  "use p = 1, 2 or np.inf")
    r = _check_power(params["r"], "r")
    k = params["n_neighbors"]
    if is_dtm and (isinstance(k, bool) or not isinstance(k, numbers.Integral) or int(k) < 1):
        raise ValueError(f"weight_params['n_neighbors'] must be a positive integer, got {k!r}")
    return p, r, int(k) if is_dtm else 0


def weighted_edge_values(d, wx, wy, p):
    """Edge values of the weighted Rips filtration (float64 arrays broadcast together).

    ``d`` are the distances, ``wx`` and ``wy`` the weights of the two ends, ``p`` 1, 2 or inf
    (see the module docstring). The result is never below ``max(wx, wy)``; ``inf`` distances stay
    ``inf`` (no edge).
    """
    d = np.asarray(d, dtype=np.float64)
    wmax = np.maximum(wx, wy)
    if p == math.inf:
        return np.maximum(d, wmax)
    if p == 1.0:
        # d + (wx + wy)/2 >= max(wx, wy)  <=>  2d >= |wx - wy|: the max covers both cases
        return np.maximum(d + 0.5 * (wx + wy), wmax)
    a = np.square(wx)
    b = np.square(wy)
    d2 = np.square(d)
    grown = 4.0 * d2 > np.abs(a - b)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t2 = d2 + 0.5 * (a + b) + np.square(a - b) / (16.0 * d2)
        t = np.sqrt(t2)
    t = np.where(grown, t, wmax)
    t = np.where(np.isinf(d), np.inf, t)
    return np.maximum(t, wmax)  # guards the rounding at the switch point


def _dtm_from_sorted(nearest, r):
    """DTM weights from the k nearest distances per row ((n, k) float64, any order)."""
    k = nearest.shape[1]
    if r == math.inf:
        return 2.0 * nearest.max(axis=1)
    with np.errstate(over="ignore"):
        s = np.power(nearest, r).sum(axis=1) / (k + 1)
        return 2.0 * np.power(s, 1.0 / r)


def dtm_weights(inp: DistanceInput, n_neighbors=3, r=2.0, dense=None):
    """DTM vertex weights of a validated input (see the module docstring).

    ``dense`` is the (n, n) distance matrix when one is built (points, dense or condensed input);
    sparse input uses its stored edges (absent ones are infinitely far).
    """
    n = inp.n
    k = int(n_neighbors)
    if k >= n:
        raise ValueError(f"weight_params['n_neighbors']={k} needs more than {k} points, got {n}; "
                         "pass a smaller n_neighbors")
    if dense is not None:
        nearest = np.empty((n, k), dtype=np.float64)
        rows = max(1, _BLOCK_ENTRIES // max(n, 1))
        for lo in range(0, n, rows):
            hi = min(n, lo + rows)
            blk = np.array(dense[lo:hi], dtype=np.float64)
            blk[np.arange(hi - lo), np.arange(lo, hi)] = np.inf  # a point is not its own neighbour
            nearest[lo:hi] = np.partition(blk, k - 1, axis=1)[:, :k]
    else:
        deg = np.diff(inp.indptr)
        if (deg < k).any():
            i = int(np.argmax(deg < k))
            raise ValueError(f"vertex {i} has {int(deg[i])} neighbours in the sparse graph but "
                             f"weights='DTM' with n_neighbors={k} needs {k}; pass a smaller "
                             "weight_params['n_neighbors'] or more edges")
        row = np.repeat(np.arange(n), deg)
        order = np.lexsort((inp.data, row))
        pos = np.arange(order.shape[0]) - np.repeat(inp.indptr[:-1], deg)
        take = order[pos < k]
        nearest = np.asarray(inp.data, dtype=np.float64)[take].reshape(n, k)
    if not np.isfinite(nearest).all():
        i = int(np.argmax(~np.isfinite(nearest).all(axis=1)))
        raise ValueError(f"vertex {i} has fewer than {k} neighbours at a finite distance; "
                         "weights='DTM' needs n_neighbors finite distances per point")
    return _dtm_from_sorted(nearest, r)


def _check_weights(weights, n):
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"weights must be 'DTM', None or an array of {n} numbers; {exc}") from None
    if w.ndim == 2 and 1 in w.shape:
        w = w.ravel()
    if w.ndim != 1 or w.shape[0] != n:
        raise ValueError(f"weights has shape {np.shape(weights)} but the input has {n} vertices; "
                         f"pass one weight per vertex, shape ({n},)")
    if not np.isfinite(w).all():
        raise ValueError(f"weights[{int(np.argmax(~np.isfinite(w)))}] is not finite; "
                         "vertex weights must be finite numbers >= 0")
    if (w < 0).any():
        raise ValueError(f"weights[{int(np.argmax(w < 0))}] = {w[w < 0][0]!r} is negative; "
                         "vertex weights must be >= 0")
    return w


def weighted_input(inp: DistanceInput, weights, weight_params, dense_matrix) -> DistanceInput:
    """The weighted Rips filtration of ``inp`` as a distance input with vertex values.

    Parameters
    ----------
    inp : DistanceInput
        The validated input (any kind).
    weights : "DTM" or array-like of n numbers >= 0
        Vertex weights, or "DTM" for the distance-to-measure weights.
    weight_params : dict or None
        ``p`` (1, 2 or np.inf; default 1), and for "DTM" ``r`` (> 0 or np.inf; default 2) and
        ``n_neighbors`` (default 3).
    dense_matrix : callable
        Builds the (n, n) distance matrix of a points / condensed input (memory checked).

    Returns
    -------
    DistanceInput
        ``dense`` (a new matrix; the input is not modified) or ``sparse``, with ``births`` the
        vertex weights.
    """
    is_dtm = isinstance(weights, str)
    if is_dtm and weights != "DTM":
        raise ValueError(f"{weights!r} passed for `weights` but the only allowed string is 'DTM'; "
                         "pass 'DTM', an array of vertex weights or None")
    p, r, k = _check_params(weight_params, is_dtm)
    n = inp.n
    dt = inp.dtype
    if not is_dtm:
        w = _check_weights(weights, n)
    if inp.kind == "sparse":
        if is_dtm:
            w = dtm_weights(inp, k, r)
        deg = np.diff(inp.indptr)
        row = np.repeat(np.arange(n), deg)
        vals = weighted_edge_values(np.asarray(inp.data, dtype=np.float64), w[row], w[inp.indices], p)
        wd = w.astype(dt)
        return DistanceInput(kind="sparse", n=n, dtype=dt, indptr=inp.indptr, indices=inp.indices,
                             data=np.ascontiguousarray(vals, dtype=dt),
                             births=wd if (wd != 0).any() else None)
    if inp.kind == "dense":
        check_memory(n * n * dt.itemsize, f"the {n}x{n} weighted distance matrix",
                     "pass dtype=np.float32, or a sparse distance matrix with a threshold")
        D = np.array(inp.dense, dtype=dt, copy=True)
    else:
        D = dense_matrix(inp)  # a new matrix, transformed in place
    if is_dtm:
        w = dtm_weights(inp, k, r, dense=D)
    rows = max(1, _BLOCK_ENTRIES // max(n, 1))
    for lo in range(0, n, rows):
        hi = min(n, lo + rows)
        blk = weighted_edge_values(D[lo:hi], w[lo:hi, None], w[None, :], p)
        blk[np.arange(hi - lo), np.arange(lo, hi)] = w[lo:hi]
        D[lo:hi] = blk
    wd = w.astype(dt)
    return DistanceInput(kind="dense", n=n, dtype=dt, dense=D, births=wd if (wd != 0).any() else None)
