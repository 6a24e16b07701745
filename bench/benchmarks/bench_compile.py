"""Numba compile time: the first call in a fresh process without the on-disk cache, and the same
call in a process that loads the cache (what a user pays on every new Python session)."""

import os
import subprocess
import sys
import tempfile
import time

SNIPPETS = {
    "ph0": "import numpy as np, topodim; topodim.ph0(np.random.default_rng(0).random((600, 3)))",
    "ph0_prim_r50": "import numpy as np, topodim; topodim.ph0(np.random.default_rng(0).random((600, 50)))",
}


def _run(snippet, env):
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", snippet], check=True, env=env, capture_output=True)
    return time.perf_counter() - t0


class Compile:
    params = (list(SNIPPETS),)
    param_names = ["call"]
    number = 1
    repeat = 1
    timeout = 600

    def setup(self, call):
        self.cache_dir = tempfile.mkdtemp(prefix="topodim-numba-cache-")
        self.base = _run("import numpy, scipy, numba", dict(os.environ))  # interpreter + imports

    def track_first_call_without_cache(self, call):
        env = dict(os.environ, TOPODIM_NUMBA_CACHE="0")
        return _run(SNIPPETS[call], env) - self.base

    track_first_call_without_cache.unit = "seconds"

    def track_first_call_with_warm_cache(self, call):
        env = dict(os.environ, NUMBA_CACHE_DIR=self.cache_dir, TOPODIM_NUMBA_CACHE="1")
        _run(SNIPPETS[call], env)  # fills the cache
        return _run(SNIPPETS[call], env) - self.base

    track_first_call_with_warm_cache.unit = "seconds"
