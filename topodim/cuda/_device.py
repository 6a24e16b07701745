"""Device selection and device-memory lifetime for topodim's CUDA paths.

Nothing here imports :mod:`numba.cuda` at module import: :func:`cuda_status` imports it on first
call, and only when a caller asked for ``device="cuda"`` or ``device="auto"``. The kernel modules
of :mod:`topodim.cuda` (``distances``, ``mst``, ``phdim``, ``rips``) import it at their top and are
only imported after :func:`select_device` said "cuda".

``device`` values (every public entry point with a CUDA path takes the same three):

``"cpu"`` (the default)
    The CPU engines; numba-cuda is never imported.
``"cuda"``
    The GPU through numba-cuda. Without numba-cuda, without a driver / GPU, or without the CUDA
    compiler library (libNVVM), a one-line ``RuntimeError`` says what is missing and how to
    install it. With ``NUMBA_ENABLE_CUDASIM=1`` in the environment (set before anything imports
    numba.cuda) numba-cuda's simulator runs the kernels on the CPU (slowly: ~1e5 times slower
    than a GPU; for tests on tiny inputs).
``"auto"``
    The GPU when numba-cuda finds one, otherwise the CPU; the first fallback in a process says
    so once through ``warnings`` (:class:`DeviceFallbackWarning`).

Device memory: every CUDA call allocates its device arrays through a :class:`DeviceScope` and
releases them when it returns (the references are dropped and numba-cuda's deferred deallocation
queue is flushed), so repeated calls do not accumulate device memory. :func:`memory_stats` counts
the arrays allocated and still alive (the simulator has no memory manager to ask; the counters
work on both).
"""

from __future__ import annotations

import os
import threading
import warnings
import weakref

from .._config import DEVICES, DeviceUnavailableError, check_device  # noqa: F401  (re-exported)

__all__ = [
    "DEVICES",
    "DeviceFallbackWarning",
    "DeviceScope",
    "check_device",
    "cuda_status",
    "select_device",
    "simulator_enabled",
    "memory_stats",
]


INSTALL_HINT = (
    "install numba-cuda with the CUDA libraries matching your driver: "
    "pip install 'numba-cuda[cu12]' (or [cu13]), or pip install 'topodim[cuda]' plus the CUDA toolkit"
)


class DeviceFallbackWarning(UserWarning):
    """``device="auto"`` found no usable GPU and runs on the CPU (said once per process)."""


_lock = threading.Lock()
_status = None  # (usable: bool, description: str), computed once per process
_warned = False


def simulator_enabled() -> bool:
    """Whether numba-cuda runs (or will run) its CPU simulator (``NUMBA_ENABLE_CUDASIM``)."""
    value = os.environ.get("NUMBA_ENABLE_CUDASIM", "0").strip()
    try:
        return int(value) != 0
    except ValueError:
        return False


def _probe():
    try:
        from numba import cuda  # noqa: PLC0415  (the lazy import of numba-cuda)
    except ImportError as exc:
        return False, f"numba-cuda is not installed or not importable ({exc}); {INSTALL_HINT}"
    except Exception as exc:  # noqa: BLE001 - a broken installation must not crash device="auto"
        return False, f"numba-cuda failed to import ({type(exc).__name__}: {exc}); {INSTALL_HINT}"
    if simulator_enabled():
        return True, "numba-cuda simulator (NUMBA_ENABLE_CUDASIM=1)"
    try:
        from numba.cuda.cudadrv import driver  # noqa: PLC0415

        driver_ok = bool(driver.driver.is_available)
    except Exception:  # noqa: BLE001
        driver_ok = False
    if not driver_ok:
        detail = ""
        try:
            detail = (cuda.cuda_error() or "").strip().replace("\n", " ")
        except Exception:  # noqa: BLE001
            pass
        detail = f" ({detail})" if detail else ""
        return False, (f"numba-cuda found no CUDA GPU or driver{detail}; check the NVIDIA driver "
                       "(nvidia-smi) or use device='cpu'")
    try:
        from numba.cuda.cudadrv import nvvm  # noqa: PLC0415

        nvvm_ok = bool(nvvm.is_available())
    except Exception:  # noqa: BLE001
        nvvm_ok = False
    if not nvvm_ok:
        return False, f"numba-cuda found a GPU but not libNVVM, the CUDA compiler library; {INSTALL_HINT}"
    try:
        dev = cuda.get_current_device()
        name = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
        cc = dev.compute_capability
    except Exception as exc:  # noqa: BLE001
        return False, f"numba-cuda could not open the GPU ({type(exc).__name__}: {exc}); use device='cpu'"
    return True, f"{name} (compute capability {cc[0]}.{cc[1]})"


def cuda_status(refresh: bool = False):
    """``(usable, description)`` of the CUDA device (probed once per process).

    ``description`` names the GPU when usable, otherwise says in one line what is missing and how
    to install it. Importing numba-cuda happens here, never at ``import topodim``.
    """
    global _status
    with _lock:
        if _status is None or refresh:
            _status = _probe()
        return _status


def select_device(device) -> str:
    """Resolve a ``device`` argument to "cpu" or "cuda" (raising or warning as documented)."""
    global _warned
    d = check_device(device)
    if d == "cpu":
        return "cpu"
    ok, why = cuda_status()
    if ok:
        return "cuda"
    if d == "cuda":
        raise DeviceUnavailableError(f"device='cuda' is not available: {why}")
    with _lock:
        first = not _warned
        _warned = True
    if first:
        from .._validate import warn  # noqa: PLC0415  (points at the caller's line)

        warn(f"device='auto' runs on the CPU: {why}", DeviceFallbackWarning)
    return "cpu"


# ------------------------------------------------------------------------------------------
# device memory
# ------------------------------------------------------------------------------------------

_counters = {"allocated": 0, "freed": 0, "live_bytes": 0, "scopes": 0}


def _on_free(nbytes):
    with _lock:
        _counters["freed"] += 1
        _counters["live_bytes"] -= nbytes


def memory_stats() -> dict:
    """Counters of the device arrays topodim allocated: ``allocated``, ``freed``, ``live``
    (allocated - freed), ``live_bytes`` and ``scopes`` (calls that used the device)."""
    with _lock:
        out = dict(_counters)
    out["live"] = out["allocated"] - out["freed"]
    return out


class DeviceScope:
    """Owner of the device arrays of one call; frees them when the ``with`` block ends.

    Use ``to_device`` / ``empty`` / ``full`` instead of numba-cuda's functions so that every array
    is counted; at exit the references are dropped and (on a real GPU) numba-cuda's deferred
    deallocations are flushed, so the memory is returned to the driver before the call returns.
    """

    def __init__(self):
        from numba import cuda  # noqa: PLC0415

        self._cuda = cuda
        self._arrays = []
        self.stream = 0

    def __enter__(self):
        with _lock:
            _counters["scopes"] += 1
        # numba-cuda's low-occupancy notes ("Grid size N will likely result in GPU
        # under-utilization") on the small bookkeeping launches are noise for topodim's users
        self._quiet = warnings.catch_warnings()
        self._quiet.__enter__()
        try:
            from numba.cuda.core.errors import NumbaPerformanceWarning  # noqa: PLC0415

            warnings.filterwarnings("ignore", category=NumbaPerformanceWarning)
        except ImportError:  # pragma: no cover - other numba-cuda layouts
            pass
        return self

    def _track(self, arr):
        nbytes = int(arr.size) * int(arr.dtype.itemsize)
        with _lock:
            _counters["allocated"] += 1
            _counters["live_bytes"] += nbytes
        weakref.finalize(arr, _on_free, nbytes)
        self._arrays.append(arr)
        return arr

    def to_device(self, a):
        import numpy as np  # noqa: PLC0415

        return self._track(self._cuda.to_device(np.ascontiguousarray(a)))

    def empty(self, shape, dtype):
        return self._track(self._cuda.device_array(shape, dtype=dtype))

    def release(self, arr):
        """Drop one array before the scope ends (large temporaries)."""
        for k, a in enumerate(self._arrays):
            if a is arr:
                del self._arrays[k]
                break

    def __exit__(self, *exc):
        self._arrays.clear()
        quiet = getattr(self, "_quiet", None)
        if quiet is not None:
            self._quiet = None
            quiet.__exit__(None, None, None)
        if not simulator_enabled():
            try:
                ctx = self._cuda.current_context()
                ctx.synchronize()
                # device frees wait in the memory manager's queue (numba-cuda's default manager;
                # an external one, e.g. RMM, frees by itself), other resources in the context's
                mm = getattr(ctx, "memory_manager", None)
                for queue in (getattr(mm, "deallocations", None), getattr(ctx, "deallocations", None)):
                    if queue is not None:
                        queue.clear()
            except Exception:  # noqa: BLE001 - freeing must never mask the real error
                pass
        return False


def device_free_bytes():
    """Free device memory in bytes (None under the simulator / when unknown)."""
    if simulator_enabled():
        return None
    try:
        from numba import cuda  # noqa: PLC0415

        return int(cuda.current_context().get_memory_info()[0])
    except Exception:  # noqa: BLE001
        return None


def check_device_memory(nbytes: int, what: str, way_out: str) -> None:
    """Raise ``MemoryError`` (one line, naming the way out) before allocating ``nbytes`` on a
    GPU that has less free memory; nothing under the simulator or when the size is unknown."""
    free = device_free_bytes()
    if free is not None and nbytes > free:
        from .._validate import format_bytes  # noqa: PLC0415

        raise MemoryError(f"{what} needs {format_bytes(nbytes)} of GPU memory but only "
                          f"{format_bytes(free)} is free; {way_out}")

