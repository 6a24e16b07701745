"""bench/harness.py: the comparison table, with and without topodim among the tools.

The tools here are trivial functions of a module written to a temporary directory; each
measurement still runs in a fresh process, as in a real comparison.
"""

import io
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
import harness  # noqa: E402

PEERS = '''
CASES = {"tiny": lambda small: list(range(10 if small else 1000))}
TOOLS = {"topodim": sum, "peer a": sorted, "peer b": max}
'''


@pytest.fixture
def module(tmp_path, monkeypatch):
    (tmp_path / "fake_peers.py").write_text(PEERS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the worker processes import it too
    import fake_peers

    return fake_peers


def _table(module, tools):
    out, log = io.StringIO(), io.StringIO()
    results = harness.compare("fake_peers", module.CASES, {t: module.TOOLS[t] for t in tools}, repeats=2,
                              timeout=60, out=out, log=log)
    return out.getvalue(), results


def test_table_with_peers_only(module):
    text, results = _table(module, ["peer a", "peer b"])
    lines = text.splitlines()
    assert lines[0] == "| case | peer a | peer b |"
    row = lines[2]
    assert row.startswith("| tiny | ") and "×" not in row and "n/a" not in row
    assert all(len(results[("tiny", t)]) == 2 for t in ("peer a", "peer b"))
    assert "over topodim's" not in text


def test_table_with_topodim_gives_ratios(module):
    text, _ = _table(module, ["topodim", "peer a"])
    row = text.splitlines()[2]
    assert row.count("×") == 1 and "(×" in row.split("|")[3]
    assert "over topodim's" in text


def test_unknown_tool_is_a_usage_error(module, capsys):
    with pytest.raises(SystemExit) as exc:
        harness.main("fake_peers", module.CASES, module.TOOLS, argv=["--tools", "nope"])
    assert exc.value.code == 2
    assert "unknown tool 'nope'; choose from: topodim, peer a, peer b" in capsys.readouterr().err
