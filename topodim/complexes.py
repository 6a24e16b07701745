"""Explicit filtered simplicial complexes.

A *filtration* here is a finite simplicial complex K with a value f(σ) on every simplex such that
f(τ) <= f(σ) whenever τ is a face of σ. The sublevel sets K_r = {σ : f(σ) <= r} are subcomplexes,
and their persistent homology is computed by :mod:`topodim.reduction`.

Builders (each returns a :class:`Filtration`):

:meth:`Filtration.from_simplices`
    A user's list of simplices and values, validated: vertices are non-negative integers, no vertex
    repeats inside a simplex, no simplex is listed twice, values are finite, every face of every
    simplex is listed with a value not above the simplex's. An error names the first offending
    simplex (in the order given).
:func:`rips_filtration`
    The Vietoris–Rips k-skeleton of a point cloud or distance matrix up to a threshold. Values are
    *diameters* (the longest edge), not radii, computed by :func:`topodim.metrics.point_distance`
    exactly as every other engine computes them.
:func:`graph_filtration`
    A weighted graph (edges enter at their weights, vertices at 0 or at given values), optionally
    expanded to its flag (clique) complex.
:func:`lower_star_filtration`
    A function on the vertices of a simplicial complex: every simplex enters at the largest value
    of its vertices.
:func:`image_filtration`
    The lower-star filtration of a 2-D image on the Freudenthal triangulation of its pixel grid.

Order. Simplices are totally ordered by (value, dimension, vertices in lexicographic order). A face
has a value not above its coface's and a smaller dimension, so every face precedes its cofaces:
this order is the filtration order used by the reduction, and the "filtration index" of a simplex
(as in the ``pairs`` of :func:`filtration_persistence`) is its position in it.

Orientation. A simplex is stored with its vertices in increasing order and oriented by that order:
the boundary of [v0, ..., vk] is sum_i (-1)^i [v0, ..., v̂i, ..., vk].
"""

from __future__ import annotations

import numbers

import numpy as np

from ._config import njit
from ._validate import (
    as_distance_input,
    as_float_array,
    check_memory,
    check_maxdim,
    check_nonnegative_int,
    check_prime,
    check_threshold,
)
from .metrics import metric_code, point_distance, prepare_points, scaled_points_input, unscale
from .reduction import ALGORITHMS, _reduce_owned, diagrams_from_pairs

__all__ = [
    "Filtration",
    "filtration_persistence",
    "rips_filtration",
    "graph_filtration",
    "lower_star_filtration",
    "image_filtration",
    "read_simplices",
]

#: Rough bytes per k-simplex of a Filtration and its boundary matrix, used for memory checks.
def _bytes_per_simplex(k: int) -> int:
    # vertex row, value, global order arrays, hash table slots, boundary entries (index + sign)
    return 8 * (k + 1) + 8 + 24 + 16 + 9 * (k + 1)


# ==========================================================================================
# hashing of vertex rows (faces are looked up by their vertex tuples)
# ==========================================================================================


@njit
def _hash_row(rows, i, skip):
    """FNV-1a over the 64-bit entries of rows[i] (leaving out column ``skip``), then mixed."""
    h = np.uint64(14695981039346656037)
    prime = np.uint64(1099511628211)
    for c in range(rows.shape[1]):
        if c == skip:
            continue
        h = (h ^ np.uint64(rows[i, c])) * prime
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    return h


@njit
def _rows_equal(a, i, skip, b, j):
    """Whether rows a[i] without column ``skip`` and b[j] hold the same vertices."""
    c2 = 0
    for c in range(a.shape[1]):
        if c == skip:
            continue
        if a[i, c] != b[j, c2]:
            return False
        c2 += 1
    return True


@njit
def _build_table(rows):
    """Open-addressing hash table of the rows. Returns (table, first duplicate row, its original)."""
    m = rows.shape[0]
    size = 2
    while size < 2 * m:
        size *= 2
    table = np.full(size, -1, dtype=np.int64)
    mask = np.uint64(size - 1)
    dup = -1
    dup_of = -1
    for i in range(m):
        h = np.int64(_hash_row(rows, i, -1) & mask)
        while True:
            j = table[h]
            if j < 0:
                table[h] = i
                break
            if _rows_equal(rows, i, -1, rows, j):
                if dup < 0:
                    dup = i
                    dup_of = j
                break
            h = (h + 1) & (size - 1)
    return table, dup, dup_of


@njit
def _lookup(table, table_rows, rows, i, skip):
    """Position in ``table_rows`` of rows[i] without column ``skip``, or -1."""
    size = table.shape[0]
    h = np.int64(_hash_row(rows, i, skip) & np.uint64(size - 1))
    while True:
        j = table[h]
        if j < 0:
            return -1
        if _rows_equal(rows, i, skip, table_rows, j):
            return j
        h = (h + 1) & (size - 1)


@njit
def _facet_positions(rows, table, table_rows):
    """out[i, s] = position in ``table_rows`` of the facet of rows[i] without its vertex s (-1: absent)."""
    m = rows.shape[0]
    k1 = rows.shape[1]
    out = np.empty((m, k1), dtype=np.int64)
    for i in range(m):
        for s in range(k1):
            out[i, s] = _lookup(table, table_rows, rows, i, s)
    return out


@njit
def _fill_boundary(rows, table, table_rows, index_below, index_k, indptr, indices, signs):
    """Write the boundary columns of the k-simplices ``rows`` into the CSR arrays: facets by their
    filtration index (``index_below``), increasing, with signs (-1)^s for the facet without
    vertex s. Returns -1, or the first row with a facet missing."""
    m = rows.shape[0]
    k1 = rows.shape[1]
    g = np.empty(k1, dtype=np.int64)
    sg = np.empty(k1, dtype=np.int8)
    for i in range(m):
        for s in range(k1):
            pos = _lookup(table, table_rows, rows, i, s)
            if pos < 0:
                return i
            g[s] = index_below[pos]
            sg[s] = 1 if s % 2 == 0 else -1
        for a in range(1, k1):  # insertion sort of k+1 entries
            x = g[a]
            y = sg[a]
            b = a - 1
            while b >= 0 and g[b] > x:
                g[b + 1] = g[b]
                sg[b + 1] = sg[b]
                b -= 1
            g[b + 1] = x
            sg[b + 1] = y
        base = indptr[index_k[i]]
        for s in range(k1):
            indices[base + s] = g[s]
            signs[base + s] = sg[s]
    return -1


@njit
def _merge_dimensions(allv, starts):
    """Filtration order from per-dimension lists each sorted by (value, vertices): a merge by
    (value, dimension). Returns (dims, rows, inverse) where inverse maps a position in the
    concatenation to its filtration index."""
    K = starts.shape[0] - 1
    m = starts[K]
    dims = np.empty(m, dtype=np.int8)
    rows = np.empty(m, dtype=np.int64)
    inverse = np.empty(m, dtype=np.int64)
    heads = starts[:K].copy()
    for g in range(m):
        best = -1
        for k in range(K):
            if heads[k] < starts[k + 1]:
                if best < 0 or allv[heads[k]] < allv[heads[best]]:
                    best = k
        i = heads[best]
        dims[g] = best
        rows[g] = i - starts[best]
        inverse[i] = g
        heads[best] += 1
    return dims, rows, inverse


# ==========================================================================================
# flag (clique) complexes of a graph given as an upper-triangular CSR
# ==========================================================================================


@njit
def _edge_lookup(indptr, nbr, w, a, b):
    """Weight of edge (a, b), a < b, in the upper CSR (neighbours sorted), or -1 when absent."""
    lo = indptr[a]
    hi = indptr[a + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if nbr[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    if lo < indptr[a + 1] and nbr[lo] == b:
        return lo
    return -1


@njit
def _count_cofaces(rows, indptr, nbr, w):
    """Number of (k+1)-cliques extending each k-clique row by a larger vertex."""
    total = 0
    k1 = rows.shape[1]
    for i in range(rows.shape[0]):
        last = rows[i, k1 - 1]
        for e in range(indptr[last], indptr[last + 1]):
            x = nbr[e]
            ok = True
            for c in range(k1 - 1):
                if _edge_lookup(indptr, nbr, w, rows[i, c], x) < 0:
                    ok = False
                    break
            if ok:
                total += 1
    return total


#: Neighbour visits per batch of :func:`_count_cofaces_checked` (a fraction of a second).
COUNT_BATCH_VISITS = 1 << 22


def _count_cofaces_checked(rows, indptr, nbr, w, k, what) -> int:
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
        total += int(_count_cofaces(rows[i0:i1], indptr, nbr, w))
        desc = (f"the {total} {k}-simplices of {what}" if i1 == m else
                f"the {k}-simplices of {what} (at least {total}, counted from {i1} of {m} {k - 1}-simplices)")
        check_memory(total * _bytes_per_simplex(k), desc,
                     "lower the threshold (thresh=...) or the skeleton dimension")
        i0 = i1
    return total


@njit
def _extend_cliques(rows, vals, indptr, nbr, w, count):
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
                pos = _edge_lookup(indptr, nbr, w, rows[i, c], x)
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
def _count_edges_points(P, metric, thresh):
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
def _fill_edges_points(P, metric, thresh, indptr, nbr, w):
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
def _edges_condensed(v, n, thresh, dense, D):
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


# ==========================================================================================
# the Filtration object
# ==========================================================================================


def _lex_value_order(rows: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """Permutation sorting rows by (value, vertices lexicographically)."""
    keys = tuple(rows[:, c] for c in range(rows.shape[1] - 1, -1, -1)) + (vals,)
    return np.lexsort(keys)


def _fmt_simplex(row) -> str:
    return "[" + ", ".join(str(int(v)) for v in row) + "]"


class Filtration:
    """A filtered simplicial complex, in filtration order.

    Build one with :meth:`from_simplices` (validated user input), :func:`rips_filtration`,
    :func:`graph_filtration`, :func:`lower_star_filtration` or :func:`image_filtration`; the
    constructor itself trusts its input (faces present, values monotone, no duplicates).

    Attributes
    ----------
    simplices : list of ndarray of int64
        ``simplices[k]`` has shape (m_k, k+1): the k-simplices, vertices increasing along each row,
        rows in filtration order (by value, then vertices lexicographically).
    values : list of ndarray
        ``values[k]`` has shape (m_k,): the filtration values, float64 (float32 for Rips
        filtrations computed in float32).
    dims : ndarray of int8, shape (m,)
        Dimension of the simplex at each filtration index (m = total number of simplices).
    rows : ndarray of int64, shape (m,)
        Its row in ``simplices[dims[g]]``.
    index : list of ndarray of int64
        ``index[k][i]`` is the filtration index of ``simplices[k][i]`` (the inverse of dims/rows).
    order_values : ndarray, shape (m,)
        The filtration values in filtration order (non-decreasing).
    """

    def __init__(self, simplices, values, presorted=False):
        simplices = [np.ascontiguousarray(s, dtype=np.int64) for s in simplices]
        dt = np.result_type(*[np.asarray(v).dtype for v in values]) if values else np.dtype(np.float64)
        if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
            dt = np.dtype(np.float64)
        values = [np.ascontiguousarray(v, dtype=dt) for v in values]
        # drop empty top dimensions
        while simplices and len(simplices[-1]) == 0 and len(simplices) > 1:
            simplices.pop()
            values.pop()
        for k in range(len(simplices)):
            if len(simplices[k]) == 0:
                continue
            if presorted:  # rows already in lexicographic order: a stable sort by value suffices
                perm = np.argsort(values[k], kind="stable")
            else:
                perm = _lex_value_order(simplices[k], values[k])
            if not np.array_equal(perm, np.arange(len(perm))):
                simplices[k] = np.ascontiguousarray(simplices[k][perm])
                values[k] = np.ascontiguousarray(values[k][perm])
        self.simplices = simplices
        self.values = values
        self.dtype = dt
        counts = [len(s) for s in simplices]
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        allv = np.concatenate(values) if len(values) else np.zeros(0, dt)
        self.dims, self.rows, inverse = _merge_dimensions(allv, starts)
        self.order_values = np.empty(len(allv), dtype=dt)
        self.order_values[inverse] = allv
        self.index = [inverse[starts[k]:starts[k + 1]] for k in range(len(counts))]
        self._tables = {}

    # -- basic accessors ---------------------------------------------------------------------

    @property
    def dim(self) -> int:
        """The largest dimension of a simplex (-1 for an empty filtration)."""
        for k in range(len(self.simplices) - 1, -1, -1):
            if len(self.simplices[k]):
                return k
        return -1

    @property
    def n_simplices(self) -> list:
        """Number of simplices of each dimension."""
        return [len(s) for s in self.simplices]

    def __len__(self) -> int:
        return int(self.dims.shape[0])

    def __repr__(self) -> str:
        return f"Filtration(dim={self.dim}, n_simplices={self.n_simplices}, dtype={self.dtype.name})"

    def simplex(self, g: int) -> tuple:
        """The vertices of the simplex at filtration index ``g``."""
        g = int(g)
        return tuple(int(v) for v in self.simplices[self.dims[g]][self.rows[g]])

    def value(self, g: int) -> float:
        """The filtration value of the simplex at filtration index ``g``."""
        return float(self.order_values[int(g)])

    def to_lists(self):
        """``(simplices, values)`` in filtration order, as a list of tuples and a float array."""
        return [self.simplex(g) for g in range(len(self))], self.order_values.copy()

    def skeleton(self, k: int) -> "Filtration":
        """The sub-filtration of simplices of dimension <= k (same relative order)."""
        k = check_nonnegative_int(k, "k")
        if k >= len(self.simplices) - 1:
            return self
        sub = Filtration.__new__(Filtration)
        sub.simplices = self.simplices[: k + 1]
        sub.values = self.values[: k + 1]
        sub.dtype = self.dtype
        keep = self.dims <= k
        sub.dims = np.ascontiguousarray(self.dims[keep])
        sub.rows = np.ascontiguousarray(self.rows[keep])
        sub.order_values = np.ascontiguousarray(self.order_values[keep])
        new_index = np.full(len(self), -1, dtype=np.int64)
        new_index[keep] = np.arange(int(keep.sum()), dtype=np.int64)
        sub.index = [new_index[ix] for ix in self.index[: k + 1]]
        sub._tables = {d: t for d, t in self._tables.items() if d <= k}
        return sub

    def euler_characteristic(self, r: float) -> int:
        """sum_k (-1)^k #(k-simplices with value <= r)."""
        return int(sum((-1) ** k * int(np.count_nonzero(v <= r)) for k, v in enumerate(self.values)))

    # -- boundary ----------------------------------------------------------------------------

    def _table(self, k):
        if k not in self._tables:
            table, _, _ = _build_table(self.simplices[k])
            self._tables[k] = table
        return self._tables[k]

    def boundary_matrix(self):
        """The boundary matrix in filtration order, as CSR arrays.

        Returns
        -------
        indptr : ndarray of int64, shape (m + 1,)
        indices : ndarray of int64
            Column g (the simplex at filtration index g) holds the filtration indices of its facets
            in ``indices[indptr[g]:indptr[g + 1]]``, increasing.
        signs : ndarray of int8
            The incidence numbers (+1 or -1) of those facets, from the vertex order (see the
            module docstring).
        """
        m = len(self)
        counts = np.where(self.dims > 0, self.dims.astype(np.int64) + 1, 0)
        indptr = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        indices = np.empty(int(indptr[-1]), dtype=np.int64)
        signs = np.empty(int(indptr[-1]), dtype=np.int8)
        for k in range(1, len(self.simplices)):
            rows = self.simplices[k]
            if len(rows) == 0:
                continue
            bad = _fill_boundary(rows, self._table(k - 1), self.simplices[k - 1], self.index[k - 1],
                                 self.index[k], indptr, indices, signs)
            if bad >= 0:  # only possible when the constructor was given bad input
                raise ValueError(f"simplex {_fmt_simplex(rows[bad])} has a face missing from the filtration")
        return indptr, indices, signs

    # -- persistence -------------------------------------------------------------------------

    def persistence(self, coeff=2, maxdim=None, algorithm="auto", representatives=False, keep_zero=False):
        """Persistent homology of this filtration; see :func:`filtration_persistence`."""
        return _persistence(self, coeff, maxdim, algorithm, representatives, keep_zero)

    # -- validated construction --------------------------------------------------------------

    @classmethod
    def from_simplices(cls, simplices, values=None) -> "Filtration":
        """Validate a user's filtered complex and build its :class:`Filtration`.

        Parameters
        ----------
        simplices : sequence of sequences of int, or (m, k+1) int array
            Each simplex as its vertex ids (non-negative integers, any order, no repeats). When
            ``values`` is None, a sequence of ``(simplex, value)`` pairs (the format of
            ``gudhi.SimplexTree.get_filtration()``).
        values : sequence of float, optional
            One finite value per simplex.

        Raises
        ------
        ValueError
            Naming the first offending simplex (position in the input, 0-based, and vertices) when
            a vertex is negative or repeated, a value is NaN or infinite, a simplex is listed
            twice, a face is missing, or a face has a larger value than the simplex.
        TypeError
            When vertices are not integers or values not numbers.
        """
        rows_by_dim, vals_by_dim, pos_by_dim, problems = _parse_user_simplices(simplices, values)
        _validate_faces(rows_by_dim, vals_by_dim, pos_by_dim, problems)
        return cls(rows_by_dim, vals_by_dim)


# ==========================================================================================
# parsing and validation of user simplices
# ==========================================================================================


def _as_vertex_row(s, pos):
    arr = np.asarray(s)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"simplex {pos} has shape {arr.shape}; each simplex must be a flat list of vertex ids")
    if arr.size == 0:
        raise ValueError(f"simplex {pos} is empty; every simplex needs at least one vertex")
    if arr.dtype == object and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in arr.tolist()):
        big = next(int(v) for v in arr.tolist() if not -2**63 <= v < 2**63)
        raise ValueError(f"simplex {pos} has vertex id {big}, outside the int64 range; vertex ids must be integers "
                         "from 0 to 2**63 - 1 (renumber the vertices 0 .. n-1)")
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"simplex {pos} ({list(arr.tolist())}) has non-integer vertices; vertex ids must be integers >= 0")
    return arr.astype(np.int64, copy=False)


def _first_problem(problems):
    """The message about the smallest input position (ties: the first problem found)."""
    best = min(range(len(problems)), key=lambda t: (problems[t][0], t))
    return problems[best][1]


def _parse_user_simplices(simplices, values):
    """Group user simplices by dimension. Returns (rows, values, input positions) per dimension,
    rows with vertices sorted, after the per-simplex checks (vertices, values)."""
    if values is None:
        try:
            pairs = list(simplices)
            simplices = [p[0] for p in pairs]
            values = [p[1] for p in pairs]
        except (TypeError, IndexError, KeyError):
            raise TypeError("with values=None, simplices must be a sequence of (simplex, value) pairs") from None
    if isinstance(simplices, np.ndarray) and simplices.ndim == 2:
        groups = {simplices.shape[1]: np.arange(simplices.shape[0])}
        if simplices.shape[1] == 0:
            raise ValueError("simplices has 0 columns; every simplex needs at least one vertex")
        if simplices.dtype.kind not in "iu":
            raise TypeError(f"simplices must hold integer vertex ids, got dtype {simplices.dtype}")
        all_rows = {simplices.shape[1]: simplices.astype(np.int64)}
        n = simplices.shape[0]
    else:
        try:
            seq = list(simplices)
        except TypeError:
            raise TypeError("simplices must be a sequence of simplices (sequences of vertex ids)") from None
        n = len(seq)
        buckets = {}
        for pos, s in enumerate(seq):
            arr = _as_vertex_row(s, pos)
            buckets.setdefault(arr.size, ([], []))
            buckets[arr.size][0].append(arr)
            buckets[arr.size][1].append(pos)
        all_rows = {k1: np.stack(b[0]) for k1, b in buckets.items()}
        groups = {k1: np.asarray(b[1], dtype=np.int64) for k1, b in buckets.items()}
    vals = as_float_array(values, name="values", dtype=np.float64)
    if vals.ndim != 1 or vals.shape[0] != n:
        raise ValueError(f"values must hold one number per simplex: got shape {vals.shape} for {n} simplices")
    if n == 0:
        raise ValueError("the complex is empty; pass at least one simplex")
    # per-simplex checks: collect the first bad position of each kind
    problems = []
    rows_by_dim, vals_by_dim, pos_by_dim = [], [], []
    top = max(all_rows) - 1
    for k in range(top + 1):
        if (k + 1) not in all_rows:
            rows_by_dim.append(np.zeros((0, k + 1), dtype=np.int64))
            vals_by_dim.append(np.zeros(0))
            pos_by_dim.append(np.zeros(0, dtype=np.int64))
            continue
        raw = all_rows[k + 1]
        pos = groups[k + 1]
        neg = (raw < 0).any(axis=1)
        if neg.any():
            i = int(np.argmax(neg))
            problems.append((int(pos[i]), f"simplex {int(pos[i])} {_fmt_simplex(raw[i])} has a negative vertex; vertex ids must be integers >= 0"))
        rows = np.sort(raw, axis=1)
        rep = (np.diff(rows, axis=1) == 0).any(axis=1) if k > 0 else np.zeros(len(rows), bool)
        if rep.any():
            i = int(np.argmax(rep))
            problems.append((int(pos[i]), f"simplex {int(pos[i])} {_fmt_simplex(raw[i])} repeats a vertex; list each vertex of a simplex once"))
        v = vals[pos]
        bad = ~np.isfinite(v)
        if bad.any():
            i = int(np.argmax(bad))
            what = "a NaN" if np.isnan(v[i]) else "an infinite"
            problems.append((int(pos[i]), f"simplex {int(pos[i])} {_fmt_simplex(raw[i])} has {what} value; filtration values must be finite numbers"))
        rows_by_dim.append(np.ascontiguousarray(rows))
        vals_by_dim.append(np.ascontiguousarray(v))
        pos_by_dim.append(pos)
    return rows_by_dim, vals_by_dim, pos_by_dim, problems


def _validate_faces(rows_by_dim, vals_by_dim, pos_by_dim, problems):
    """Duplicates, missing faces and face values; raises naming the first offending simplex
    (smallest input position) among these and the earlier ``problems`` (position, message)."""
    tables = []
    for k, rows in enumerate(rows_by_dim):
        table, dup, dup_of = _build_table(rows) if len(rows) else (np.full(2, -1, np.int64), -1, -1)
        tables.append(table)
        if dup >= 0:
            problems.append((int(pos_by_dim[k][dup]),
                             f"simplex {int(pos_by_dim[k][dup])} {_fmt_simplex(rows[dup])} is listed twice "
                             f"(also at position {int(pos_by_dim[k][dup_of])}); list each simplex once"))
    for k in range(1, len(rows_by_dim)):
        rows = rows_by_dim[k]
        if len(rows) == 0:
            continue
        below = rows_by_dim[k - 1]
        if len(below) == 0:
            i = 0
            problems.append((int(pos_by_dim[k][i]),
                             f"simplex {int(pos_by_dim[k][i])} {_fmt_simplex(rows[i])} has a missing face "
                             f"{_fmt_simplex(rows[i][1:])}; every face of a simplex must be listed"))
            continue
        pos = _facet_positions(rows, tables[k - 1], below)
        missing = (pos < 0).any(axis=1)
        if missing.any():
            i = int(np.argmax(missing))
            s = int(np.argmax(pos[i] < 0))
            face = np.delete(rows[i], s)
            problems.append((int(pos_by_dim[k][i]),
                             f"simplex {int(pos_by_dim[k][i])} {_fmt_simplex(rows[i])} has a missing face "
                             f"{_fmt_simplex(face)}; every face of a simplex must be listed"))
        fv = vals_by_dim[k - 1][np.where(pos < 0, 0, pos)]
        higher = ((fv > vals_by_dim[k][:, None]) & (pos >= 0)).any(axis=1)
        if higher.any():
            i = int(np.argmax(higher))
            s = int(np.argmax((fv[i] > vals_by_dim[k][i]) & (pos[i] >= 0)))
            face = np.delete(rows[i], s)
            problems.append((int(pos_by_dim[k][i]),
                             f"simplex {int(pos_by_dim[k][i])} {_fmt_simplex(rows[i])} has value "
                             f"{float(vals_by_dim[k][i])!r} but its face {_fmt_simplex(face)} has the larger value "
                             f"{float(fv[i, s])!r}; a face must enter no later than its cofaces"))
    if problems:
        raise ValueError(_first_problem(problems))


# ==========================================================================================
# builders
# ==========================================================================================


def _flag_complex(n, vertex_values, indptr, nbr, w, skeleton, what):
    """Flag complex of an upper-CSR graph (neighbours sorted) up to dimension ``skeleton``."""
    dt = w.dtype if len(w) else vertex_values.dtype
    rows = [np.arange(n, dtype=np.int64).reshape(n, 1)]
    vals = [np.ascontiguousarray(vertex_values, dtype=dt)]
    if skeleton >= 1:
        us = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        check_memory(len(nbr) * _bytes_per_simplex(1), f"the {len(nbr)} edges of {what}",
                     "lower the threshold")
        rows.append(np.ascontiguousarray(np.stack([us, nbr], axis=1)))
        vals.append(np.ascontiguousarray(w))
    for k in range(2, skeleton + 1):
        count = _count_cofaces_checked(rows[-1], indptr, nbr, w, k, what)
        r, v = _extend_cliques(rows[-1], vals[-1], indptr, nbr, w, count)
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
        counts = _count_edges_points(P, code, tt)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        m = int(indptr[-1])
        check_memory(m * _bytes_per_simplex(1), f"the {m} edges of the Rips complex of {n} points",
                     "lower the threshold")
        nbr = np.empty(m, dtype=np.int64)
        w = np.empty(m, dtype=dt)
        _fill_edges_points(P, code, tt, indptr, nbr, w)
        if e:
            w = unscale(w, e)
            tt = tt_true
    elif inp.kind in ("dense", "condensed"):
        dense = inp.kind == "dense"
        D = inp.dense if dense else np.zeros((1, 1), dtype=dt)
        v = inp.condensed if not dense else np.zeros(1, dtype=dt)
        indptr, nbr, w = _edges_condensed(v, n, tt, dense, D)
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
        raise ValueError(f"edge {i} {_fmt_simplex(E[i])} has a negative vertex; vertex ids must be >= 0")
    if (E[:, 0] == E[:, 1]).any():
        i = int(np.argmax(E[:, 0] == E[:, 1]))
        raise ValueError(f"edge {i} {_fmt_simplex(E[i])} is a self loop; remove it")
    if not np.isfinite(w).all():
        i = int(np.argmax(~np.isfinite(w)))
        raise ValueError(f"edge {i} {_fmt_simplex(E[i])} has weight {float(w[i])!r}; weights must be finite")
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
        raise ValueError(f"edge {int(first[1])} {_fmt_simplex(E[first[1]])} is listed twice (also edge {int(first[0])}); "
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
        raise ValueError(f"edge {i} {_fmt_simplex(E[i])} has weight {float(w[i])!r} below the value {float(vv[vert])!r} of its "
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
        import itertools  # noqa: PLC0415

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
    rows_by_dim, _, pos_by_dim, problems = _parse_user_simplices(simplices, np.zeros(len(simplices)))
    if problems:
        raise ValueError(_first_problem(problems))
    for k, rows in enumerate(rows_by_dim):
        if len(rows) and rows.max() >= len(f):
            i = int(np.argmax((rows >= len(f)).any(axis=1)))
            raise ValueError(f"simplex {int(pos_by_dim[k][i])} {_fmt_simplex(rows[i])} uses a vertex id >= "
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
    check_memory(n * 6 * _bytes_per_simplex(2), f"the Freudenthal triangulation of a {H}x{W} image",
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


# ==========================================================================================
# persistence
# ==========================================================================================


def _persistence(filt: Filtration, coeff, maxdim, algorithm, representatives, keep_zero):
    p = check_prime(coeff)
    top = filt.dim
    if maxdim is None:
        maxdim = max(top, 0)
    else:
        maxdim = check_maxdim(maxdim)
    # dimensions above the complex's own have no simplex: their diagrams are empty (returned,
    # one per dimension up to maxdim), and nothing is computed for them
    maxdim_req = maxdim
    maxdim = min(maxdim, max(top, 0))
    if algorithm not in ("auto",) + ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; use 'auto' or one of {', '.join(ALGORITHMS)}")
    if not isinstance(representatives, (bool, np.bool_)):
        raise TypeError(f"representatives must be True or False, got {representatives!r}")
    if not isinstance(keep_zero, (bool, np.bool_)):
        raise TypeError(f"keep_zero must be True or False, got {keep_zero!r}")
    if algorithm == "auto":
        algorithm = "twist" if representatives else "cohomology"
    if representatives and algorithm == "cohomology":
        raise ValueError("representative cycles come from the homology reduction; use algorithm='twist', "
                         "'standard' or 'auto' with representatives=True")
    sk = filt.skeleton(maxdim + 1)
    if len(sk) == 0:
        raise ValueError("the filtration is empty")
    to_full = np.flatnonzero(filt.dims <= maxdim + 1) if sk is not filt else None
    # the reduction owns the boundary matrix: the cohomology path frees it once transposed
    res = _reduce_owned(list(sk.boundary_matrix()), sk.dims, p, maxdim, algorithm, representatives, False)
    dgms, keep = diagrams_from_pairs(res, sk.order_values, maxdim, keep_zero=keep_zero)
    pairs = []
    reps = [] if representatives else None
    for d in range(maxdim + 1, maxdim_req + 1):
        dgms.append(np.zeros((0, 2), dtype=dgms[0].dtype))
        keep.append(np.zeros(0, dtype=np.int64))
    for d in range(maxdim_req + 1):
        sel = keep[d]
        b = res.births[sel]
        de = res.deaths[sel]
        if to_full is not None:
            b = to_full[b]
            de = np.where(de >= 0, to_full[np.maximum(de, 0)], -1)
        pairs.append(np.stack([b, de], axis=1).astype(np.int64).reshape(-1, 2))
        if representatives:
            out = []
            for i in sel:
                idx, coef = res.representatives[i]
                verts = np.stack([sk.simplices[d][sk.rows[g]] for g in idx]) if len(idx) else np.zeros((0, d + 1), np.int64)
                out.append(np.column_stack([verts, coef]).astype(np.int64))
            reps.append(out)
    result = {
        "dgms": dgms,
        "pairs": pairs,
        "coeff": p,
        "maxdim": maxdim_req,
        "algorithm": algorithm,
        "num_simplices": sk.n_simplices,
        "columns_reduced": res.columns_reduced,
        "column_additions": res.column_additions,
        "filtration": filt,
    }
    if representatives:
        result["representatives"] = reps
    return result


def filtration_persistence(simplices, values=None, coeff=2, maxdim=None, representatives=False,
                           algorithm="auto", keep_zero=False):
    """Persistent homology of a filtered simplicial complex over Z/p, by explicit matrix reduction.

    Parameters
    ----------
    simplices : Filtration, or sequence of simplices
        A :class:`Filtration` (``values`` must then be None), or the simplices as sequences of
        vertex ids with ``values`` (validated by :meth:`Filtration.from_simplices`: every face
        listed with a value not above its cofaces', finite values, non-negative integer vertices,
        no repeats), or ``(simplex, value)`` pairs with ``values=None``.
    values : sequence of float, optional
        The filtration value of each simplex.
    coeff : int, default 2
        The prime p of the coefficient field Z/p (2 <= p <= 32749).
    maxdim : int, optional
        Largest homology dimension computed (default: the dimension of the complex). Only
        simplices of dimension <= maxdim + 1 are used. Above the complex's dimension the
        diagrams are empty (one is still returned per dimension) and nothing is computed for
        them; at most 10,000, else ``ValueError``.
    representatives : bool, default False
        Also return a representative cycle of every bar (see Returns).
    algorithm : {"auto", "standard", "twist", "cohomology"}
        "standard": the column algorithm on the boundary matrix, left to right; "twist": the same
        with clearing (dimensions from the top down; a column whose simplex is already a pivot is
        zeroed without work); "cohomology": reduction of the coboundary matrix with clearing (the
        Ripser strategy; usually the fastest on Rips complexes). "auto" (default) is "cohomology",
        or "twist" when representatives are asked for. All give the same pairs.
    keep_zero : bool, default False
        Keep bars of zero length (death == birth). By default they are dropped, as ripser.py and
        GUDHI do, so that the diagrams compare directly with theirs.

    Returns
    -------
    dict
        ``dgms``
            list of (k, 2) arrays, one per dimension 0..maxdim: (birth, death) rows sorted by
            birth then death; essential classes have death ``np.inf``. dtype of the values.
        ``pairs``
            list of (k, 2) int64 arrays aligned with ``dgms``: the filtration indices of the simplex
            that creates and the simplex that destroys each bar (-1 for an essential class). Get the
            vertices with ``result["filtration"].simplex(g)``.
        ``representatives`` (when asked)
            list (per dimension) of lists aligned with ``dgms``: for a bar of dimension d, a
            (q, d+2) int64 array, each row the d+1 vertices of a simplex then its coefficient in
            1..p-1. It is a cycle mod p (its boundary is zero), it contains the creating simplex
            with coefficient 1 and every simplex in it enters no later than the bar's birth; for
            a finite bar it becomes a boundary at the death (it is the reduced boundary column of
            the destroying simplex, scaled).
        ``filtration``
            the :class:`Filtration` (simplices in filtration order).
        ``coeff``, ``maxdim``, ``algorithm`` (the one used), ``num_simplices`` (per dimension,
        up to maxdim+1), ``columns_reduced``, ``column_additions``.
    """
    if isinstance(simplices, Filtration):
        if values is not None:
            raise ValueError("pass values only with a list of simplices, not with a Filtration")
        filt = simplices
    else:
        filt = Filtration.from_simplices(simplices, values)
    return filt.persistence(coeff=coeff, maxdim=maxdim, algorithm=algorithm,
                            representatives=representatives, keep_zero=keep_zero)


# ==========================================================================================
# text files
# ==========================================================================================


def read_simplices(source):
    """Read a filtered complex from text: one simplex per line, its vertex ids then its value.

    Tokens are separated by spaces, tabs or commas; blank lines and lines starting with ``#`` are
    skipped. Example::

        # a triangle entering at 2
        0 0.0
        1 0.0
        2 0.5
        0 1 1.0
        1 2 1.0
        0 2 1.5
        0 1 2 2.0

    Parameters
    ----------
    source : str or file object
        A path, or an open text file (``sys.stdin``, say).

    Returns
    -------
    (simplices, values)
        A list of tuples of int and a float64 array, in file order, ready for
        :meth:`Filtration.from_simplices` (which validates them).
    """
    if isinstance(source, str):
        with open(source) as fh:
            lines = fh.readlines()
        name = source
    else:
        lines = source.readlines()
        name = getattr(source, "name", "input")
    simplices, values = [], []
    for lineno, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        tokens = text.replace(",", " ").split()
        if len(tokens) < 2:
            raise ValueError(f"{name}, line {lineno}: expected vertex ids then a value, got {text!r}")
        try:
            verts = tuple(int(t) for t in tokens[:-1])
        except ValueError:
            bad = next(t for t in tokens[:-1] if not t.lstrip("+-").isdigit())
            raise ValueError(f"{name}, line {lineno}: vertex {bad!r} is not an integer; a line holds "
                             "vertex ids then one value") from None
        try:
            value = float(tokens[-1])
        except ValueError:
            raise ValueError(f"{name}, line {lineno}: the value {tokens[-1]!r} is not a number") from None
        simplices.append(verts)
        values.append(value)
    if not simplices:
        raise ValueError(f"{name} holds no simplices; write one simplex per line: vertex ids then a value")
    return simplices, np.asarray(values, dtype=np.float64)
