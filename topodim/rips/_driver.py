"""Vietoris–Rips persistent homology: the Ripser algorithm in Numba, a drop-in for ripser.py.

:func:`ripser` takes the same arguments and returns the same keys as ``ripser.ripser`` and adds
the threshold actually used, generators (the edges that give each bar its birth and death, in
giotto-ph's format) and per-dimension counts. The kernels live beside this module
in :mod:`topodim.rips` (its docstring lists them), the edge collapse in :mod:`topodim.collapse` and
the greedy subsampling in :mod:`topodim.sampling`.

Algorithm (Bauer, "Ripser", JACT 2021), as implemented here:

* persistent *co*homology, dimension by dimension, simplices indexed by the combinatorial number
  system and coboundaries enumerated on the fly (nothing but the distances is stored);
* H0 from the minimum spanning tree (:mod:`topodim.mst`, elder rule for vertex births);
* a flat parallel pass over all edges finds the zero-persistence *apparent pairs* (edge,
  triangle) before any reduction; only the remaining edges are sorted; a union–find over them
  (in filtration order) gives the H0 deaths, whose columns are *cleared*;
* columns of higher dimensions are enumerated from the simplices one dimension below (each once,
  from its facet without the top vertex), in parallel, and classified (cleared / apparent /
  column) with race-free per-simplex slots;
* the reduction stores the reduction matrix V, uses apparent pairs as shortcuts and emergent
  pairs, and keeps in its heap only the cofacets below a diameter cap that is raised when
  everything below it has cancelled (this cuts heap traffic by orders of magnitude);
* the default threshold is the enclosing radius (above it the complex is a cone);
* for ``maxdim >= 2`` the filtration is first reduced by an edge collapse (Boissonnat–Pritam),
  which keeps every diagram and removes most edges; for ``maxdim == 1`` too when the reduction
  of the full filtration outgrows a budget of heap pushes per edge, or one of its columns a
  budget per vertex (samples of manifolds with large cycles), see :func:`collapse_budget`.

Conventions: filtration values are diameters (edge lengths, not radii); a simplex enters at the
largest distance between its vertices (and no earlier than its vertices' births: the diagonal of
a distance matrix). Bars of zero persistence (birth == death) are left out, as ripser.py does.
Essential bars have death ``np.inf``; diagrams never hold NaN.
"""

from __future__ import annotations

import contextlib
import math

import numba
import numpy as np

from .._kernels.modp import mod_inverses
from .._parallel import default_threads, resolve_n_threads, thread_limit
from .._validate import (
    as_distance_input,
    as_dtype,
    check_maxdim,
    check_memory,
    check_prime,
    check_threshold,
    DistanceInput,
)
from ..mst import elder_rule_h0, minimum_spanning_tree, MSTResult

from ._combinatorics import kernel_threshold
from ._generators import cocycle_rows, generators_higher, h0_generators
from ._graph import count_edges, dense_matrix, graph_enclosing_radius, graph_of, RipsGraph
from ._reduce import (
    STAT_ADDITIONS,
    STAT_APPARENT_SHORTCUTS,
    STAT_CAP_RAISES,
    STAT_EMERGENT,
    STAT_ENUMERATIONS,
    STAT_ESSENTIAL,
    STAT_PUSHES,
    STAT_ZERO_PAIRS,
)
from ._stages import (
    all_edges,
    assemble_columns,
    binomial_table,
    check_index_range,
    check_n_perm,
    collapse_budget,
    collapse_column_budget,
    edge_stage,
    Progress,
    reduce_dimension,
    resolve_swapped,
)

__all__ = ["ripser"]


# ==========================================================================================
# the public function
# ==========================================================================================


def ripser(X, maxdim=1, thresh=np.inf, coeff=2, distance_matrix=False, do_cocycles=False,
           metric="euclidean", n_perm=None, dtype=np.float64, n_threads=None, progress=False,
           collapse_edges="auto", keep_distances=True, device="cpu", *,
           weights=None, weight_params=None, return_generators=None):
    """Vietoris–Rips persistence diagrams, a drop-in replacement for ``ripser.ripser``.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix
        Points (n, d); with ``distance_matrix=True`` a square (n, n) distance matrix, a condensed
        one (scipy ``pdist`` order) or any scipy.sparse matrix (absent entries are +inf, i.e. no
        edge; explicit zeros are edges of length 0; the two triangles and duplicates are combined
        by the minimum). As in ripser.py: a non-zero diagonal gives vertex birth values; values
        may be negative; an edge below the birth of one of its vertices (0 without a diagonal)
        enters with its later vertex, max(D[i, i], D[j, j]), with a warning (ripser.py keeps the
        raw value, which is not a filtration and can give bars born before their vertices); a
        dense matrix that is not symmetric is read through its **upper triangle**
        (``X[i, j]`` for ``i < j``, what ripser.py passes to its kernel), with a warning when the
        asymmetry is above roundoff. Fewer than 2 points give ``[[birth, inf]]`` for one point
        and empty diagrams for none.
    maxdim : int, default 1
        Largest homology dimension computed (tested to 3). One diagram is returned per dimension
        0..maxdim, as ripser.py does; those above n - 2 are empty and cost nothing. At most
        10,000 (:data:`topodim._validate.MAX_DIMENSION`), else ``ValueError``.
    thresh : float, default inf
        Largest diameter in the filtration (negative values allowed, as filtration values may be
        negative). ``inf`` uses the enclosing radius
        min_i max_j d(i, j), which gives the same diagrams (above it the complex is a cone).
        A threshold below about a quarter of the pairs switches to a sparse graph.
    coeff : int, default 2
        Prime p of the coefficient field Z/p.
    distance_matrix : bool, default False
        Whether X holds distances (``metric="precomputed"`` means the same).
    metric : str or callable, default "euclidean"
        "euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine" (computed by
        :mod:`topodim.metrics`), any scipy metric name or a callable.
    do_cocycles : bool, default False
        Return representative cocycles (disables the edge collapse). The positional order is
        ripser.py's, ``(X, maxdim, thresh, coeff, distance_matrix, do_cocycles, metric, n_perm)``;
        ``(..., distance_matrix, metric, do_cocycles)`` is recognised too (a bool in ``metric``
        with a string or callable in ``do_cocycles``).
    n_perm : int, optional
        Greedy furthest-point subsample of this many points (the first is point 0); diagrams are
        within 2 * r_cover of the full ones in bottleneck distance.
    dtype : float64 (default) or float32
        Compute dtype; diagrams keep it.
    n_threads : int, optional
        Threads for the parallel stages (stages with little work run on one). Default: all of
        Numba's (``TOPODIM_ADAPTIVE_THREADS=1`` opts in to one thread when the load average says
        that other processes keep the cores busy). Results do not depend on it.
    progress : bool or callable, default False
        ``True`` draws a progress bar on stderr; a callable receives ``(stage, done, total)``.
    collapse_edges : "auto", True or False
        Reduce the filtration by an edge collapse before computing (diagrams unchanged). "auto"
        (no cocycles asked for): always when maxdim >= 2; for maxdim 1 when the reduction of the
        full filtration exceeds a budget of COLLAPSE_PUSHES_PER_EDGE heap pushes per edge, or one
        of its columns COLLAPSE_COLUMN_PUSHES_PER_VERTEX pushes per vertex (as on noisy circles
        and tori); it is then restarted on the collapsed filtration.
    keep_distances : bool, default True
        Return the distance matrix as ``dperm2all`` (ripser.py does). With False and maxdim=0,
        point clouds never need an n x n matrix.
    device : {"cpu", "cuda", "auto"}, default "cpu"
        "cuda": the distance matrix, the apparent-pair pass over all edges, the H0 spanning
        forest (which clears the dimension-1 columns) and the compaction of the remaining
        columns run on the GPU (numba-cuda), the reduction on the CPU; the same bits, so the
        same diagrams. The edge stage runs on the GPU for a dense graph without edge collapse
        (maxdim <= 1 by default); otherwise only the distance matrix does. "auto": the GPU when
        one is found, else the CPU (said once). See :mod:`topodim.cuda`.
    weights : "DTM", array-like of n numbers >= 0, or None (keyword only)
        Compute the weighted Rips filtration of Anai et al. ("DTM-based filtrations") with
        giotto-ph's conventions instead: vertex x enters at w(x), edge {x, y} at the t solving
        ``(t^p - w_x^p)^(1/p) + (t^p - w_y^p)^(1/p) = 2 d(x, y)`` (or max(w_x, w_y) when the
        larger ball already holds the other point). "DTM": w(x) = 2 * (sum of the r-th powers of
        the distances to the k nearest other points / (k + 1))^(1/r). The input's own diagonal is
        replaced by the weights; ``dperm2all`` is then the weighted matrix (for sparse
        input, the input itself). Not with ``n_perm``.
        See :mod:`topodim.weighted`.
    weight_params : dict, optional (keyword only)
        ``{"p": 1 | 2 | np.inf (default 1), "r": > 0 or np.inf (default 2),
        "n_neighbors": k (default 3)}``; the last two for "DTM" only. Other p raise
        NotImplementedError.
    return_generators : bool or None, default None (keyword only)
        Whether ``gens`` is wanted. The edge collapse changes the edges' values, so generators
        of a collapsed filtration would name edges that do not realise the bars: with None,
        ``gens`` is returned when no collapse ran and is None when one did; True turns the
        "auto" collapse off (about 2x-30x slower for maxdim 2 on point clouds) and raises
        NotImplementedError with ``collapse_edges=True``; False gives ``gens=None``.

    Returns
    -------
    dict
        ``dgms``: list of (k, 2) arrays of the compute dtype, one per dimension 0..maxdim, bars
        (birth, death) with ``np.inf`` deaths for essential classes; zero-persistence bars are
        left out (as ripser.py). H0 is in increasing order of death, then essential bars; higher
        dimensions in decreasing order of birth (ripser.py's order).
        ``cocycles``: per dimension, one int64 array (k, d + 2) per bar (empty lists unless
        do_cocycles): rows ``(v_0, ..., v_d, value)`` with vertices decreasing and values in
        0..p-1; cocycles[0] is empty, as in ripser.py. Indices refer to the original points when
        n_perm is used.
        ``num_edges``: edges {i, j} with value <= thresh, counted as ripser.py counts them: with
        the default thresh=inf, edges up to the enclosing radius for a dense input with zero
        diagonal, every edge for sparse input or a non-zero diagonal.
        ``dperm2all``: the distance matrix used, always 2-D: (n, n) for points (any metric) and
        dense or condensed input, (n_perm, n) rows from the subsample to every point with n_perm,
        the matrix itself for scipy.sparse input; None when not kept.
        ``idx_perm``: indices of the points used; ``r_cover``: covering radius (0 without n_perm).
        ``thresh``: the threshold actually used.
        ``gens``: (finite_0 (k, 3) [dying vertex, edge], finite_higher list of (k, 4) [birth edge,
        death edge], essential_0 (k,) vertices, essential_higher list of (k, 2) birth edges):
        the edges that give each simplex its diameter, in giotto-ph's format (edge vertices
        larger first). Among the edges of a simplex with its diameter, the one of smallest
        index C(i, 2) + j (i > j) is named, giotto-ph's rule. None when the edge collapse ran
        or ``return_generators=False`` (see ``return_generators``).
        ``counts``: per dimension, a dict of counts (columns reduced, apparent and emergent
        pairs, cleared columns, column additions ...).
        ``collapse``: when the collapse ran, the edge counts before and after (``removed``,
        ``shifted``: edges dropped, edges whose value rose), its ``trigger`` and, when the heap-push
        budget of the uncollapsed reduction triggered it, the budgets of the whole reduction and
        of one column (``budget_pushes``, ``column_budget_pushes``).

    Raises
    ------
    ValueError / TypeError
        Bad input (see :func:`topodim._validate.as_distance_input`), negative maxdim, non-prime
        coeff, NaN or -inf thresh, n_perm out of range, simplex indices that would overflow int64.
    MemoryError
        Before allocating more than the available memory, the address space left under
        ``ulimit -v`` or the room in the memory cgroup (the message names the way out); the
        distance matrix, the edge collapse's working arrays, the simplices and the reduction's
        growing columns are checked.
    """
    return ripser_in(X, maxdim, thresh, coeff, distance_matrix, do_cocycles, metric, n_perm, dtype,
                     n_threads, progress, collapse_edges, keep_distances, device, weights=weights,
                     weight_params=weight_params, return_generators=return_generators)


def ripser_in(X, maxdim=1, thresh=np.inf, coeff=2, distance_matrix=False, do_cocycles=False,
              metric="euclidean", n_perm=None, dtype=np.float64, n_threads=None, progress=False,
              collapse_edges="auto", keep_distances=True, device="cpu", *, weights=None,
              weight_params=None, return_generators=None, representation="auto"):
    """:func:`ripser` with the kernel representation of the graph chosen by the caller.

    ``representation``: ``"auto"`` (what :func:`ripser` does: sparse when a finite threshold keeps
    at most :data:`topodim.rips._graph.SPARSE_DENSITY` of the pairs, else dense), ``"dense"``
    (the (n, n) value matrix) or ``"sparse"`` (CSR). Both representations give the same diagrams;
    forcing one lets tests and benchmarks cover both kernel paths on the same input.
    """
    metric, do_cocycles = resolve_swapped(metric, do_cocycles)
    maxdim = check_maxdim(maxdim)
    p = check_prime(coeff, "coeff")
    t_user = check_threshold(thresh, allow_negative=True)  # filtration values may be negative
    dt = as_dtype(dtype)
    resolve_n_threads(n_threads)
    prog = Progress(progress)
    if not isinstance(do_cocycles, (bool, np.bool_)):
        raise TypeError(f"do_cocycles must be True or False, got {do_cocycles!r}")
    if collapse_edges not in ("auto", True, False):
        raise ValueError(f"collapse_edges must be 'auto', True or False, got {collapse_edges!r}")
    if representation not in ("auto", "dense", "sparse"):
        raise ValueError(f"representation must be 'auto', 'dense' or 'sparse', got {representation!r}")
    if return_generators not in (None, True, False):
        raise TypeError(f"return_generators must be True, False or None, got {return_generators!r}")
    if return_generators and collapse_edges is True:
        raise NotImplementedError("collapse_edges=True and return_generators=True cannot be combined "
                                  "(the collapse changes edge values); pass collapse_edges='auto' or False")
    if return_generators:
        collapse_edges = False if collapse_edges == "auto" else collapse_edges
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dt,
                            ripser_compat=True)
    n_perm = check_n_perm(n_perm, inp.n, inp.kind)
    if weights is not None:
        from ..weighted import weighted_input  # noqa: PLC0415

        if n_perm is not None:
            raise ValueError("weights and n_perm cannot be combined; subsample first, then weight")
        inp = weighted_input(inp, weights, weight_params, dense_matrix)
    elif weight_params is not None:
        raise ValueError("weight_params is given without weights; pass weights='DTM' or an array")
    if inp.n < 2:
        return _trivial_result(inp, X, maxdim, t_user, keep_distances, return_generators)
    # dynamic scheduling of the parallel loops (each iteration is a chunk of rows or simplices):
    # a thread slowed down by other processes takes fewer chunks instead of holding the barrier
    with thread_limit(default_threads(n_threads)) as threads, numba.parallel_chunksize(1), \
            _device_session(device, inp) as gpu:
        out = _ripser(inp, X, maxdim, t_user, p, bool(do_cocycles), n_perm, prog, collapse_edges,
                      bool(keep_distances), representation, threads, gpu)
    if out.get("collapse") is not None or return_generators is False:
        out["gens"] = None
    return out


def _trivial_result(inp, X, maxdim, t_user, keep_distances, return_generators=None):
    """The result for 0 or 1 point: one essential H0 bar at the vertex's birth, or nothing."""
    dt = inp.dtype
    n = inp.n
    birth = float(inp.births[0]) if (n and inp.births is not None) else 0.0
    dgms = [np.zeros((0, 2), dtype=dt) for _ in range(maxdim + 1)]
    if n == 1:
        dgms[0] = np.array([[birth, np.inf]], dtype=dt)
    dperm2all = None
    if keep_distances:
        if inp.kind == "sparse":
            dperm2all = X
        else:
            dperm2all = np.zeros((n, n), dtype=dt)
            if n:
                dperm2all[0, 0] = birth
    return {
        "dgms": dgms,
        "cocycles": [[] for _ in range(maxdim + 1)],
        "num_edges": 0,
        "dperm2all": dperm2all,
        "idx_perm": np.arange(n),
        "r_cover": 0.0,
        "thresh": 0.0,  # the enclosing radius of at most one point
        "gens": None if return_generators is False else (
            np.zeros((0, 3), dtype=np.int64), [np.zeros((0, 4), dtype=np.int64) for _ in range(maxdim)],
            np.arange(n, dtype=np.int64), [np.zeros((0, 2), dtype=np.int64) for _ in range(maxdim)]),
        "counts": [{"edges": 0, "merges": 0, "essential": n}] + [{"columns": 0} for _ in range(maxdim)],
    }


def _device_session(device, inp):
    """topodim.cuda's session for device="cuda" / "auto" (a context manager; None for the CPU)."""
    if isinstance(device, str) and device == "cpu":
        return contextlib.nullcontext(None)
    from .. import cuda  # noqa: PLC0415  (imports numba-cuda only here)

    return cuda.rips_session(device, inp)


def _ripser(inp, X, maxdim, t_user, p, do_cc, n_perm, prog, collapse_opt, keep_distances,
            representation, threads, gpu=None):
    dt = inp.dtype
    n_full = inp.n
    idx_perm = np.arange(n_full)
    r_cover = 0.0
    dperm2all = None
    if n_perm is not None:
        from ..sampling import greedy_permutation  # noqa: PLC0415

        check_memory(n_perm * n_full * dt.itemsize, f"the {n_perm}x{n_full} subsample distances",
                     "use a smaller n_perm")
        idx_perm, lambdas, dperm2all = greedy_permutation(inp, n_perm)
        r_cover = float(lambdas[-1])
        sub = np.ascontiguousarray(dperm2all[:, idx_perm])
        sub = np.minimum(sub, sub.T)
        np.fill_diagonal(sub, 0)
        births = inp.births[idx_perm] if inp.births is not None else None
        inp = DistanceInput(kind="dense", n=n_perm, dtype=dt, dense=sub, births=births)
    n = inp.n
    births = inp.births if inp.births is not None else np.zeros(n, dtype=dt)
    maxdim_eff = min(maxdim, max(n - 2, 0))
    if maxdim_eff >= 1:
        check_index_range(n, maxdim_eff)  # before anything is allocated
    counts = [dict() for _ in range(maxdim + 1)]
    dgms = [np.zeros((0, 2), dtype=dt) for _ in range(maxdim + 1)]
    cocycles = [[] for _ in range(maxdim + 1)]
    fin_hi = [np.zeros((0, 4), dtype=np.int64) for _ in range(maxdim)]
    ess_hi = [np.zeros((0, 2), dtype=np.int64) for _ in range(maxdim)]
    result_extra = {}

    need_matrix = maxdim_eff >= 1 or (keep_distances and inp.kind == "points" and n_perm is None)
    g = None
    if need_matrix:
        prog("distances", 0, 1)
        g = (gpu.graph_of(inp, t_user, representation) if gpu is not None
             else graph_of(inp, t_user, representation=representation))
        prog("distances", 1, 1)
        r_enc = graph_enclosing_radius(g)
    else:
        from ..metrics import enclosing_radius  # noqa: PLC0415

        r_enc = enclosing_radius(inp)
    thresh_used = min(t_user, r_enc)
    tree = (gpu.tree(inp) if gpu is not None else minimum_spanning_tree(inp)) if maxdim_eff == 0 else None
    if dperm2all is None and keep_distances:
        if inp.kind == "sparse":
            dperm2all = X
        elif inp.kind == "dense":
            dperm2all = inp.dense
            if inp.births is not None:  # the diagonal as given (vertex births), as ripser.py returns it
                dperm2all = dperm2all.copy()
                np.fill_diagonal(dperm2all, inp.births)
        elif g is not None and g.full is not None:
            dperm2all = g.full
        else:  # condensed input (or a scipy metric) without a matrix built: square it (n x n)
            dperm2all = dense_matrix(inp)
    # ripser.py caps the count at the enclosing radius only on its dense path (zero diagonal)
    count_t = t_user if (math.isfinite(t_user) or inp.kind == "sparse" or inp.births is not None) \
        else thresh_used
    num_edges = count_edges(inp, g, kernel_threshold(count_t, dt))

    # the edge collapse: forced by collapse_edges=True; with "auto" always for maxdim >= 2, and
    # for maxdim 1 when the reduction of the full filtration runs out of its budget (see
    # collapse_budget)
    may_collapse = not do_cc and maxdim_eff >= 1 and collapse_opt is not False
    collapse = may_collapse and (collapse_opt is True or maxdim_eff >= 2)
    probe = may_collapse and not collapse
    B = None
    inv = mod_inverses(p)
    tree_arrays = None
    if maxdim_eff >= 1:
        B = binomial_table(n, maxdim_eff + 2, maxdim_eff)
        gr = g
        res1 = None
        spent = (-1, -1)  # the budgets (whole reduction, one column) before a budget-triggered collapse
        for attempt in range(2):
            if collapse:
                from ._collapse import collapse_graph  # noqa: PLC0415

                prog("edge collapse", 0, 1)
                ip, ix, dv, cstats, F = collapse_graph(g.dense, g.D, g.indptr, g.indices, g.data,
                                                       n, thresh_used)
                prog("edge collapse", 1, 1)
                cstats["trigger"] = ("collapse_edges=True" if collapse_opt is True else
                                     "maxdim >= 2" if maxdim_eff >= 2 else "reduction budget")
                if attempt:
                    cstats["budget_pushes"], cstats["column_budget_pushes"] = spent
                result_extra["collapse"] = cstats
                # the sparse graph of the surviving edges; with the value matrix for O(1) lookups
                gr = RipsGraph(False, F if F is not None else np.zeros((0, 0), dtype=dt), ip, ix, dv,
                            n)
            on_gpu = gpu.edge_columns(gr, thresh_used, prog) if gpu is not None else None
            flags, col_idx, col_diam, tree_arrays, n_app1, n_cand = (
                on_gpu if on_gpu is not None else edge_stage(gr, thresh_used, prog))
            eflags = flags  # int32 edge codes from either stage
            budgets = ((collapse_budget(n_app1 + n_cand), collapse_column_budget(n))
                       if probe and not collapse else (-1, -1))
            res1 = reduce_dimension(1, col_idx, col_diam, gr, thresh_used, B, p, inv, eflags,
                                     do_cc, prog, *budgets)
            if res1 is not None:
                break
            collapse = True  # the budget ran out: collapse and start again
            spent = budgets
        # the H0 deaths of the (collapsed) filtration: the same diagram as the MST's
        tu, tv, tw = tree_arrays
        tree = MSTResult(np.stack([tu, tv], axis=1), tw)
        _store_dimension(1, res1, dgms, cocycles, fin_hi, ess_hi, counts, gr, B, n, p, do_cc,
                         idx_perm if n_perm is not None else None)
        counts[1].update({"apparent_pairs": n_app1, "columns": int(col_idx.shape[0]),
                          "cleared": int(n_cand - col_idx.shape[0])})
        pkeys = res1["pivots"]
        prev = None
        for dim in range(2, maxdim_eff + 1):
            if prev is None:
                prev = all_edges(gr, flags, dt)
            ci, cd, nxt, acounts = assemble_columns(dim, prev[0], prev[1], gr, thresh_used, B, pkeys,
                                             eflags if dim == 2 else np.zeros(0, dtype=np.int32),
                                             dim < maxdim_eff, prog)
            resd = reduce_dimension(dim, ci, cd, gr, thresh_used, B, p, inv,
                                     np.zeros(0, dtype=np.int32), do_cc, prog)
            _store_dimension(dim, resd, dgms, cocycles, fin_hi, ess_hi, counts, gr, B, n, p, do_cc,
                             idx_perm if n_perm is not None else None)
            counts[dim].update(acounts)
            counts[dim]["columns"] = int(ci.shape[0])
            pkeys = resd["pivots"]
            prev = nxt

    # ---- H0 ----------------------------------------------------------------------------------
    h0 = elder_rule_h0(tree, n, births, thresh_used, dt)
    edges = tree.edges[tree.lengths <= thresh_used]
    dying, roots = h0_generators(np.ascontiguousarray(edges[:, 0]),
                                   np.ascontiguousarray(edges[:, 1]), births.astype(dt), n)
    n_fin = edges.shape[0]
    fin0 = np.stack([dying, edges[:, 0], edges[:, 1]], axis=1) if n_fin else np.zeros((0, 3), np.int64)
    keep0 = h0[:n_fin, 1] > h0[:n_fin, 0]
    fin0 = fin0[keep0]
    dgms[0] = np.concatenate([h0[:n_fin][keep0], h0[n_fin:]]).astype(dt, copy=False)
    ess0 = roots
    if n_perm is not None:
        fin0 = idx_perm[fin0]
        ess0 = idx_perm[ess0]
        fin_hi = [np.where(a >= 0, idx_perm[np.maximum(a, 0)], -1) for a in fin_hi]
        ess_hi = [idx_perm[a] for a in ess_hi]
    counts[0] = {"edges": num_edges, "merges": int(n_fin), "essential": int(roots.shape[0])}
    for dim in range(maxdim_eff + 1, maxdim + 1):
        counts[dim] = {"columns": 0}

    out = {
        "dgms": dgms,
        "cocycles": cocycles,
        "num_edges": num_edges,
        "dperm2all": dperm2all,
        "idx_perm": idx_perm,
        "r_cover": r_cover,
        "thresh": float(thresh_used),
        "gens": (fin0, fin_hi, ess0, ess_hi),
        "counts": counts,
    }
    out.update(result_extra)
    return out


def _store_dimension(dim, res, dgms, cocycles, fin_hi, ess_hi, counts, g, B, n, p, do_cc, idx_perm):
    birth, death = res["birth"], res["death"]
    dgms[dim] = np.stack([birth, death], axis=1) if birth.shape[0] else np.zeros((0, 2), birth.dtype)
    gens = generators_higher(g.dense, g.D, g.indptr, g.indices, g.data, B, n, dim, res["bidx"],
                               res["didx"], birth, death)
    fin = np.isfinite(death)
    fin_hi[dim - 1] = gens[fin]
    ess_hi[dim - 1] = np.ascontiguousarray(gens[~fin][:, :2])
    st = res["stats"]
    counts[dim] = {"columns": 0, "emergent_pairs": int(st[STAT_EMERGENT]),
                   "additions": int(st[STAT_ADDITIONS]),
                   "apparent_shortcuts": int(st[STAT_APPARENT_SHORTCUTS]),
                   "heap_pushes": int(st[STAT_PUSHES]),
                   "cap_raises": int(st[STAT_CAP_RAISES]),
                   "zero_persistence_pairs": int(st[STAT_ZERO_PAIRS]),
                   "essential": int(st[STAT_ESSENTIAL]),
                   "enumerations": int(st[STAT_ENUMERATIONS]),
                   "reduction_entries": res["reduction_entries"]}
    if do_cc:
        ptr, idx, coeff = res["cc"]
        lst = []
        for k in range(birth.shape[0]):
            rows = cocycle_rows(B, n, dim, idx[ptr[k]:ptr[k + 1]], coeff[ptr[k]:ptr[k + 1]], p)
            if idx_perm is not None:
                rows[:, :-1] = idx_perm[rows[:, :-1]]
            lst.append(rows)
        cocycles[dim] = lst
