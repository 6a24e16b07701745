"""Run a peer library's own public test suite against topodim through a renaming shim.

A *shim* is a package directory under ``tests/peers/shims/<name>/`` that is put first on
``PYTHONPATH`` in a subprocess, so that ``import ripser`` (say) inside the peer's unmodified test
files resolves to a thin module that only renames topodim's functions, arguments and result keys.
Nothing the shim cannot map is emulated: it raises ``ShimGap`` (neither ValueError nor
NotImplementedError), so a test that expects one of those cannot pass by accident.

Where the suites come from (none of their files are committed here):

* test files shipped inside an installed wheel (giotto-ph's ``gph/python/test``, scikit-dimension's
  ``skdim/tests``): found through ``importlib``;
* test files shipped only in a source distribution on PyPI (ripser.py): ``.ci/run`` downloads the
  sdist with ``pip download`` and unpacks it under ``tests/peers/_suites/`` (git-ignored);
  ``python tests/peers/fetch_suites.py`` does the same by hand.

A suite that cannot be found is skipped with the command that fetches it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PEERS = Path(__file__).resolve().parent
ROOT = PEERS.parent.parent
SUITES = PEERS / "_suites"
SHIMS = PEERS / "shims"


def installed_dir(module: str, *parts: str) -> Path | None:
    """The folder ``parts`` inside the installed package ``module``, or None."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    return p if p.is_dir() else None


def sdist_dir(name: str) -> Path | None:
    """The unpacked sdist folder of ``name`` under ``tests/peers/_suites``, or None."""
    if not SUITES.is_dir():
        return None
    hits = sorted(SUITES.glob(f"{name}-*"))
    return hits[-1] if hits else None


def run_suite(paths, shim: str | None, *, cwd: Path, extra_args=(), env=None, timeout=1800):
    """Run pytest on ``paths`` in a subprocess with the shim package ``shim`` first on the path.

    Returns ``{nodeid: outcome}`` with outcome one of "passed", "failed", "error", "skipped",
    read from a JUnit XML report, plus the subprocess output under the key ``"__output__"``.
    """
    env = dict(os.environ if env is None else env)
    path = [str(SHIMS / shim)] if shim else []
    path.append(str(ROOT))
    if env.get("PYTHONPATH"):
        path.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(path)
    report = cwd / ".peer-junit.xml" if os.access(cwd, os.W_OK) else Path(os.environ.get("TMPDIR", "/tmp")) / f"peer-{shim}.xml"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
           f"--junitxml={report}", "--rootdir", str(cwd), *extra_args, *map(str, paths)]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    out = {"__output__": proc.stdout[-20000:] + proc.stderr[-5000:]}
    if not report.exists():
        pytest.fail("the peer suite produced no report:\n" + out["__output__"])
    for case in ET.parse(report).getroot().iter("testcase"):
        nodeid = f"{case.get('classname')}::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
        out[nodeid] = outcome
    report.unlink(missing_ok=True)
    return out


def summary(results: dict) -> dict:
    """Counts of each outcome."""
    counts: dict = {}
    for k, v in results.items():
        if k != "__output__":
            counts[v] = counts.get(v, 0) + 1
    return counts
