"""Batches of point clouds through joblib: one task per cloud.

The batch entry points (:meth:`topodim.RipsPersistence.transform` / ``fit_transform`` and the
dimension estimators' ``fit_each``) run their clouds through :class:`joblib.Parallel`, so that the
backend is the caller's choice:

- ``n_jobs=None`` (default) outside any joblib configuration: the clouds one after another in this
  process, each on all of Numba's threads;
- ``n_jobs=k``: k clouds at a time on threads of this process (the kernels release the GIL);
- ``with joblib.parallel_config(backend="dask"):`` (with a ``distributed.Client`` connected): one
  Dask task per cloud on the cluster, with no other change to the call; any other joblib backend
  (``"loky"`` processes, ...) likewise.

Whenever the clouds run in parallel (an effective ``n_jobs`` above 1 under the active backend),
each task runs its kernels on one thread unless ``n_threads`` says otherwise, so that k tasks on
k cores do not each start a pool of every core. Results are returned in input order and do not
depend on the backend, ``n_jobs`` or ``n_threads`` (the kernels are deterministic for any thread
count; a ``random_state`` given as a Generator is turned into one seed per cloud, drawn in order,
before anything is dispatched).

Example::

    import joblib
    from distributed import Client
    from topodim import PHDim, RipsPersistence

    client = Client("tcp://scheduler:8786")          # or Client(LocalCluster(n_workers=4))
    with joblib.parallel_config(backend="dask"):
        diagrams = RipsPersistence(homology_dimensions=(0, 1)).fit_transform(clouds)
        fitted = PHDim(random_state=0).fit_each(clouds)
    dims = [e.dimension_ for e in fitted]
"""

from __future__ import annotations

import numpy as np

__all__ = ["map_clouds", "task_threads", "fit_each"]


def task_threads(n_jobs=None, n_threads=None):
    """``(parallel, threads per task)`` for a batch under the active joblib backend.

    ``parallel`` is whether joblib would run more than one task at a time; the threads per task
    are ``n_threads`` when given, else None (all of Numba's threads) for a serial batch and 1 for
    a parallel one.
    """
    import joblib  # noqa: PLC0415 - a core dependency, imported only by batch entry points

    parallel = joblib.effective_n_jobs(n_jobs) != 1
    if n_threads is not None:
        return parallel, n_threads
    return parallel, (1 if parallel else None)


def map_clouds(fn, clouds, n_jobs=None, n_threads=None):
    """``[fn(cloud, threads) for cloud in clouds]`` through :class:`joblib.Parallel`.

    Parameters
    ----------
    fn : callable
        ``fn(cloud, n_threads)``; pickled (by cloudpickle) when the backend runs tasks in other
        processes, so it may be a closure.
    clouds : iterable
        The inputs, one task each.
    n_jobs : int, optional
        joblib's ``n_jobs``: None defers to the active ``joblib.parallel_config`` (serial without
        one); k runs k tasks at a time on threads of this process unless a configured backend
        says otherwise.
    n_threads : int, optional
        Threads of each task's kernels (default: see :func:`task_threads`).

    Returns
    -------
    list
        One result per cloud, in input order.
    """
    items = list(clouds)
    parallel, threads = task_threads(n_jobs, n_threads)
    if not parallel or len(items) <= 1:
        return [fn(x, threads) for x in items]
    import joblib  # noqa: PLC0415

    return joblib.Parallel(n_jobs=n_jobs, prefer="threads")(joblib.delayed(fn)(x, threads) for x in items)


def _fit_one(cls, params, X, n_threads):
    est = cls(**params)
    if "n_threads" in params:
        est.set_params(n_threads=n_threads)
    return est.fit(X)


def fit_each(estimator, clouds, n_jobs=None, n_threads=None):
    """A fitted copy of ``estimator`` for each cloud (through :func:`map_clouds`).

    ``estimator`` is any estimator with ``get_params`` / ``fit`` (``PHDim``, ``TwoNN``, ``MLE``);
    it is not modified. ``n_threads`` defaults to the estimator's own ``n_threads`` parameter, and
    when that is None to one thread per task in a parallel batch. A ``random_state`` that is a
    :class:`numpy.random.Generator` or ``RandomState`` gives each cloud its own integer seed, drawn
    in input order, so that the result does not depend on the backend; an integer is used as is by
    every copy (the same subsamples on clouds of the same size).
    """
    cls = type(estimator)
    params = estimator.get_params()
    items = list(clouds)
    rs = params.get("random_state")
    if isinstance(rs, (np.random.Generator, np.random.RandomState)):
        draw = rs.integers if isinstance(rs, np.random.Generator) else rs.randint
        seeds = [int(s) for s in draw(0, 2**31 - 1, size=len(items))]
    else:
        seeds = None
    if n_threads is None:
        n_threads = params.get("n_threads")

    def one(item, threads):
        i, X = item
        p = params if seeds is None else {**params, "random_state": seeds[i]}
        return _fit_one(cls, p, X, threads)

    return map_clouds(one, list(enumerate(items)), n_jobs=n_jobs, n_threads=n_threads)
