"""The parallel policy: how many threads a call uses, and when a stage runs on one.

Policy (the default)
--------------------
A call runs on ``n_threads`` threads (:func:`resolve_n_threads`; ``None`` is all of Numba's),
set for its duration by :func:`thread_limit`. A stage whose work is below a fixed threshold runs
on one thread; the thresholds are the constants of :mod:`topodim._tuning`. Nothing is measured at
run time, so a call behaves the same way on any machine and any load, and every kernel gives the
same values on any number of threads (each thread writes its own slots; merges are serial and
ordered), so the thread count never changes a result.

Why thresholds: a ``prange`` inside a long sequential loop (one parallel region per Prim step,
say) pays a thread launch and a barrier per iteration. With little work per iteration the barrier
costs more than the other threads save; and when other processes keep the cores busy, a
descheduled thread stalls every barrier, so fine-grained parallel regions can run many times
slower than one thread. Stages therefore parallelise over independent work (subsamples, blocks of
rows, whole columns) where they can, and fine-grained ones only above a work threshold.

Adaptive mode (opt-in)
----------------------
``TOPODIM_ADAPTIVE_THREADS=1`` in the environment (read once, at import) or ``adaptive=True``
where a function takes it turns on two load-dependent behaviours for callers who share a busy
machine: ``n_threads=None`` becomes one thread when the 1-minute load average reaches the CPUs
this process may use (:func:`default_threads`), and batched stages time each batch and keep the
faster of one thread and all (:class:`ParallelOrSerial`). Results are the same; only the speed
then depends on the neighbours.
"""

from __future__ import annotations

import contextlib
import os
import time

import numba
import numpy as np

from ._kernels._jit import njit_parallel
from ._tuning import BATCHES, SERIAL_WORK

__all__ = ["ADAPTIVE", "is_adaptive", "max_threads", "resolve_n_threads", "thread_limit", "start_thread_pool",
           "one_thread", "shells_forced", "parallel_shells", "ensure_thread_pool", "thread_stack_bytes", "address_space_headroom", "status_bytes",
           "ParallelOrSerial", "FixedMode", "mode_chooser", "default_threads", "run_batches"]


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "0").strip().lower() in ("1", "true", "yes", "on")


#: Whether the load-dependent behaviours are on by default (``TOPODIM_ADAPTIVE_THREADS``).
ADAPTIVE = _env_flag("TOPODIM_ADAPTIVE_THREADS")


def is_adaptive(adaptive=None) -> bool:
    """Whether a call runs in adaptive mode: ``adaptive`` when given, else :data:`ADAPTIVE`."""
    return ADAPTIVE if adaptive is None else bool(adaptive)


# ------------------------------------------------------------------------------------------
# thread counts
# ------------------------------------------------------------------------------------------


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


def default_threads(n_threads, adaptive=None):
    """``n_threads`` as given, except ``None`` in adaptive mode on a busy machine: then 1.

    Busy: the 1-minute load average reaches the number of CPUs this process may use plus a half.
    An explicit ``n_threads`` is always honoured.
    """
    if n_threads is not None or not is_adaptive(adaptive):
        return n_threads
    try:
        load = os.getloadavg()[0]
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    except (OSError, AttributeError):  # pragma: no cover - platform without load averages
        return None
    return 1 if cpus and load >= cpus + 0.5 else None


# ------------------------------------------------------------------------------------------
# the thread pool
# ------------------------------------------------------------------------------------------


@njit_parallel
def _touch_threads(out):
    for i in numba.prange(out.shape[0]):
        out[i] = i


def start_thread_pool(n_threads: int | None = None) -> None:
    """Run a trivial parallel region on ``n_threads`` threads (default all of Numba's), so that
    the worker threads exist from now on (later parallel regions reuse them)."""
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
    """Run the body with Numba's thread count set to ``n_threads`` (see ``resolve_n_threads``);
    under an address-space limit the pool is started first (:func:`ensure_thread_pool`)."""
    n = resolve_n_threads(n_threads)
    ensure_thread_pool(n)
    previous = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield n
    finally:
        numba.set_num_threads(previous)


# ------------------------------------------------------------------------------------------
# one thread or all, batch by batch
# ------------------------------------------------------------------------------------------


class FixedMode:
    """The default mode choice of a batched stage: always ``parallel``; nothing is timed.

    Same interface as :class:`ParallelOrSerial`, so that a stage is written once for both.
    """

    probing = False

    def __init__(self, parallel: bool):
        self.parallel = bool(parallel)

    def next_mode(self) -> bool:
        return self.parallel

    def record(self, parallel: bool, work: float, seconds: float) -> None:
        pass


class ParallelOrSerial:
    """Adaptive mode (opt-in): chooses, batch by batch, whether a stage runs on all threads or one.

    The caller times each batch and reports its work: the mode with the higher rate (work per
    second) is kept, and the other mode is probed when it has no rate yet, then at intervals that
    double (up to 64 batches) while it loses. Both modes compute the same values, so the choice
    never changes a result. Run the first parallel batch before using this (it starts the thread
    pool, which would distort its rate).

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


def mode_chooser(n_threads: int, adaptive=None):
    """The mode choice of a batched stage on ``n_threads`` threads: :class:`FixedMode` (parallel
    when ``n_threads > 1``) by default, :class:`ParallelOrSerial` in adaptive mode."""
    if is_adaptive(adaptive):
        return ParallelOrSerial(enabled=n_threads > 1)
    return FixedMode(n_threads > 1)


def run_batches(weights, run, adaptive=None) -> None:
    """Run ``run(lo, hi)`` over consecutive ranges of items, on the current thread count.

    Stages with a total weight below :data:`~topodim._tuning.SERIAL_WORK` (or fewer than
    2 x BATCHES items) run on one thread in one call. Otherwise, by default, one call on all
    threads; in adaptive mode the items are cut into :data:`~topodim._tuning.BATCHES` of equal
    weight, the first run in parallel untimed (it starts the thread pool) and each later one in
    the mode :class:`ParallelOrSerial` picks from the measured rates.
    """
    threads = numba.get_num_threads()
    weights = np.asarray(weights)
    m = weights.shape[0]
    total = float(weights.sum())
    if threads <= 1 or total < SERIAL_WORK or m < 2 * BATCHES:
        numba.set_num_threads(1)
        try:
            run(0, m)
        finally:
            numba.set_num_threads(threads)
        return
    if not is_adaptive(adaptive):
        run(0, m)
        return
    cum = np.cumsum(weights, dtype=np.float64)
    cuts = np.searchsorted(cum, total * np.arange(1, BATCHES) / BATCHES, side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [m]]))
    chooser = ParallelOrSerial()
    try:
        for k in range(bounds.shape[0] - 1):
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            mode = chooser.next_mode() if k > 0 else True
            numba.set_num_threads(threads if mode else 1)
            t0 = time.perf_counter()
            run(lo, hi)
            if k > 0:
                chooser.record(mode, float(cum[hi - 1] - cum[lo - 1]), time.perf_counter() - t0)
    finally:
        numba.set_num_threads(threads)


# ------------------------------------------------------------------------------------------
# serial twins: which of a kernel's two forms runs now
# ------------------------------------------------------------------------------------------

#: Set by :func:`parallel_shells`: the parallel shells run even on one thread.
_ALWAYS_PARALLEL = [False]


def one_thread():
    """Whether kernels run on one thread now (``numba.get_num_threads() == 1``, as
    :func:`run_batches` sets it for small stages). A parallel kernel with a serial twin (the
    Rips engine's: a thin ``prange`` shell over a serial chunk kernel) then runs the chunk kernel
    alone: the same writes, and a first call on a small input does not compile the shell
    (Numba's parfor pipeline costs about a CPU-second per kernel, even for a one-call body)."""
    return numba.get_num_threads() == 1 and not _ALWAYS_PARALLEL[0]


def shells_forced():
    """Whether :func:`parallel_shells` is in effect (the parallel forms are taken even where a
    work threshold would pick the serial one)."""
    return _ALWAYS_PARALLEL[0]


def parallel_shells(call):
    """Run ``call()`` with the parallel shells taken on any thread count (:func:`one_thread` is
    False), so that they are compiled too (``topodim warmup`` fills the on-disk cache with it)."""
    previous = _ALWAYS_PARALLEL[0]
    _ALWAYS_PARALLEL[0] = True
    try:
        return call()
    finally:
        _ALWAYS_PARALLEL[0] = previous
