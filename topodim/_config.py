"""Numba settings shared by every kernel module.

* ``njit`` / ``njit_parallel``: ``numba.njit`` with ``cache=True`` unless the environment variable
  ``TOPODIM_NUMBA_CACHE`` is ``0`` (then kernels compile in memory for each process).
  ``nogil=True`` so that callers can run kernels from Python threads.
* ``thread_limit(n_threads)``: the context manager every public entry point with parallel work uses
  to honour its ``n_threads`` argument and restore Numba's setting afterwards; under an
  address-space limit it first starts the thread pool, or raises ``MemoryError`` when the
  threads' stacks would not fit (see ``ensure_thread_pool``).
* ``cuda_module()``: the lazy import of :mod:`topodim.cuda`; nothing CUDA is imported otherwise.

Nothing here compiles anything: kernels are compiled on first call (and then loaded from the
on-disk cache in later processes).
"""

from __future__ import annotations

import contextlib
import functools
import os

import numba

__all__ = ["CACHE", "njit", "njit_parallel", "thread_limit", "resolve_n_threads", "max_threads",
           "start_thread_pool", "ensure_thread_pool", "address_space_headroom", "status_bytes",
           "ParallelOrSerial", "DeviceUnavailableError",
           "DEVICES", "check_device"]


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


def resolve_n_threads(n_threads, name: str = "n_threads") -> int:
    """Turn a user's ``n_threads`` into a thread count in ``[1, max_threads()]``.

    ``None`` or ``-1`` mean all of Numba's threads; other negative values count back from it as in
    joblib (``-2`` is all but one). ``name`` is the parameter named in error messages.
    """
    limit = max_threads()
    if n_threads is None:
        return limit
    if isinstance(n_threads, bool) or not isinstance(n_threads, (int,)) and not hasattr(
        n_threads, "__index__"
    ):
        raise TypeError(f"{name} must be an integer or None, got {type(n_threads).__name__}")
    n_threads = int(n_threads)
    if n_threads == 0:
        raise ValueError(f"{name} must be a positive integer, -1 (all threads) or None, got 0")
    if n_threads < 0:
        n_threads = max(1, limit + 1 + n_threads)
    return min(n_threads, limit)


@njit_parallel
def _touch_threads(out):
    for i in numba.prange(out.shape[0]):
        out[i] = i


def start_thread_pool(n_threads: int | None = None) -> None:
    """Run a trivial parallel region on ``n_threads`` threads (default all of Numba's), so that
    the worker threads exist from now on (later parallel regions reuse them)."""
    import numpy as np  # noqa: PLC0415

    n = max_threads() if n_threads is None else int(n_threads)
    previous = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        _touch_threads(np.zeros(4 * n, dtype=np.int64))
    finally:
        numba.set_num_threads(previous)


def status_bytes(key: str):
    """A ``kB`` line of /proc/self/status (VmSize, VmRSS, VmHWM ...) in bytes; None if unknown."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def address_space_headroom():
    """Bytes of address space this process may still map under RLIMIT_AS (``ulimit -v``): the
    soft limit minus the current VmSize; None without such a limit (or a way to read it)."""
    try:
        import resource  # noqa: PLC0415  (POSIX only)

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, AttributeError):
        return None
    if soft == resource.RLIM_INFINITY or soft < 0:
        return None
    used = status_bytes("VmSize")
    if used is None:
        return None
    return max(int(soft) - used, 0)


def thread_stack_bytes() -> int:
    """The stack an OpenMP worker thread reserves: GOMP_STACKSIZE / OMP_STACKSIZE, else the
    RLIMIT_STACK soft limit, else 8 MiB."""
    for var in ("GOMP_STACKSIZE", "OMP_STACKSIZE"):
        v = os.environ.get(var, "").strip().upper()
        if v:
            mult = {"B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
            unit = v[-1] if v[-1] in mult else "K"
            try:
                return int(float(v.rstrip("BKMG")) * mult[unit])
            except ValueError:
                break
    try:
        import resource  # noqa: PLC0415

        soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
        if soft != resource.RLIM_INFINITY and soft > 0:
            return int(soft)
    except (ImportError, OSError, ValueError, AttributeError):
        pass
    return 8 << 20


#: Address space left free after the thread pool's stacks when it is started under RLIMIT_AS.
POOL_SLACK = 16 << 20

_pool_started = 1  # threads known to exist (the calling thread)


def ensure_thread_pool(n_threads: int) -> None:
    """Under an address-space limit (``ulimit -v``), start ``n_threads`` worker threads now if
    their stacks fit, else raise ``MemoryError``.

    OpenMP starts its workers at the first parallel region; when their stacks do not fit in the
    address space left, libgomp ends the process ("Thread creation failed") instead of raising.
    So under a limit the pool is started here, after a check, before any kernel runs; later
    parallel regions reuse the workers. Without a limit nothing is done."""
    global _pool_started
    if n_threads <= _pool_started:
        return
    room = address_space_headroom()
    if room is None:
        return
    need = (n_threads - _pool_started) * thread_stack_bytes() + POOL_SLACK
    if room < need:
        raise MemoryError(
            f"{n_threads} threads need about {need / 2**20:.0f} MB of address space for their "
            f"stacks but only {room / 2**20:.0f} MB is left under the address-space limit "
            "(ulimit -v); raise the limit, or pass n_threads=1 (or set NUMBA_NUM_THREADS=1)"
        )
    start_thread_pool(n_threads)
    _pool_started = n_threads


@contextlib.contextmanager
def thread_limit(n_threads):
    """Run the body with Numba's thread count set to ``n_threads`` (see ``resolve_n_threads``)."""
    n = resolve_n_threads(n_threads)
    ensure_thread_pool(n)
    previous = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield n
    finally:
        numba.set_num_threads(previous)


class ParallelOrSerial:
    """Chooses, batch by batch, whether a parallel stage runs on all threads or on one.

    On an idle machine the parallel kernels are faster, but when other processes keep the cores
    busy a descheduled thread stalls every barrier and one thread can be several times faster
    (measured on the 2-core development machine). So the caller times each batch and reports its
    work: the mode with the higher rate (work per second) is kept, and the other mode is probed
    when it has no rate yet, then at intervals that double (up to 64 batches) while it loses.
    The parallel and serial kernels of every caller compute the same values, so the choice never
    changes a result. Run the first parallel batch before using this (it starts the thread pool,
    which would distort its rate).

    Usage::

        chooser = ParallelOrSerial()
        for batch in batches:
            parallel = chooser.next_mode()
            t0 = time.perf_counter()
            run(batch, n_threads if parallel else 1)
            chooser.record(parallel, work_of(batch), time.perf_counter() - t0)
    """

    def __init__(self, enabled: bool = True):
        self.enabled = enabled  # False: always serial (one thread available)
        self.parallel = enabled  # the current mode
        self.rate = {True: None, False: None}
        self.probing = False  # whether the batch of the last next_mode() is a probe
        self._since_probe = 0
        self._interval = 2

    def next_mode(self) -> bool:
        """True: run the next batch in parallel; False: on one thread."""
        self.probing = self.enabled and (self.rate[not self.parallel] is None
                                         or self._since_probe >= self._interval)
        return (not self.parallel) if self.probing else self.parallel

    def record(self, parallel: bool, work: float, seconds: float) -> None:
        """Report the batch just run in mode ``parallel``: ``work`` units in ``seconds``."""
        self.rate[parallel] = work / max(seconds, 1e-9)
        if not self.probing:
            self._since_probe += 1
            return
        self._since_probe = 0
        if self.rate[self.parallel] is None or self.rate[parallel] > self.rate[self.parallel]:
            self.parallel, self._interval = parallel, 2
        else:
            self._interval = min(2 * self._interval, 64)


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


def cuda_module():
    """Import and return :mod:`topodim.cuda` (which imports numba-cuda) on first use."""
    from . import cuda  # noqa: PLC0415  (lazy on purpose)

    return cuda
