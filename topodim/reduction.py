"""Persistent homology by explicit reduction of a sparse boundary matrix over Z/p.

This is topodim's general, exact persistence engine and the oracle for the implicit
Vietoris–Rips engine (:mod:`topodim.rips`). It works on any filtered complex given as a boundary
matrix in filtration order (built by :mod:`topodim.complexes`); it knows nothing about geometry.

Conventions
-----------
* Simplices are numbered 0..m-1 in filtration order ("filtration indices"); every face precedes
  its cofaces. Column g of the boundary matrix D is the boundary of simplex g, stored as CSR
  arrays (``indptr``, ``indices`` increasing within a column, ``signs`` in {+1, -1}).
* Coefficients are in Z/p for a prime p (2 <= p <= 32749), stored as int64 in 0..p-1; -1 is p-1.
* The reduction R = D V (V upper triangular, unit diagonal) is computed by column operations
  "add a multiple of an earlier column with the same pivot". The pivot ("low") of a column is its
  largest row index. Column j with pivot i gives the pair (i, j): a class born when simplex i
  enters, of dimension dim(i), dies when simplex j enters. A zero column i whose index is nobody's
  pivot is an essential class (death ``inf``). Pairs do not depend on the algorithm (pairing
  uniqueness), so the three algorithms below must agree exactly; the tests check it.

Algorithms
----------
``"standard"``
    Columns left to right, every dimension in one pass (Edelsbrunner–Letscher–Zomorodian).
``"twist"``
    Dimensions from the top down; after reducing dimension d, every pivot i of a dimension-d
    column marks column i (dimension d-1) as zero without work (clearing; Chen & Kerber 2011).
``"cohomology"``
    The same reduction on the coboundary matrix (the anti-transpose of D: columns are simplices in
    decreasing filtration order, the pivot of a coboundary column is its cofacet of *smallest*
    filtration index), dimensions from the bottom up with clearing (de Silva, Morozov &
    Vejdemo-Johansson 2011; Bauer 2021, Ripser). A column for σ with pivot τ gives the pair (σ, τ).
    Dimension 0 is done by union–find over the edges (the elder rule), as in Ripser: it gives the
    same pairs without building the long coboundary columns of whole components.

Columns are sparse sorted arrays; adding a column is a merge (O(length)). The homology
algorithms keep the reduced columns R that have a pivot in growable CSR arrays (they are added to
later columns); zero columns are forgotten unless representatives are asked for. The cohomology
algorithm keeps V instead and adds R_k as the combination V_k of raw coboundary columns, as Ripser
does: reduced coboundary columns are long, their V columns short.

Representatives (homology algorithms only): the bar (i, j) is represented by R_j (a cycle whose
largest simplex is i, scaled so that i has coefficient 1; it is a boundary once j enters); an
essential bar i by V_i (a cycle containing i with coefficient 1 and otherwise earlier simplices).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._config import njit, njit_inner
from ._kernels.growable import grow
from ._kernels.modp import mod_inverses
from ._kernels.unionfind import find
from ._validate import check_maxdim, check_prime

__all__ = [
    "ALGORITHMS",
    "PersistencePairs",
    "reduce_boundary",
    "diagrams_from_pairs",
    "coboundary_matrix",
]

ALGORITHMS = ("standard", "twist", "cohomology")


class PersistencePairs(NamedTuple):
    """The persistence pairs of a reduced boundary matrix.

    Attributes
    ----------
    dims : ndarray of int64
        Homology dimension of each bar.
    births : ndarray of int64
        Filtration index of the simplex creating the class.
    deaths : ndarray of int64
        Filtration index of the simplex destroying it; -1 for an essential class.
    representatives : list of (ndarray int64, ndarray int64) or None
        Per bar, (filtration indices increasing, coefficients in 1..p-1) of a representative cycle.
    columns_reduced : int
        Columns that went through the reduction loop (cleared columns are not counted).
    column_additions : int
        Column operations performed.
    """

    dims: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    representatives: list | None
    columns_reduced: int
    column_additions: int


# ==========================================================================================
# kernels
# ==========================================================================================


@njit_inner
def _axpy(a_r, a_v, la, b_r, b_v, b0, b1, f, p, o_r, o_v):
    """o = a + f * b[b0:b1] mod p, for sparse columns sorted by row; returns the length of o."""
    i = 0
    j = b0
    o = 0
    while i < la and j < b1:
        ra = a_r[i]
        rb = b_r[j]
        if ra < rb:
            o_r[o] = ra
            o_v[o] = a_v[i]
            o += 1
            i += 1
        elif rb < ra:
            o_r[o] = rb
            o_v[o] = (b_v[j] * f) % p
            o += 1
            j += 1
        else:
            s = (a_v[i] + b_v[j] * f) % p
            if s != 0:
                o_r[o] = ra
                o_v[o] = s
                o += 1
            i += 1
            j += 1
    while i < la:
        o_r[o] = a_r[i]
        o_v[o] = a_v[i]
        o += 1
        i += 1
    while j < b1:
        o_r[o] = b_r[j]
        o_v[o] = (b_v[j] * f) % p
        o += 1
        j += 1
    return o


@njit_inner
def _axpy_signed(a_r, a_v, la, rows, signs, b0, b1, f, p, o_r, o_v):
    """o = a + f * (column b0:b1 of the raw matrix, signs +1 / -1) mod p; returns len(o)."""
    i = 0
    j = b0
    o = 0
    fm = (p - f) % p  # f * (p - 1)
    while i < la and j < b1:
        ra = a_r[i]
        rb = rows[j]
        if ra < rb:
            o_r[o] = ra
            o_v[o] = a_v[i]
            o += 1
            i += 1
        elif rb < ra:
            o_r[o] = rb
            o_v[o] = f if signs[j] > 0 else fm
            o += 1
            j += 1
        else:
            s = (a_v[i] + (f if signs[j] > 0 else fm)) % p
            if s != 0:
                o_r[o] = ra
                o_v[o] = s
                o += 1
            i += 1
            j += 1
    while i < la:
        o_r[o] = a_r[i]
        o_v[o] = a_v[i]
        o += 1
        i += 1
    while j < b1:
        o_r[o] = rows[j]
        o_v[o] = f if signs[j] > 0 else fm
        o += 1
        j += 1
    return o


@njit
def _reduce_columns(ptr, rows, signs, cols, cleared, pivot_col, low, slot, p, keep_v, implicit):
    """Reduce the columns ``cols`` (in this order) of the sparse matrix (ptr, rows, signs).

    Rows within a column are increasing; the pivot is the last row. ``cleared[c]``: skip column c
    (known to reduce to zero). ``pivot_col[r]``: the column whose pivot is row r (-1: none), read
    and updated. ``low[c]``: written, the pivot of column c or -1. ``slot[c]``: written, the
    position of column c in the returned stores (-1 when not stored).

    Returns the stores (r_ptr, r_rows, r_vals, v_ptr, v_rows, v_vals), the number of columns
    reduced and of column additions. R is stored for every column with a pivot; V (when
    ``keep_v``) for every column reduced, zero or not (V rows are column indices).

    ``implicit`` (implies ``keep_v``): store V only and add f * R_k as the sum of f * V_k[v] times
    the raw columns v (Ripser's choice: reduced coboundary columns are long, V columns short).
    R is then not returned (r_ptr is all zero) and its pivot coefficient is kept in ``r_vals``
    (one entry per stored column).
    """
    if implicit:
        keep_v = True
    n = cols.shape[0]
    r_ptr = np.zeros(n + 1, dtype=np.int64)
    r_rows = np.empty(64, dtype=np.int64)
    r_vals = np.empty(64, dtype=np.int64)
    v_ptr = np.zeros(n + 1 if keep_v else 1, dtype=np.int64)
    v_rows = np.empty(64 if keep_v else 0, dtype=np.int64)
    v_vals = np.empty(64 if keep_v else 0, dtype=np.int64)
    w_r = np.empty(64, dtype=np.int64)
    w_v = np.empty(64, dtype=np.int64)
    t_r = np.empty(64, dtype=np.int64)
    t_v = np.empty(64, dtype=np.int64)
    x_r = np.empty(64, dtype=np.int64)
    x_v = np.empty(64, dtype=np.int64)
    y_r = np.empty(64, dtype=np.int64)
    y_v = np.empty(64, dtype=np.int64)
    inv = mod_inverses(p)
    n_store = 0
    n_reduced = 0
    n_add = 0
    for q in range(n):
        c = cols[q]
        if cleared[c]:
            low[c] = -1
            continue
        n_reduced += 1
        s = ptr[c]
        e = ptr[c + 1]
        L = e - s
        w_r = grow(w_r, L)
        w_v = grow(w_v, L)
        for t in range(L):
            w_r[t] = rows[s + t]
            w_v[t] = 1 if signs[s + t] > 0 else p - 1
        LV = 0
        if keep_v:
            x_r[0] = c
            x_v[0] = 1
            LV = 1
        piv = -1
        while L > 0:
            piv = w_r[L - 1]
            k = pivot_col[piv]
            if k < 0:
                break
            sk = slot[k]
            if implicit:
                f = ((p - w_v[L - 1]) * inv[r_vals[sk]]) % p
                for e in range(v_ptr[sk], v_ptr[sk + 1]):
                    v = v_rows[e]
                    b0 = ptr[v]
                    b1 = ptr[v + 1]
                    t_r = grow(t_r, L + b1 - b0)
                    t_v = grow(t_v, L + b1 - b0)
                    L = _axpy_signed(w_r, w_v, L, rows, signs, b0, b1, (v_vals[e] * f) % p, p, t_r, t_v)
                    w_r, t_r = t_r, w_r
                    w_v, t_v = t_v, w_v
            else:
                b0 = r_ptr[sk]
                b1 = r_ptr[sk + 1]
                f = ((p - w_v[L - 1]) * inv[r_vals[b1 - 1]]) % p
                t_r = grow(t_r, L + b1 - b0)
                t_v = grow(t_v, L + b1 - b0)
                L = _axpy(w_r, w_v, L, r_rows, r_vals, b0, b1, f, p, t_r, t_v)
                w_r, t_r = t_r, w_r
                w_v, t_v = t_v, w_v
            if keep_v:
                c0 = v_ptr[sk]
                c1 = v_ptr[sk + 1]
                y_r = grow(y_r, LV + c1 - c0)
                y_v = grow(y_v, LV + c1 - c0)
                LV = _axpy(x_r, x_v, LV, v_rows, v_vals, c0, c1, f, p, y_r, y_v)
                x_r, y_r = y_r, x_r
                x_v, y_v = y_v, x_v
            n_add += 1
        if L > 0:
            low[c] = piv
            pivot_col[piv] = c
        else:
            low[c] = -1
        if L > 0 or keep_v:
            slot[c] = n_store
            if implicit:
                r_vals = grow(r_vals, n_store + 1)
                r_vals[n_store] = w_v[L - 1] if L > 0 else 0
            else:
                base = r_ptr[n_store]
                r_rows = grow(r_rows, base + L)
                r_vals = grow(r_vals, base + L)
                for t in range(L):
                    r_rows[base + t] = w_r[t]
                    r_vals[base + t] = w_v[t]
                r_ptr[n_store + 1] = base + L
            if keep_v:
                vb = v_ptr[n_store]
                v_rows = grow(v_rows, vb + LV)
                v_vals = grow(v_vals, vb + LV)
                for t in range(LV):
                    v_rows[vb + t] = x_r[t]
                    v_vals[vb + t] = x_v[t]
                v_ptr[n_store + 1] = vb + LV
            n_store += 1
    r_len = n_store if implicit else r_ptr[n_store]
    return (r_ptr[: n_store + 1], r_rows[: r_ptr[n_store]], r_vals[:r_len],
            v_ptr[: n_store + 1 if keep_v else 1], v_rows, v_vals, n_reduced, n_add)


@njit
def _h0_union_find(ptr, rows, dims, m):
    """Dimension-0 pairs by union–find over the edges in filtration order (the elder rule):
    an edge joining two components kills the younger root, the one with the larger filtration
    index. Returns killer[v] = the killing edge of vertex v, or -1. This is the pairing the
    column reduction gives, found in near-linear time (Ripser does the same)."""
    parent = np.arange(m, dtype=np.int64)
    killer = np.full(m, -1, dtype=np.int64)
    for g in range(m):
        if dims[g] != 1:
            continue
        a = find(parent, rows[ptr[g]])
        b = find(parent, rows[ptr[g] + 1])
        if a == b:
            continue
        if a < b:
            parent[b] = a
            killer[b] = g
        else:
            parent[a] = b
            killer[a] = g
    return killer


@njit
def _transpose_reversed(ptr, rows, signs, dims, maxdim, m):
    """Coboundary CSR of the simplices of dimension <= maxdim, rows reversed.

    Column σ lists the cofacets τ (dimension <= maxdim + 1) of σ as rows m-1-τ, increasing (so
    τ decreasing), with the incidence sign of σ in ∂τ. The pivot (last row) is then the cofacet
    of smallest filtration index.
    """
    counts = np.zeros(m + 1, dtype=np.int64)
    for tau in range(m):
        if dims[tau] > maxdim + 1:
            continue
        for e in range(ptr[tau], ptr[tau + 1]):
            counts[rows[e] + 1] += 1
    for g in range(m):
        counts[g + 1] += counts[g]
    nnz = counts[m]
    out_rows = np.empty(nnz, dtype=np.int64)
    out_signs = np.empty(nnz, dtype=np.int8)
    fill = counts[:m].copy()
    for tau in range(m - 1, -1, -1):  # decreasing tau: increasing m-1-tau within each column
        if dims[tau] > maxdim + 1:
            continue
        for e in range(ptr[tau], ptr[tau + 1]):
            sigma = rows[e]
            out_rows[fill[sigma]] = m - 1 - tau
            out_signs[fill[sigma]] = signs[e]
            fill[sigma] += 1
    return counts, out_rows, out_signs


# ==========================================================================================
# orchestration
# ==========================================================================================


def coboundary_matrix(indptr, indices, signs, dims, maxdim):
    """The coboundary matrix in the row order used by the cohomology reduction (see
    :func:`_transpose_reversed`): ``(indptr, rows, signs)`` with row r standing for simplex m-1-r."""
    dims = np.ascontiguousarray(dims, dtype=np.int8)
    return _transpose_reversed(indptr, indices, signs, dims, int(maxdim), int(dims.shape[0]))


def _check_boundary(indptr, indices, signs, dims):
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    indices = np.ascontiguousarray(indices, dtype=np.int64)
    signs = np.ascontiguousarray(signs, dtype=np.int8)
    dims = np.ascontiguousarray(dims, dtype=np.int8)
    m = dims.shape[0]
    if indptr.shape != (m + 1,) or indptr[0] != 0 or (np.diff(indptr) < 0).any():
        raise ValueError(f"indptr must be a non-decreasing array of length m + 1 = {m + 1} starting at 0")
    if indices.shape[0] != indptr[-1] or signs.shape[0] != indptr[-1]:
        raise ValueError("indices and signs must have indptr[-1] entries")
    if len(indices):
        cols = np.repeat(np.arange(m), np.diff(indptr))
        if (indices < 0).any() or (indices >= cols).any():
            raise ValueError("every facet must precede its simplex (indices[e] < column) in filtration order")
        starts = indptr[:-1][np.diff(indptr) > 0]
        inc = np.diff(indices) > 0
        inc[starts[1:] - 1] = True  # column boundaries
        if not inc.all():
            raise ValueError("the rows of each column must be strictly increasing")
    if (np.diff(indptr) != np.where(dims > 0, dims.astype(np.int64) + 1, 0)).any():
        raise ValueError("a k-simplex (k >= 1) must have k + 1 facets and a vertex none")
    return indptr, indices, signs, dims


def reduce_boundary(indptr, indices, signs, dims, coeff=2, maxdim=None, algorithm="twist",
                    representatives=False, check=True) -> PersistencePairs:
    """Persistence pairs of a filtered complex from its boundary matrix in filtration order.

    Parameters
    ----------
    indptr, indices, signs
        The boundary matrix as CSR arrays (see :meth:`topodim.complexes.Filtration.boundary_matrix`):
        column g holds the filtration indices (increasing, all < g) of the facets of simplex g and
        their incidence signs (+1 / -1).
    dims : (m,) array of int
        Dimension of each simplex.
    coeff : int
        The prime p (2 <= p <= 32749).
    maxdim : int, optional
        Largest homology dimension (default: max(dims)). Simplices of dimension > maxdim + 1 are
        ignored.
    algorithm : {"standard", "twist", "cohomology"}
    representatives : bool
        Compute a representative cycle of each bar (homology algorithms only).
    check : bool, default True
        Check the matrix (facets precede, rows increasing, k+1 facets per k-simplex). Callers
        that built it themselves (:class:`topodim.complexes.Filtration`) skip this O(nnz) pass.

    Returns
    -------
    PersistencePairs
        Bars of dimension <= maxdim, ordered by dimension then creating simplex. Bars of length
        zero are included (see :func:`diagrams_from_pairs`).
    """
    return reduce_owned([indptr, indices, signs], dims, coeff, maxdim, algorithm, representatives, check)


def reduce_owned(matrix, dims, coeff, maxdim, algorithm, representatives, check):
    """:func:`reduce_boundary` on ``matrix = [indptr, indices, signs]``; the cohomology path empties
    the list once it has transposed the matrix, so that a caller holding no other reference
    (:class:`topodim.filtrations.Filtration`) frees the boundary matrix before the reduction."""
    indptr, indices, signs = matrix
    p = check_prime(coeff)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    if representatives and algorithm == "cohomology":
        raise ValueError("representative cycles need a homology algorithm ('standard' or 'twist')")
    if check:
        indptr, indices, signs, dims = _check_boundary(indptr, indices, signs, dims)
    m = dims.shape[0]
    top = int(dims.max()) if m else 0
    # above the top dimension there is nothing to reduce: the pairs are the same
    maxdim = top if maxdim is None else min(check_maxdim(maxdim), top)
    stores = {}
    n_red = 0
    n_add = 0
    if algorithm == "cohomology":
        # dimension 0 by union-find: a coboundary reduction of vertex columns would build long
        # columns (the cut edges of whole components); the pairs are the same
        killer = _h0_union_find(indptr, indices, dims, m)
        if maxdim >= 1 and top >= 1:
            cptr, crows, csigns = _transpose_reversed(indptr, indices, signs, dims, maxdim, m)
        matrix.clear()
        del indptr, indices, signs  # freed here unless the caller keeps a reference
        low = np.full(m, -1, dtype=np.int64)
        slot = np.full(m, -1, dtype=np.int64)
        cleared = np.zeros(m, dtype=np.bool_)
        pivot_col = np.full(m, -1, dtype=np.int64)
        processed = np.zeros(m, dtype=np.bool_)
        verts = np.flatnonzero(dims == 0)
        low[verts] = np.where(killer[verts] >= 0, m - 1 - killer[verts], -1)
        processed[verts] = True
        cleared[killer[killer >= 0]] = True
        del killer
        for d in range(1, min(maxdim, top) + 1):
            cols = np.ascontiguousarray(np.flatnonzero(dims == d)[::-1])  # decreasing filtration index
            out = _reduce_columns(cptr, crows, csigns, cols, cleared, pivot_col, low, slot, p, True, True)
            n_red += int(out[6])
            n_add += int(out[7])
            processed[cols] = True
            paired = cols[low[cols] >= 0]
            cleared[m - 1 - low[paired]] = True  # the destroying simplices: their columns are zero
        births_l, deaths_l = [], []
        for d in range(0, maxdim + 1):
            cols = np.flatnonzero((dims == d) & processed)
            lw = low[cols]
            deaths = np.where(lw >= 0, m - 1 - lw, -1)
            essential = (lw < 0) & ~cleared[cols]
            keep = (lw >= 0) | essential
            births_l.append(cols[keep])
            deaths_l.append(deaths[keep])
        return _finish(births_l, deaths_l, None, n_red, n_add)

    low = np.full(m, -1, dtype=np.int64)
    slot = np.full(m, -1, dtype=np.int64)
    cleared = np.zeros(m, dtype=np.bool_)
    pivot_col = np.full(m, -1, dtype=np.int64)
    if algorithm == "standard":
        cols = np.flatnonzero((dims >= 1) & (dims <= maxdim + 1))
        out = _reduce_columns(indptr, indices, signs, cols, cleared, pivot_col, low, slot, p, representatives, False)
        n_red, n_add = int(out[6]), int(out[7])
        for d in range(1, maxdim + 2):
            stores[d] = out
    else:  # twist
        for d in range(min(maxdim + 1, top), 0, -1):
            cols = np.flatnonzero(dims == d)
            keep_v = representatives and d <= maxdim
            out = _reduce_columns(indptr, indices, signs, cols, cleared, pivot_col, low, slot, p, keep_v, False)
            stores[d] = out
            n_red += int(out[6])
            n_add += int(out[7])
            paired = cols[low[cols] >= 0]
            cleared[low[paired]] = True
    births_l, deaths_l, reps = [], [], [] if representatives else None
    inv = mod_inverses(p) if representatives else None
    for d in range(0, maxdim + 1):
        cols = np.flatnonzero(dims == d)
        # classes born at a dimension-d simplex: it is a pivot of a column of dimension d + 1, or
        # its column is zero and it is nobody's pivot (essential)
        killer = pivot_col[cols]
        zero = (low[cols] < 0) & ~cleared[cols]
        keep = (killer >= 0) | zero
        b = cols[keep]
        de = np.where(killer[keep] >= 0, killer[keep], -1)
        births_l.append(b)
        deaths_l.append(de)
        if representatives:
            for bi, di in zip(b.tolist(), de.tolist()):
                if di >= 0:
                    st = stores[d + 1]
                    s = int(slot[di])
                    r_idx = st[1][st[0][s]:st[0][s + 1]].copy()
                    r_val = st[2][st[0][s]:st[0][s + 1]]
                    scale = int(inv[int(r_val[-1])])
                    reps.append((r_idx, (r_val * scale) % p))
                elif d == 0:
                    reps.append((np.array([bi], dtype=np.int64), np.array([1], dtype=np.int64)))
                else:
                    st = stores[d]
                    s = int(slot[bi])
                    reps.append((st[4][st[3][s]:st[3][s + 1]].copy(), st[5][st[3][s]:st[3][s + 1]].copy()))
    return _finish(births_l, deaths_l, reps, n_red, n_add)


def _finish(births_l, deaths_l, reps, n_red, n_add) -> PersistencePairs:
    dims = np.concatenate([np.full(len(b), d, dtype=np.int64) for d, b in enumerate(births_l)]) if births_l else np.zeros(0, np.int64)
    births = np.concatenate(births_l).astype(np.int64) if births_l else np.zeros(0, np.int64)
    deaths = np.concatenate(deaths_l).astype(np.int64) if deaths_l else np.zeros(0, np.int64)
    order = np.lexsort((births, dims))
    if reps is not None:
        # reps were appended in the same (dimension, increasing birth) order for homology
        reps = [reps[i] for i in order]
    return PersistencePairs(dims[order], births[order], deaths[order], reps, n_red, n_add)


def diagrams_from_pairs(pairs: PersistencePairs, values, maxdim: int, keep_zero: bool = False):
    """Persistence diagrams from pairs and the filtration values (in filtration order).

    Returns ``(dgms, keep)``: ``dgms[d]`` is a (k, 2) array of (birth, death) in the dtype of
    ``values``, essential classes with death ``inf``, rows sorted by (birth, death, creating
    simplex); ``keep[d]`` holds the positions in ``pairs`` of those rows. Bars with death == birth
    are left out unless ``keep_zero``.
    """
    values = np.asarray(values)
    dt = values.dtype if values.dtype in (np.float32, np.float64) else np.float64
    dgms, keep = [], []
    for d in range(maxdim + 1):
        sel = np.flatnonzero(pairs.dims == d)
        b = values[pairs.births[sel]].astype(dt)
        de = np.where(pairs.deaths[sel] >= 0, values[np.maximum(pairs.deaths[sel], 0)], np.inf).astype(dt)
        if not keep_zero:
            nz = de > b
            sel, b, de = sel[nz], b[nz], de[nz]
        order = np.lexsort((pairs.births[sel], de, b))
        dgms.append(np.stack([b[order], de[order]], axis=1).reshape(-1, 2).astype(dt))
        keep.append(sel[order])
    return dgms, keep
