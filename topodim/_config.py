"""Numba settings shared by every kernel module.

* ``njit`` / ``njit_parallel``: ``numba.njit`` with ``cache=True`` unless the environment variable
  ``TOPODIM_NUMBA_CACHE`` is ``0`` (then kernels compile in memory for each process).
  ``nogil=True`` so that callers can run kernels from Python threads.
* ``thread_limit(n_threads)``: the context manager every public entry point with parallel work uses
  to honour its ``n_threads`` argument and restore Numba's setting afterwards.
* ``cuda_module()``: the lazy import of :mod:`topodim.cuda`; nothing CUDA is imported otherwise.

Nothing here compiles anything: kernels are compiled on first call (and then loaded from the
on-disk cache in later processes).
"""

from __future__ import annotations

import contextlib
import functools
import os

import numba

__all__ = ["CACHE", "njit", "njit_parallel", "thread_limit", "resolve_n_threads", "max_threads"]


def _cache_enabled() -> bool:
    value = os.environ.get("TOPODIM_NUMBA_CACHE", "1").strip().lower()
    return value not in ("0", "false", "no", "off")


CACHE = _cache_enabled()

#: Serial kernels. ``error_model="numpy"`` avoids a ZeroDivisionError check in every division.
njit = functools.partial(numba.njit, cache=CACHE, nogil=True, error_model="numpy")

#: Kernels with ``prange`` loops. Only race-free patterns: each iteration writes its own slots.
njit_parallel = functools.partial(
    numba.njit, cache=CACHE, nogil=True, parallel=True, error_model="numpy"
)


def max_threads() -> int:
    """The number of threads Numba was started with (``NUMBA_NUM_THREADS``)."""
    return int(numba.config.NUMBA_NUM_THREADS)


def resolve_n_threads(n_threads) -> int:
    """Turn a user's ``n_threads`` into a thread count in ``[1, max_threads()]``.

    ``None`` or ``-1`` mean all of Numba's threads; other negative values count back from it as in
    joblib (``-2`` is all but one).
    """
    limit = max_threads()
    if n_threads is None:
        return limit
    if isinstance(n_threads, bool) or not isinstance(n_threads, (int,)) and not hasattr(
        n_threads, "__index__"
    ):
        raise TypeError(f"n_threads must be an integer or None, got {type(n_threads).__name__}")
    n_threads = int(n_threads)
    if n_threads == 0:
        raise ValueError("n_threads must be a positive integer, -1 (all threads) or None, got 0")
    if n_threads < 0:
        n_threads = max(1, limit + 1 + n_threads)
    return min(n_threads, limit)


@contextlib.contextmanager
def thread_limit(n_threads):
    """Run the body with Numba's thread count set to ``n_threads`` (see ``resolve_n_threads``)."""
    n = resolve_n_threads(n_threads)
    previous = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield n
    finally:
        numba.set_num_threads(previous)


def cuda_module():
    """Import and return :mod:`topodim.cuda` (which imports numba-cuda) on first use."""
    from . import cuda  # noqa: PLC0415  (lazy on purpose)

    return cuda
