"""Process-wide settings (environment variables read once, at import) and the device argument.

* ``njit`` / ``njit_parallel``: ``numba.njit`` with ``cache=True`` unless the environment variable
  ``TOPODIM_NUMBA_CACHE`` is ``0`` (defined in :mod:`topodim._kernels._jit`, re-exported here and
  imported on first access, so that importing this module for the device names, the memory limit
  or :class:`DeviceUnavailableError` does not import Numba; the command line parses its arguments
  without it).
* ``MEMORY_LIMIT``: ``TOPODIM_MEMORY_LIMIT`` (bytes), read at import, or None; it replaces the
  detected available memory in :func:`topodim._validate.memory_limit`.
* Threads (``thread_limit``, ``resolve_n_threads``, ``ParallelOrSerial`` and the thread-pool
  helpers) live in :mod:`topodim._parallel`, which states the parallel policy.

Nothing here compiles anything: kernels are compiled on first call (and then loaded from the
on-disk cache in later processes).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first access by __getattr__ below
    from ._kernels._jit import CACHE, njit, njit_inner, njit_parallel

__all__ = ["CACHE", "njit", "njit_inner", "njit_parallel", "MEMORY_LIMIT", "DeviceUnavailableError",
           "DEVICES", "check_device"]


#: names of :mod:`topodim._kernels._jit` re-exported here, imported on first access (PEP 562)
_JIT_NAMES = ("CACHE", "njit", "njit_inner", "njit_parallel")


def __getattr__(name):
    if name in _JIT_NAMES:
        from ._kernels._jit import CACHE, njit, njit_inner, njit_parallel  # noqa: PLC0415

        globals().update(CACHE=CACHE, njit=njit, njit_inner=njit_inner, njit_parallel=njit_parallel)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _memory_limit_env():
    value = os.environ.get("TOPODIM_MEMORY_LIMIT", "").strip()
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError:
        raise ValueError(
            f"TOPODIM_MEMORY_LIMIT must be a number of bytes, got {value!r}; unset it or give "
            "an integer such as 8000000000"
        ) from None


#: ``TOPODIM_MEMORY_LIMIT`` in bytes (read once, at import), or None when unset. It replaces the
#: detected available memory in the checks made before large allocations.
MEMORY_LIMIT = _memory_limit_env()


class DeviceUnavailableError(RuntimeError):
    """``device="cuda"`` was asked for, but numba-cuda finds no usable GPU (the message says what
    is missing). Defined here, not in :mod:`topodim.cuda`, so that catching it imports nothing."""


#: Values of every ``device`` argument ("auto": the GPU when usable, else the CPU with a warning).
DEVICES = ("cpu", "cuda", "auto")


def check_device(device) -> str:
    """Validate a ``device`` argument; returns "cpu", "cuda" or "auto" (lower case)."""
    if not isinstance(device, str):
        raise TypeError(f"device must be 'cpu', 'cuda' or 'auto', got {type(device).__name__} {device!r}")
    d = device.strip().lower()
    if d not in DEVICES:
        raise ValueError(f"device must be 'cpu', 'cuda' or 'auto', got {device!r}")
    return d

