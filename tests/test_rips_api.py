"""The interface of topodim.ripser: result keys and types, bad input, memory and index limits,
progress, estimate_memory, the batch transformer, the `topodim ph` command."""

import json

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial.distance import cdist

import topodim
from topodim.cli import main

X30 = np.random.default_rng(0).random((30, 3))


def test_result_keys_and_types():
    r = topodim.ripser(X30, maxdim=2)
    for key in ("dgms", "cocycles", "num_edges", "dperm2all", "idx_perm", "r_cover", "thresh", "gens",
                "counts"):
        assert key in r
    assert len(r["dgms"]) == 3 and len(r["cocycles"]) == 3 and len(r["counts"]) == 3
    for dgm in r["dgms"]:
        assert dgm.dtype == np.float64 and dgm.ndim == 2 and dgm.shape[1] == 2
        assert not np.isnan(dgm).any()
        assert np.all(dgm[:, 1] > dgm[:, 0])  # zero-persistence bars are left out
    assert np.isinf(r["dgms"][0][:, 1]).sum() == 1
    assert np.array_equal(r["dperm2all"], cdist(X30, X30))
    assert np.array_equal(r["idx_perm"], np.arange(30)) and r["r_cover"] == 0
    assert r["num_edges"] == int(np.count_nonzero(cdist(X30, X30)[np.triu_indices(30, 1)] <= r["thresh"]))
    assert r["counts"][1]["columns"] > 0 and r["counts"][1]["apparent_pairs"] > 0
    assert "collapse" in r and r["collapse"]["edges_after"] < r["collapse"]["edges_before"]
    r32 = topodim.ripser(X30, maxdim=1, dtype=np.float32)
    assert all(d.dtype == np.float32 for d in r32["dgms"])


def test_input_kinds_dperm2all():
    D = cdist(X30, X30)
    assert topodim.ripser(D, distance_matrix=True)["dperm2all"] is not None
    S = sp.csr_matrix(np.where(D < 0.4, D, 0))
    r = topodim.ripser(S, distance_matrix=True)
    assert r["dperm2all"] is S
    assert topodim.ripser(X30, maxdim=0, keep_distances=False)["dperm2all"] is None
    r0 = topodim.ripser(X30, maxdim=0)
    assert np.array_equal(r0["dgms"][0][:-1], np.sort(topodim.ph0(X30)[:-1], axis=0))
    # metric="precomputed" means a distance matrix
    a = topodim.ripser(D, metric="precomputed")["dgms"]
    b = topodim.ripser(D, distance_matrix=True)["dgms"]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "cosine", "sqeuclidean",
                                    "canberra"])
def test_metrics_equal_the_distance_matrix(metric):
    from scipy.spatial.distance import squareform

    X = X30 + 0.1
    from topodim.metrics import pairwise_distances

    if metric == "canberra":
        D = squareform(__import__("scipy.spatial.distance", fromlist=["pdist"]).pdist(X, metric))
    else:
        D = pairwise_distances(X, metric=metric)
        np.fill_diagonal(D, 0)  # cosine's 1 - <x, x> is not exactly 0; a diagonal means births
    a = topodim.ripser(X, maxdim=1, metric=metric)
    b = topodim.ripser(D, maxdim=1, distance_matrix=True)
    for x, y in zip(a["dgms"], b["dgms"]):
        assert np.array_equal(x, y)


def test_ripser_py_positional_order():
    # ripser.py: ripser(X, maxdim, thresh, coeff, distance_matrix, do_cocycles, metric, n_perm)
    a = topodim.ripser(X30, 1, np.inf, 2, False, True, "euclidean")
    assert len(a["cocycles"][1]) == len(a["dgms"][1]) > 0


@pytest.mark.parametrize("kwargs, error, match", [
    ({"maxdim": -1}, ValueError, "maxdim must be >= 0"),
    ({"maxdim": 1.5}, TypeError, "maxdim must be an integer"),
    ({"coeff": 4}, ValueError, "prime"),
    ({"coeff": 1}, ValueError, "prime"),
    ({"thresh": -np.inf}, ValueError, "thresh is -inf"),  # negative values are filtration values
    ({"thresh": np.nan}, ValueError, "NaN"),
    ({"n_perm": 31}, ValueError, "n_perm=31 is more than the 30 points"),
    ({"n_perm": -3}, ValueError, "n_perm must be a positive"),
    ({"n_perm": 2.5}, TypeError, "n_perm must be a positive integer"),
    ({"dtype": np.int32}, TypeError, "float32 or float64"),
    ({"do_cocycles": "yes"}, TypeError, "do_cocycles"),
    ({"collapse_edges": "sometimes"}, ValueError, "collapse_edges"),
    ({"n_threads": 0}, ValueError, "n_threads"),
    ({"progress": 3}, TypeError, "progress"),
    ({"metric": "nonsense"}, ValueError, "unknown metric"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        topodim.ripser(X30, **kwargs)


@pytest.mark.parametrize("X, kwargs, match", [
    # fewer than 2 points, negative values and asymmetric matrices are accepted as ripser.py
    # accepts them (tests/test_rips_compat.py); NaN and shapes that are no metric space are not
    (np.zeros((5, 0)), {}, "empty"),
    (np.array([[0.0, np.nan]]), {}, "NaN"),
    (np.array([[0.0, np.nan], [1, 2]]), {}, "NaN"),
    (np.ones((3, 4)), {"distance_matrix": True}, "Distance matrix is not square"),
    (np.zeros((0, 3)), {"distance_matrix": True}, "Distance matrix is not square"),
    (np.array([[-np.inf, 1], [1, 0]]), {"distance_matrix": True}, "-inf"),
    (np.ones(4), {"distance_matrix": True}, "n\\(n-1\\)/2"),
    ([[1, 2], [3]], {}, "ragged"),
])
def test_bad_input(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        topodim.ripser(X, **kwargs)


def test_n_perm_with_sparse_input_is_refused():
    S = sp.csr_matrix(cdist(X30, X30))
    with pytest.raises(ValueError, match="n_perm"):
        topodim.ripser(S, distance_matrix=True, n_perm=5)


def test_index_overflow_is_refused_before_allocating():
    with pytest.raises(ValueError, match="2\\^62; use n_perm"):
        topodim.ripser(np.random.default_rng(0).random((3000, 1)), maxdim=6)


def test_memory_limit_names_the_way_out(monkeypatch):
    monkeypatch.setattr(topodim._config, "MEMORY_LIMIT", 10000)
    with pytest.raises(MemoryError, match="thresh|n_perm"):
        topodim.ripser(np.random.default_rng(0).random((200, 2)), maxdim=1)


def test_estimate_memory():
    small = topodim.estimate_memory(n_points=1000, maxdim=1)
    assert 8 * 1000 * 1000 <= small < 30 * 1000 * 1000
    assert topodim.estimate_memory(n_points=1000, maxdim=1, dtype=np.float32) < small
    assert topodim.estimate_memory(n_points=1000, maxdim=2) > small
    assert topodim.estimate_memory(n_points=1000, maxdim=3) > topodim.estimate_memory(n_points=1000, maxdim=2)
    assert topodim.estimate_memory(X30) == topodim.estimate_memory(n_points=30)
    # with n_perm the subsample's distances to every point (dperm2all) are kept besides
    assert topodim.estimate_memory(n_points=1000, n_perm=100) == (topodim.estimate_memory(n_points=100)
                                                                  + 100 * 1000 * 8)
    with pytest.raises(TypeError):
        topodim.estimate_memory()


def test_progress_callback_and_bar(capsys):
    seen = []
    topodim.ripser(X30, maxdim=2, progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    for stage in ("distances", "edge collapse", "apparent pairs", "reducing H1", "assembling H2",
                  "reducing H2"):
        assert stage in stages
    assert all(0 <= d <= t for _, d, t in seen)
    topodim.ripser(X30, maxdim=1, progress=True)
    err = capsys.readouterr().err
    assert "reducing H1" in err and "[" in err


def test_batch_transformer():
    clouds = [np.random.default_rng(k).random((20 + k, 2)) for k in range(4)]
    est = topodim.RipsPersistence(homology_dimensions=(0, 1))
    assert est.fit(clouds) is est
    out = est.transform(clouds)
    assert len(out) == 4 and all(len(d) == 2 for d in out)
    for c, d in zip(clouds, out):
        r = topodim.ripser(c, maxdim=1)["dgms"]
        assert np.array_equal(d[0], r[0]) and np.array_equal(d[1], r[1])
    par = topodim.RipsPersistence(homology_dimensions=1, n_jobs=2).fit_transform(clouds)
    assert all(np.array_equal(a, b[1]) for a, b in zip(par, out))
    assert est.get_params()["homology_dimensions"] == (0, 1)
    est.set_params(thresh=0.2)
    assert est.thresh == 0.2 and "thresh=0.2" in repr(est)
    with pytest.raises(ValueError, match="unknown parameter"):
        est.set_params(nope=1)
    with pytest.raises(ValueError, match="prime"):
        topodim.RipsPersistence(coeff=6).fit(clouds)
    sklearn = pytest.importorskip("sklearn.base")
    clone = sklearn.clone(est)
    assert clone.get_params() == est.get_params()


def test_cli_ph(tmp_path, capsys):
    path = tmp_path / "x.npy"
    np.save(path, X30)
    assert main(["ph", str(path), "--maxdim", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "# dim birth death"
    r = topodim.ripser(X30, maxdim=2)
    assert len(out) - 1 == sum(len(d) for d in r["dgms"])
    js = tmp_path / "o.json"
    assert main(["ph", str(path), "--coeff", "3", "--cocycles", "-o", str(js)]) == 0
    doc = json.loads(js.read_text())
    assert len(doc["bars"]) == len(doc["cocycles"]) and doc["coeff"] == 3
    D = tmp_path / "d.npy"
    np.save(D, cdist(X30, X30))
    assert main(["ph", str(D), "--distance-matrix", "--thresh", "0.3", "-o", str(tmp_path / "o.npy")]) == 0
    table = np.load(tmp_path / "o.npy")
    assert table.shape[1] == 3 and np.all(table[np.isfinite(table[:, 2]), 2] <= 0.3)
    assert main(["ph", str(path), "--coeff", "4"]) == 2
    assert "prime" in capsys.readouterr().err
