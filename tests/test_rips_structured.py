"""topodim.ripser on structured data (noisy circles, tori, clustered blobs) against ripser.py and
GUDHI, with the edge collapse forced on, forced off and chosen automatically (for maxdim 1 by the
budget of heap pushes of the full reduction, :func:`topodim.rips._stages.collapse_budget`).

The inputs are distance matrices rounded to float32 values: ripser.py computes in float32, so
on such values every engine sees the same numbers and the diagrams must be equal exactly."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

import topodim
import topodim.rips._stages as R

from strategies import assert_same_dgms, point_clouds

ripser_py = pytest.importorskip("ripser")


def circle(n, seed=0, noise=0.1):
    rng = np.random.default_rng(seed)
    a = rng.random(n) * 2 * np.pi
    return np.stack([np.cos(a), np.sin(a)], 1) + noise * rng.standard_normal((n, 2))


def torus(n, seed=0, noise=0.05):
    rng = np.random.default_rng(seed)
    u, v = rng.random(n) * 2 * np.pi, rng.random(n) * 2 * np.pi
    X = np.stack([(2 + np.cos(v)) * np.cos(u), (2 + np.cos(v)) * np.sin(u), np.sin(v)], 1)
    return X + noise * rng.standard_normal(X.shape)


def blobs(n, seed=0, k=5, d=3):
    rng = np.random.default_rng(seed)
    centres = 4 * rng.standard_normal((k, d))
    return centres[rng.integers(0, k, n)] + 0.6 * rng.standard_normal((n, d))


FAMILIES = {"circle": circle, "torus": torus, "blobs": blobs}


def f32_matrix(X):
    """The Euclidean distance matrix with float32-representable values (as float64)."""
    return cdist(X, X).astype(np.float32).astype(np.float64)


def peer_ripser(D, maxdim, coeff):
    return ripser_py.ripser(D, maxdim=maxdim, coeff=coeff, distance_matrix=True)["dgms"]


# ------------------------------------------------------------------------------------------
# the three families, coefficients 2 and 3, collapse off / on / automatic
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("coeff", [2, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_families_equal_ripser_py_h1(family, coeff, seed):
    D = f32_matrix(FAMILIES[family](140, seed=seed))
    want = peer_ripser(D, 1, coeff)
    for collapse in (False, True, "auto"):
        got = topodim.ripser(D, maxdim=1, coeff=coeff, distance_matrix=True,
                             collapse_edges=collapse)
        assert_same_dgms(got["dgms"], want)
        if isinstance(collapse, bool):
            assert ("collapse" in got) == collapse


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("coeff", [2, 3])
def test_families_equal_ripser_py_h2(family, coeff):
    D = f32_matrix(FAMILIES[family](70, seed=3))
    want = peer_ripser(D, 2, coeff)
    for collapse in (False, "auto"):
        got = topodim.ripser(D, maxdim=2, coeff=coeff, distance_matrix=True,
                             collapse_edges=collapse)
        assert_same_dgms(got["dgms"], want)


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("coeff", [2, 3])
def test_families_equal_gudhi(family, coeff):
    gudhi_rp = pytest.importorskip("gudhi.sklearn.rips_persistence")
    D = cdist(*(2 * [FAMILIES[family](120, seed=5)]))  # GUDHI computes in double
    rp = gudhi_rp.RipsPersistence(homology_dimensions=[0, 1], homology_coeff_field=coeff,
                                  input_type="full distance matrix")
    want = rp.fit_transform([D])[0]
    for collapse in (False, True, "auto"):
        got = topodim.ripser(D, maxdim=1, coeff=coeff, distance_matrix=True,
                             collapse_edges=collapse)["dgms"]
        # GUDHI lists the essential H0 bar too, and no zero-length bars (nor does topodim)
        assert_same_dgms(got, want)


# ------------------------------------------------------------------------------------------
# the automatic choice for maxdim 1
# ------------------------------------------------------------------------------------------


def test_auto_collapse_triggers_on_a_circle_not_on_a_cube():
    circ = topodim.ripser(circle(200), maxdim=1)
    assert circ["collapse"]["trigger"] == "reduction budget"
    assert circ["collapse"]["budget_pushes"] == R.collapse_budget(circ["num_edges"])
    cube = topodim.ripser(np.random.default_rng(0).random((200, 3)), maxdim=1)
    assert "collapse" not in cube
    assert cube["counts"][1]["heap_pushes"] <= R.collapse_budget(cube["num_edges"])
    # and the choice is the same for any thread count
    again = topodim.ripser(circle(200), maxdim=1, n_threads=1)
    assert again["collapse"] == circ["collapse"] and again["counts"] == circ["counts"]
    for a, b in zip(circ["dgms"], again["dgms"]):
        assert np.array_equal(a, b)


def test_one_long_column_triggers_the_collapse():
    """With the whole-reduction budget out of reach, the per-column budget alone sends a circle
    to the collapse (its long columns push thousands of entries per vertex), never a cube (its
    longest pushes a few per vertex)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "COLLAPSE_PUSHES_PER_EDGE", 10**6)
        circ = topodim.ripser(circle(200), maxdim=1)
        cube = topodim.ripser(np.random.default_rng(0).random((200, 3)), maxdim=1)
    assert circ["collapse"]["trigger"] == "reduction budget"
    assert circ["collapse"]["column_budget_pushes"] == R.collapse_column_budget(200)
    assert "collapse" not in cube
    want = topodim.ripser(circle(200), maxdim=1, collapse_edges=False)
    assert_same_dgms(circ["dgms"], want["dgms"])


@settings(max_examples=25, deadline=None)
@given(X=point_clouds(min_points=3, max_points=35, max_dim=3), coeff=st.sampled_from([2, 3]))
def test_column_budget_exhausted_anywhere_gives_the_same_diagrams(X, coeff):
    """With a zero budget per column (and none for the whole reduction) the first column that
    pushes anything aborts the reduction, at any point of it; the collapsed filtration then
    gives the same diagrams."""
    want = topodim.ripser(X, maxdim=1, coeff=coeff, collapse_edges=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "COLLAPSE_PUSHES_PER_EDGE", 10**6)
        mp.setattr(R, "COLLAPSE_COLUMN_PUSHES_PER_VERTEX", 0)
        got = topodim.ripser(X, maxdim=1, coeff=coeff)
    assert_same_dgms(got["dgms"], want["dgms"])
    pushed = want["counts"][1].get("heap_pushes", 0) > 0
    assert ("collapse" in got) == pushed


def test_no_collapse_with_cocycles_or_when_forced_off():
    X = circle(150)
    assert "collapse" not in topodim.ripser(X, do_cocycles=True)
    assert "collapse" not in topodim.ripser(X, collapse_edges=False)
    assert topodim.ripser(X, collapse_edges=True)["collapse"]["trigger"] == "collapse_edges=True"
    assert topodim.ripser(X, maxdim=2)["collapse"]["trigger"] == "maxdim >= 2"


@settings(max_examples=25, deadline=None)
@given(X=point_clouds(min_points=3, max_points=35, max_dim=3), coeff=st.sampled_from([2, 3]))
def test_budget_exhausted_anywhere_gives_the_same_diagrams(X, coeff):
    """With a zero budget every reduction that pushes anything restarts on the collapsed
    filtration (the abort can happen in any column, at any point of it)."""
    want = topodim.ripser(X, maxdim=1, coeff=coeff, collapse_edges=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "COLLAPSE_PUSHES_PER_EDGE", 0)
        got = topodim.ripser(X, maxdim=1, coeff=coeff)
    assert_same_dgms(got["dgms"], want["dgms"])
    pushed = want["counts"][1].get("heap_pushes", 0) > 0
    assert ("collapse" in got) == pushed


def test_budget_exhausted_pinned():
    D = f32_matrix(np.round(np.random.default_rng(4).random((60, 2)) * 5))  # ties, duplicates
    want = peer_ripser(D, 1, 2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "COLLAPSE_PUSHES_PER_EDGE", 0)
        got = topodim.ripser(D, maxdim=1, distance_matrix=True)
    assert got["collapse"]["trigger"] == "reduction budget"
    assert_same_dgms(got["dgms"], want)


# ------------------------------------------------------------------------------------------
# the dense collapse sweep against a direct transcription of its definition
# ------------------------------------------------------------------------------------------


def reference_collapse(D):
    """The backward sweep of :mod:`topodim.collapse` testing every candidate dominator with no
    pruning or early exit: edges in decreasing (value, index) order; at time T the common
    neighbours are the x with max(F[u, x], F[v, x]) <= T in the values modified so far; the new
    value is the longest domination over all dominators, repeated until none dominates."""
    n = D.shape[0]
    F = D.astype(np.float64).copy()
    np.fill_diagonal(F, 0)
    edges = sorted(((D[i, j], i * (i - 1) // 2 + j, i, j) for i in range(n) for j in range(i)),
                   key=lambda e: (-e[0], e[1]))
    for t, _, u, v in edges:
        T = t
        others = np.ones(n, dtype=bool)
        others[[u, v]] = False
        while True:
            c = np.maximum(F[u], F[v])
            N = others & (c <= T)
            best = -1.0
            for w in np.flatnonzero(N):
                rest = N.copy()
                rest[w] = False
                if np.any(F[w, rest] > T):
                    continue
                fails = others & (c > T) & np.isfinite(c) & (F[w] > c)
                fails[w] = False
                best = max(best, c[fails].min() if fails.any() else np.inf)
            if best < 0:
                break  # not dominated at T
            T = best
            if T == np.inf:
                break  # dominated for good: removed
        F[u, v] = F[v, u] = T
    return F


def collapsed_matrix(D):
    from topodim.collapse import collapse_edges

    e, vals = collapse_edges(D, distance_matrix=True)
    F = np.full(D.shape, np.inf)
    F[e[:, 0], e[:, 1]] = F[e[:, 1], e[:, 0]] = vals
    np.fill_diagonal(F, 0)
    return F


@settings(max_examples=30, deadline=None)
@given(X=point_clouds(min_points=3, max_points=30, max_dim=3), grid=st.booleans())
def test_dense_collapse_equals_the_unpruned_sweep(X, grid):
    """Every edge gets the value of the sweep that tries every candidate (the kernel's witness
    pruning and early exits skip only candidates that would not be chosen); rounding the points
    to a grid makes many ties."""
    if grid:
        X = np.round(X * 2)
    D = cdist(X, X)
    np.testing.assert_array_equal(collapsed_matrix(D), reference_collapse(D))


@pytest.mark.parametrize("make", [lambda: torus(60, seed=3), lambda: circle(50, seed=2),
                                  lambda: np.stack(np.meshgrid(*[np.arange(4.0)] * 3), -1).reshape(-1, 3)])
def test_dense_collapse_equals_the_unpruned_sweep_pinned(make):
    D = cdist(make(), make())
    F = collapsed_matrix(D)
    np.testing.assert_array_equal(F, reference_collapse(D))
    off = ~np.eye(len(D), dtype=bool)
    assert np.any(F[off] > D[off]) and np.any(np.isfinite(F[off]) & (F[off] > D[off]))  # raised values


def first_dominator_collapse(D):
    """The same backward sweep with a different rule: at time T take the first dominator found
    (lowest vertex index), move T to the first time it stops dominating, and test again there.
    A dominated edge stays dominated on [T, T_w) whichever dominator w is taken, and domination
    is lost only when a new common neighbour appears, so both rules stop at the first time the
    edge is not dominated: the same filtration, found by an independent route."""
    n = D.shape[0]
    F = D.astype(np.float64).copy()
    np.fill_diagonal(F, 0)
    edges = sorted(((D[i, j], i * (i - 1) // 2 + j, i, j) for i in range(n) for j in range(i)),
                   key=lambda e: (-e[0], e[1]))
    for t, _, u, v in edges:
        T = t
        others = np.ones(n, dtype=bool)
        others[[u, v]] = False
        while True:
            c = np.maximum(F[u], F[v])
            N = others & (c <= T)
            dom = -1
            for w in np.flatnonzero(N):
                rest = N.copy()
                rest[w] = False
                if not np.any(F[w, rest] > T):
                    dom = w
                    break
            if dom < 0:
                break  # not dominated at T
            # the later common neighbours in increasing time; the first one dom misses ends it
            later = np.flatnonzero(others & (c > T) & np.isfinite(c))
            later = later[later != dom]
            T = np.inf
            for x in later[np.argsort(c[later], kind="stable")]:
                if F[dom, x] > c[x]:
                    T = c[x]
                    break
            if T == np.inf:
                break  # dominated for good: removed
        F[u, v] = F[v, u] = T
    return F


@settings(max_examples=30, deadline=None)
@given(X=point_clouds(min_points=3, max_points=30, max_dim=3), grid=st.booleans())
def test_dense_collapse_equals_the_first_dominator_sweep(X, grid):
    """The kernel (longest domination, pruned) against the sweep that takes any dominator and
    follows it: equal values for every edge, ties included."""
    if grid:
        X = np.round(X * 2)
    D = cdist(X, X)
    np.testing.assert_array_equal(collapsed_matrix(D), first_dominator_collapse(D))


def test_dense_collapse_equals_the_first_dominator_sweep_pinned():
    X = np.round(torus(70, seed=1) * 3) / 3  # ties
    D = cdist(X, X)
    F = collapsed_matrix(D)
    np.testing.assert_array_equal(F, first_dominator_collapse(D))
    off = ~np.eye(len(D), dtype=bool)
    assert np.isinf(F[off]).mean() > 0.5 and np.any(np.isfinite(F[off]) & (F[off] > D[off]))
