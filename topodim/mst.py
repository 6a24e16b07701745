"""PH0 of the Vietoris–Rips filtration through minimum spanning trees.

For a Vietoris–Rips filtration every vertex is born at 0 (or at its birth value, the diagonal of a
distance matrix) and the finite H0 bars die exactly at the edge lengths of a minimum spanning tree
(MST). This module computes that tree without ever materialising an n x n matrix for point clouds.

Engines (``method=``; their kernels live in :mod:`topodim._mst`):

``"prim"``
    Dense Prim. On points it computes distances on the fly (O(n·d) memory, O(n²·d) time); the rows
    of a private copy of the points are swapped so that the remaining vertices stay contiguous. With
    more than one thread, steps with enough work (:mod:`topodim._parallel`) split their scan into
    per-thread chunks, each writing its own (minimum, argmin) slot, merged serially: the result
    does not depend on the thread count. Also runs on a dense or condensed distance matrix.
``"boruvka"``
    Borůvka rounds over a KD-tree for low-dimensional points (euclidean, sqeuclidean, manhattan or
    chebyshev; fastest up to about 8 dimensions): O(n log n) in practice, 10⁶ points in R³.
``"kruskal"``
    Kruskal with union–find over the edges of a sparse graph (scipy.sparse input).

Ties: all engines order edges by (length, smaller endpoint, larger endpoint) so the tree they
return is deterministic for a given input and engine and independent of the thread count. With
tied lengths different engines may return different (equally minimal) trees; their sorted lengths
are always identical, and lengths are computed by :func:`topodim.metrics.point_distance`, the
same arithmetic as every other code path.
"""

from __future__ import annotations

import numpy as np

from ._config import njit
from ._parallel import resolve_n_threads, thread_limit
from ._kernels.unionfind import find
from ._mst.boruvka import boruvka
from ._mst.kruskal import kruskal_csr
from ._mst.prim import prim_matrix, prim_points
from ._mst.tree import MSTResult, canonical_tree
from ._tuning import BORUVKA_LEAF_SIZE, BORUVKA_MAX_DIM, BORUVKA_MIN_POINTS, PRIM_PARALLEL_WORK  # noqa: F401
from ._validate import DistanceInput, as_distance_input, check_threshold
from .metrics import BOX_METRICS, EUCLIDEAN, metric_code, prepare_points, scaled_points_input, unscale

# A name tests import from here; its home is topodim._mst.prim.
from ._mst.prim import prim_serial  # noqa: F401

__all__ = ["MSTResult", "mst", "ph0", "minimum_spanning_tree", "elder_rule_h0", "METHODS"]

METHODS = ("auto", "prim", "boruvka", "kruskal")


# ==========================================================================================
# the elder rule (vertex births)
# ==========================================================================================


@njit
def _elder_rule(us, vs, ws, births, n):
    """H0 bars from forest edges sorted by length and vertex births (elder rule).

    When two components merge at length w, the younger one (larger birth) dies: bar
    [max(birth_a, birth_b), w]. Components alive at the end give [birth, inf). Returns n rows.
    """
    uf = np.arange(n)
    root_birth = births.copy()
    out = np.empty((n, 2), dtype=births.dtype)
    k = 0
    for e in range(len(us)):
        a = find(uf, us[e])
        b = find(uf, vs[e])
        if a == b:
            continue
        ba = root_birth[a]
        bb = root_birth[b]
        out[k, 0] = max(ba, bb)
        out[k, 1] = ws[e]
        k += 1
        if ba <= bb:
            uf[b] = a
        else:
            uf[a] = b
    for i in range(n):
        if find(uf, i) == i:
            out[k, 0] = root_birth[i]
            out[k, 1] = np.inf
            k += 1
    return out


# ==========================================================================================
# orchestration
# ==========================================================================================


def _choose_method(inp: DistanceInput, method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if inp.kind == "points":
        allowed = ("prim", "boruvka")
        if method == "auto":
            d = inp.points.shape[1]
            if (metric_code(inp.metric) in BOX_METRICS and d <= BORUVKA_MAX_DIM
                    and inp.n >= BORUVKA_MIN_POINTS):
                return "boruvka"
            return "prim"
        if method == "boruvka" and metric_code(inp.metric) not in BOX_METRICS:
            raise ValueError(f"method='boruvka' needs a box-boundable metric (euclidean, sqeuclidean, manhattan, chebyshev), not {inp.metric!r}; use method='prim'")
    elif inp.kind in ("dense", "condensed"):
        allowed = ("prim",)
        if method == "auto":
            return "prim"
    else:
        allowed = ("kruskal",)
        if method == "auto":
            return "kruskal"
    if method not in allowed:
        raise ValueError(f"method={method!r} does not apply to {inp.kind} input; use one of {', '.join(allowed)} or 'auto'")
    return method


def minimum_spanning_tree(inp: DistanceInput, method: str = "auto", n_threads=None) -> MSTResult:
    """The MST of a validated :class:`~topodim._validate.DistanceInput` (internal entry point)."""
    method = _choose_method(inp, method)
    inp, e = scaled_points_input(inp)  # exact power-of-two scale where squares would overflow / underflow
    with thread_limit(n_threads) as threads:
        if inp.kind == "points":
            code = metric_code(inp.metric)
            P = prepare_points(inp.points, inp.metric)
            if method == "boruvka":
                u, v, r = boruvka(P, code, BORUVKA_LEAF_SIZE)
            else:
                u, v, r = prim_points(P, code, threads)
            w = np.sqrt(r) if code == EUCLIDEAN else r
        elif inp.kind == "dense":
            u, v, w = prim_matrix(inp.dense, np.empty(0, inp.dtype), inp.n, True)
        elif inp.kind == "condensed":
            u, v, w = prim_matrix(np.empty((0, 0), inp.dtype), inp.condensed, inp.n, False)
        else:
            u, v, w = kruskal_csr(inp.indptr, inp.indices, inp.data, inp.n)
    w = unscale(w, e)  # a power of two: exact
    return canonical_tree(u, v, w.astype(inp.dtype, copy=False))


def mst(X, metric="euclidean", distance_matrix=False, method="auto", dtype=np.float64, n_threads=None,
        device="cpu"):
    """Minimum spanning tree of a point cloud or a distance matrix, without an n x n matrix.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix
        Points of shape (n, d), or with ``distance_matrix=True`` a square (n, n) or condensed
        distance matrix, or any scipy.sparse matrix (absent entries mean no edge; explicit zeros
        are edges of length 0; the two triangles and duplicates are combined by the minimum).
    metric : str or callable, default "euclidean"
        "euclidean", "sqeuclidean", "manhattan", "chebyshev" and "cosine" are computed on the fly;
        other scipy metric names and callables go through a condensed matrix (O(n²) memory).
    distance_matrix : bool, default False
        Whether X holds distances.
    method : {"auto", "prim", "boruvka", "kruskal"}
        "auto" takes "boruvka" for points in up to 8 dimensions with a box metric and at least
        512 points, "prim" for other points and dense / condensed matrices, "kruskal" for sparse.
    dtype : float64 or float32
        Compute dtype; the lengths keep it.
    n_threads : int, optional
        Threads for the parallel kernels (default all of Numba's).
    device : {"cpu", "cuda", "auto"}, default "cpu"
        "cuda" computes the tree on the GPU (numba-cuda; points, dense or condensed input; same
        sorted lengths bit for bit, ``method`` is then not used); "auto" uses the GPU when one is
        found and the CPU otherwise (saying so once through ``warnings``). See :mod:`topodim.cuda`.

    Returns
    -------
    MSTResult
        ``(edges, lengths)``: int64 endpoints of shape (n - c, 2), smaller index first, and their
        lengths sorted ascending. ``c`` is the number of connected components: 1 for points and for
        matrices without +inf / absent entries.
    """
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    resolve_n_threads(n_threads)
    tree = _device_tree(inp, method, device)
    if tree is not None:
        return tree
    return minimum_spanning_tree(inp, method=method, n_threads=n_threads)


def elder_rule_h0(tree: MSTResult, n: int, births=None, thresh=np.inf, dtype=np.float64) -> np.ndarray:
    """The H0 diagram from a spanning forest, vertex births and a threshold (elder rule).

    Edges longer than ``thresh`` are left out, so the components they would join stay essential.
    """
    dt = np.dtype(dtype)
    b = np.zeros(n, dtype=dt) if births is None else np.ascontiguousarray(births, dtype=dt)
    keep = tree.lengths <= thresh
    e = tree.edges[keep]
    w = np.ascontiguousarray(tree.lengths[keep], dtype=dt)
    return _elder_rule(np.ascontiguousarray(e[:, 0]), np.ascontiguousarray(e[:, 1]), w, b, n)


def ph0(X, metric="euclidean", distance_matrix=False, thresh=np.inf, method="auto", dtype=np.float64,
        n_threads=None, device="cpu"):
    """The 0-dimensional persistence diagram of the Vietoris–Rips filtration.

    Filtration values are distances (diameters, not radii): an edge enters at its length.

    Parameters
    ----------
    X, metric, distance_matrix, method, dtype, n_threads, device
        As in :func:`mst`. A non-zero diagonal of a distance matrix gives vertex birth values
        (every edge must be at least the births of its ends); bars then follow the elder rule, as
        in ripser.py.
    thresh : float, default inf
        Largest edge length in the filtration; components not joined by then are essential.

    Returns
    -------
    ndarray of shape (n, 2), the compute dtype
        One row (birth, death) per vertex: the finite bars in ascending order of death, then the
        essential bars with death ``np.inf`` (exactly one for a connected input). Bars of length
        zero (duplicate points, an edge at a vertex's birth) are kept so that there are always n
        rows; ripser.py omits them (drop them with ``dgm[dgm[:, 1] > dgm[:, 0]]``). Never NaN.
    """
    t = check_threshold(thresh)
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    resolve_n_threads(n_threads)
    tree = _device_tree(inp, method, device)
    if tree is None:
        tree = minimum_spanning_tree(inp, method=method, n_threads=n_threads)
    return elder_rule_h0(tree, inp.n, inp.births, t, inp.dtype)


# ---- device dispatch (topodim.cuda; the only CUDA-related code in this module) ----------------


def _device_tree(inp: DistanceInput, method: str, device):
    """The GPU's tree for ``device="cuda"`` / ``"auto"``, or None to run on the CPU."""
    if isinstance(device, str) and device == "cpu":
        return None
    _choose_method(inp, method)  # the same argument checks as on the CPU
    from . import cuda  # noqa: PLC0415  (numba-cuda is imported only for a GPU call)

    return cuda.tree_for(inp, device)
