"""`topodim filtration FILE` and topodim.complexes.read_simplices."""

import io
import re
import json

import numpy as np
import pytest

from topodim.cli import main
from topodim.complexes import filtration_persistence, read_simplices

# the boundary of a triangle (a circle): H0 = 1, H1 = 1 born at 2
CIRCLE = """# vertices, then edges
0 0
1 0
2 0.5
0 1 1
1,2,1.5
0 2 2
"""


def write(tmp_path, text, name="cx.txt"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_read_simplices(tmp_path):
    simplices, values = read_simplices(write(tmp_path, CIRCLE))
    assert simplices == [(0,), (1,), (2,), (0, 1), (1, 2), (0, 2)]
    np.testing.assert_array_equal(values, [0, 0, 0.5, 1, 1.5, 2])
    assert read_simplices(io.StringIO("3 4 2.5\n"))[0] == [(3, 4)]


@pytest.mark.parametrize("text, match", [
    ("0\n", "line 1: expected vertex ids then a value"),
    ("0 0\n0.5 1 1\n", "line 2: vertex '0.5' is not an integer"),
    ("0 abc\n", "line 1: the value 'abc' is not a number"),
    ("# nothing\n\n", "holds no simplices"),
])
def test_read_simplices_errors(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        read_simplices(write(tmp_path, text))


def test_cli_text_output(tmp_path, capsys):
    assert main(["filtration", write(tmp_path, CIRCLE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "# dim birth death"
    rows = [line.split() for line in out[1:]]
    assert rows == [["0", "0.0", "1.0"], ["0", "0.0", "inf"], ["0", "0.5", "1.5"], ["1", "2.0", "inf"]]


def test_cli_matches_the_python_api(tmp_path):
    rng = np.random.default_rng(0)
    f = rng.integers(0, 5, size=6)
    lines = [f"{v} {f[v]}" for v in range(6)]
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (0, 5), (0, 3)]
    lines += [f"{a} {b} {max(f[a], f[b])}" for a, b in edges]
    path = write(tmp_path, "\n".join(lines) + "\n")
    out = str(tmp_path / "bars.npy")
    assert main(["filtration", path, "--coeff", "3", "-o", out]) == 0
    table = np.load(out)
    res = filtration_persistence(*read_simplices(path), coeff=3)
    expect = np.array([(k, b, d) for k, dgm in enumerate(res["dgms"]) for b, d in dgm])
    np.testing.assert_array_equal(table, expect)
    assert len(res["dgms"][1]) == 2


def test_cli_json_with_representatives(tmp_path):
    out = str(tmp_path / "bars.json")
    assert main(["filtration", write(tmp_path, CIRCLE), "--representatives", "--keep-zero", "-o", out]) == 0
    doc = json.load(open(out))
    assert doc["columns"] == ["dim", "birth", "death"]
    assert doc["bars"][-1] == [1, 2.0, None]
    assert sorted(map(tuple, doc["representatives"][-1])) == [(0, 1, 1), (0, 2, 1), (1, 2, 1)]
    assert len(doc["representatives"]) == len(doc["bars"])


def test_cli_text_representatives_and_options(tmp_path, capsys):
    assert main(["filtration", write(tmp_path, CIRCLE), "--representatives", "--maxdim", "1",
                 "--algorithm", "standard"]) == 0
    out = capsys.readouterr().out
    assert "# bar 3: 1*[0,1] + 1*[1,2] + 1*[0,2]" in out
    assert main(["filtration", write(tmp_path, CIRCLE), "--maxdim", "0"]) == 0
    assert "\n1 " not in capsys.readouterr().out


@pytest.mark.parametrize("text, extra, match", [
    ("0 0\n0 1 1\n", [], "simplex 1 \\[0, 1\\] has a missing face \\[1\\]"),
    ("0 0\n1 0\n0 1 1\n", ["--coeff", "4"], "prime"),
    ("0 0\n1 2\n0 1 1\n", [], "larger value 2.0"),
    ("0 nan\n", [], "NaN"),
    ("0 0\n", ["--representatives", "-o", "x.npy"], "needs .json or text"),
])
def test_cli_errors_are_one_line(tmp_path, capsys, text, extra, match):
    assert main(["filtration", write(tmp_path, text)] + extra) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("topodim: error:") and len(err.splitlines()) == 1
    assert re.search(match, err)


def test_cli_missing_file(capsys):
    assert main(["filtration", "/nonexistent/cx.txt"]) == 2
    assert "no such file" in capsys.readouterr().err
