"""Edge collapse of a flag (Vietoris–Rips) filtration, preserving its persistent homology.

Background (Boissonnat & Pritam, "Edge collapse and persistence of flag complexes", SoCG 2020;
Glisse & Pritam, "Swap, shift and trim to edge collapse a filtration", SoCG 2022). In a graph G an
edge e = {u, v} is *dominated* by a vertex w not in e when every common neighbour of u and v is w
or a neighbour of w. Then the flag complex of G collapses onto the flag complex of G - e, and the
inclusion of the latter is a homotopy equivalence.

A flag filtration is a graph whose edges carry values; G(t) is the graph of the edges of value
<= t. If e (value t_e) is dominated in G(s) for every s in [t_e, t'), raising the value of e to t'
changes G(s) only for s in [t_e, t'), where the new complex is a collapse of the old one; the
inclusions between the two filtrations are homotopy equivalences at every s and commute with the
filtration maps, so the persistence modules are isomorphic: same diagrams in every dimension. If e
stays dominated for every s >= t_e it is removed.

Algorithm (one backward sweep, each step one such shift on the current filtration): edges are
visited in decreasing filtration order (value, then index). For edge e, at time T = t_e: collect
the common neighbours of u and v in G(T); look for a dominator w (dense graphs: the dominator that
dominates longest, the last dominators at u and v tried first; sparse graphs: the first found, the
common neighbour closest to both ends tried first); if there is none, e keeps value T. Otherwise the domination by w lasts
until the first time a new common neighbour x appears that w is not yet adjacent to:
T_w = min{max(f(u,x), f(v,x)) > T : f(w, x) > max(f(u,x), f(v,x))}; set T = T_w and repeat. When
T_w = inf the edge is removed. Values of edges visited earlier are their updated values, so every
check is made in the filtration as modified so far.

Dense graphs: the sweep compares int32 ranks of the values (equal values share a rank), not the
values, and runs on the vertices renumbered so that near points get near indices (recursive
bisection of the distance matrix); the edges keep their order (value, then the index in the
input's numbering), and the new values depend on that order and the values alone (not on which
dominators are tried, nor in what order), so they are the same; they are returned in the
input's numbering. The edges are sorted by a radix sort on the values' bits.

The result is a sparse graph with the same persistence diagrams in every dimension (vertex
births do not matter: a dominator is adjacent to both ends, so it is present). Representative
cocycles of the reduced filtration are not cocycles of the original one, so
:func:`topodim.ripser` does not collapse when ``do_cocycles=True``.
"""

from __future__ import annotations

import numpy as np

from .._config import njit
from .._kernels.bits import ctz as _ctz, DEBRUIJN as _DEBRUIJN
from .._kernels.csr import csr_lower_bound
from .._parallel import thread_limit
from .._validate import as_distance_input, check_memory, check_threshold

from ._combinatorics import kernel_threshold
from ._edges import count_lower, dense_degrees, dense_to_csr, edge_vertices, gather_edges
from ._graph import graph_of

__all__ = ["collapse_edges", "collapse_graph"]


#: "no edge" in the rank matrix of :func:`_sweep_ranks`
_RINF = np.int64(2**31 - 1)
_RINF32 = np.int32(2**31 - 1)


@njit
def _spatial_order(D):
    """A vertex order in which near vertices get near indices: recursive bisection, each part
    split at the median of ``D[b, x] - D[c, x]`` for two far-apart vertices b, c of it, down to
    parts of 16. Returns ``perm`` (new index -> vertex)."""
    n = D.shape[0]
    perm = np.arange(n)
    key = np.empty(n, dtype=np.float64)
    tmp = np.empty(n, dtype=np.int64)
    stack = np.empty((2 * n + 2, 2), dtype=np.int64)
    top = 0
    stack[0, 0] = 0
    stack[0, 1] = n
    top = 1
    while top > 0:
        top -= 1
        lo = stack[top, 0]
        hi = stack[top, 1]
        if hi - lo <= 16:
            continue
        a = perm[lo]
        b = a
        for k in range(lo, hi):
            if D[a, perm[k]] > D[a, b]:
                b = perm[k]
        c = b
        for k in range(lo, hi):
            if D[b, perm[k]] > D[b, c]:
                c = perm[k]
        for k in range(lo, hi):
            x = perm[k]
            key[k - lo] = D[b, x] - D[c, x]
        o = np.argsort(key[:hi - lo], kind="mergesort")
        for k in range(hi - lo):
            tmp[k] = perm[lo + o[k]]
        for k in range(hi - lo):
            perm[lo + k] = tmp[k]
        mid = (lo + hi) >> 1
        stack[top, 0] = mid
        stack[top, 1] = hi
        stack[top + 1, 0] = lo
        stack[top + 1, 1] = mid
        top += 2
    return perm


@njit
def _rank_matrix(R, order_idx, val, inv):
    """Fill the (n, n) matrix of the edges' value ranks: ``R[i, j]`` is the number of distinct edge values
    below the value of {i, j} (vertices renumbered by ``inv``; ``_RINF``: no edge, -1 on the
    diagonal). Returns the distinct values in increasing order, and the edges' ranks and
    renumbered vertices in ``order_idx``'s order. Ranks compare as the values do, ties
    included."""
    n = R.shape[0]
    R[:, :] = _RINF32
    m = order_idx.shape[0]
    vals = np.empty(m, dtype=val.dtype)
    er = np.empty(m, dtype=np.int32)
    eu = np.empty(m, dtype=np.int32)
    ev = np.empty(m, dtype=np.int32)
    r = -1
    for e in range(m - 1, -1, -1):
        if r < 0 or val[e] != vals[r]:
            r += 1
            vals[r] = val[e]
        i, j = edge_vertices(order_idx[e])
        R[inv[i], inv[j]] = r
        R[inv[j], inv[i]] = r
        er[e] = r
        eu[e] = inv[i]
        ev[e] = inv[j]
    for i in range(n):
        R[i, i] = -1
    return vals[:r + 1].copy(), er, eu, ev


@njit
def _value_matrix(R, vals, inv, D):
    """The value matrix of a rank matrix whose vertex i is ``inv[i]`` (inf: no edge, 0 on the
    diagonal); an entry equal to D's keeps D's bits (0.0 and -0.0 share a rank)."""
    n = R.shape[0]
    F = np.empty((n, n), dtype=vals.dtype)
    for i in range(n):
        ii = inv[i]
        for j in range(n):
            r = R[ii, inv[j]]
            if r == _RINF32:
                F[i, j] = np.inf
            elif r < 0:
                F[i, j] = 0
            else:
                F[i, j] = D[i, j] if D[i, j] == vals[r] else vals[r]
    return F


@njit
def _sweep_ranks(F, eu, ev, er):
    """Backward sweep on a dense int32 matrix F of value ranks (``_RINF`` = no edge, see
    :func:`_rank_matrix`), modified in place: ranks compare as the values do, in half the
    memory of float64 values, and every raised value is the value of an edge, so it has a rank.

    ``eu``, ``ev``, ``er``: the edges' vertices and ranks in decreasing filtration order (value, then the index
    C(i,2)+j in the input's numbering; the vertices may be renumbered, the order is kept). The graph G(t) at the
    time t of the edge being visited is kept as bitsets (visited edges leave it once the sweep
    goes below their value), so that common neighbours and dominators cost n/64 word operations;
    the neighbours that become common later are joined by visited, kept edges (bitsets too),
    which tells how long a dominator keeps dominating; at a later time T
    the adjacencies gained through kept edges of value in (t, T] are read from the matrix.

    Candidates are pruned by witnesses: when w fails because a common neighbour x is not adjacent
    to it, every candidate not adjacent to x fails too, so the candidate set is intersected with
    x's neighbourhood in one pass over the words (the candidates are the common neighbours, in
    index order after the last dominators at u and at v). When w dominates until T_w < inf
    because of a future common neighbour x, candidates with no edge to x cannot dominate longer
    and are dropped the same way. A candidate stops looking for the end of its domination once
    that end is no later than the best so far, and is first tested at the common neighbour that
    ends the best one's; when T is raised, the list of future common neighbours is filtered, not
    rebuilt. Pruning and these exits skip only candidates that would not be chosen, so the
    result is the one of testing every candidate.
    Returns (removed, shifted)."""
    n = F.shape[0]
    W = (n + 63) >> 6
    one = np.uint64(1)
    # [i, k, 0]: word k of i's neighbours in G(t); [i, k, 1]: of its visited, kept edges (any
    # value >= the sweep's current time); the two words side by side, as most loops read both
    bits = np.zeros((n, W, 2), dtype=np.uint64)
    for i in range(n):
        for j in range(n):
            if j != i and F[i, j] != _RINF:
                bits[i, j >> 6, 0] |= one << np.uint64(j & 63)
    m = eu.shape[0]
    pend_u = np.empty(m + 1, dtype=np.int32)  # vertex ids (n**2 values fit in memory: n < 2**31)
    pend_v = np.empty(m + 1, dtype=np.int32)
    pend_t = np.empty(m + 1, dtype=np.int32)
    npend = 0
    pp = 0
    N = np.empty(W, dtype=np.uint64)
    nzw = np.empty(W, dtype=np.int64)  # the words where N is nonzero
    Cm = np.empty(W, dtype=np.uint64)
    Xc = np.empty(2 * n + 2, dtype=np.int64)
    Xv = np.empty(2 * n + 2, dtype=np.int64)
    table = _DEBRUIJN
    last = np.full(n, -1, dtype=np.int64)
    wl = np.empty(8, dtype=np.int64)  # witnesses found at the current T > t, tried first
    bestw = -1
    removed = 0
    shifted = 0
    for e in range(m):
        u = np.int64(eu[e])
        v = np.int64(ev[e])
        t = np.int64(er[e])  # F[u, v]: an edge's value changes only when it is visited
        while pp < npend and pend_t[pp] > t:
            a = pend_u[pp]
            b = pend_v[pp]
            bits[a, b >> 6, 0] &= ~(one << np.uint64(b & 63))
            bits[b, a >> 6, 0] &= ~(one << np.uint64(a & 63))
            pp += 1
        nnz = 0
        for k in range(W):
            N[k] = bits[u, k, 0] & bits[v, k, 0]
            if N[k] != 0:
                nzw[nnz] = k
                nnz += 1
        T = t
        nX = 0
        bwit = -1
        while True:
            # Future common neighbours x (joined to u and v by time c_x > T): one of the two
            # edges has a value > T >= t, so it is an edge already visited and kept: they are
            # found with word operations on the kept bitsets and listed with c_x (when the other
            # edge is in G(t), its value is <= t and c_x is the kept edge's value; a listed x
            # with c_x <= t has two edges of value t, both still in G(t), so it is in N).
            # When T grows the list only loses its entries with c_x <= T, which join N.
            if T > t:
                r2 = 0
                for r in range(nX):
                    c = Xc[r]
                    x = Xv[r]
                    if c <= T:
                        if N[x >> 6] == 0:
                            nzw[nnz] = x >> 6
                            nnz += 1
                        N[x >> 6] |= one << np.uint64(x & 63)
                    else:
                        Xc[r2] = c
                        Xv[r2] = x
                        r2 += 1
                nX = r2
            if T == t:
                for k in range(W):
                    ku = bits[u, k, 1]
                    kv = bits[v, k, 1]
                    for part in range(3):
                        if part == 0:
                            word = ku & kv
                        elif part == 1:
                            word = ku & bits[v, k, 0] & ~kv
                        else:
                            word = kv & bits[u, k, 0] & ~ku
                        while word != 0:
                            low = word & (~word + one)
                            word ^= low
                            x = k * 64 + _ctz(low, table)
                            if part == 0:
                                fa = np.int64(F[u, x])
                                fb = np.int64(F[v, x])
                                c = fa if fa > fb else fb
                            elif part == 1:
                                c = np.int64(F[u, x])
                            else:
                                c = np.int64(F[v, x])
                            if c > T:
                                Xc[nX] = c
                                Xv[nX] = x
                                nX += 1
            # at T > t every dominator is adjacent to the vertex that ended the last one's
            # domination (it joined the common neighbours at T): it is the first witness tried
            nwl = 0
            if bwit >= 0:
                wl[0] = bwit
                nwl = 1
            bestT = np.int64(-1)
            bwit = -1  # where the best candidate stops dominating (at bestT)
            # Cm (the candidates left) is kept on the words of nzw only: elsewhere N is 0
            for q in range(nnz):
                Cm[nzw[q]] = N[nzw[q]]
            q = -2
            while q < nnz:
                if q < 0:
                    w = last[u] if q == -2 else last[v]
                    q += 1
                    if w < 0:
                        continue
                    wk = w >> 6
                    wb = one << np.uint64(w & 63)
                    if (N[wk] & wb) == 0 or (Cm[wk] & wb) == 0:
                        continue
                else:
                    wk = nzw[q]
                    word = Cm[wk]
                    if word == 0:
                        q += 1
                        continue
                    wb = word & (~word + one)
                    w = wk * 64 + _ctz(wb, table)
                Cm[wk] &= ~wb
                # a common neighbour not adjacent to w by time T (-1: w dominates)
                wit = -1
                for i in range(nwl):  # (T > t only)
                    y = wl[i]
                    if y != w:
                        yk = y >> 6
                        yb = one << np.uint64(y & 63)
                        # F[y, w] = F[w, y]: the same row of F for every candidate
                        if (bits[w, yk, 0] & yb) == 0 and ((bits[w, yk, 1] & yb) == 0 or F[y, w] > T):
                            wit = y
                            break
                for q2 in range(nnz if wit < 0 else 0):
                    k2 = nzw[q2]
                    x = N[k2] & ~bits[w, k2, 0]
                    if k2 == wk:
                        x &= ~wb
                    if x != 0 and T == t:
                        wit = k2 * 64 + _ctz(x & (~x + one), table)
                        break
                    while x != 0:
                        lo2 = x & (~x + one)
                        x ^= lo2
                        y = k2 * 64 + _ctz(lo2, table)
                        if (bits[w, k2, 1] & lo2) == 0 or F[w, y] > T:
                            wit = y
                            break
                    if wit >= 0:
                        break
                if wit >= 0:
                    # no candidate that is not adjacent to the witness can dominate
                    xk = wit >> 6
                    xb = one << np.uint64(wit & 63)
                    keep = Cm[xk] & xb
                    if T == t:
                        for q2 in range(nnz):
                            Cm[nzw[q2]] &= bits[wit, nzw[q2], 0]
                    else:
                        if nwl < 8:
                            new = True
                            for i in range(nwl):
                                if wl[i] == wit:
                                    new = False
                            if new:
                                wl[nwl] = wit
                                nwl += 1
                        for q2 in range(nnz):
                            Cm[nzw[q2]] &= bits[wit, nzw[q2], 0] | bits[wit, nzw[q2], 1]
                    Cm[xk] |= keep
                    continue
                # w dominates at T; it keeps dominating until a future common neighbour
                # appears that w is not adjacent to by then (adjacent in G(t): at once; through
                # a kept edge: from that edge's value; else never)
                Tw = _RINF
                quick = False
                if bwit >= 0:
                    # a candidate not adjacent to bwit by bestT cannot outlast the best
                    xk = bwit >> 6
                    xb = one << np.uint64(bwit & 63)
                    if (bits[w, xk, 0] & xb) == 0 and ((bits[w, xk, 1] & xb) == 0 or F[bwit, w] > bestT):
                        Tw = bestT
                        wit = bwit
                        quick = True
                for r in range(0 if quick else nX):
                    cr = Xc[r]
                    if cr >= Tw:
                        continue
                    x = Xv[r]
                    if x == w:
                        continue
                    xk = x >> 6
                    xb = one << np.uint64(x & 63)
                    if (bits[w, xk, 0] & xb) != 0:
                        continue
                    if (bits[w, xk, 1] & xb) == 0 or F[w, x] > cr:
                        Tw = cr
                        wit = x
                        if Tw <= bestT:
                            break  # w cannot dominate longer than the best so far
                if Tw > bestT:
                    bestT = Tw
                    bestw = w
                    bwit = wit
                if Tw == _RINF:
                    break
                if quick:
                    continue  # the candidates were pruned by bwit already
                # a candidate without any edge to the witness cannot keep dominating past Tw
                xk = wit >> 6
                xb = one << np.uint64(wit & 63)
                keep = Cm[xk] & xb
                for q2 in range(nnz):
                    Cm[nzw[q2]] &= bits[wit, nzw[q2], 0] | bits[wit, nzw[q2], 1]
                Cm[xk] |= keep
            if bestT < 0:
                break  # not dominated at T: the edge's value becomes T
            last[u] = bestw
            last[v] = bestw
            T = bestT
            if T == _RINF:
                break
        # u, v leave the bitsets now unless the edge keeps its value (then when t goes below it)
        if T == t:
            pend_u[npend] = u
            pend_v[npend] = v
            pend_t[npend] = np.int32(t)
            npend += 1
        else:
            bits[u, v >> 6, 0] &= ~(one << np.uint64(v & 63))
            bits[v, u >> 6, 0] &= ~(one << np.uint64(u & 63))
        if T == _RINF:
            F[u, v] = _RINF32
            F[v, u] = _RINF32
            removed += 1
            continue
        if T > t:
            F[u, v] = np.int32(T)
            F[v, u] = np.int32(T)
            shifted += 1
        bits[u, v >> 6, 1] |= one << np.uint64(v & 63)
        bits[v, u >> 6, 1] |= one << np.uint64(u & 63)
    return removed, shifted


@njit
def _collapse_sparse(indptr, indices, data, order_idx):
    """Backward sweep on a symmetric CSR graph whose ``data`` (values, inf = removed) is
    modified in place. Returns (removed, shifted)."""
    n = indptr.shape[0] - 1
    maxdeg = 0
    for i in range(n):
        if indptr[i + 1] - indptr[i] > maxdeg:
            maxdeg = indptr[i + 1] - indptr[i]
    nbr = np.empty(maxdeg + 1, dtype=np.int64)
    removed = 0
    shifted = 0
    for e in range(order_idx.shape[0]):
        u, v = edge_vertices(order_idx[e])
        puv = csr_lower_bound(indptr, indices, u, v)
        pvu = csr_lower_bound(indptr, indices, v, u)
        t = data[puv]
        T = t
        while True:
            nn = 0
            best = -1
            bestc = np.inf
            a0 = indptr[u]
            a1 = indptr[u + 1]
            b0 = indptr[v]
            b1 = indptr[v + 1]
            while a0 < a1 and b0 < b1:
                xa = indices[a0]
                xb = indices[b0]
                if xa < xb:
                    a0 += 1
                elif xb < xa:
                    b0 += 1
                else:
                    a = data[a0]
                    b = data[b0]
                    c = a if a > b else b
                    if c <= T:
                        if c < bestc:
                            bestc = c
                            best = nn
                        nbr[nn] = xa
                        nn += 1
                    a0 += 1
                    b0 += 1
            if nn == 0:
                break
            w = -1
            for ci in range(-1, nn):
                if ci == best:
                    continue
                cand = nbr[best] if ci < 0 else nbr[ci]
                # nbr is sorted: merge it with cand's row
                ok = True
                r0 = indptr[cand]
                r1 = indptr[cand + 1]
                for y in range(nn):
                    z = nbr[y]
                    if z == cand:
                        continue
                    while r0 < r1 and indices[r0] < z:
                        r0 += 1
                    if r0 >= r1 or indices[r0] != z or data[r0] > T:
                        ok = False
                        break
                if ok:
                    w = cand
                    break
            if w < 0:
                break
            Tw = np.inf
            a0 = indptr[u]
            a1 = indptr[u + 1]
            b0 = indptr[v]
            b1 = indptr[v + 1]
            r0 = indptr[w]
            r1 = indptr[w + 1]
            while a0 < a1 and b0 < b1:
                xa = indices[a0]
                xb = indices[b0]
                if xa < xb:
                    a0 += 1
                elif xb < xa:
                    b0 += 1
                else:
                    a = data[a0]
                    b = data[b0]
                    c = a if a > b else b
                    if c > T and c < Tw and xa != w:
                        while r0 < r1 and indices[r0] < xa:
                            r0 += 1
                        fw = data[r0] if (r0 < r1 and indices[r0] == xa) else np.inf
                        if fw > c:
                            Tw = c
                    a0 += 1
                    b0 += 1
            T = Tw
            if T == np.inf:
                break
        if T == np.inf:
            data[puv] = np.inf
            data[pvu] = np.inf
            removed += 1
        elif T > t:
            data[puv] = T
            data[pvu] = T
            shifted += 1
    return removed, shifted


@njit
def _csr_drop_inf(indptr, indices, data):
    """Remove the +inf entries of a CSR graph."""
    n = indptr.shape[0] - 1
    keep = 0
    for q in range(data.shape[0]):
        if data[q] < np.inf:
            keep += 1
    ip = np.zeros(n + 1, dtype=np.int64)
    ix = np.empty(keep, dtype=np.int64)
    dv = np.empty(keep, dtype=data.dtype)
    o = 0
    for i in range(n):
        for q in range(indptr[i], indptr[i + 1]):
            if data[q] < np.inf:
                ix[o] = indices[q]
                dv[o] = data[q]
                o += 1
        ip[i + 1] = o
    return ip, ix, dv


_WAY_OUT = ("pass a threshold (thresh=...), dtype=np.float32, fewer points (n_perm=...), "
            "maxdim=1, or collapse_edges=False")


def working_bytes(dense: bool, n: int, m: int, nnz: int, itemsize: int) -> tuple[int, int]:
    """Peak bytes :func:`collapse_graph` allocates besides its input, for n vertices and m edges
    (nnz stored entries of a CSR input): ``(sorting, sweep)``. Sorting the edge list: the
    indices and values, with the edge flags, then with the sort's buffers. The sweep: the edge indices
    and values; for a dense graph the int32 rank matrix, with the edges' two vertices and ranks, the three
    pending arrays and the adjacency bitsets while the sweep runs, then with the value matrix F
    it writes; for a CSR graph its values. The collapsed graph's CSR arrays are checked once
    their size is known."""
    edges = m * (8 + itemsize)
    flags = (n * (n - 1) // 2 if dense else nnz) * 4
    sorting = edges + max(flags, 32 * m + itemsize * m)  # _sort_desc's keys and positions
    words = (n + 63) >> 6
    pend = (m + 1) * 12
    if dense:
        sweep = m * (8 + itemsize) + n * n * 4 + max(m * 12 + pend + 2 * n * words * 8, n * n * itemsize)
    else:
        sweep = m * 8 + nnz * itemsize
    return sorting, sweep


@njit
def _sort_desc(val, idx):
    """Sort the edges (val[k], idx[k]), given in increasing index order, by value descending
    and index ascending, in place: a stable least-significant-digit radix sort of the positions
    on the values' bits made monotone (a negative float has all its bits flipped, a
    non-negative one its sign bit set; -0.0 is keyed as 0.0, and the values are moved, not
    rebuilt from the keys), 16 bits a pass, passes where
    every key has the same digit skipped. The order of ``topodim.rips._sorting.sort_columns``, in a
    few linear passes."""
    m = val.shape[0]
    f = np.empty(m, dtype=np.float64)
    for k in range(m):
        f[k] = np.float64(val[k]) + 0.0
    key = f.view(np.uint64)
    sign = np.uint64(1) << np.uint64(63)
    for k in range(m):
        # IEEE-754 bits made monotone (negatives flipped whole, non-negatives get the sign
        # bit), then complemented so that the ascending radix order is descending in value.
        b = key[k]
        key[k] = b if b & sign else ~(b | sign)
    key2 = np.empty(m, dtype=np.uint64)
    pos = np.arange(m)
    pos2 = np.empty(m, dtype=np.int64)
    cnt = np.empty(65537, dtype=np.int64)
    mask = np.uint64(0xFFFF)
    for shift in range(0, 64, 16):
        sh = np.uint64(shift)
        cnt[:] = 0
        for k in range(m):
            cnt[np.int64((key[k] >> sh) & mask) + 1] += 1
        if m == 0 or cnt[np.int64((key[0] >> sh) & mask) + 1] == m:
            continue
        for d in range(65536):
            cnt[d + 1] += cnt[d]
        for k in range(m):
            d = np.int64((key[k] >> sh) & mask)
            o = cnt[d]
            cnt[d] = o + 1
            key2[o] = key[k]
            pos2[o] = pos[k]
        key, key2 = key2, key
        pos, pos2 = pos2, pos
    for k in range(m):
        pos2[k] = idx[pos[k]]
    for k in range(m):
        idx[k] = pos2[k]
    v2 = np.empty(m, dtype=val.dtype)
    for k in range(m):
        v2[k] = val[pos[k]]
    for k in range(m):
        val[k] = v2[k]


def _sorted_edges(dense, D, indptr, indices, data, n, thresh):
    """All edges {i > j} with value <= thresh: (index, value) in decreasing filtration order."""
    flags_len = n * (n - 1) // 2 if dense else indices.shape[0]
    counts = count_lower(dense, D, indptr, indices, data, thresh)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    m = int(offsets[-1])
    dt = D.dtype if dense else data.dtype
    sorting, _sweep = working_bytes(dense, n, m, flags_len, dt.itemsize)
    check_memory(sorting, f"sorting the {m:,} edges of {n} points for the edge collapse", _WAY_OUT)
    idx = np.empty(m, dtype=np.int64)
    val = np.empty(m, dtype=D.dtype if dense else data.dtype)
    flags = _threshold_flags(dense, D, indptr, indices, data, n, thresh, flags_len)
    gather_edges(dense, D, indptr, indices, data, flags, n, np.int64(-1), offsets, idx, val)
    del flags  # before the sort allocates its buffers
    _sort_desc(val, idx)
    return idx, val


@njit
def _threshold_flags(dense, D, indptr, indices, data, n, thresh, length):
    """Edge codes as the flat pass writes them: -1 for an edge <= thresh, -2 otherwise."""
    flags = np.full(length, -2, dtype=np.int32)
    if dense:
        for i in range(n):
            base = (i * (i - 1)) >> 1
            for j in range(i):
                if D[i, j] <= thresh:
                    flags[base + j] = -1
    else:
        for i in range(n):
            q = indptr[i]
            while q < indptr[i + 1] and indices[q] < i:
                if data[q] <= thresh:
                    flags[q] = -1
                q += 1
    return flags


def _collapse_dense(n, order_idx, val, D):
    """The backward sweep on a dense graph given its edges in decreasing filtration order
    (``order_idx``, values ``val``): ``(F, removed, shifted)`` with F the (n, n) matrix of the new
    values (inf = no edge, 0 on the diagonal)."""
    perm = _spatial_order(D)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    R = np.empty((n, n), dtype=np.int32)
    vals, er, eu, ev = _rank_matrix(R, order_idx, val, inv)
    removed, shifted = _sweep_ranks(R, eu, ev, er)
    del eu, ev, er
    return _value_matrix(R, vals, inv, D), removed, shifted


def collapse_graph(dense: bool, D, indptr, indices, data, n: int, thresh: float):
    """Collapse the flag filtration of a graph (dense matrix or CSR, edges <= thresh).

    Returns ``(indptr, indices, data, stats, F)``: a symmetric CSR graph with the surviving edges
    and their (possibly raised) values, a dict with the edge counts before and after, and for a
    dense input the (n, n) matrix of the new values (inf = no edge), else None.
    Internal: arrays are the kernel representation of the Rips kernels (:mod:`topodim.rips`).
    """
    dt = D.dtype if dense else data.dtype
    thresh = kernel_threshold(thresh, dt)
    order_idx, val = _sorted_edges(dense, D, indptr, indices, data, n, thresh)
    m0 = order_idx.shape[0]
    nnz = 0 if dense else indices.shape[0]
    _sorting, sweep = working_bytes(dense, n, m0, nnz, dt.itemsize)
    check_memory(sweep - m0 * 8, f"the edge collapse of {m0:,} edges on {n} points", _WAY_OUT)
    if dense:
        F, removed, shifted = _collapse_dense(n, order_idx, val, D)
        del val
        deg = dense_degrees(F, thresh)
        ip = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(deg, out=ip[1:])
        check_memory(int(ip[-1]) * (8 + dt.itemsize), f"the {int(ip[-1]) // 2:,} edges left by the edge collapse",
                     _WAY_OUT)
        ix = np.empty(int(ip[-1]), dtype=np.int64)
        dv = np.empty(int(ip[-1]), dtype=D.dtype)
        dense_to_csr(F, thresh, ip, ix, dv)
    else:
        F = None
        dv0 = np.where(data <= thresh, data, np.inf).astype(data.dtype)
        removed, shifted = _collapse_sparse(indptr, indices, dv0, order_idx)
        ip, ix, dv = _csr_drop_inf(indptr, indices, dv0)
    stats = {"edges_before": int(m0), "edges_after": int(ix.shape[0] // 2),
             "removed": int(removed), "shifted": int(shifted)}
    return ip, ix, dv, stats, F


def collapse_edges(X, thresh=np.inf, distance_matrix=False, metric="euclidean", dtype=np.float64,
                   n_threads=None):
    """Reduce the Vietoris–Rips filtration of X to a smaller flag filtration with the same
    persistence diagrams in every dimension (edge collapse, see the module docstring).

    Parameters
    ----------
    X, distance_matrix, metric, dtype
        As in :func:`topodim.ripser` (points, dense / condensed / scipy.sparse distances).
    thresh : float, default inf
        Edges longer than thresh are left out first.
    n_threads : int, optional
        Threads for the distance matrix (the sweep itself is sequential).

    Returns
    -------
    edges : ndarray of int64, shape (m, 2)
        Surviving edges (i > j).
    values : ndarray, shape (m,)
        Their filtration values (diameters), some raised above the original distance.
    """
    t = check_threshold(thresh)
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)

    with thread_limit(n_threads):
        g = graph_of(inp, t, want_dense=True)
        ip, ix, dv, _stats, _F = collapse_graph(g.dense, g.D, g.indptr, g.indices, g.data, inp.n, t)
    rows = np.repeat(np.arange(inp.n), np.diff(ip))
    lower = ix < rows
    edges = np.stack([rows[lower], ix[lower]], axis=1).astype(np.int64)
    return edges, dv[lower]
