"""topodim.ph_dimension: oracles, accuracy on sets of known dimension, properties, bad input.

Sample sizes of the accuracy tests are documented next to each assertion; the tolerances are the
ones the estimators are specified to meet. Every test can fail: the oracles are scipy / a plain Kruskal /
ripser.py on the very same subsamples.
"""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist, squareform

from topodim import datasets as ds
from topodim._mst.incremental import chain_points, chain_points_threaded
from topodim.dimension import PHDimWarning, ph_dimension, resolve_schedule
from topodim.dimension._schedule import draw_subsamples


# ------------------------------------------------------------------------------------------
# oracles
# ------------------------------------------------------------------------------------------


def kruskal_weights(D):
    """Sorted MST (forest) edge weights of a dense matrix by plain Kruskal; inf = no edge."""
    n = len(D)
    iu, ju = np.triu_indices(n, 1)
    w = D[iu, ju]
    order = np.argsort(w, kind="stable")
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    out = []
    for e in order:
        if not np.isfinite(w[e]):
            break
        a, b = find(iu[e]), find(ju[e])
        if a != b:
            parent[a] = b
            out.append(w[e])
    return np.array(out)


def energies_by_oracle(D, draws, alpha):
    """E_alpha of every report of every chain, by Kruskal on the subsample's matrix."""
    out = np.zeros(len(draws.reports))
    for c in range(len(draws.offs) - 1):
        ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
        for j in range(draws.roffs[c], draws.roffs[c + 1]):
            sub = ids[:draws.reports[j]]
            out[j] = np.sum(kruskal_weights(D[np.ix_(sub, sub)]) ** alpha)
    return out


def raw_in_draw_order(res, draws):
    s = draws.slots
    return res.raw_values[s[:, 0], s[:, 1], s[:, 2]]


def same_draws(N, schedule, n_repeats, seed, sampling):
    sched = resolve_schedule(schedule, N)
    return draw_subsamples(np.random.default_rng(seed), N, sched, n_repeats, sampling)


# ------------------------------------------------------------------------------------------
# the incremental MST against Kruskal (ties, duplicates, disconnected matrices)
# ------------------------------------------------------------------------------------------


def _prefix_energies(X, reports, alpha=1.0):
    out = np.zeros(len(reports))
    counts = np.zeros(len(reports), dtype=np.int64)
    ids = np.arange(len(X), dtype=np.int64)
    chain_points(np.ascontiguousarray(X, dtype=np.float64), ids, 0, np.asarray(reports, dtype=np.int64),
                 alpha, out, counts, 8)
    return out, counts


@given(pts=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=40))
def test_incremental_mst_equals_kruskal_with_ties_and_duplicates(pts):
    # integer grids: many equal distances and duplicate points (zero-length edges)
    X = np.array(pts, dtype=np.float64)
    n = len(X)
    reports = np.arange(2, n + 1)
    got, counts = _prefix_energies(X, reports)
    for j, m in enumerate(reports):
        ref = kruskal_weights(squareform(pdist(X[:m])))
        assert got[j] == pytest.approx(ref.sum(), rel=1e-12, abs=1e-12)
        assert counts[j] == m - 1


def test_incremental_mst_pinned_cases():
    # four corners of a square and its centre, a duplicate, collinear equally spaced points
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5], [0.5, 0.5], [2, 2]], dtype=float)
    got, _ = _prefix_energies(X, np.arange(2, 8))
    ref = [kruskal_weights(squareform(pdist(X[:m]))).sum() for m in range(2, 8)]
    assert np.allclose(got, ref, rtol=1e-14)
    L = np.linspace(0, 1, 101)[np.random.default_rng(0).permutation(101)].reshape(-1, 1)
    got, _ = _prefix_energies(L, [101])
    assert got[0] == pytest.approx(1.0, rel=1e-12)  # E_1 of equally spaced points = (n-1) * spacing


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 90), d=st.integers(1, 9), chunk=st.integers(1, 40), seed=st.integers(0, 2**16),
       grid=st.booleans(), threads=st.integers(1, 2))
def test_threaded_ordering_equals_one_thread_bit_for_bit(n, d, chunk, seed, grid, threads):
    # one ordering on several threads (next distance block beside the tree updates) gives the
    # one-thread kernel's bits for any block size and thread count, ties and duplicates included
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 3, (n, d)).astype(np.float64) if grid else rng.random((n, d))
    ids = rng.permutation(n).astype(np.int64)
    reports = np.unique(rng.integers(2, n + 1, 4)).astype(np.int64) if n > 2 else np.array([2], np.int64)
    a, ca = np.zeros(len(reports)), np.zeros(len(reports), np.int64)
    b, cb = np.zeros(len(reports)), np.zeros(len(reports), np.int64)
    chain_points(X, ids, 0, reports, 0.5, a, ca, chunk)
    before = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        chain_points_threaded(X, ids, 0, reports, 0.5, b, cb, chunk)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(a, b) and np.array_equal(ca, cb)
    assert np.all(a > 0) or grid  # a grid may repeat points, the random cloud never does


def test_disconnected_matrix_sums_finite_edges():
    rng = np.random.default_rng(3)
    A = rng.random((30, 2))
    B = rng.random((30, 2)) + 5
    D = squareform(pdist(np.vstack([A, B])))
    D[:30, 30:] = np.inf
    D[30:, :30] = np.inf
    draws = same_draws(60, [20, 40, 60], 2, 1, "nested")
    for method in ("incremental", "prim"):
        res = ph_dimension(D, distance_matrix=True, schedule=[20, 40, 60], n_repeats=2, random_state=1,
                           method=method)
        assert np.allclose(raw_in_draw_order(res, draws), energies_by_oracle(D, draws, 1.0), rtol=1e-12)
        assert np.isfinite(res.dimension)


# ------------------------------------------------------------------------------------------
# E values equal the oracle's on the same subsamples, for every engine / sampling / input
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sampling", ["nested", "independent"])
@pytest.mark.parametrize("method", ["incremental", "prim", "boruvka"])
def test_energies_match_oracle_points(sampling, method):
    X = ds.sphere(300, 2, random_state=4)
    D = squareform(pdist(X))
    res = ph_dimension(X, schedule=[40, 90, 160, 300], n_repeats=2, random_state=9, sampling=sampling,
                       method=method, alpha=0.7)
    draws = same_draws(300, [40, 90, 160, 300], 2, 9, sampling)
    assert np.allclose(raw_in_draw_order(res, draws), energies_by_oracle(D, draws, 0.7), rtol=1e-11)
    assert res.method == method and res.sampling == sampling


@pytest.mark.parametrize("method", ["incremental", "prim"])
@pytest.mark.parametrize("kind", ["dense", "condensed"])
def test_energies_match_oracle_matrices(kind, method):
    X = ds.cube(250, 3, random_state=2)
    D = squareform(pdist(X, "cityblock"))
    inp = D if kind == "dense" else pdist(X, "cityblock")
    res = ph_dimension(inp, distance_matrix=True, schedule="gptid", n_repeats=2, random_state=3, method=method)
    assert res.method == method
    draws = same_draws(250, "gptid", 2, 3, "nested")
    assert np.allclose(raw_in_draw_order(res, draws), energies_by_oracle(D, draws, 1.0), rtol=1e-12)
    # the same as the native manhattan metric on the points
    pts = ph_dimension(X, metric="manhattan", schedule="gptid", n_repeats=2, random_state=3)
    assert np.allclose(pts.raw_values, res.raw_values, rtol=1e-12)
    assert res.raw_values.shape == (len(res.sizes), 2, 7)
    assert np.allclose(res.values, np.median(res.raw_values, axis=2))


def test_auto_engine_choice():
    # the cost model: Prim per subsample in low dimension and for matrices, incremental in high dimension
    assert ph_dimension(ds.cube(1000, 3, random_state=0), random_state=0).method == "prim"
    hi = ds.embed(ds.cube(1000, 3, random_state=0), 256, random_state=1)
    assert ph_dimension(hi, random_state=0).method == "incremental"
    assert ph_dimension(pdist(ds.cube(300, 3, random_state=0)), distance_matrix=True, random_state=0).method == "prim"


def test_float32():
    X = ds.cube(400, 2, random_state=0)
    a = ph_dimension(X, random_state=0, n_repeats=2)
    b = ph_dimension(X, random_state=0, n_repeats=2, dtype=np.float32)
    assert np.allclose(a.values, b.values, rtol=1e-5)
    assert abs(a.dimension - b.dimension) < 1e-3


# ------------------------------------------------------------------------------------------
# accuracy on sets of known dimension (defaults: geometric schedule, nested, 5 repeats)
# ------------------------------------------------------------------------------------------

N_ACC = 2000  # points per reference set in the accuracy tests


@pytest.mark.parametrize("name, tol", [
    ("cube2", 0.1),
    ("sphere2", 0.1),
    ("sierpinski_triangle", 0.1),
    ("cube3", 0.25),
])
def test_accuracy_alpha_1(name, tol):
    ref = ds.REFERENCE_SETS[name]
    X = ref.sample(N_ACC, random_state=0)
    res = ph_dimension(X, alpha=1.0, random_state=0)
    assert abs(res.dimension - ref.dimension) <= tol, res
    assert res.interval[0] <= res.dimension <= res.interval[1]
    assert res.r2 > 0.98


def test_accuracy_cantor_alpha_half():
    ref = ds.REFERENCE_SETS["cantor_set"]
    X = ref.sample(N_ACC, random_state=0)
    res = ph_dimension(X, alpha=0.5, random_state=0)
    assert abs(res.dimension - ref.dimension) <= 0.1, res
    # with alpha = 1 > d the estimator fails and says so
    with pytest.warns(PHDimWarning, match="alpha"):
        bad = ph_dimension(X, alpha=1.0, random_state=0)
    assert abs(bad.dimension - 1.0) < 0.15


def test_downward_bias_monotone_in_dimension():
    est = {}
    for d in (2, 3, 5, 10):
        X = ds.cube(N_ACC, d, random_state=0)
        est[d] = ph_dimension(X, random_state=0).dimension
    bias = {d: d - est[d] for d in est}
    assert est[5] < 5 and est[10] < 10
    assert est[2] < est[3] < est[5] < est[10]
    assert bias[3] < bias[5] < bias[10]  # the underestimate grows with d
    assert bias[5] > 0.2 and bias[10] > 1.0


@pytest.mark.parametrize("schedule", ["magai", "birdal"])
def test_published_schedules_accuracy(schedule):
    X = ds.cube(3000, 2, random_state=1)
    res = ph_dimension(X, schedule=schedule, random_state=0)
    assert abs(res.dimension - 2.0) <= 0.1, res


# ------------------------------------------------------------------------------------------
# properties
# ------------------------------------------------------------------------------------------


def _random_isometry(rng, d):
    Q, R = np.linalg.qr(rng.standard_normal((d, d)))
    return Q * np.sign(np.diag(R)), rng.standard_normal(d) * 10


@settings(max_examples=10)
@given(seed=st.integers(0, 2**31 - 1), scale=st.floats(0.01, 100.0))
def test_isometry_and_scale_invariance(seed, scale):
    rng = np.random.default_rng(seed)
    X = ds.sierpinski_triangle(200, random_state=seed)
    Q, b = _random_isometry(rng, 2)
    a = ph_dimension(X, schedule=[20, 50, 100, 200], n_repeats=2, random_state=seed)
    c = ph_dimension(scale * X @ Q + b, schedule=[20, 50, 100, 200], n_repeats=2, random_state=seed)
    # E scales by scale**alpha; the slope and the estimate do not change
    assert np.allclose(c.values, a.values * scale, rtol=1e-9)
    assert c.dimension == pytest.approx(a.dimension, abs=1e-9)


def test_isometry_invariance_pinned():
    rng = np.random.default_rng(12)
    X = ds.swiss_roll(1000, random_state=5)
    Q, b = _random_isometry(rng, 3)
    a = ph_dimension(X, random_state=2)
    c = ph_dimension(X @ Q + b, random_state=2)
    assert c.dimension == pytest.approx(a.dimension, abs=1e-9)
    assert np.allclose(c.raw_values, a.raw_values, rtol=1e-9)


def test_permutation_invariance():
    X = ds.sphere(1500, 2, random_state=1)
    perm = np.random.default_rng(0).permutation(len(X))
    a = ph_dimension(X, random_state=0)
    b = ph_dimension(X[perm], random_state=0)
    # the full-size E (the whole set, inserted in different orders) is the same exactly up to rounding
    assert a.sizes[-1] == b.sizes[-1] == len(X)
    assert np.allclose(a.values[-1], b.values[-1], rtol=1e-12)
    # other sizes are other random subsets: the estimates agree within the sampling error
    width = max(a.interval[1] - a.interval[0], b.interval[1] - b.interval[0])
    assert abs(a.dimension - b.dimension) < 2 * width + 0.02


@pytest.mark.parametrize("n_repeats, method", [(1, "incremental"), (3, "incremental"), (3, "prim")])
def test_same_seed_same_result_any_thread_count(n_repeats, method):
    X = ds.embed(ds.cube(900, 3, random_state=0), 40, noise=0.01, random_state=1)
    r1 = ph_dimension(X, n_repeats=n_repeats, random_state=5, n_threads=1, method=method, schedule=[100, 300, 900])
    r2 = ph_dimension(X, n_repeats=n_repeats, random_state=5, n_threads=2, method=method, schedule=[100, 300, 900])
    r3 = ph_dimension(X, n_repeats=n_repeats, random_state=np.random.default_rng(5), n_threads=2, method=method,
                      schedule=[100, 300, 900])
    assert np.array_equal(r1.raw_values, r2.raw_values)
    assert np.array_equal(r1.raw_values, r3.raw_values)
    assert r1.dimension == r2.dimension and r1.interval == r2.interval
    r4 = ph_dimension(X, n_repeats=n_repeats, random_state=6, method=method, schedule=[100, 300, 900])
    assert not np.array_equal(r1.raw_values[0], r4.raw_values[0])


def test_embedding_with_tiny_noise_leaves_estimate_unchanged():
    X = ds.cube(1500, 2, random_state=3)
    base = ph_dimension(X, random_state=1)
    exact = ph_dimension(ds.embed(X, 64, random_state=2), random_state=1)
    noisy = ph_dimension(ds.embed(X, 64, noise=1e-7, random_state=2), random_state=1)
    assert exact.dimension == pytest.approx(base.dimension, abs=1e-8)
    assert noisy.dimension == pytest.approx(base.dimension, abs=2e-3)


# ------------------------------------------------------------------------------------------
# schedules, result object
# ------------------------------------------------------------------------------------------


def test_schedules():
    s = resolve_schedule("magai", 3000)
    assert s.sizes.tolist() == [500, 850, 1200, 1550, 1900, 2250, 2600, 2950] and s.n_subsamples == 1
    s = resolve_schedule("birdal", 1000)
    assert s.sizes.tolist() == list(range(200, 1000, 50))
    s = resolve_schedule("gptid", 300)
    assert s.sizes.tolist() == [50, 90, 130, 170, 210, 250, 290]
    assert s.n_subsamples == 7 and s.aggregate == "median"
    s = resolve_schedule("geometric", 2000)
    assert s.sizes[0] == 200 and s.sizes[-1] == 2000 and len(s.sizes) == 16
    assert np.all(np.diff(s.sizes) > 0)
    s = resolve_schedule("geometric", 50000)  # capped: one repeat costs about one MST of 10,000 points
    assert s.sizes[0] == 1000 and s.sizes[-1] == 10000 and len(s.sizes) == 16
    assert resolve_schedule("geometric", 10).sizes.tolist() == list(range(3, 11))
    s = resolve_schedule([10, 20, 40], 40, n_subsamples=3, aggregate="mean")
    assert s.name == "explicit" and s.sizes.tolist() == [10, 20, 40] and s.n_subsamples == 3


def test_result_fields():
    X = ds.cube(600, 2, random_state=0)
    res = ph_dimension(X, schedule=[60, 120, 300, 600], n_repeats=4, random_state=0)
    K, R = 4, 4
    assert res.sizes.dtype == np.int64 and res.sizes.tolist() == [60, 120, 300, 600]
    assert res.values.shape == (K, R) and res.raw_values.shape == (K, R, 1)
    assert res.repeat_estimates.shape == (R,)
    # the estimate is alpha / (1 - slope), the slope the mean of the per-repeat slopes
    assert res.dimension == pytest.approx(res.alpha / (1 - res.slope))
    x = np.log(res.sizes)
    slopes = [np.polyfit(x, np.log(res.values[:, r]), 1)[0] for r in range(R)]
    assert res.slope == pytest.approx(np.mean(slopes), rel=1e-12)
    assert np.allclose(res.repeat_estimates, 1 / (1 - np.array(slopes)))
    fit = np.polyfit(np.repeat(x, R), np.log(res.values).ravel(), 1)
    assert res.slope == pytest.approx(fit[0], rel=1e-10) and res.intercept == pytest.approx(fit[1], rel=1e-10)
    assert res.interval_kind == "bootstrap" and res.interval[0] <= res.interval[1]
    assert res.alpha == 1.0 and res.hom_dim == 0 and res.n_points == 600 and res.n_repeats == 4
    assert "PHDimResult(dimension=" in repr(res)
    one = ph_dimension(X, schedule=[60, 120, 300, 600], n_repeats=1, random_state=0)
    assert one.interval_kind == "regression" and one.interval[0] < one.dimension < one.interval[1]


# ------------------------------------------------------------------------------------------
# bad input and warnings
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"schedule": "birdal"}, ValueError, "at least 950 points"),
    ({"schedule": "magai"}, ValueError, "more than 850 points"),
    ({"schedule": [100, 50, 200]}, ValueError, "strictly increasing"),
    ({"schedule": [100, 100]}, ValueError, "strictly increasing"),
    ({"schedule": [50, 600]}, ValueError, "up to 600 points but X has 500"),
    ({"schedule": [1, 10]}, ValueError, "at least 2"),
    ({"schedule": [10]}, ValueError, "at least 2 sample sizes"),
    ({"schedule": "fancy"}, ValueError, "unknown schedule"),
    ({"schedule": [10.5, 20]}, TypeError, "integers"),
    ({"alpha": 0}, ValueError, "alpha"),
    ({"alpha": -1.0}, ValueError, "alpha"),
    ({"alpha": float("nan")}, ValueError, "alpha"),
    ({"alpha": "one"}, TypeError, "alpha"),
    ({"hom_dim": -1}, ValueError, "hom_dim"),
    ({"n_repeats": 0}, ValueError, "n_repeats"),
    ({"sampling": "random"}, ValueError, "sampling"),
    ({"method": "kruskal"}, ValueError, "unknown method"),
    ({"method": "boruvka", "metric": "cosine"}, ValueError, "box metric"),
    ({"confidence": 1.5}, ValueError, "confidence"),
    ({"random_state": "seed"}, TypeError, "random_state"),
    ({"n_subsamples": 0}, ValueError, "n_subsamples"),
    ({"aggregate": "max"}, ValueError, "aggregate"),
])
def test_bad_parameters(kwargs, exc, match):
    X = ds.cube(500, 2, random_state=0)
    with pytest.raises(exc, match=match):
        ph_dimension(X, **kwargs)


def test_bad_data():
    with pytest.raises(ValueError, match="NaN"):
        ph_dimension(np.full((100, 2), np.nan))
    with pytest.raises(ValueError, match="2-D"):
        ph_dimension(np.zeros(100))
    import scipy.sparse as sp

    with pytest.raises(ValueError, match="sparse"):
        ph_dimension(sp.csr_matrix(np.ones((50, 50))), distance_matrix=True)
    D = squareform(pdist(ds.cube(50, 2, random_state=0))) + np.eye(50)
    with pytest.raises(ValueError, match="diagonal"):
        ph_dimension(D, distance_matrix=True)
    with pytest.raises(ValueError, match="boruvka"):
        ph_dimension(squareform(pdist(ds.cube(50, 2, random_state=0))), distance_matrix=True, method="boruvka")


def test_all_duplicates_is_an_error_not_nan():
    X = np.zeros((200, 3))
    with pytest.raises(ValueError, match="E_alpha is 0"):
        ph_dimension(X, random_state=0)


def test_partial_duplicates_drop_sizes_with_a_warning():
    # 240 copies of one point plus 10 distinct points: a subsample of 2 is almost always two copies
    rng = np.random.default_rng(0)
    X = np.vstack([np.zeros((240, 2)), rng.random((10, 2)) + 1])
    with pytest.warns(PHDimWarning, match="dropped sizes"):
        res = ph_dimension(X, schedule=[2, 100, 150, 250], n_repeats=3, random_state=0)
    assert res.sizes.tolist() == [100, 150, 250]
    assert res.values.shape == (3, 3) and np.all(res.values > 0)
    assert not np.isnan(res.dimension)


def test_low_r2_warning_with_defined_result():
    # a tight cluster plus three outliers: E jumps when a subsample happens to contain an outlier
    rng = np.random.default_rng(0)
    X = np.vstack([rng.random((500, 2)) * 1e-3, [[0.02, 0], [0, 0.02], [0.02, 0.02]]])
    with pytest.warns(PHDimWarning, match="R\\^2") as rec:
        res = ph_dimension(X, random_state=0)
    assert res.r2 < 0.9 and np.isfinite(res.dimension)
    assert any("R^2" in m for m in res.warnings)
    assert len(rec) == len(res.warnings)


def test_slope_above_one_gives_inf_with_a_warning_never_nan():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.random((500, 2)) * 1e-3, [[100, 0], [0, 100], [100, 100]]])
    with pytest.warns(PHDimWarning, match=">= 1"):
        res = ph_dimension(X, random_state=0)
    assert res.slope >= 1 and res.dimension == np.inf
    assert not np.isnan(res.interval[0]) and not np.isnan(res.interval[1])
    assert np.all(~np.isnan(res.repeat_estimates))


def test_alpha_regime_warning_two_clusters():
    # two tiny far-apart clusters: E is dominated by one long edge, the slope is about 0
    rng = np.random.default_rng(0)
    X = np.vstack([rng.random((300, 2)) * 1e-3, rng.random((300, 2)) * 1e-3 + 100])
    with pytest.warns(PHDimWarning, match="within 10% of alpha"):
        res = ph_dimension(X, random_state=0)
    assert abs(res.dimension - 1.0) < 0.05


def test_no_interval_with_one_repeat_and_two_sizes_warns():
    X = ds.cube(300, 2, random_state=0)
    with pytest.warns(PHDimWarning, match="no confidence interval"):
        res = ph_dimension(X, schedule=[100, 300], n_repeats=1, random_state=0)
    assert np.isfinite(res.dimension) and res.interval_kind == "none"


# ------------------------------------------------------------------------------------------
# higher homology through the Rips engine
# ------------------------------------------------------------------------------------------


def _rips_or_skip():
    try:
        from topodim.rips import ripser  # noqa: F401
    except ImportError:
        pytest.skip("topodim.rips (the Vietoris-Rips engine) is not available")


def test_ph1_energies_match_ripser_py():
    _rips_or_skip()
    ripser_py = pytest.importorskip("ripser")
    X = ds.cube(300, 2, random_state=0)
    res = ph_dimension(X, hom_dim=1, schedule=[75, 150, 300], n_repeats=2, random_state=4)
    draws = same_draws(300, [75, 150, 300], 2, 4, "nested")
    got = raw_in_draw_order(res, draws)
    for c in range(len(draws.offs) - 1):
        ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
        for j in range(draws.roffs[c], draws.roffs[c + 1]):
            dgm = ripser_py.ripser(X[ids[:draws.reports[j]]], maxdim=1)["dgms"][1]
            fin = dgm[np.isfinite(dgm[:, 1])]
            # ripser.py computes distances in float32
            assert got[j] == pytest.approx(np.sum(fin[:, 1] - fin[:, 0]), rel=1e-5)
    assert res.method == "rips" and res.hom_dim == 1 and np.isfinite(res.dimension)


def test_ph1_empty_diagrams_is_an_error():
    _rips_or_skip()
    X = np.column_stack([np.linspace(0, 1, 200), np.zeros(200)])  # a segment: no loops at all
    with pytest.raises(ValueError, match="no finite bars of dimension 1"):
        ph_dimension(X, hom_dim=1, schedule=[50, 100, 200], n_repeats=2, random_state=0)


@pytest.mark.parametrize("sampling", ["nested", "independent"])
def test_public_draws_are_the_subsets_ph_dimension_measures(sampling):
    # topodim.dimension.draw_subsamples with the generator of random_state gives ph_dimension's
    # subsets: E_1 of each (total MST length, by Kruskal on the dense matrix) matches raw_values
    from topodim import dimension as dm

    X = np.random.default_rng(5).random((120, 2))
    sched = dm.resolve_schedule([30, 60, 120], len(X), n_subsamples=2)
    draws = dm.draw_subsamples(np.random.default_rng(11), len(X), sched, 2, sampling)
    subs = draws.subsamples()
    assert [len(s) for s in subs] == draws.reports.tolist()
    res = dm.ph_dimension(X, schedule=[30, 60, 120], n_subsamples=2, n_repeats=2, random_state=11,
                          sampling=sampling)
    D = squareform(pdist(X))
    E = [np.sum(kruskal_weights(D[np.ix_(s, s)])) for s in subs]
    np.testing.assert_allclose(raw_in_draw_order(res, draws), E, rtol=1e-12)
