"""The Numba decorators of every topodim kernel, and the one reading of ``TOPODIM_NUMBA_CACHE``.

``njit`` / ``njit_parallel`` are ``numba.njit`` with ``cache=True`` unless the environment variable
``TOPODIM_NUMBA_CACHE`` is ``0`` (then kernels compile in memory for each process), ``nogil=True``
(callers may run kernels from Python threads) and ``error_model="numpy"`` (no ZeroDivisionError
check in every division). They live here, at the bottom of the layers, so that the shared kernels
use them without importing anything above; :mod:`topodim._config` re-exports them.
"""

from __future__ import annotations

import functools
import os

import numba

__all__ = ["CACHE", "njit", "njit_inner", "njit_parallel"]


def _cache_enabled() -> bool:
    value = os.environ.get("TOPODIM_NUMBA_CACHE", "1").strip().lower()
    return value not in ("0", "false", "no", "off")


CACHE = _cache_enabled()

#: Serial kernels.
njit = functools.partial(numba.njit, cache=CACHE, nogil=True, error_model="numpy")

#: Kernels with ``prange`` loops. Only race-free patterns: each iteration writes its own slots.
njit_parallel = functools.partial(
    numba.njit, cache=CACHE, nogil=True, parallel=True, error_model="numpy"
)

#: Kernels called only from other kernels: no Python / C wrappers, so less to compile.
njit_inner = njit(no_cpython_wrapper=True, no_cfunc_wrapper=True)
