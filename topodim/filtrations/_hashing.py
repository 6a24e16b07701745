"""Hash tables of vertex rows: a simplex (or the facet of one, a column left out) is looked up by
its vertex tuple, and the boundary matrix is written from those lookups.

A table is a power-of-two array of row positions (-1: empty slot) with linear probing; the hash is
FNV-1a over the 64-bit vertex ids followed by a murmur-style finaliser. Rows hold the vertices of a
simplex in increasing order, so equal simplices have equal rows.
"""

from __future__ import annotations

import numpy as np

from .._config import njit, njit_inner


@njit_inner
def hash_row(rows, i, skip):
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


@njit_inner
def rows_equal(a, i, skip, b, j):
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
def build_table(rows):
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
        h = np.int64(hash_row(rows, i, -1) & mask)
        while True:
            j = table[h]
            if j < 0:
                table[h] = i
                break
            if rows_equal(rows, i, -1, rows, j):
                if dup < 0:
                    dup = i
                    dup_of = j
                break
            h = (h + 1) & (size - 1)
    return table, dup, dup_of


@njit_inner
def lookup(table, table_rows, rows, i, skip):
    """Position in ``table_rows`` of rows[i] without column ``skip``, or -1."""
    size = table.shape[0]
    h = np.int64(hash_row(rows, i, skip) & np.uint64(size - 1))
    while True:
        j = table[h]
        if j < 0:
            return -1
        if rows_equal(rows, i, skip, table_rows, j):
            return j
        h = (h + 1) & (size - 1)


@njit
def facet_positions(rows, table, table_rows):
    """out[i, s] = position in ``table_rows`` of the facet of rows[i] without its vertex s (-1: absent)."""
    m = rows.shape[0]
    k1 = rows.shape[1]
    out = np.empty((m, k1), dtype=np.int64)
    for i in range(m):
        for s in range(k1):
            out[i, s] = lookup(table, table_rows, rows, i, s)
    return out


@njit
def fill_boundary(rows, table, table_rows, index_below, index_k, indptr, indices, signs):
    """Write the boundary columns of the k-simplices ``rows`` into the CSR arrays: facets by their
    filtration index (``index_below``), increasing, with signs (-1)^s for the facet without
    vertex s. Returns -1, or the first row with a facet missing."""
    m = rows.shape[0]
    k1 = rows.shape[1]
    g = np.empty(k1, dtype=np.int64)
    sg = np.empty(k1, dtype=np.int8)
    for i in range(m):
        for s in range(k1):
            pos = lookup(table, table_rows, rows, i, s)
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
def merge_dimensions(allv, starts):
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
