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


def cold_seconds(snippet, baseline):
    """The snippet's time in a fresh process without the on-disk cache, minus ``baseline``."""
    return run_seconds(snippet, dict(os.environ, TOPODIM_NUMBA_CACHE="0")) - baseline


def cached_seconds(snippet, baseline, cache_dir):
    """The snippet's time in a second process after a first one filled ``cache_dir``, minus
    ``baseline``."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, TOPODIM_NUMBA_CACHE="1")
    run_seconds(snippet, env)  # fills the cache
    return run_seconds(snippet, env) - baseline


def compile_seconds(snippet, baseline, cache_dir):
    """(cold, cached): :func:`cold_seconds` and :func:`cached_seconds` (seconds)."""
    return cold_seconds(snippet, baseline), cached_seconds(snippet, baseline, cache_dir)


class Compile:
    """The first call without the cache and with a warm one, above the import time."""

    params = (list(SNIPPETS),)
    param_names = ["call"]
    number = 1
    repeat = 1
    timeout = 900

    def setup(self, call):
        self.cache_dir = tempfile.mkdtemp(prefix="topodim-numba-cache-")
        self.base = run_seconds(BASELINE)

    def track_first_call_without_cache(self, call):
        return cold_seconds(SNIPPETS[call], self.base)

    track_first_call_without_cache.unit = "seconds"

    def track_first_call_with_warm_cache(self, call):
        return cached_seconds(SNIPPETS[call], self.base, self.cache_dir)

    track_first_call_with_warm_cache.unit = "seconds"
