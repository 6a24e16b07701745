"""Sweeps on Dask distributed: the units of a study as Dask tasks.

``DaskExecutor(workers=N)`` starts a ``distributed.LocalCluster`` of N worker processes (one thread
each by default) on this machine; ``DaskExecutor(scheduler="tcp://host:8786")`` submits to a
running cluster (started by ``dask scheduler`` / ``dask worker``, dask-jobqueue, dask-kubernetes,
...). Either is an executor of :mod:`experiments.sweep`: ``executor(settings, units)`` returns the
units' results in unit order, whatever the worker count or the order in which they finish.

- The unit cache stays on this process (the client): cached units are not submitted, and every
  result comes back to the client, which writes it to the cache as it arrives (``sweep.cached``).
  Workers see ``settings["cache_dir"]`` (the cache of trained weights, activations and measures)
  only where it is known to be shared: on a LocalCluster, or when ``worker_cache_dir`` is given.
- A worker that dies mid-task has its task rescheduled by the scheduler on another worker (up to
  the scheduler's ``distributed.scheduler.allowed-failures``, default 3); ``retries`` re-runs a
  task that fails inside Dask itself. An exception raised by a unit is returned as a failure
  record, not retried (units are deterministic: it would fail again); the other units finish, and
  then :class:`~experiments._util.SweepError` lists every failed unit by name.
- Threads: each worker runs ``threads_per_worker`` task(s) at a time, with OpenMP, BLAS and Numba
  pools of that size (set in the workers' environment at start); torch runs each unit on
  ``sweep.unit_threads(settings)`` threads, as in process (see :mod:`experiments.sweep`). Workers
  of an existing cluster keep the environment they were started with: start them with
  ``NUMBA_NUM_THREADS`` set to their thread count.
- One progress bar (tqdm on stderr): units done / units submitted.
"""

from __future__ import annotations

import logging
import time
import traceback

from . import sweep
from ._util import LOG, ExperimentError, SweepError, progress

INSTALL = 'pip install "topodim[distributed]"'
#: Seconds to wait for a scheduler (``--scheduler``) before giving up with an error.
CONNECT_TIMEOUT = 5.0
_SHARED = object()


def require_distributed():
    """The ``distributed`` module, or an ExperimentError with the pip command that installs it."""
    try:
        import distributed
    except ImportError:
        raise ExperimentError(f"--workers / --scheduler run the sweep on Dask distributed, which is not "
                              f"installed: {INSTALL}") from None
    return distributed


def run_unit(settings: dict, unit: sweep.Unit):
    """The Dask task of one unit: ``("ok", result, seconds)`` or ``("error", "Type: message", traceback)``.

    ``seconds`` are the unit's wall and CPU time on the worker."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        value = sweep.call(settings, unit)
    except Exception as exc:  # noqa: BLE001 - reported by name on the client, not retried
        return ("error", sweep.describe(exc), traceback.format_exc())
    return ("ok", value, (time.perf_counter() - t0, time.process_time() - c0))


class DaskExecutor:
    """Run sweep units as Dask tasks (see the module docstring).

    Parameters
    ----------
    workers : int, optional
        Worker processes of a new ``LocalCluster`` on this machine (at least 1).
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``. Exactly one of
        ``workers`` and ``scheduler``.
    threads_per_worker : int, default 1
        Tasks run at the same time by each LocalCluster worker (and the size of its native pools).
    retries : int, default 1
        Dask's ``retries`` of each task.
    connect_timeout : float, optional
        Seconds (default ``CONNECT_TIMEOUT``, 5) to wait for the scheduler before giving up with an error.
    worker_cache_dir : str, optional
        Cache folder the workers use for trained weights, activations and measures. Default: the
        client's own on a LocalCluster (the same filesystem), none on a remote cluster.
    show_progress : bool, default True
        Draw the sweep's progress bar.

    Use it as a context manager (``with DaskExecutor(workers=2) as ex: ...``) or call ``close()``;
    the cluster starts on ``start()`` or the first call.
    """

    def __init__(self, workers=None, scheduler=None, threads_per_worker=1, retries=1, connect_timeout=None,
                 worker_cache_dir=_SHARED, show_progress=True):
        if (workers is None) == (scheduler is None):
            raise ExperimentError("give either workers (a LocalCluster) or scheduler (an address), not both or none")
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise ExperimentError(f"--workers must be a positive integer (worker processes), got {workers!r}")
        if isinstance(threads_per_worker, bool) or not isinstance(threads_per_worker, int) or threads_per_worker < 1:
            raise ExperimentError(f"threads_per_worker must be a positive integer, got {threads_per_worker!r}")
        if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
            raise ExperimentError(f"--scheduler takes an address such as tcp://host:8786, got {scheduler!r}")
        self.workers = workers
        self.scheduler = scheduler.strip() if scheduler is not None else None
        self.threads_per_worker = threads_per_worker
        self.retries = int(retries)
        self.connect_timeout = connect_timeout
        self.worker_cache_dir = worker_cache_dir
        self.show_progress = show_progress
        self.client = None
        self.cluster = None
        self._run = sweep.cached(self._execute)

    # -- lifetime ----------------------------------------------------------------------------
    def start(self):
        """Start the LocalCluster or connect to the scheduler (once); returns self."""
        if self.client is not None:
            return self
        distributed = require_distributed()
        if self.connect_timeout is None:
            self.connect_timeout = CONNECT_TIMEOUT
        if self.scheduler is not None:
            try:
                self.client = distributed.Client(self.scheduler, timeout=self.connect_timeout)
            except Exception as exc:  # noqa: BLE001 - bad address, refused, timed out: one line
                raise ExperimentError(f"cannot reach the Dask scheduler at {self.scheduler} within "
                                      f"{self.connect_timeout:g} s ({sweep.describe(exc)}); check the address "
                                      f"and that the scheduler runs and is reachable from here") from None
            LOG.info("dask: connected to %s (%d workers)", self.scheduler,
                     len(self.client.scheduler_info().get("workers", {})))
        else:
            t = self.threads_per_worker
            try:
                self.cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=t, processes=True, env=sweep.worker_environment(t),
                    dashboard_address=":0", silence_logs=logging.ERROR)
            except Exception as exc:  # noqa: BLE001 - e.g. a main module that is not import-safe
                raise ExperimentError(f"could not start a LocalCluster of {self.workers} workers "
                                      f"({sweep.describe(exc)}); a script that starts one needs an "
                                      f"'if __name__ == \"__main__\":' guard") from None
            self.client = distributed.Client(self.cluster)
            LOG.info("dask: LocalCluster of %d workers x %d thread(s); dashboard %s", self.workers, t,
                     self.client.dashboard_link)
        return self

    def close(self):
        """Close the client and the LocalCluster (if this executor started one)."""
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # -- the executor --------------------------------------------------------------------------
    def __call__(self, settings: dict, units: list) -> list:
        """Results of ``units`` in unit order (cached ones from the unit cache)."""
        self.start()
        return self._run(settings, units)

    def worker_settings(self, settings: dict) -> dict:
        """The settings the workers see: no progress bars; the cache folder only where shared."""
        s = dict(settings)
        for k in ("progress", "show_progress"):
            if k in s:
                s[k] = False
        if self.worker_cache_dir is _SHARED:
            if self.cluster is None:
                s["cache_dir"] = None
        else:
            s["cache_dir"] = None if self.worker_cache_dir is None else str(self.worker_cache_dir)
        return s

    def _execute(self, settings, units, on_result=None):
        from distributed import as_completed

        ws = self.worker_settings(settings)
        futures, index = [], {}
        for j, u in enumerate(units):
            f = self.client.submit(run_unit, ws, u, key=f"unit-{u.name}-{sweep.key_of(settings, u)}",
                                   retries=self.retries, pure=False)
            futures.append(f)
            index[f.key] = j
        results = [None] * len(units)
        failures = []
        bar = progress(total=len(units), desc="sweep units", enabled=self.show_progress, leave=True)
        try:
            for fut in as_completed(futures):
                j = index[fut.key]
                name = units[j].name
                try:
                    out = fut.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, lost scheduler, ...
                    out = ("error", sweep.describe(exc), "")
                if out[0] == "ok":
                    LOG.info("unit %s: %.1f s wall, %.1f s CPU (on a worker)", name, *out[2])
                    results[j] = out[1]
                    if on_result is not None:
                        on_result(j, out[1])
                else:
                    LOG.error("unit %s failed: %s\n%s", name, out[1], out[2])
                    failures.append((name, out[1]))
                    bar.set_postfix_str(f"{len(failures)} failed")
                fut.release()
                bar.update(1)
        finally:
            bar.close()
            self.client.cancel([f for f in futures if not f.done()])
        if failures:
            order = {u.name: j for j, u in enumerate(units)}
            raise SweepError(sorted(failures, key=lambda f: order[f[0]]), len(units))
        return results


def make_executor(workers=None, scheduler=None, show_progress=True, **kw):
    """The executor of ``--workers`` / ``--scheduler`` (None when neither is given), started."""
    if workers is None and scheduler is None:
        return None
    ex = DaskExecutor(workers=workers, scheduler=scheduler, show_progress=show_progress, **kw)
    return ex.start()
