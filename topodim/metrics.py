"""Distance kernels: one definition of every metric, used by every CPU code path.

Why one definition: persistence pairings are decided by equality tests on diameters (apparent and
emergent pairs), so a distance must come out bit-identical whichever engine asks for it. Every
kernel therefore computes :func:`reduced_distance` (a monotone "reduced" form: the squared
Euclidean distance for ``euclidean``) followed by :func:`finish_distance` (the square root for
``euclidean``). Sums run over the coordinates in order with one accumulator and no fused
multiply-add; the panel kernels (:func:`panel_reduced_distances`) vectorise across points, not
coordinates, so they give the same bits several times faster. A GPU port must do the same
(round every product and sum separately).

Metrics (codes are the integers the kernels take):

==============  =====  ==========================================================
name            code   distance between rows x and y
==============  =====  ==========================================================
euclidean       0      sqrt(sum (x_k - y_k)^2)
sqeuclidean     1      sum (x_k - y_k)^2  (not a metric; valid as a filtration)
manhattan       2      sum |x_k - y_k|
chebyshev       3      max |x_k - y_k|
cosine          4      1 - <x, y> / (|x| |y|), clipped at 0; rows are normalised once
==============  =====  ==========================================================

Condensed storage follows scipy's ``pdist``: pair (i, j), i < j, of n points is at
``n*i - i*(i+1)//2 + j - i - 1``.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._config import njit, njit_inner, njit_parallel
from ._parallel import thread_limit
from ._kernels.condensed import condensed_index, condensed_row_offset
from ._validate import (
    NATIVE_METRICS,
    DistanceInput,
    as_distance_input,
    as_points,
    check_memory,
)

__all__ = [
    "METRIC_CODES",
    "metric_code",
    "prepare_points",
    "point_scale",
    "scaled_points_input",
    "unscale",
    "reduced_distance",
    "finish_distance",
    "point_distance",
    "condensed_index",
    "pairwise_distances",
    "squareform",
    "enclosing_radius",
]

EUCLIDEAN = 0
SQEUCLIDEAN = 1
MANHATTAN = 2
CHEBYSHEV = 3
COSINE = 4

METRIC_CODES = {
    "euclidean": EUCLIDEAN,
    "sqeuclidean": SQEUCLIDEAN,
    "manhattan": MANHATTAN,
    "chebyshev": CHEBYSHEV,
    "cosine": COSINE,
}

#: Metrics for which axis-aligned boxes give a lower bound (KD-tree pruning).
BOX_METRICS = (EUCLIDEAN, SQEUCLIDEAN, MANHATTAN, CHEBYSHEV)


def metric_code(metric: str) -> int:
    try:
        return METRIC_CODES[metric]
    except KeyError:
        raise ValueError(f"metric {metric!r} has no native kernel; native metrics: {', '.join(NATIVE_METRICS)}") from None


def max_abs(points: np.ndarray) -> float:
    """The largest |coordinate| of a finite array (0.0 when empty), without a temporary copy."""
    if points.size == 0:
        return 0.0
    return float(max(np.max(points), -np.min(points)))


def _safe_range(dtype, d: int) -> tuple:
    """(low, high): largest |coordinates| between which squared distances neither overflow nor underflow.

    ``high`` keeps d * (2 M)^2 (a bound on every squared distance and squared norm of d
    coordinates) below the dtype's largest number; ``low`` keeps the square of any difference
    above sqrt(eps) * M a normal number.
    """
    fi = np.finfo(dtype)
    high = float(np.sqrt(fi.max / (4.0 * max(1, d))))
    low = float(np.sqrt(fi.tiny) / np.sqrt(fi.eps))
    return low, high


def prepare_points(points: np.ndarray, metric: str, check_range: bool = True) -> np.ndarray:
    """The array the kernels read for ``metric``: unit-normalised rows for cosine, else as is.

    Cosine rows are divided by their largest |coordinate| before their norm is taken, so that the
    norm neither overflows nor underflows (as BLAS ``nrm2`` does). For the squared-difference
    metrics (euclidean, sqeuclidean) a point cloud whose largest |coordinate| is outside the range
    where squared distances are representable in the dtype (about 1e-146 .. 6e153 / sqrt(d) in
    float64, 3e-16 .. 9e18 / sqrt(d) in float32, for d coordinates) raises ``ValueError``: callers that can undo a scale use
    :func:`scaled_points_input` first (ripser's distance matrix, mst / ph0, ph_dimension, TwoNN,
    MLE, rips_filtration, pairwise_distances and enclosing_radius do).
    ``check_range=False`` skips that check (for a caller that scaled several arrays together).
    """
    if metric == "cosine":
        P = np.asarray(points)
        rowmax = np.maximum(np.max(P, axis=1), -np.min(P, axis=1)) if P.size else np.zeros(P.shape[0], P.dtype)
        Q = P / rowmax[:, None]
        norms = np.sqrt(np.einsum("ij,ij->i", Q, Q))
        return np.ascontiguousarray(Q / norms[:, None], dtype=P.dtype)
    if check_range and metric in ("euclidean", "sqeuclidean"):
        m = max_abs(points)
        low, high = _safe_range(points.dtype, points.shape[1] if points.ndim == 2 else 1)
        if m > high or 0.0 < m < low:
            what = "overflow" if m > high else "underflow"
            raise ValueError(
                f"X's largest |coordinate| is {m:.3g}: its squared distances {what} {points.dtype.name}; "
                f"rescale X to about 1 (X / {m:.3g}) and multiply the results by the same factor "
                "(ripser without n_perm, ph0, mst, ph_dimension, TwoNN, MLE and rips_filtration do this themselves)"
            )
    return points


def point_scale(points: np.ndarray, metric: str) -> int:
    """An exponent k such that ``np.ldexp(points, k)`` is safe for ``metric`` (0 when none is needed).

    Scaling by a power of two is exact (for normal numbers), so the distances of the scaled points
    are exactly 2**k times (4**k for sqeuclidean) those computed without overflow or underflow.
    Cosine is scale invariant, and manhattan and chebyshev do not square: they never need one.
    """
    if metric not in ("euclidean", "sqeuclidean"):
        return 0
    m = max_abs(points)
    low, high = _safe_range(points.dtype, points.shape[1] if points.ndim == 2 else 1)
    if m == 0.0 or low <= m <= high:
        return 0
    return -int(np.frexp(m)[1])  # brings the largest |coordinate| into [0.5, 1)


def scaled_points_input(inp: DistanceInput):
    """``(inp', e)``: the input with its points scaled by a power of two (:func:`point_scale`), and
    the exponent e such that ``np.ldexp(d', e)`` turns a distance d' of ``inp'`` into the distance
    of ``inp`` (e = 0 when the points were not scaled or ``inp`` is not a point cloud).

    Raises ``ValueError`` when the true distances themselves are not representable in the dtype
    (sqeuclidean distances above its largest number).
    """
    if inp.kind != "points":
        return inp, 0
    k = point_scale(inp.points, inp.metric)
    if k == 0:
        return inp, 0
    e = -k if inp.metric == "euclidean" else -2 * k
    if inp.metric == "sqeuclidean" and e > np.finfo(inp.dtype).maxexp - 4:
        raise ValueError(f"squared euclidean distances of X (coordinates up to {max_abs(inp.points):.3g}) exceed "
                         f"{inp.dtype.name}'s largest number; use metric='euclidean' or rescale X")
    P = np.ascontiguousarray(np.ldexp(inp.points, k), dtype=inp.dtype)
    return DistanceInput(kind="points", n=inp.n, dtype=inp.dtype, points=P, metric=inp.metric), e


def unscale(values, e: int):
    """``values * 2**e`` (exact for normal results), in the values' dtype; ``values`` when e = 0."""
    if e == 0:
        return values
    v = np.asarray(values)
    return np.ldexp(v, e).astype(v.dtype, copy=False)


# ------------------------------------------------------------------------------------------
# scalar kernels
# ------------------------------------------------------------------------------------------
#
# The canonical arithmetic: a single accumulator, coordinates in order k = 0, 1, ..., d-1, no
# fused multiply-add. The panel kernels below vectorise across points instead of across
# coordinates, so they produce the very same bits while running several times faster.


@njit
def reduced_distance(X, i, Y, j, metric):
    """A monotone transform of the distance between rows X[i] and Y[j] (squared for euclidean)."""
    d = X.shape[1]
    s = X.dtype.type(0)
    if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
        for k in range(d):
            t = X[i, k] - Y[j, k]
            s += t * t
        return s
    elif metric == MANHATTAN:
        for k in range(d):
            s += abs(X[i, k] - Y[j, k])
        return s
    elif metric == CHEBYSHEV:
        for k in range(d):
            t = abs(X[i, k] - Y[j, k])
            if t > s:
                s = t
        return s
    else:  # COSINE on unit rows
        for k in range(d):
            s += X[i, k] * Y[j, k]
        c = X.dtype.type(1) - s
        return c if c > 0 else X.dtype.type(0)


@njit_inner
def finish_distance(r, metric):
    """Turn a reduced distance into the distance."""
    if metric == EUCLIDEAN:
        return np.sqrt(r)
    return r


@njit
def point_distance(X, i, Y, j, metric):
    """The distance between rows X[i] and Y[j]; the one definition every CPU path uses."""
    return finish_distance(reduced_distance(X, i, Y, j, metric), metric)


# ------------------------------------------------------------------------------------------
# panel layout: points in blocks of PANEL, coordinates of a block stored contiguously
# ------------------------------------------------------------------------------------------
#
# P[b, k, t] is coordinate k of point b * PANEL + t. A scan over many points then reads one
# contiguous stream and the innermost loop (over the points of a block) vectorises, while each
# point's sum still runs over k in order: the bits equal reduced_distance's.

PANEL = 128


@njit
def to_panels(X):
    """Copy (n, d) points into panel layout (n_blocks, d, PANEL); padding is zero."""
    n, d = X.shape
    nb = (n + PANEL - 1) // PANEL
    P = np.zeros((nb, d, PANEL), dtype=X.dtype)
    for p in range(n):
        b = p // PANEL
        t = p - b * PANEL
        for k in range(d):
            P[b, k, t] = X[p, k]
    return P


@njit_inner
def panel_point(P, p, out):
    """Copy the coordinates of panel position p into the 1-D array out."""
    b = p // PANEL
    t = p - b * PANEL
    for k in range(P.shape[1]):
        out[k] = P[b, k, t]


@njit_inner
def panel_swap(P, a, c):
    """Exchange the points at panel positions a and c."""
    ba = a // PANEL
    ta = a - ba * PANEL
    bc = c // PANEL
    tc = c - bc * PANEL
    for k in range(P.shape[1]):
        x = P[ba, k, ta]
        P[ba, k, ta] = P[bc, k, tc]
        P[bc, k, tc] = x


@njit
def panel_reduced_distances(P, b, w, x, metric, acc):
    """acc[t] = reduced distance from x to the point at position b * PANEL + t, for t < w.

    Bit-identical to :func:`reduced_distance` (same order over coordinates, no FMA).
    """
    d = P.shape[1]
    zero = P.dtype.type(0)
    for t in range(w):
        acc[t] = zero
    if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
        for k in range(d):
            xk = x[k]
            for t in range(w):
                y = P[b, k, t] - xk
                acc[t] += y * y
    elif metric == MANHATTAN:
        for k in range(d):
            xk = x[k]
            for t in range(w):
                acc[t] += abs(xk - P[b, k, t])
    elif metric == CHEBYSHEV:
        for k in range(d):
            xk = x[k]
            for t in range(w):
                y = abs(xk - P[b, k, t])
                if y > acc[t]:
                    acc[t] = y
    else:  # COSINE on unit rows
        for k in range(d):
            xk = x[k]
            for t in range(w):
                acc[t] += xk * P[b, k, t]
        one = P.dtype.type(1)
        for t in range(w):
            c = one - acc[t]
            acc[t] = c if c > 0 else zero


# ------------------------------------------------------------------------------------------
# pairwise matrices
# ------------------------------------------------------------------------------------------


@njit_parallel
def _pdist_kernel(X, metric, out):
    n = X.shape[0]
    d = X.shape[1]
    P = to_panels(X)
    # row i costs n-1-i distances: interleave rows over many chunks so threads get equal work
    nchunks = min(n - 1, 256)
    for c in prange(nchunks):
        acc = np.empty(PANEL, dtype=X.dtype)
        x = np.empty(d, dtype=X.dtype)
        for i in range(c, n - 1, nchunks):
            for k in range(d):
                x[k] = X[i, k]
            base = condensed_row_offset(i, n)
            for b in range((i + 1) // PANEL, P.shape[0]):
                lo = b * PANEL
                w = min(PANEL, n - lo)
                panel_reduced_distances(P, b, w, x, metric, acc)
                for t in range(max(0, i + 1 - lo), w):
                    out[base + lo + t] = finish_distance(acc[t], metric)


@njit_parallel
def _cdist_kernel(X, Y, metric, out):
    for i in prange(X.shape[0]):
        for j in range(Y.shape[0]):
            out[i, j] = point_distance(X, i, Y, j, metric)


@njit
def _squareform_kernel(v, n, out):
    k = 0
    for i in range(n):
        out[i, i] = 0
        for j in range(i + 1, n):
            out[i, j] = v[k]
            out[j, i] = v[k]
            k += 1


def squareform(condensed: np.ndarray) -> np.ndarray:
    """Square (n, n) matrix from a condensed one (memory checked first)."""
    from ._validate import condensed_size_to_n  # noqa: PLC0415

    v = np.ascontiguousarray(condensed)
    n = condensed_size_to_n(v.shape[0])
    if n < 0:
        raise ValueError(f"a condensed matrix of length {v.shape[0]} does not correspond to any n")
    check_memory(n * n * v.itemsize, f"a {n}x{n} distance matrix", "keep it condensed")
    out = np.empty((n, n), dtype=v.dtype)
    _squareform_kernel(v, n, out)
    return out


def pairwise_distances(X, Y=None, metric="euclidean", condensed=False, dtype=np.float64, n_threads=None):
    """Pairwise distances between the rows of X (and Y), computed in parallel.

    Parameters
    ----------
    X : array-like, shape (n, d)
    Y : array-like, shape (m, d), optional
        When given, the (n, m) matrix of distances from rows of X to rows of Y.
    metric : {"euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine"}
    condensed : bool
        Without Y: return the condensed vector of length n(n-1)/2 (scipy ``pdist`` order) instead of
        the square matrix.
    dtype : float64 or float32
        Compute and output dtype.
    n_threads : int, optional
        Threads to use (default all).

    Returns
    -------
    ndarray of ``dtype``
    """
    inp = as_distance_input(X, metric=metric, dtype=dtype)
    if inp.kind != "points":
        raise ValueError("pairwise_distances takes point clouds with a native metric")
    code = metric_code(inp.metric)
    Q = None
    if Y is not None:
        Q = as_points(Y, dtype=inp.dtype, name="Y", min_points=1, warn_shape=False)
        if Q.shape[1] != inp.points.shape[1]:
            raise ValueError(f"Y has {Q.shape[1]} columns but X has {inp.points.shape[1]}; they must match")
        if inp.metric == "cosine" and (np.max(np.abs(Q), axis=1) == 0).any():
            raise ValueError("cosine distance is undefined for a zero vector in Y")
    # one power-of-two scale for X and Y together (exact), undone on the output
    both = inp.points if Q is None else np.concatenate([inp.points, Q])
    k = point_scale(both, inp.metric)
    e = 0
    if k != 0:
        e = -k if inp.metric == "euclidean" else -2 * k
        inp = DistanceInput(kind="points", n=inp.n, dtype=inp.dtype, metric=inp.metric,
                            points=np.ascontiguousarray(np.ldexp(inp.points, k), dtype=inp.dtype))
        Q = None if Q is None else np.ascontiguousarray(np.ldexp(Q, k), dtype=Q.dtype)
    return unscale(_pairwise(inp, Q, code, condensed, n_threads), e)


def _pairwise(inp: DistanceInput, Q, code, condensed, n_threads):
    P = prepare_points(inp.points, inp.metric, check_range=Q is None)
    n = inp.n
    with thread_limit(n_threads):
        if Q is not None:
            Qp = prepare_points(Q, inp.metric, check_range=False)
            m_rows = Q.shape[0]
            check_memory(n * m_rows * P.itemsize, f"a {n}x{m_rows} distance matrix", "use smaller blocks of rows")
            out = np.empty((n, m_rows), dtype=P.dtype)
            _cdist_kernel(P, Qp, code, out)
            return out
        m = n * (n - 1) // 2
        if condensed:
            check_memory(m * P.itemsize, f"the condensed distance matrix of {n} points",
                         "use topodim.mst / topodim.ph0, which compute distances on the fly")
            out = np.empty(m, dtype=P.dtype)
            _pdist_kernel(P, code, out)
            return out
        check_memory(n * n * P.itemsize, f"the {n}x{n} distance matrix",
                     "pass condensed=True (half the memory) or use topodim.ph0 (no matrix)")
        out = np.empty((n, n), dtype=P.dtype)
        _cdist_kernel(P, P, code, out)
        # d(x, x) = 0 exactly (cosine's 1 - <x, x> may round to a tiny positive number, which a
        # distance-matrix consumer would read as a vertex birth)
        np.fill_diagonal(out, 0)
        return out


# ------------------------------------------------------------------------------------------
# the enclosing radius
# ------------------------------------------------------------------------------------------


@njit_parallel
def _enclosing_radius_points(X, metric):
    n = X.shape[0]
    nchunks = min(n, 64)
    chunk_best = np.full(nchunks, np.inf, dtype=X.dtype)
    for c in prange(nchunks):
        best = X.dtype.type(np.inf)
        for i in range(c, n, nchunks):
            m = X.dtype.type(0)
            for j in range(n):
                if j != i:
                    r = reduced_distance(X, i, X, j, metric)
                    if r > m:
                        m = r
                        if m > best:
                            break  # row i cannot be the minimum: its true maximum is even larger
            if m < best:
                best = m
        chunk_best[c] = best
    return finish_distance(chunk_best.min(), metric)


@njit
def _enclosing_radius_dense(D):
    n = D.shape[0]
    best = np.inf
    for i in range(n):
        m = 0.0
        for j in range(n):
            if D[i, j] > m:
                m = D[i, j]
        if m < best:
            best = m
    return best


@njit
def _enclosing_radius_condensed(v, n):
    row_max = np.zeros(n, dtype=v.dtype)
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            x = v[k]
            if x > row_max[i]:
                row_max[i] = x
            if x > row_max[j]:
                row_max[j] = x
            k += 1
    return row_max.min()


@njit
def _enclosing_radius_sparse(indptr, data, n):
    best = np.inf
    for i in range(n):
        # a row with a missing entry has an infinite eccentricity
        if indptr[i + 1] - indptr[i] < n - 1:
            continue
        m = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            if data[k] > m:
                m = data[k]
        if m < best:
            best = m
    return best


def enclosing_radius(inp: DistanceInput, n_threads=None) -> float:
    """The enclosing radius min_i max_j d(i, j) of a validated input.

    Above this value the Vietoris–Rips complex is a cone (every simplex joins the centre), so it has
    the homology of a point: it is the default threshold of the Rips engine. Returns ``inf`` for a
    disconnected graph. Vertex births are ignored (they do not change the cone argument beyond the
    largest birth, which the caller must take into account).
    """
    if inp.kind == "points":
        inp, e = scaled_points_input(inp)
        P = prepare_points(inp.points, inp.metric)
        with thread_limit(n_threads):
            return float(unscale(_enclosing_radius_points(P, metric_code(inp.metric)), e))
    if inp.kind == "dense":
        return float(_enclosing_radius_dense(inp.dense))
    if inp.kind == "condensed":
        return float(_enclosing_radius_condensed(inp.condensed, inp.n))
    return float(_enclosing_radius_sparse(inp.indptr, inp.data, inp.n))
