"""``topodim warmup`` compiles kernels into Numba's on-disk cache; a second run compiles nothing."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _warmup(*args, cache_dir, **env):
    proc = subprocess.run([sys.executable, "-m", "topodim", "warmup", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=1800, env={**os.environ, "NUMBA_CACHE_DIR": str(cache_dir), **env})
    return proc.returncode, proc.stdout, proc.stderr


def test_warmup_fills_a_fresh_cache_and_the_next_run_loads_it(tmp_path):
    rc, out, err = _warmup("--only", "ph0", "-v", cache_dir=tmp_path)
    assert rc == 0, err
    n = int(re.search(r"^ph0: (\d+) specialisations of (\d+) kernels", out, re.M).group(1))
    assert n > 0
    assert "topodim.mst." in out  # the verbose list names the kernels
    index = list(tmp_path.rglob("*.nbi"))
    assert len(index) >= 3 and list(tmp_path.rglob("*.nbc"))
    rc, out, err = _warmup("--only", "ph0", cache_dir=tmp_path)
    assert rc == 0, err
    assert re.search(r"^total: 0 specialisations", out, re.M), out


def test_warmup_rejects_unknown_group_and_disabled_cache(tmp_path):
    rc, _, err = _warmup("--only", "rips,nope", cache_dir=tmp_path)
    assert rc == 2 and err.strip().splitlines() == [
        "topodim: error: unknown warmup group 'nope'; choose from: rips, ph0, dimension, filtrations"]
    rc, _, err = _warmup("--dtypes", "int8", cache_dir=tmp_path)
    assert rc == 2 and "unknown dtype 'int8'" in err
    rc, _, err = _warmup("--only", "ph0", cache_dir=tmp_path, TOPODIM_NUMBA_CACHE="0")
    assert rc == 2 and "TOPODIM_NUMBA_CACHE" in err
    assert not list(tmp_path.rglob("*.nbc"))  # nothing compiled into the cache
