"""Helpers on persistence diagrams.

Conventions used everywhere in topodim:

* a diagram is a float array of shape (k, 2) holding (birth, death) rows, birth <= death;
* an essential (never dying) class has death ``np.inf``; no diagram ever holds NaN;
* a list of diagrams is indexed by homology dimension (``dgms[0]`` is H0), as in ripser.py;
* filtration values of Vietoris–Rips diagrams are diameters (edge lengths), not radii.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_diagram",
    "finite",
    "essential",
    "split",
    "lifetimes",
    "total_persistence",
    "betti_numbers",
    "betti_curve",
    "bottleneck_distance",
]


def as_diagram(dgm, name: str = "dgm") -> np.ndarray:
    """Validate a diagram: a float (k, 2) array without NaN, births finite, birth <= death."""
    if np.iscomplexobj(dgm) or (isinstance(dgm, (list, tuple)) and any(
            isinstance(v, complex) for row in dgm for v in (row if isinstance(row, (list, tuple)) else [row]))):
        raise TypeError(f"{name} is complex; a diagram holds real (birth, death) pairs (take .real if that is meant)")
    try:
        arr = np.asarray(dgm, dtype=float) if not isinstance(dgm, np.ndarray) or dgm.dtype.kind not in "f" else dgm
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a (k, 2) array of (birth, death) pairs") from exc
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (k, 2) with (birth, death) rows, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; diagrams hold finite births and finite or inf deaths")
    if not np.isfinite(arr[:, 0]).all():
        raise ValueError(f"{name} has a non-finite birth; births must be finite")
    if (arr[:, 1] < arr[:, 0]).any():
        k = int(np.argmax(arr[:, 1] < arr[:, 0]))
        raise ValueError(f"{name} row {k} dies before it is born: {arr[k].tolist()}")
    return arr


def finite(dgm) -> np.ndarray:
    """The bars with a finite death."""
    arr = as_diagram(dgm)
    return arr[np.isfinite(arr[:, 1])]


def essential(dgm) -> np.ndarray:
    """The essential bars (death ``inf``)."""
    arr = as_diagram(dgm)
    return arr[~np.isfinite(arr[:, 1])]


def split(dgm):
    """``(finite(dgm), essential(dgm))``."""
    arr = as_diagram(dgm)
    mask = np.isfinite(arr[:, 1])
    return arr[mask], arr[~mask]


def lifetimes(dgm) -> np.ndarray:
    """Death minus birth of the finite bars."""
    f = finite(dgm)
    return f[:, 1] - f[:, 0]


def total_persistence(dgm, alpha: float = 1.0) -> float:
    """Total persistence E_alpha = sum over finite bars of (death - birth) ** alpha.

    This is the "lifespans sum" of Magai & Ayzenberg (arXiv 2204.08624) and Magai (arXiv
    2306.03406) and the quantity E^i_alpha whose growth with the sample size defines the
    PH-dimension. Essential bars are left out. Note: the papers' code multiplies the sum by 0.5
    (``0.5 * sum(...)``); topodim does not, so multiply by 0.5 to compare with their numbers
    (the PH-dimension, a slope in log–log, is unaffected).

    Parameters
    ----------
    dgm : (k, 2) array
    alpha : float > 0, default 1

    Returns
    -------
    float
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a positive number, got {alpha!r}")
    if not alpha > 0 or not np.isfinite(alpha):
        raise ValueError(f"alpha must be a positive finite number, got {alpha}")
    life = lifetimes(dgm)
    if alpha == 1:
        return float(life.sum())
    return float(np.power(life, alpha).sum())


def _as_diagram_list(dgms):
    if isinstance(dgms, np.ndarray) and dgms.ndim == 2:
        return [dgms]
    return list(dgms)


def betti_numbers(dgms, r: float) -> np.ndarray:
    """Betti numbers at filtration value r: the bars with birth <= r < death, per dimension.

    Parameters
    ----------
    dgms : list of (k, 2) arrays, or one diagram
    r : float

    Returns
    -------
    ndarray of int64, one entry per diagram
    """
    r = float(r)
    if np.isnan(r):
        raise ValueError("r is NaN; pass a filtration value")
    out = []
    for dgm in _as_diagram_list(dgms):
        arr = as_diagram(dgm)
        out.append(int(np.count_nonzero((arr[:, 0] <= r) & (r < arr[:, 1]))))
    return np.asarray(out, dtype=np.int64)


def betti_curve(dgm, grid) -> np.ndarray:
    """The Betti curve of one diagram: ``betti_numbers(dgm, r)`` for every r in ``grid``.

    Computed with two sorted searches (O((k + m) log k)), not a loop over the grid.
    """
    arr = as_diagram(dgm)
    if np.iscomplexobj(grid):
        raise TypeError("grid is complex; pass real numbers")
    g = np.asarray(grid, dtype=float)
    if g.ndim != 1:
        raise ValueError(f"grid must be 1-D, got shape {g.shape}")
    if np.isnan(g).any():
        raise ValueError("grid contains NaN")
    births = np.sort(arr[:, 0])
    deaths = np.sort(arr[:, 1])
    born = np.searchsorted(births, g, side="right")  # birth <= r
    dead = np.searchsorted(deaths, g, side="right")  # death <= r
    return (born - dead).astype(np.int64)


# ==========================================================================================
# bottleneck distance
# ==========================================================================================

from ._config import njit, njit_inner  # noqa: E402


@njit
def _hk_feasible(A, B, t):
    """Whether a perfect matching of cost <= t exists between A and B (finite points) with the
    diagonal: Hopcroft–Karp on the implicit bipartite graph

    left  = A_0..A_{n-1}, then diag(B_0)..diag(B_{m-1});
    right = B_0..B_{m-1}, then diag(A_0)..diag(A_{n-1});
    A_i–B_j when max(|Δbirth|, |Δdeath|) <= t, A_i–diag(A_i) and diag(B_j)–B_j when half the
    persistence is <= t, diag–diag always (cost 0).
    """
    n = A.shape[0]
    m = B.shape[0]
    N = n + m
    pair_l = np.full(N, -1, dtype=np.int64)
    pair_r = np.full(N, -1, dtype=np.int64)
    dist = np.empty(N, dtype=np.int64)
    queue = np.empty(N, dtype=np.int64)
    it = np.empty(N, dtype=np.int64)
    via = np.empty(N, dtype=np.int64)
    stack = np.empty(N, dtype=np.int64)
    INF = np.int64(1) << 62
    matched = 0
    while True:
        # BFS layers from the free left vertices
        qh = 0
        qt = 0
        for u in range(N):
            if pair_l[u] < 0:
                dist[u] = 0
                queue[qt] = u
                qt += 1
            else:
                dist[u] = INF
        found = False
        while qh < qt:
            u = queue[qh]
            qh += 1
            deg = m + 1 if u < n else n + 1
            for k in range(deg):
                v = _hk_neighbour(A, B, n, m, u, k, t)
                if v < 0:
                    continue
                w = pair_r[v]
                if w < 0:
                    found = True
                elif dist[w] == INF:
                    dist[w] = dist[u] + 1
                    queue[qt] = w
                    qt += 1
        if not found:
            break
        # DFS along the layers, iteratively
        for u in range(N):
            it[u] = 0
        for u0 in range(N):
            if pair_l[u0] >= 0:
                continue
            top = 0
            stack[0] = u0
            while top >= 0:
                u = stack[top]
                deg = m + 1 if u < n else n + 1
                advanced = False
                while it[u] < deg:
                    k = it[u]
                    it[u] += 1
                    v = _hk_neighbour(A, B, n, m, u, k, t)
                    if v < 0:
                        continue
                    w = pair_r[v]
                    if w < 0:
                        # augment along the stack
                        via[u] = v
                        for s in range(top, -1, -1):
                            x = stack[s]
                            y = via[x]
                            pair_l[x] = y
                            pair_r[y] = x
                        matched += 1
                        top = -1
                        advanced = True
                        break
                    if dist[w] == dist[u] + 1:
                        via[u] = v
                        top += 1
                        stack[top] = w
                        advanced = True
                        break
                if not advanced:
                    dist[u] = INF
                    top -= 1
    return matched == N


@njit_inner
def _hk_neighbour(A, B, n, m, u, k, t):
    """The k-th candidate neighbour of left vertex u, or -1 when that edge costs more than t."""
    if u < n:
        if k < m:
            c = max(abs(A[u, 0] - B[k, 0]), abs(A[u, 1] - B[k, 1]))
            return k if c <= t else -1
        return m + u if (A[u, 1] - A[u, 0]) / 2 <= t else -1
    j = u - n
    if k == 0:
        return j if (B[j, 1] - B[j, 0]) / 2 <= t else -1
    return m + k - 1


@njit
def _bottleneck_candidates(A, B):
    n = A.shape[0]
    m = B.shape[0]
    out = np.empty(n * m + n + m, dtype=np.float64)
    t = 0
    for i in range(n):
        for j in range(m):
            out[t] = max(abs(A[i, 0] - B[j, 0]), abs(A[i, 1] - B[j, 1]))
            t += 1
    for i in range(n):
        out[t] = (A[i, 1] - A[i, 0]) / 2
        t += 1
    for j in range(m):
        out[t] = (B[j, 1] - B[j, 0]) / 2
        t += 1
    return out


def bottleneck_distance(dgm_a, dgm_b) -> float:
    """The exact bottleneck distance between two persistence diagrams.

    The distance is the smallest ``t`` such that the bars of the two diagrams can be matched, each
    bar either to a bar of the other diagram at L-infinity distance ``max(|b - b'|, |d - d'|) <= t``
    or to the diagonal at distance ``(d - b) / 2 <= t``. Essential bars (death ``inf``) are matched
    among themselves only, by birth: the distance is ``inf`` when the two diagrams have different
    numbers of essential bars. Bars of length zero cost nothing.

    Computed exactly: a binary search over the candidate values (all pairwise and diagonal
    distances) with a Hopcroft–Karp perfect-matching test, O(N^2.5 log N) time for N bars in
    total and O(N^2) memory (checked before allocating). Agrees with the exact
    ``gudhi.hera.bottleneck_distance(a, b, 0)`` (``gudhi.bottleneck_distance`` 3.13 overestimates
    on some inputs; see tests/test_diagrams_bottleneck.py).

    Parameters
    ----------
    dgm_a, dgm_b : (k, 2) arrays of (birth, death)
        Validated by :func:`as_diagram` (finite births, no NaN, birth <= death).

    Returns
    -------
    float
    """
    from ._validate import check_memory  # noqa: PLC0415

    A = np.asarray(as_diagram(dgm_a, "dgm_a"), dtype=np.float64)
    B = np.asarray(as_diagram(dgm_b, "dgm_b"), dtype=np.float64)
    ea = np.sort(A[np.isinf(A[:, 1]), 0])
    eb = np.sort(B[np.isinf(B[:, 1]), 0])
    if len(ea) != len(eb):
        return float("inf")
    d_ess = float(np.max(np.abs(ea - eb))) if len(ea) else 0.0
    Af = A[np.isfinite(A[:, 1])]
    Bf = B[np.isfinite(B[:, 1])]
    Af = np.ascontiguousarray(Af[Af[:, 1] > Af[:, 0]])
    Bf = np.ascontiguousarray(Bf[Bf[:, 1] > Bf[:, 0]])
    if len(Af) == 0 and len(Bf) == 0:
        return d_ess
    n, m = len(Af), len(Bf)
    check_memory((n * m + n + m) * 16, f"the bottleneck distance between diagrams of {n} and {m} finite bars",
                 "drop short bars first (they can only change the distance by their half-length)")
    cand = np.unique(_bottleneck_candidates(Af, Bf))
    lo, hi = 0, len(cand) - 1  # cand[hi] is always feasible (everything to the diagonal)
    while lo < hi:
        mid = (lo + hi) // 2
        if _hk_feasible(Af, Bf, cand[mid]):
            hi = mid
        else:
            lo = mid + 1
    return max(float(cand[lo]), d_ess)

