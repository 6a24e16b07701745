"""The ``topodim`` command: file formats, outputs, and one-line errors without tracebacks."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial.distance import pdist, squareform

import topodim
from topodim.cli import main


@pytest.fixture
def cloud():
    return np.random.default_rng(0).random((30, 3))


def run_main(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def parse_text(out):
    rows = [line.split() for line in out.splitlines() if line and not line.startswith("#")]
    return np.array([[float(v) for v in r] for r in rows])


@pytest.mark.parametrize("ext", [".npy", ".csv", ".txt", ".npz"])
def test_ph0_reads_every_format(tmp_path, cloud, capsys, ext):
    path = tmp_path / f"X{ext}"
    if ext == ".npy":
        np.save(path, cloud)
    elif ext == ".npz":
        np.savez(path, points=cloud)
    elif ext == ".csv":
        np.savetxt(path, cloud, delimiter=",", header="x,y,z", comments="")
    else:
        np.savetxt(path, cloud)
    code, out, err = run_main(["ph0", path], capsys)
    assert code == 0, err
    np.testing.assert_allclose(parse_text(out), topodim.ph0(cloud), rtol=1e-12)


@pytest.mark.parametrize("ext", [".npy", ".csv", ".json", ".txt"])
def test_ph0_writes_every_format(tmp_path, cloud, capsys, ext):
    np.save(tmp_path / "X.npy", cloud)
    out_path = tmp_path / f"out{ext}"
    code, _, err = run_main(["ph0", tmp_path / "X.npy", "-o", out_path], capsys)
    assert code == 0, err
    expected = topodim.ph0(cloud)
    if ext == ".npy":
        got = np.load(out_path)
    elif ext == ".json":
        doc = json.loads(out_path.read_text())
        got = np.array([[b, np.inf if d is None else d] for b, d in doc["diagram"]])
    else:
        sep = "," if ext == ".csv" else None
        got = np.loadtxt(out_path, delimiter=sep, skiprows=1)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_mst_subcommand(tmp_path, cloud, capsys):
    np.save(tmp_path / "X.npy", cloud)
    code, out, _ = run_main(["mst", tmp_path / "X.npy", "--metric", "manhattan", "--threads", "1"], capsys)
    assert code == 0
    table = parse_text(out)
    tree = topodim.mst(cloud, metric="manhattan")
    np.testing.assert_array_equal(table[:, :2].astype(int), tree.edges)
    np.testing.assert_allclose(table[:, 2], tree.lengths, rtol=1e-12)


def test_distance_matrix_inputs(tmp_path, cloud, capsys):
    D = squareform(pdist(cloud))
    np.save(tmp_path / "D.npy", D)
    np.save(tmp_path / "v.npy", pdist(cloud))
    sp.save_npz(tmp_path / "S.npz", sp.csr_matrix(D))
    expected = topodim.ph0(cloud)
    for name in ("D.npy", "v.npy", "S.npz"):
        code, out, err = run_main(["ph0", tmp_path / name, "--distance-matrix"], capsys)
        assert code == 0, err
        np.testing.assert_allclose(parse_text(out), expected, rtol=1e-12)


@pytest.mark.parametrize(
    "args, needle",
    [
        (["ph0", "missing.npy"], "no such file"),
        (["ph0", "{nan}"], "NaN"),
        (["ph0", "{ok}", "--metric", "bogus"], "unknown metric"),
        (["ph0", "{ok}", "--thresh", "-1"], "thresh"),
        (["ph0", "{ok}", "-o", "{tmp}/out.xyz"], "unknown output format"),
        (["ph0", "{ok}", "--threads", "0"], "threads"),
        (["ph0", "{text}"], "cannot read"),
        (["ph0", "{multi}"], "several arrays"),
        (["mst", "{ok}", "--method", "kruskal"], "method"),
        (["ph0", "{ok}", "--distance-matrix"], "square"),
    ],
)
def test_user_errors_are_one_line_without_traceback(tmp_path, cloud, capsys, args, needle):
    np.save(tmp_path / "ok.npy", cloud)
    bad = cloud.copy()
    bad[3, 1] = np.nan
    np.save(tmp_path / "nan.npy", bad)
    (tmp_path / "text.txt").write_text("a b c\nd e f\ng h i\n")
    np.savez(tmp_path / "multi.npz", a=cloud, b=cloud)
    files = {"nan": tmp_path / "nan.npy", "ok": tmp_path / "ok.npy", "tmp": tmp_path,
             "text": tmp_path / "text.txt", "multi": tmp_path / "multi.npz"}
    argv = [a.format(**files) for a in args]
    code, out, err = run_main(argv, capsys)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_console_script_runs_in_a_subprocess(tmp_path, cloud):
    np.save(tmp_path / "X.npy", cloud)
    ok = subprocess.run([sys.executable, "-m", "topodim", "ph0", str(tmp_path / "X.npy")],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("# birth death")
    bad = subprocess.run([sys.executable, "-m", "topodim", "ph0", str(tmp_path / "nope.npy")],
                         capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.startswith("topodim: error:") and "Traceback" not in bad.stderr
    usage = subprocess.run([sys.executable, "-m", "topodim"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_warnings_are_one_line(tmp_path, capsys):
    np.save(tmp_path / "sq.npy", np.random.default_rng(1).random((4, 4)))
    code, _, err = run_main(["ph0", tmp_path / "sq.npy"], capsys)
    assert code == 0
    assert err.startswith("topodim: warning:") and len(err.strip().splitlines()) == 1


def test_demo_runs(capsys):
    code, out, _ = run_main(["demo", "-n", "300"], capsys)
    assert code == 0
    assert "uniform cube" in out and "Gaussian in R^50" in out


def test_cache_can_be_disabled():
    env = dict(os.environ, TOPODIM_NUMBA_CACHE="0")
    probe = "import topodim._config as c; print(c.CACHE)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False"
    env["TOPODIM_NUMBA_CACHE"] = "1"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "True"


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_help_imports_neither_numba_nor_scipy():
    # parsing arguments, --help of every subcommand included, loads no compiler: a subcommand
    # imports what it computes with only when it runs
    probe = ("import json, sys\n"
             "from topodim.cli import SUBCOMMANDS, main\n"
             "for argv in [['--help']] + [[name, '--help'] for name, _add, _run in SUBCOMMANDS]:\n"
             "    try:\n"
             "        main(argv)\n"
             "    except SystemExit as exc:\n"
             "        assert exc.code == 0, (argv, exc.code)\n"
             "print(json.dumps({m: m in sys.modules for m in ('numba', 'scipy')}))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"numba": False, "scipy": False}
    for module in ("topodim", "topodim.cli"):
        out = subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0 and out.stdout.startswith("usage: topodim"), out.stderr
