"""Numba compile time: the first call in a fresh process without the on-disk cache, and the same
call in a process that loads the cache (what a user pays on every new Python session).

Both are measured above the time of ``import numpy, scipy, numba, topodim`` in a fresh process.
This module is the one place that measures compile time: ``bench/compare_rips.py --compile``
prints its table from :func:`compile_seconds`.
"""

import os
import subprocess
import sys
import tempfile
import time

SMOKE = os.environ.get("TOPODIM_BENCH_SMOKE") == "1"

_RIPSER = "import numpy as np, topodim; topodim.ripser(np.random.default_rng(0).random((100, 3)), maxdim={})"
SNIPPETS = {
    "ph0": "import numpy as np, topodim; topodim.ph0(np.random.default_rng(0).random((600, 3)))",
    "ph0_prim_r50": "import numpy as np, topodim; topodim.ph0(np.random.default_rng(0).random((600, 50)))",
    "ph_dimension": ("import numpy as np, topodim; "
                     "topodim.ph_dimension(np.random.default_rng(0).random((1000, 3)), random_state=0)"),
    "ripser_maxdim1": _RIPSER.format(1),
    "ripser_maxdim2": _RIPSER.format(2),
}
BASELINE = "import numpy, scipy, numba, topodim"


def run_seconds(snippet, env=None):
    """Wall time of ``python -c snippet`` in a fresh process."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", snippet], check=True, env=dict(os.environ) if env is None else env,
                   capture_output=True)
    return time.perf_counter() - t0


def compile_seconds(snippet, baseline, cache_dir):
    """(cold, cached): the snippet's time without the on-disk cache, and in a second process
    after a first one filled ``cache_dir``, both minus ``baseline`` (seconds)."""
    cold = run_seconds(snippet, dict(os.environ, TOPODIM_NUMBA_CACHE="0")) - baseline
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, TOPODIM_NUMBA_CACHE="1")
    run_seconds(snippet, env)  # fills the cache
    return cold, run_seconds(snippet, env) - baseline


class Compile:
    params = (list(SNIPPETS),)
    param_names = ["call"]
    number = 1
    repeat = 1
    timeout = 900

    def setup(self, call):
        self.cache_dir = tempfile.mkdtemp(prefix="topodim-numba-cache-")
        self.base = run_seconds(BASELINE)

    def track_first_call_without_cache(self, call):
        return run_seconds(SNIPPETS[call], dict(os.environ, TOPODIM_NUMBA_CACHE="0")) - self.base

    track_first_call_without_cache.unit = "seconds"

    def track_first_call_with_warm_cache(self, call):
        env = dict(os.environ, NUMBA_CACHE_DIR=self.cache_dir, TOPODIM_NUMBA_CACHE="1")
        run_seconds(SNIPPETS[call], env)  # fills the cache
        return run_seconds(SNIPPETS[call], env) - self.base

    track_first_call_with_warm_cache.unit = "seconds"
