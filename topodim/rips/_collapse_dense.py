"""The dense edge-collapse sweep: int32 value ranks, a locality-preserving vertex order, the
radix sort of the edges and the backward sweep of :mod:`topodim.rips._collapse` (where the
algorithm and its correctness are described) on an (n, n) value matrix.
"""

from __future__ import annotations

import numpy as np

from .._config import njit
from .._kernels.bits import ctz as _ctz, DEBRUIJN as _DEBRUIJN

from ._edges import edge_vertices
from ._sorting import sort_columns_serial


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
    pos = np.empty(n, dtype=np.int64)
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
        # a stable ascending sort of the keys, as the column sort (descending, then position)
        # of their negatives: np.argsort would compile a sort of its own (seconds)
        for k in range(lo, hi):
            x = perm[k]
            key[k - lo] = D[c, x] - D[b, x]
            pos[k - lo] = k - lo
        sort_columns_serial(key[:hi - lo], pos[:hi - lo])
        for k in range(hi - lo):
            tmp[k] = perm[lo + pos[k]]
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
