"""bench/regress: the arguments it takes, the asv commands it builds, and its errors on bad refs.

Only ``--dry-run`` and failing calls run here: nothing is built or timed.
"""

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "regress"


def _git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


pytestmark = pytest.mark.skipif(shutil.which("git") is None or _git("rev-parse", "HEAD~1").returncode != 0,
                                reason="needs a git checkout with at least two commits")


def regress(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def commands(out):
    """The asv commands a dry run prints, as argument lists."""
    return [shlex.split(line[2:]) for line in out.stdout.splitlines() if line.startswith("+ ")]


def test_help_names_both_commands():
    out = regress("--help")
    assert out.returncode == 0
    assert "compare" in out.stdout and "history" in out.stdout


def test_compare_builds_asv_continuous_with_factor_and_noise_handling():
    out = regress("compare", "HEAD~1", "HEAD", "--dry-run", "-b", "PairwiseDistances", "--", "--quick")
    assert out.returncode == 0, out.stderr
    (cmd,) = commands(out)
    i = cmd.index("continuous")
    assert cmd[i + 1:i + 3] == ["--factor", "1.2"]
    assert "--split" in cmd and "--interleave-rounds" in cmd and "--no-only-changed" in cmd
    assert cmd[cmd.index("-a") + 1] == "rounds=4"
    assert cmd[cmd.index("-b") + 1] == "PairwiseDistances"
    assert "--quick" in cmd                      # passed through after --
    assert cmd[-2:] == ["HEAD~1", "HEAD"]


def test_compare_options_reach_asv():
    out = regress("compare", "HEAD~1", "HEAD", "--dry-run", "--factor", "1.5", "--rounds", "1")
    assert out.returncode == 0, out.stderr
    (cmd,) = commands(out)
    assert cmd[cmd.index("--factor") + 1] == "1.5"
    assert cmd[cmd.index("-a") + 1] == "rounds=1"
    assert "--interleave-rounds" not in cmd     # nothing to interleave with one round


def test_history_runs_then_publishes():
    out = regress("history", "HEAD~1..HEAD", "--dry-run", "--steps", "2")
    assert out.returncode == 0, out.stderr
    run, publish = commands(out)
    assert run[-1] == "HEAD~1..HEAD"
    assert run[run.index("--steps") + 1] == "2"
    assert "publish" in publish


@pytest.mark.parametrize("args, message", [
    (["compare", "no-such-ref-xyz"], "unknown git ref 'no-such-ref-xyz'"),
    (["compare", "HEAD~1", "no-such-ref-xyz"], "unknown git ref 'no-such-ref-xyz'"),
    (["compare", "HEAD", "HEAD"], "the same commit"),
    (["compare", "HEAD~1", "HEAD", "--factor", "0.9"], "--factor must be above 1"),
    (["history", "no-such-ref-xyz..HEAD"], "unknown git ref 'no-such-ref-xyz'"),
    (["history", "HEAD..HEAD~1"], "holds no commits"),
    (["history", "HEAD~1..HEAD", "--threads", "0"], "--threads must be at least 1"),
])
def test_bad_arguments_fail_in_one_line_before_running_asv(args, message):
    out = regress(*args, "--dry-run")
    assert out.returncode == 2
    assert out.stdout == ""                      # no asv command was even printed
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr


def test_missing_range_is_a_usage_error():
    out = regress("history")
    assert out.returncode == 2
    assert "range" in out.stderr
