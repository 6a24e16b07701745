"""Graphs as upper-triangular CSR arrays and their flag (clique) complexes.

A graph on n vertices is ``(indptr, nbr, w)``: the neighbours ``v > u`` of vertex u, increasing, in
``nbr[indptr[u]:indptr[u + 1]]`` with the edge weights in ``w``. Cliques are kept as vertex rows in
increasing order; a k-clique is extended by a larger neighbour of its last vertex that is adjacent
to all its other vertices, so extending rows in lexicographic order yields rows in lexicographic
order. The Rips edge kernels build such a graph from a validated distance input.
"""

from __future__ import annotations

import numpy as np

from .._config import njit
from .._kernels.csr import csr_position
from .._validate import check_memory
from ..metrics import point_distance


def bytes_per_simplex(k: int) -> int:
    """Rough bytes per k-simplex of a Filtration and its boundary matrix, used for memory checks."""
    # vertex row, value, global order arrays, hash table slots, boundary entries (index + sign)
    return 8 * (k + 1) + 8 + 24 + 16 + 9 * (k + 1)


# ==========================================================================================
# flag (clique) complexes of a graph given as an upper-triangular CSR
# ==========================================================================================


@njit
def count_cofaces(rows, indptr, nbr):
    """Number of (k+1)-cliques extending each k-clique row by a larger vertex."""
    total = 0
    k1 = rows.shape[1]
    for i in range(rows.shape[0]):
        last = rows[i, k1 - 1]
        for e in range(indptr[last], indptr[last + 1]):
            x = nbr[e]
            ok = True
            for c in range(k1 - 1):
                if csr_position(indptr, nbr, rows[i, c], x) < 0:
                    ok = False
                    break
            if ok:
                total += 1
    return total


#: Neighbour visits per batch of :func:`count_cofaces_checked` (a fraction of a second).
COUNT_BATCH_VISITS = 1 << 22


def count_cofaces_checked(rows, indptr, nbr, k, what) -> int:
    """The number of k-simplices extending the (k-1)-simplices ``rows``, counted in batches.

    The batches run from Python, so Ctrl-C is seen between them, and the memory the simplices
    counted so far would take is checked after each batch: a complex that does not fit raises
    ``MemoryError`` as soon as the partial count shows it, not after counting everything.
    """
    m = rows.shape[0]
    if m == 0:
        return 0
    visits = np.diff(indptr)[rows[:, -1]] * max(1, k - 1) + 1
    cum = np.cumsum(visits)
    total = 0
    i0 = 0
    while i0 < m:
        base = cum[i0 - 1] if i0 else 0
        i1 = int(np.searchsorted(cum, base + COUNT_BATCH_VISITS, side="right"))
        i1 = min(m, max(i1, i0 + 1))
        total += int(count_cofaces(rows[i0:i1], indptr, nbr))
        desc = (f"the {total} {k}-simplices of {what}" if i1 == m else
                f"the {k}-simplices of {what} (at least {total}, counted from {i1} of {m} {k - 1}-simplices)")
        check_memory(total * bytes_per_simplex(k), desc,
                     "lower the threshold (thresh=...) or the skeleton dimension")
        i0 = i1
    return total


@njit
def extend_cliques(rows, vals, indptr, nbr, w, count):
    """The (k+1)-cliques extending each k-clique by a larger vertex, in lexicographic order when
    ``rows`` is; value = max(parent value, weights of the new edges)."""
    k1 = rows.shape[1]
    out = np.empty((count, k1 + 1), dtype=np.int64)
    out_v = np.empty(count, dtype=vals.dtype)
    t = 0
    for i in range(rows.shape[0]):
        last = rows[i, k1 - 1]
        for e in range(indptr[last], indptr[last + 1]):
            x = nbr[e]
            v = max(vals[i], w[e])
            ok = True
            for c in range(k1 - 1):
                pos = csr_position(indptr, nbr, rows[i, c], x)
                if pos < 0:
                    ok = False
                    break
                if w[pos] > v:
                    v = w[pos]
            if ok:
                for c in range(k1):
                    out[t, c] = rows[i, c]
                out[t, k1] = x
                out_v[t] = v
                t += 1
    return out, out_v


# ==========================================================================================
# Rips edges from a validated distance input
# ==========================================================================================


@njit
def count_edges_points(P, metric, thresh):
    n = P.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    for i in range(n):
        c = 0
        for j in range(i + 1, n):
            d = point_distance(P, i, P, j, metric)
            if d <= thresh:
                c += 1
        counts[i] = c
    return counts


@njit
def fill_edges_points(P, metric, thresh, indptr, nbr, w):
    n = P.shape[0]
    for i in range(n):
        t = indptr[i]
        for j in range(i + 1, n):
            d = point_distance(P, i, P, j, metric)
            if d <= thresh:
                nbr[t] = j
                w[t] = d
                t += 1


@njit
def edges_condensed(v, n, thresh, dense, D):
    """Upper CSR of the edges with finite length <= thresh of a condensed (or dense) matrix."""
    counts = np.zeros(n + 1, dtype=np.int64)
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            d = D[i, j] if dense else v[k]
            k += 1
            if d <= thresh and d < np.inf:
                counts[i + 1] += 1
    for i in range(n):
        counts[i + 1] += counts[i]
    m = counts[n]
    nbr = np.empty(m, dtype=np.int64)
    w = np.empty(m, dtype=D.dtype if dense else v.dtype)
    t = 0
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            d = D[i, j] if dense else v[k]
            k += 1
            if d <= thresh and d < np.inf:
                nbr[t] = j
                w[t] = d
                t += 1
    return counts, nbr, w
