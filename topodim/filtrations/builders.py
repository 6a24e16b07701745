"""Builders of filtrations: Vietoris–Rips skeletons, weighted graphs and their flag complexes,
lower-star filtrations of vertex functions and of 2-D images. Each returns a :class:`Filtration`
and checks that the simplices it will allocate fit in memory before allocating them.
"""

from __future__ import annotations

import itertools

import numpy as np

from .._validate import as_distance_input, as_float_array, check_memory, check_nonnegative_int, check_threshold
from ..metrics import metric_code, prepare_points, scaled_points_input, unscale
from ._cliques import (
    bytes_per_simplex,
    count_cofaces_checked,
    count_edges_points,
    edges_condensed,
    extend_cliques,
    fill_edges_points,
)
from ._parse import first_problem, fmt_simplex, parse_user_simplices
from .filtration import Filtration

__all__ = ["rips_filtration", "graph_filtration", "lower_star_filtration", "image_filtration"]


def _flag_complex(n, vertex_values, indptr, nbr, w, skeleton, what):
    """Flag complex of an upper-CSR graph (neighbours sorted) up to dimension ``skeleton``."""
    dt = w.dtype if len(w) else vertex_values.dtype
    rows = [np.arange(n, dtype=np.int64).reshape(n, 1)]
    vals = [np.ascontiguousarray(vertex_values, dtype=dt)]
    if skeleton >= 1:
        us = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        check_memory(len(nbr) * bytes_per_simplex(1), f"the {len(nbr)} edges of {what}",
                     "lower the threshold")
        rows.append(np.ascontiguousarray(np.stack([us, nbr], axis=1)))
        vals.append(np.ascontiguousarray(w))
    for k in range(2, skeleton + 1):
        count = count_cofaces_checked(rows[-1], indptr, nbr, k, what)
        r, v = extend_cliques(rows[-1], vals[-1], indptr, nbr, w, count)
        rows.append(r)
        vals.append(v)
        if count == 0:
            break
    return Filtration(rows, vals, presorted=True)


def rips_filtration(X, skeleton=2, thresh=np.inf, distance_matrix=False, metric="euclidean", dtype=np.float64):
    """The Vietoris–Rips filtration of a point cloud or a distance matrix, up to dimension ``skeleton``.

    A set of k+1 points is a k-simplex when all its pairwise distances are finite and at most
    ``thresh``; it enters at its *diameter*, the largest of those distances (not the radius).
    Distances are computed by :func:`topodim.metrics.point_distance` (for points) or read from the
    matrix, so they are bit-identical to those of every other topodim engine. Vertices enter at 0,
    or at the diagonal of a distance matrix (vertex births).

    For homology up to dimension d the (d+1)-skeleton is needed: ``skeleton = maxdim + 1``.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix
        As in :func:`topodim.ph0`: points (n, d), or with ``distance_matrix=True`` a square,
        condensed or sparse distance matrix (absent sparse entries and ``inf`` mean no edge).
    skeleton : int, default 2
        Largest simplex dimension.
    thresh : float, default inf
        Largest diameter kept.
    distance_matrix, metric, dtype
        As in :func:`topodim.ph0`. Values keep the compute dtype.

    Returns
    -------
    Filtration

    Raises
    ------
    MemoryError
        Before allocating, when the number of simplices would not fit in memory (it grows like
        n^(skeleton+1)); lower ``thresh`` or ``skeleton``.
    """
    skeleton = check_nonnegative_int(skeleton, "skeleton")
    t = check_threshold(thresh)
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    dt = inp.dtype
    n = inp.n
    tt = dt.type(t) if np.isfinite(t) else dt.type(np.inf)
    if inp.kind == "points":
        # an exact power-of-two scale where squared distances would overflow / underflow
        inp, e = scaled_points_input(inp)
        tt_true, tt = tt, dt.type(np.ldexp(tt, -e)) if e else tt
        code = metric_code(inp.metric)
        P = prepare_points(inp.points, inp.metric)
        counts = count_edges_points(P, code, tt)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        m = int(indptr[-1])
        check_memory(m * bytes_per_simplex(1), f"the {m} edges of the Rips complex of {n} points",
                     "lower the threshold")
        nbr = np.empty(m, dtype=np.int64)
        w = np.empty(m, dtype=dt)
        fill_edges_points(P, code, tt, indptr, nbr, w)
        if e:
            w = unscale(w, e)
            tt = tt_true
    elif inp.kind in ("dense", "condensed"):
        dense = inp.kind == "dense"
        D = inp.dense if dense else np.zeros((1, 1), dtype=dt)
        v = inp.condensed if not dense else np.zeros(1, dtype=dt)
        indptr, nbr, w = edges_condensed(v, n, tt, dense, D)
    else:
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(inp.indptr))
        keep = (inp.indices > rows) & (inp.data <= tt) & np.isfinite(inp.data)
        us, nbr, w = rows[keep], np.ascontiguousarray(inp.indices[keep]), np.ascontiguousarray(inp.data[keep])
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(us, minlength=n), out=indptr[1:])
    births = inp.births if inp.births is not None else np.zeros(n, dtype=dt)
    return _flag_complex(n, births.astype(dt), indptr, nbr, w.astype(dt, copy=False), skeleton,
                         f"the Rips complex of {n} points")


def graph_filtration(edges, weights, n_vertices=None, vertex_values=None, skeleton=1):
    """The filtration of a weighted graph: each edge enters at its weight.

    Parameters
    ----------
    edges : (m, 2) array of int
        Vertex pairs; vertices are 0 .. n_vertices-1. No self loops, no edge listed twice (in either
        orientation).
    weights : (m,) array of float
        Finite edge weights.
    n_vertices : int, optional
        Number of vertices (default: largest vertex id + 1); vertices without edges are isolated.
    vertex_values : None, "min" or (n_vertices,) array of float
        When vertices enter: None means 0; "min" means the smallest weight of its edges (0 for an
        isolated vertex); an array gives each value. Every edge weight must be at least the values
        of its two vertices.
    skeleton : int, default 1
        1 for the graph itself; k >= 2 adds its flag (clique) complex up to dimension k, each
        clique entering at its largest edge weight.

    Returns
    -------
    Filtration
    """
    skeleton = check_nonnegative_int(skeleton, "skeleton")
    E = np.asarray(edges)
    if E.size == 0:
        E = E.reshape(0, 2)
    if E.ndim != 2 or E.shape[1] != 2:
        raise ValueError(f"edges must have shape (m, 2), got {E.shape}")
    if E.dtype.kind not in "iu":
        if E.dtype.kind == "f" and np.all(np.isfinite(E)) and np.all(E == np.round(E)):
            E = E.astype(np.int64)
        else:
            raise TypeError(f"edges must hold integer vertex ids, got dtype {E.dtype}")
    E = E.astype(np.int64)
    w = as_float_array(weights, name="weights")
    if w.ndim != 1 or w.shape[0] != E.shape[0]:
        raise ValueError(f"weights must hold one number per edge: shape {w.shape} for {E.shape[0]} edges")
    if (E < 0).any():
        i = int(np.argmax((E < 0).any(axis=1)))
        raise ValueError(f"edge {i} {fmt_simplex(E[i])} has a negative vertex; vertex ids must be >= 0")
    if (E[:, 0] == E[:, 1]).any():
        i = int(np.argmax(E[:, 0] == E[:, 1]))
        raise ValueError(f"edge {i} {fmt_simplex(E[i])} is a self loop; remove it")
    if not np.isfinite(w).all():
        i = int(np.argmax(~np.isfinite(w)))
        raise ValueError(f"edge {i} {fmt_simplex(E[i])} has weight {float(w[i])!r}; weights must be finite")
    top = int(E.max()) + 1 if len(E) else 0
    if n_vertices is None:
        n = top
    else:
        n = check_nonnegative_int(n_vertices, "n_vertices")
        if n < top:
            raise ValueError(f"n_vertices = {n} but the edges use vertex {top - 1}; pass n_vertices >= {top}")
    if n == 0:
        raise ValueError("the graph has no vertices; pass edges or n_vertices >= 1")
    lo = np.minimum(E[:, 0], E[:, 1])
    hi = np.maximum(E[:, 0], E[:, 1])
    order = np.lexsort((hi, lo))
    same = (lo[order][1:] == lo[order][:-1]) & (hi[order][1:] == hi[order][:-1])
    if same.any():
        dups = np.sort(np.stack([order[1:][same], order[:-1][same]], axis=1), axis=1)
        first = dups[np.argmin(dups[:, 1])]
        raise ValueError(f"edge {int(first[1])} {fmt_simplex(E[first[1]])} is listed twice (also edge {int(first[0])}); "
                         "list each edge once")
    if vertex_values is None:
        vv = np.zeros(n)
    elif isinstance(vertex_values, str):
        if vertex_values != "min":
            raise ValueError(f"vertex_values must be None, 'min' or an array, got {vertex_values!r}")
        vv = np.full(n, np.inf)
        np.minimum.at(vv, lo, w)
        np.minimum.at(vv, hi, w)
        vv[np.isinf(vv)] = 0.0
    else:
        vv = as_float_array(vertex_values, name="vertex_values")
        if vv.shape != (n,):
            raise ValueError(f"vertex_values must have shape ({n},), got {vv.shape}")
        if not np.isfinite(vv).all():
            i = int(np.argmax(~np.isfinite(vv)))
            raise ValueError(f"vertex_values[{i}] = {float(vv[i])!r}; vertex values must be finite")
    below = w < np.maximum(vv[lo], vv[hi])
    if below.any():
        i = int(np.argmax(below))
        vert = int(lo[i]) if vv[lo[i]] > w[i] else int(hi[i])
        raise ValueError(f"edge {i} {fmt_simplex(E[i])} has weight {float(w[i])!r} below the value {float(vv[vert])!r} of its "
                         f"vertex {vert}; an edge cannot enter before its vertices (pass vertex_values='min' or "
                         "smaller vertex values)")
    lo, hi, ws = lo[order], hi[order], np.ascontiguousarray(w[order])
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(lo, minlength=n), out=indptr[1:])
    return _flag_complex(n, vv, indptr, np.ascontiguousarray(hi), ws, skeleton, f"the graph on {n} vertices")


def _closure(rows_by_size):
    """All faces of the given simplices (vertex rows sorted), deduplicated, per dimension."""
    top = max(rows_by_size)
    faces = {k1: [] for k1 in range(1, top + 1)}
    for k1, rows in rows_by_size.items():
        for size in range(1, k1 + 1):
            for cols in itertools.combinations(range(k1), size):
                faces[size].append(rows[:, list(cols)])
    out = []
    for k1 in range(1, top + 1):
        if faces[k1]:
            allr = np.concatenate(faces[k1])
            out.append(np.unique(allr, axis=0).astype(np.int64))
        else:
            out.append(np.zeros((0, k1), dtype=np.int64))
    return out


def lower_star_filtration(simplices, vertex_values):
    """The lower-star filtration of a function on the vertices of a simplicial complex.

    Every simplex enters at the largest value of its vertices. The complex is the closure of the
    given simplices: listing the maximal simplices (the triangles of a mesh, say) is enough; faces
    are added.

    Parameters
    ----------
    simplices : sequence of sequences of int, or (m, k+1) int array
        Simplices by their vertex ids (integers in 0 .. len(vertex_values)-1, no repeats).
    vertex_values : (n,) array of float
        Finite value of each vertex id.

    Returns
    -------
    Filtration
    """
    f = as_float_array(vertex_values, name="vertex_values")
    if f.ndim != 1:
        raise ValueError(f"vertex_values must be 1-D (one value per vertex id), got shape {f.shape}")
    if not np.isfinite(f).all():
        i = int(np.argmax(~np.isfinite(f)))
        raise ValueError(f"vertex_values[{i}] = {float(f[i])!r}; vertex values must be finite")
    rows_by_dim, _, pos_by_dim, problems = parse_user_simplices(simplices, np.zeros(len(simplices)))
    if problems:
        raise ValueError(first_problem(problems))
    for k, rows in enumerate(rows_by_dim):
        if len(rows) and rows.max() >= len(f):
            i = int(np.argmax((rows >= len(f)).any(axis=1)))
            raise ValueError(f"simplex {int(pos_by_dim[k][i])} {fmt_simplex(rows[i])} uses a vertex id >= "
                             f"len(vertex_values) = {len(f)}; give a value to every vertex")
    closed = _closure({k + 1: r for k, r in enumerate(rows_by_dim) if len(r)})
    vals = [f[r].max(axis=1) for r in closed]
    return Filtration(closed, vals, presorted=True)


def image_filtration(image):
    """The lower-star filtration of a 2-D image on the Freudenthal triangulation of its grid.

    Pixel (i, j) of an (H, W) image is the vertex ``i * W + j`` (row-major). The grid is
    triangulated by the Freudenthal (Kuhn) triangulation: the edges join horizontal, vertical and
    down-right diagonal neighbours, and each unit square [i, i+1] x [j, j+1] is split along its
    (i, j)–(i+1, j+1) diagonal into the triangles {(i,j), (i,j+1), (i+1,j+1)} and
    {(i,j), (i+1,j), (i+1,j+1)}. Every simplex enters at the largest value of its pixels (sublevel
    sets; pass ``-image`` for superlevel sets). Note that this differs from the cubical complex of
    the image (gudhi.CubicalComplex): the diagonal edges connect pixels along one diagonal
    direction.

    Parameters
    ----------
    image : (H, W) array of float
        Finite pixel values.

    Returns
    -------
    Filtration
    """
    img = as_float_array(image, name="image")
    if img.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W), got shape {img.shape}")
    H, W = img.shape
    if H == 0 or W == 0:
        raise ValueError(f"image is empty (shape {img.shape})")
    if not np.isfinite(img).all():
        i, j = (int(v) for v in np.argwhere(~np.isfinite(img))[0])
        raise ValueError(f"image[{i}, {j}] = {float(img[i, j])!r}; pixel values must be finite")
    n = H * W
    f = img.ravel()
    check_memory(n * 6 * bytes_per_simplex(2), f"the Freudenthal triangulation of a {H}x{W} image",
                 "downsample the image")
    ids = np.arange(n, dtype=np.int64).reshape(H, W)
    edges = [
        np.stack([ids[:, :-1].ravel(), ids[:, 1:].ravel()], axis=1),
        np.stack([ids[:-1, :].ravel(), ids[1:, :].ravel()], axis=1),
        np.stack([ids[:-1, :-1].ravel(), ids[1:, 1:].ravel()], axis=1),
    ]
    E = np.concatenate(edges)
    a = ids[:-1, :-1].ravel()
    T = np.concatenate([np.stack([a, a + 1, a + W + 1], axis=1), np.stack([a, a + W, a + W + 1], axis=1)])
    rows = [ids.reshape(n, 1), E, T]
    vals = [f.copy(), f[E].max(axis=1), f[T].max(axis=1) if len(T) else np.zeros(0)]
    return Filtration(rows, vals)
