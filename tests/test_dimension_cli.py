"""The `topodim dim` subcommand."""

import json

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform

from topodim import cli
from topodim import datasets as ds
from topodim.dimension import MLE, TwoNN, ph_dimension


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    X = ds.cube(800, 2, random_state=0)
    path = tmp_path_factory.mktemp("dim") / "cube.npy"
    np.save(path, X)
    return X, str(path)


def _rows(text):
    return [line.split() for line in text.splitlines() if line and not line.startswith("#")]


def test_phdim_summary_matches_api(cloud, capsys):
    X, path = cloud
    assert cli.main(["dim", path, "--seed", "3", "--repeats", "3"]) == 0
    row = [float(v) for v in _rows(capsys.readouterr().out)[0]]
    res = ph_dimension(X, random_state=3, n_repeats=3)
    assert row[0] == pytest.approx(res.dimension, rel=1e-12)
    assert row[1:3] == pytest.approx(list(res.interval), rel=1e-12)
    assert row[5] == pytest.approx(res.r2, rel=1e-12)


def test_phdim_options_and_json(cloud, tmp_path):
    X, path = cloud
    out = tmp_path / "r.json"
    assert cli.main(["dim", path, "--seed", "1", "--schedule", "100,200,400,800", "--alpha", "0.5",
                     "--sampling", "independent", "--engine", "prim", "--repeats", "2", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    res = ph_dimension(X, random_state=1, schedule=[100, 200, 400, 800], alpha=0.5, sampling="independent",
                       method="prim", n_repeats=2)
    assert doc["estimate"][0][0] == pytest.approx(res.dimension, rel=1e-12)
    assert doc["sizes"] == [100, 200, 400, 800] and doc["engine"] == "prim"
    assert np.allclose(doc["values"], res.values)


def test_values_table(cloud, capsys):
    X, path = cloud
    assert cli.main(["dim", path, "--seed", "2", "--schedule", "magai" if len(X) > 850 else "200,400,800",
                     "--repeats", "2", "--values"]) == 0
    rows = np.array(_rows(capsys.readouterr().out), dtype=float)
    res = ph_dimension(X, random_state=2, schedule=[200, 400, 800], n_repeats=2)
    assert np.allclose(rows[:, 0], res.sizes) and np.allclose(rows[:, 1:], res.values)


def test_twonn_mle_and_distance_matrix(cloud, tmp_path, capsys):
    X, path = cloud
    assert cli.main(["dim", path, "--method", "twonn"]) == 0
    assert float(_rows(capsys.readouterr().out)[0][0]) == pytest.approx(TwoNN().fit(X).dimension_, rel=1e-12)
    assert cli.main(["dim", path, "--method", "mle", "--k1", "5", "--k2", "12"]) == 0
    assert float(_rows(capsys.readouterr().out)[0][0]) == pytest.approx(MLE(k1=5, k2=12).fit(X).dimension_, rel=1e-12)
    dpath = tmp_path / "d.npy"
    np.save(dpath, pdist(X))  # condensed
    assert cli.main(["dim", str(dpath), "--distance-matrix", "--method", "mle"]) == 0
    assert float(_rows(capsys.readouterr().out)[0][0]) == pytest.approx(MLE().fit(X).dimension_, rel=1e-10)
    np.save(dpath, squareform(pdist(X)))
    assert cli.main(["dim", str(dpath), "--distance-matrix", "--seed", "0", "--repeats", "2"]) == 0
    got = float(_rows(capsys.readouterr().out)[0][0])
    assert got == pytest.approx(ph_dimension(X, random_state=0, n_repeats=2).dimension, rel=1e-10)


@pytest.mark.parametrize("argv, match", [
    (["--schedule", "birdal"], "950"),
    (["--schedule", "10,x"], "comma-separated"),
    (["--alpha", "0"], "alpha"),
    (["--method", "mle", "--k1", "30", "--k2", "20"], "k2 must be >= k1"),
])
def test_user_errors_exit_2(cloud, capsys, argv, match):
    _, path = cloud
    X = ds.cube(500, 2, random_state=0)
    np.save(path.replace("cube.npy", "small.npy"), X)
    small = path.replace("cube.npy", "small.npy")
    assert cli.main(["dim", small] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("topodim: error:") and match in err and len(err.strip().splitlines()) == 1
