"""The sweep's task model: a study plans independent *units*, an executor runs them, the study
aggregates the results.

A unit is one independent piece of work: train (or not) one model for one seed, extract its layers
and measure them. Units are plain data (a name, the dotted path of a module-level function, and
JSON-serialisable keyword arguments), so that any executor can run them: in this process one after
another (the default), or as Dask tasks on a ``distributed`` cluster. The function is called as
``fn(settings, **unit.params)`` where ``settings`` is the run's settings dict (profile values,
seed, device, cache folder); it must be deterministic given its arguments, and it returns a
picklable result.

Executors take ``(settings, units)`` and return the results in the order of ``units``. Wrapped in
:func:`cached` (``run_in_process`` is, and so is :class:`experiments.distributed.DaskExecutor`), a
unit whose result is in the unit cache (``<cache_dir>/units``, keyed by the content hash of the
settings it depends on, its function and its params: :func:`experiments._util.unit_key`) is not
run again, so an interrupted sweep resumes where it stopped. A unit function may name the settings
it depends on in an attribute ``unit_settings`` (a tuple of keys; ``seed`` and ``device`` are
always included); without it every setting is in the key.

Failures: an exception in one unit is logged with the unit's name and the other units still run;
at the end :class:`experiments._util.SweepError` lists every failed unit (the CLI exits with 1).
An :class:`experiments._util.ExperimentError` (a user error, the same for every unit) stops the
in-process run at once, as before.

Threads (the one place of this policy): a unit runs torch on ``settings["threads"]`` intra-op
threads when set (``--threads``), else on ``UNIT_TORCH_THREADS`` (one): the small models of the
studies gain little from more, and a thread pool that spins on a loaded machine slows a run many
times over; the parallelism is across units instead (``--workers N``). The count is set around
every unit, in this process and on Dask workers alike, so that results do not depend on where a
unit ran. Dask workers also get their native pools (OpenMP, BLAS, Numba) capped at their own
thread count (:func:`worker_environment`); Numba kernels in this process keep their default.
Measured on 2 cores already shared with other jobs (``bench/sweep_scaling.py load``): one unit
(train one epoch and measure a small VGG) took 25 s on one torch thread and 34 s on two; beside
two more busy processes, 58 s on one thread (2.3x) and 350 s on two (14x: the threads of an
intra-op pool wait for each other at every barrier while the other processes hold the cores).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import time
import traceback
from dataclasses import dataclass, field

from ._util import LOG, ExperimentError, SweepError, UnitCache, unit_key

#: torch intra-op threads of one unit unless ``settings["threads"]`` says otherwise.
UNIT_TORCH_THREADS = 1


@dataclass(frozen=True)
class Unit:
    """One independent unit of a sweep.

    Attributes
    ----------
    name : str
        Unique within a sweep, human-readable (it names the unit in progress bars and errors),
        e.g. ``"depth/vgg/trained/seed1"``.
    fn : str
        Dotted path ``"package.module:function"`` of a module-level function.
    params : dict
        JSON-serialisable keyword arguments of ``fn``.
    """

    name: str
    fn: str
    params: dict = field(default_factory=dict)


def resolve(path: str):
    """The function named by ``"package.module:function"``."""
    mod, _, attr = path.partition(":")
    return getattr(importlib.import_module(mod), attr)


def key_of(settings: dict, unit: Unit) -> str:
    """The unit cache's key of ``unit`` under ``settings``."""
    return unit_key(settings, unit.fn, unit.params, getattr(resolve(unit.fn), "unit_settings", None))


def unit_threads(settings: dict) -> int:
    """torch intra-op threads of a unit (see the module docstring)."""
    n = settings.get("threads")
    return int(n) if n else UNIT_TORCH_THREADS


def worker_environment(threads: int) -> dict:
    """Environment of a worker process with ``threads`` threads: native pools capped at that."""
    n = str(int(threads))
    return {"OMP_NUM_THREADS": n, "MKL_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n, "NUMBA_NUM_THREADS": n}


@contextlib.contextmanager
def torch_threads(n: int):
    """Run the body with torch on ``n`` intra-op threads (restored afterwards); no-op without torch."""
    try:
        import torch
    except ImportError:  # pragma: no cover - units that do not use torch
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def call(settings: dict, unit: Unit):
    """Run one unit under the thread policy; its result."""
    fn = resolve(unit.fn)
    with torch_threads(unit_threads(settings)):
        return fn(settings, **unit.params)


def describe(exc: BaseException) -> str:
    """``"Type: message"`` on one line."""
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _check_names(units) -> None:
    seen = set()
    for u in units:
        if u.name in seen:
            raise ValueError(f"two units of a sweep are named {u.name!r}; unit names must be unique")
        seen.add(u.name)


def cached(executor):
    """Wrap ``executor(settings, units, on_result=None)`` with the unit cache.

    The wrapper loads every cached unit, gives the executor only the others, and stores each
    result as the executor reports it through ``on_result(i, result)`` (``i`` indexes the units it
    was given): a sweep interrupted, or one whose other units failed, keeps what finished. Nothing
    is cached when ``settings["cache_dir"]`` is None. The wrapped executor has the signature
    ``(settings, units) -> results``.
    """

    @functools.wraps(executor)
    def run(settings: dict, units: list[Unit]) -> list:
        units = list(units)
        _check_names(units)
        cache_dir = settings.get("cache_dir")
        cache = UnitCache(cache_dir) if cache_dir else None
        results = [None] * len(units)
        keys, todo = [], []
        for i, u in enumerate(units):
            k = key_of(settings, u) if cache else None
            keys.append(k)
            hit, value = cache.load(k) if cache else (False, None)
            if hit:
                results[i] = value
            else:
                todo.append(i)
        if cache and len(todo) < len(units):
            LOG.info("sweep: %d of %d units from the unit cache, %d to run", len(units) - len(todo), len(units),
                     len(todo))
        if not todo:
            return results

        def on_result(j, value):
            i = todo[j]
            results[i] = value
            if cache:
                cache.store(keys[i], value)

        try:
            out = executor(settings, [units[i] for i in todo], on_result=on_result)
        except SweepError as exc:  # counted against the whole sweep, cached units included
            raise SweepError(exc.failures, len(units)) from None
        for j, value in enumerate(out):
            results[todo[j]] = value
        return results

    return run


def _serial(settings: dict, units: list[Unit], on_result=None) -> list:
    results, failures = [], []
    for i, u in enumerate(units):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            value = call(settings, u)
        except ExperimentError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported with the unit's name, the others run
            LOG.error("unit %s failed: %s\n%s", u.name, describe(exc), traceback.format_exc())
            failures.append((u.name, describe(exc)))
            results.append(None)
            continue
        LOG.info("unit %s: %.1f s wall, %.1f s CPU", u.name, time.perf_counter() - t0, time.process_time() - c0)
        results.append(value)
        if on_result is not None:
            on_result(i, value)
    if failures:
        raise SweepError(failures, len(units))
    return results


_cached_serial = cached(_serial)


def run_in_process(settings: dict, units: list[Unit]) -> list:
    """Run ``units`` one after another in this process; results in the order of ``units``.

    Units in the unit cache are not run again (see :func:`cached`); a unit that raises is logged
    and the others still run, then :class:`~experiments._util.SweepError` names the failed ones.
    """
    return _cached_serial(settings, units)
