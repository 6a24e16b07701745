"""The :class:`Filtration` type (a filtered simplicial complex in filtration order) and the
persistent homology of one by explicit matrix reduction (:mod:`topodim.reduction`).
"""

from __future__ import annotations

import numpy as np

from .._validate import check_maxdim, check_nonnegative_int, check_prime
from ..reduction import ALGORITHMS, reduce_owned, diagrams_from_pairs
from ._hashing import build_table, fill_boundary, merge_dimensions
from ._parse import fmt_simplex, parse_user_simplices, validate_faces

__all__ = ["Filtration", "filtration_persistence"]


def _lex_value_order(rows: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """Permutation sorting rows by (value, vertices lexicographically)."""
    keys = tuple(rows[:, c] for c in range(rows.shape[1] - 1, -1, -1)) + (vals,)
    return np.lexsort(keys)


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
        self.dims, self.rows, inverse = merge_dimensions(allv, starts)
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
            table, _, _ = build_table(self.simplices[k])
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
            bad = fill_boundary(rows, self._table(k - 1), self.simplices[k - 1], self.index[k - 1],
                                 self.index[k], indptr, indices, signs)
            if bad >= 0:  # only possible when the constructor was given bad input
                raise ValueError(f"simplex {fmt_simplex(rows[bad])} has a face missing from the filtration")
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
        rows_by_dim, vals_by_dim, pos_by_dim, problems = parse_user_simplices(simplices, values)
        validate_faces(rows_by_dim, vals_by_dim, pos_by_dim, problems)
        return cls(rows_by_dim, vals_by_dim)


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
    res = reduce_owned(list(sk.boundary_matrix()), sk.dims, p, maxdim, algorithm, representatives, False)
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
