"""topodim.cuda's kernels against the CPU, run by numba-cuda's simulator (or a real GPU).

This module only runs where numba.cuda executes kernels:

* with ``NUMBA_ENABLE_CUDASIM=1`` in the environment before anything imports numba.cuda — the
  CI's single ``python -m pytest -q`` runs it that way in a subprocess from
  ``tests/test_cuda.py::test_simulator_suite`` (the simulator must not leak into the other test
  modules' process);
* with ``TOPODIM_TEST_GPU=1`` on a machine with a CUDA GPU (the same tests on the device).

Everywhere else it is skipped at import. Inputs are tiny: the simulator runs every GPU thread as
a Python thread (~1e5 times slower than a GPU).

What must hold: every distance equals the CPU's bit for bit; MST / PH0 lengths equal exactly
(ties, duplicates, +inf entries, every metric, float32 and float64); batches equal per-subsample
CPU trees; the Rips edge stage (flags, cleared columns, H0 forest) equals the CPU's stage and the
diagrams are identical (bottleneck distance 0); PH-dimension values equal the CPU's for the same
draws; the device plumbing resolves "cuda"/"auto" to the device; repeated calls leave no device
array alive.
"""

import os
import sys

import numpy as np
import pytest

_SIM = os.environ.get("NUMBA_ENABLE_CUDASIM", "0").strip() not in ("", "0")
if not _SIM and os.environ.get("TOPODIM_TEST_GPU") != "1":
    pytest.skip("CUDA kernel tests run with NUMBA_ENABLE_CUDASIM=1 (in a subprocess started by "
                "tests/test_cuda.py::test_simulator_suite) or TOPODIM_TEST_GPU=1 on a GPU machine",
                allow_module_level=True)
if _SIM:
    # the simulator's block manager polls its Python threads while holding the GIL; a short
    # switch interval makes simulated kernels ~5x faster (this process only runs these tests)
    sys.setswitchinterval(5e-5)

    import threading

    from numba.cuda.simulator import kernelapi as _kernelapi

    _dynamic_shared = _kernelapi.FakeCUDAShared.array
    _shared_lock = threading.Lock()

    def _shared_array_locked(self, shape, dtype):
        """The simulator's cuda.shared.array with its check-then-create under a lock.

        numba-cuda's simulator keys a block's shared arrays by the caller's file and line and
        creates one on first use without a lock: two simulated threads can both miss and get
        different "shared" arrays, and a kernel then reads values no thread wrote for it (seen
        as rare, non-reproducible mismatches, more often with the short switch interval above).
        """
        if shape == 0:
            return _dynamic_shared(self, shape, dtype)
        if isinstance(dtype, _kernelapi.types.Type):
            dtype = _kernelapi.numpy_support.as_dtype(dtype)
        frame = sys._getframe(1)
        caller = (frame.f_code.co_filename, frame.f_lineno)
        with _shared_lock:
            arr = self._allocations.get(caller)
            if arr is None:
                arr = np.empty(shape, dtype)
                self._allocations[caller] = arr
        return arr

    _kernelapi.FakeCUDAShared.array = _shared_array_locked

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from scipy.spatial.distance import pdist, squareform  # noqa: E402

import topodim  # noqa: E402
import topodim.rips  # noqa: E402
from topodim.rips._driver import ripser_in  # noqa: E402
from topodim import metrics as M  # noqa: E402
from topodim._validate import as_distance_input  # noqa: E402
from topodim.diagrams import bottleneck_distance  # noqa: E402

cuda_pkg = pytest.importorskip("topodim.cuda")
if not _SIM:
    ok, why = cuda_pkg.cuda_status()
    if not ok:
        pytest.skip(f"TOPODIM_TEST_GPU=1 but no usable GPU: {why}", allow_module_level=True)

from topodim.cuda import distances as G  # noqa: E402
from topodim.cuda import mst as GM  # noqa: E402
from topodim.cuda import memory_stats  # noqa: E402

DTYPES = (np.float32, np.float64)
METRICS = tuple(M.METRIC_CODES)


def _cloud(n, d, seed, dtype=np.float64, grid=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    if grid:
        X = np.round(X * 2) / 2  # ties and duplicates
    return X.astype(dtype)


def _circle(n, seed, noise=0.15, d=2):
    """A noisy circle in the first two of d coordinates: a long H1 bar plus short ones."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.zeros((n, d))
    X[:, 0], X[:, 1] = np.cos(t), np.sin(t)
    return X + noise * rng.standard_normal((n, d))


# ------------------------------------------------------------------------------------------
# device plumbing under the device
# ------------------------------------------------------------------------------------------


def test_select_device_finds_the_device():
    assert cuda_pkg.select_device("cuda") == "cuda"
    assert cuda_pkg.select_device("auto") == "cuda"
    assert cuda_pkg.select_device("cpu") == "cpu"
    ok, why = cuda_pkg.cuda_status()
    assert ok and (why.startswith("numba-cuda simulator") if _SIM else "compute capability" in why)


def test_auto_uses_the_device_without_warning(recwarn):
    X = _cloud(9, 2, 0)
    before = memory_stats()["scopes"]
    d = topodim.ph0(X, device="auto")
    assert memory_stats()["scopes"] == before + 1  # it ran on the device
    assert not [w for w in recwarn if issubclass(w.category, cuda_pkg.DeviceFallbackWarning)]
    assert np.array_equal(d, topodim.ph0(X))


# ------------------------------------------------------------------------------------------
# distances
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric", METRICS)
def test_distances_bit_identical(metric, dtype):
    X = _cloud(11, 5, 1, dtype)
    Y = _cloud(6, 5, 2, dtype)
    full = cuda_pkg.pairwise_distances(X, metric=metric, dtype=dtype)
    cond = cuda_pkg.pairwise_distances(X, metric=metric, condensed=True, dtype=dtype)
    cross = cuda_pkg.pairwise_distances(X, Y, metric=metric, dtype=dtype)
    assert full.dtype == cond.dtype == cross.dtype == np.dtype(dtype)
    assert np.array_equal(full, M.pairwise_distances(X, metric=metric, dtype=dtype))
    assert np.array_equal(cond, M.pairwise_distances(X, metric=metric, condensed=True, dtype=dtype))
    assert np.array_equal(cross, M.pairwise_distances(X, Y, metric=metric, dtype=dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_distances_in_row_blocks(dtype):
    # blocks of a few rows (several launches, partial last block, condensed offsets)
    X = M.prepare_points(_cloud(13, 4, 3, dtype), "euclidean")
    want_c = M.pairwise_distances(X, condensed=True, dtype=dtype)
    want_f = M.pairwise_distances(X, dtype=dtype)
    for limit in (1, 50, 200):
        assert np.array_equal(G.pairwise_distances(X, None, 0, True, max_block_bytes=limit), want_c)
        assert np.array_equal(G.pairwise_distances(X, None, 0, False, max_block_bytes=limit), want_f)


def test_distances_reference_values():
    # pinned: a 3-4-5 triangle in float32 and the exact cosine of orthogonal rows
    X = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]], dtype=np.float32)
    assert np.array_equal(cuda_pkg.pairwise_distances(X, condensed=True, dtype=np.float32),
                          np.array([3, 4, 5], dtype=np.float32))
    C = cuda_pkg.pairwise_distances([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0]], metric="cosine",
                                    condensed=True)
    assert np.array_equal(C, [1.0, 2.0, 1.0])


# ------------------------------------------------------------------------------------------
# MST / PH0
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric", METRICS)
def test_mst_lengths_equal_cpu(metric, dtype):
    X = _cloud(17, 4, 4, dtype, grid=(metric in ("manhattan", "chebyshev")))
    if metric == "cosine":
        X = X + dtype(3.0)  # no zero rows
    gpu = topodim.mst(X, metric=metric, dtype=dtype, device="cuda")
    cpu = topodim.mst(X, metric=metric, dtype=dtype)
    assert gpu.lengths.dtype == np.dtype(dtype)
    assert np.array_equal(gpu.lengths, cpu.lengths)
    assert gpu.edges.shape == (16, 2) and np.all(gpu.edges[:, 0] < gpu.edges[:, 1])
    # a spanning tree: n - 1 edges joining everything
    parent = list(range(17))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in gpu.edges:
        parent[find(a)] = find(b)
    assert len({find(i) for i in range(17)}) == 1


def test_mst_duplicates_and_ties_regression():
    # pinned: duplicate points (zero-length edges) and many equal lengths on a grid
    X = np.array([[0, 0], [0, 0], [1, 0], [0, 1], [1, 1], [2, 0], [2, 0], [3, 3]], dtype=np.float64)
    gpu = topodim.mst(X, device="cuda")
    assert np.array_equal(gpu.lengths, [0, 0, 1, 1, 1, 1, np.sqrt(8)])
    assert np.array_equal(gpu.lengths, topodim.mst(X).lengths)
    assert np.array_equal(topodim.ph0(X, device="cuda"), topodim.ph0(X))


@settings(max_examples=8, deadline=None)
@given(n=st.integers(2, 12), d=st.integers(1, 3), seed=st.integers(0, 2**31 - 1),
       metric=st.sampled_from(METRICS), dtype=st.sampled_from(DTYPES), grid=st.booleans())
def test_ph0_property_equal_cpu(n, d, seed, metric, dtype, grid):
    X = _cloud(n, d, seed, dtype, grid)
    if metric == "cosine":
        X = X + dtype(5.0)
    assert np.array_equal(topodim.ph0(X, metric=metric, dtype=dtype, device="cuda"),
                          topodim.ph0(X, metric=metric, dtype=dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_matrix_inputs_forest_births_threshold(dtype):
    X = _cloud(12, 3, 5)
    D = squareform(pdist(X)).astype(dtype)
    # +inf entries cut the graph into two components: a forest
    D[:6, 6:] = np.inf
    D[6:, :6] = np.inf
    gpu = topodim.mst(D, distance_matrix=True, dtype=dtype, device="cuda")
    cpu = topodim.mst(D, distance_matrix=True, dtype=dtype)
    assert gpu.lengths.shape == (10,)
    assert np.array_equal(gpu.lengths, cpu.lengths) and np.array_equal(gpu.edges, cpu.edges)
    # condensed input, a threshold, vertex births (elder rule on the GPU's tree)
    C = pdist(X).astype(dtype)
    assert np.array_equal(topodim.ph0(C, distance_matrix=True, thresh=1.0, dtype=dtype, device="cuda"),
                          topodim.ph0(C, distance_matrix=True, thresh=1.0, dtype=dtype))
    B = squareform(pdist(X)) + 0.5
    births = np.linspace(0, 0.5, 12)
    np.fill_diagonal(B, births)
    assert np.array_equal(topodim.ph0(B, distance_matrix=True, dtype=dtype, device="cuda"),
                          topodim.ph0(B, distance_matrix=True, dtype=dtype))


def test_sparse_input_with_cuda_is_a_clear_error():
    import scipy.sparse as sp

    A = sp.csr_matrix(np.array([[0, 1.0], [1.0, 0]]))
    with pytest.raises(ValueError, match="device='cuda' takes point clouds"):
        topodim.ph0(A, distance_matrix=True, device="cuda")
    assert np.array_equal(topodim.ph0(A, distance_matrix=True, device="auto"),
                          topodim.ph0(A, distance_matrix=True))


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_of_segments_equals_per_segment_cpu(dtype):
    from topodim.mst import prim_serial

    X = _cloud(30, 3, 6, dtype)
    rng = np.random.default_rng(0)
    segs = [rng.permutation(30)[:k] for k in (2, 5, 11, 30, 7)]
    ids = np.concatenate(segs)
    offs = np.concatenate([[0], np.cumsum([len(s) for s in segs])])
    a, b, r, seg = GM.batch_msf(X, ids, offs, 0, GM.LEX)
    assert np.all(seg == np.searchsorted(offs, a, side="right") - 1)
    for s, idx in enumerate(segs):
        _, _, w = prim_serial(np.ascontiguousarray(X[idx]), 0)
        assert np.array_equal(np.sort(r[seg == s]), np.sort(w)), s


def test_filtration_order_tree_equals_kruskal():
    # the Rips tie order: (value, larger edge index first) on a matrix full of ties
    from topodim._mst.kruskal import kruskal

    X = np.round(_cloud(14, 2, 7) * 2) / 2
    D = squareform(pdist(X))
    n = 14
    i, j = np.tril_indices(n, -1)
    idx = i * (i - 1) // 2 + j
    order = np.lexsort((-idx, D[i, j]))
    keep = kruskal(i[order], j[order], D[i, j][order], n)
    want = set(idx[order][keep].tolist())
    a, b, w, _ = GM.batch_msf(D, np.arange(n), np.array([0, n]), None, GM.FILTRATION)
    assert set(((b * (b - 1)) // 2 + a).tolist()) == want


# ------------------------------------------------------------------------------------------
# memory
# ------------------------------------------------------------------------------------------


def test_repeated_calls_do_not_grow_device_memory():
    import gc

    X = _cloud(10, 3, 8)
    topodim.ph0(X, device="cuda")
    gc.collect()
    s0 = memory_stats()
    assert s0["live"] == 0 and s0["live_bytes"] == 0
    per_call = []
    for _ in range(5):
        a = memory_stats()["allocated"]
        topodim.ph0(X, device="cuda")
        cuda_pkg.pairwise_distances(X)
        per_call.append(memory_stats()["allocated"] - a)
        s = memory_stats()
        assert s["live"] == 0 and s["live_bytes"] == 0, s  # freed before the call returned
    assert len(set(per_call)) == 1 and per_call[0] > 0  # the same arrays each time, all freed


def test_memory_freed_when_a_call_fails():
    from topodim.cuda._device import DeviceScope

    with pytest.raises(ZeroDivisionError):
        with DeviceScope() as scope:
            scope.to_device(np.zeros(10))
            scope.empty(5, np.float64)
            1 / 0
    assert memory_stats()["live"] == 0


# ------------------------------------------------------------------------------------------
# Rips: the GPU edge stage and the diagrams
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("grid, thresh", [(False, np.inf), (True, np.inf), (False, 1.3)])
def test_rips_edge_stage_equals_cpu(dtype, grid, thresh):
    from topodim.rips import _graph as RG
    from topodim.rips import _stages as R
    from topodim.cuda.rips import RipsSession

    X = _circle(15, 12).astype(dtype)
    if grid:
        X = np.round(X * 3) / 3
    inp = as_distance_input(X, dtype=dtype)
    with RipsSession() as s:
        g = s.graph_of(inp, thresh, "dense")
        t = min(thresh, RG.graph_enclosing_radius(g))
        got = s.edge_columns(g, t, R.Progress(None))
    gc = RG.graph_of(inp, thresh, representation="dense")
    assert np.array_equal(g.D, gc.D)  # the GPU's matrix, bit for bit
    want = R.edge_stage(gc, t, R.Progress(None))
    flags, ci, cd, tree, n_app, m = got
    assert flags.dtype == want[0].dtype == np.int32
    assert np.array_equal(flags, want[0])  # edge codes: apparent pairs with their cofacets
    assert np.array_equal(ci, want[1]) and np.array_equal(cd, want[2])  # columns after clearing
    for a, b in zip(tree, want[3]):  # the H0 forest, in filtration order
        assert np.array_equal(a, b)
    assert (n_app, m) == (want[4], want[5])
    assert n_app > 0 and ci.shape[0] > 0  # not vacuous


RIPS_CASES = {
    "default": (lambda: _circle(16, 13), {}),
    "ties": (lambda: np.round(_circle(15, 14) * 3) / 3, {}),
    "maxdim2": (lambda: _circle(13, 15, d=3), {"maxdim": 2}),
    "thresh": (lambda: _circle(16, 16), {"thresh": 1.2, "representation": "dense"}),
    "maxdim0": (lambda: _cloud(14, 2, 17), {"maxdim": 0}),
    "z3_cocycles": (lambda: _circle(14, 18), {"coeff": 3, "do_cocycles": True}),
    "n_perm": (lambda: _circle(18, 19), {"n_perm": 12}),
    "cosine_f32": (lambda: _circle(14, 20, noise=0.05, d=3) + np.array([0, 0, 1.0]),
                   {"metric": "cosine", "dtype": np.float32}),
    "manhattan": (lambda: _circle(14, 21), {"metric": "manhattan"}),
}


@pytest.mark.parametrize("case", sorted(RIPS_CASES))
def test_ripser_diagrams_identical(case):
    make, kw = RIPS_CASES[case]
    X = make()
    gpu = ripser_in(X, device="cuda", **kw)
    cpu = ripser_in(X, **kw)
    for a, b in zip(gpu["dgms"], cpu["dgms"]):
        assert a.dtype == b.dtype and np.array_equal(a, b)
        assert bottleneck_distance(a, b) == 0.0
    assert gpu["counts"] == cpu["counts"] and gpu["thresh"] == cpu["thresh"]
    assert gpu["num_edges"] == cpu["num_edges"]
    if kw.get("do_cocycles"):
        for a, b in zip(gpu["cocycles"][1], cpu["cocycles"][1]):
            assert np.array_equal(a, b)
    if kw.get("maxdim", 1) >= 1:
        assert len(cpu["dgms"][1]) > 0, "a case without H1 bars tests little"


def test_ripser_distance_matrix_with_births():
    X = _circle(13, 22)
    D = squareform(pdist(X)) + 0.25
    np.fill_diagonal(D, np.linspace(0, 0.25, 13))
    gpu = topodim.rips.ripser(D, distance_matrix=True, device="cuda")
    cpu = topodim.rips.ripser(D, distance_matrix=True)
    for a, b in zip(gpu["dgms"], cpu["dgms"]):
        assert np.array_equal(a, b)


@settings(max_examples=6, deadline=None)
@given(n=st.integers(4, 12), seed=st.integers(0, 2**31 - 1), grid=st.booleans(),
       dtype=st.sampled_from(DTYPES))
def test_ripser_property_equal_cpu(n, seed, grid, dtype):
    X = _circle(n, seed).astype(dtype)
    if grid:
        X = np.round(X * 3) / 3
    gpu = topodim.rips.ripser(X, device="cuda", dtype=dtype)["dgms"]
    cpu = topodim.rips.ripser(X, dtype=dtype)["dgms"]
    assert all(np.array_equal(a, b) for a, b in zip(gpu, cpu))


def test_ripser_sparse_graph_and_cuda():
    import scipy.sparse as sp

    A = sp.csr_matrix(squareform(pdist(_cloud(8, 2, 23))))
    with pytest.raises(ValueError, match="not a scipy.sparse graph"):
        topodim.rips.ripser(A, distance_matrix=True, device="cuda")
    a = topodim.rips.ripser(A, distance_matrix=True, device="auto")["dgms"]
    b = topodim.rips.ripser(A, distance_matrix=True)["dgms"]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_ripser_frees_device_memory():
    X = _cloud(12, 2, 24)
    for _ in range(3):
        topodim.rips.ripser(X, device="cuda")
        assert memory_stats()["live"] == 0


# ------------------------------------------------------------------------------------------
# PH-dimension
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sampling, dtype", [("nested", np.float64), ("independent", np.float32)])
def test_ph_dimension_equals_cpu(sampling, dtype):
    from topodim.dimension import ph_dimension

    X = np.random.default_rng(9).random((40, 2))
    kw = dict(schedule=[8, 16, 28, 40], n_repeats=2, random_state=5, sampling=sampling, dtype=dtype)
    gpu = ph_dimension(X, device="cuda", **kw)
    cpu = ph_dimension(X, **kw)
    assert gpu.method == "cuda"
    # the same subsamples and the same lengths: E equal up to the order of the float64 sum
    np.testing.assert_allclose(gpu.raw_values, cpu.raw_values, rtol=1e-13, atol=0)
    assert abs(gpu.dimension - cpu.dimension) <= 1e-12 * cpu.dimension
    assert abs(gpu.slope - cpu.slope) <= 1e-12


def test_ph_dimension_matrix_input_and_other_seeds_differ():
    from topodim.dimension import ph_dimension

    X = np.random.default_rng(10).random((30, 3))
    D = squareform(pdist(X))
    kw = dict(schedule=[10, 20, 30], n_repeats=2, distance_matrix=True)
    gpu = ph_dimension(D, device="cuda", random_state=1, **kw)
    np.testing.assert_allclose(gpu.raw_values, ph_dimension(D, random_state=1, **kw).raw_values,
                               rtol=1e-13, atol=0)
    # the values depend on the draws (the comparison above is not vacuous)
    other = ph_dimension(D, device="cuda", random_state=2, **kw)
    assert not np.allclose(other.raw_values, gpu.raw_values)


@pytest.mark.filterwarnings("ignore::topodim.dimension.PHDimWarning")  # a poor fit on 30 points
def test_ph_dimension_hom_dim_1_equals_cpu():
    from topodim.dimension import ph_dimension

    X = np.random.default_rng(11).random((30, 2))
    kw = dict(hom_dim=1, schedule=[14, 22, 30], n_repeats=2, random_state=3)
    gpu = ph_dimension(X, device="cuda", **kw)
    cpu = ph_dimension(X, **kw)
    assert gpu.method == "rips-cuda" and cpu.method == "rips"
    assert np.array_equal(gpu.raw_values, cpu.raw_values)  # same diagrams, same sums
    assert np.all(cpu.raw_values > 0) and gpu.dimension == cpu.dimension


def test_too_little_gpu_memory_is_a_clear_error(monkeypatch):
    from topodim.cuda import _device

    monkeypatch.setattr(_device, "device_free_bytes", lambda: 1000)
    X = _cloud(40, 8, 25)
    with pytest.raises(MemoryError, match="of GPU memory but only 1000 B is free; use device='cpu'"):
        topodim.ph0(X, device="cuda")
    with pytest.raises(MemoryError, match="GPU memory"):
        topodim.rips.ripser(X, device="cuda")
    assert memory_stats()["live"] == 0
