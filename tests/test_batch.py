"""Batches of clouds through joblib (topodim.batch): serial, threads, and Dask's joblib backend."""

from __future__ import annotations

import os

import joblib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topodim
from topodim.batch import fit_each, map_clouds, task_threads


def _clouds(seed=0, sizes=(30, 41, 25, 36)):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, 3)) for n in sizes]


def _same_diagrams(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        for dx, dy in zip(x, y):
            np.testing.assert_array_equal(dx, dy)


def _threads_seen(x, threads):
    return threads


def _where(x, threads):
    return os.getpid(), threads


def test_threads_per_task_follow_the_batch_mode():
    assert task_threads(None) == (False, None)  # serial: all of Numba's threads
    assert task_threads(2) == (True, 1)  # parallel: one each
    assert task_threads(2, n_threads=3) == (True, 3)
    with joblib.parallel_config(backend="threading", n_jobs=2):
        assert task_threads(None) == (True, 1)
        assert map_clouds(_threads_seen, range(3)) == [1, 1, 1]
    assert map_clouds(_threads_seen, range(3)) == [None] * 3
    assert map_clouds(lambda x, t: x * 10, range(5), n_jobs=2) == [0, 10, 20, 30, 40]


def test_rips_persistence_threads_equal_serial():
    clouds = _clouds()
    ser = topodim.RipsPersistence(homology_dimensions=(0, 1)).fit_transform(clouds)
    par = topodim.RipsPersistence(homology_dimensions=(0, 1), n_jobs=2).fit_transform(clouds)
    _same_diagrams(par, ser)
    one = topodim.ripser(clouds[1], maxdim=1)["dgms"]
    _same_diagrams([ser[1]], [one])


def test_fit_each_equals_one_fit_per_cloud_and_leaves_the_estimator_alone():
    clouds = _clouds(1, sizes=(60, 80, 70))
    est = topodim.PHDim(random_state=3, schedule=[20, 30, 40, 50])
    fitted = est.fit_each(clouds, n_jobs=2)
    assert not hasattr(est, "dimension_")
    want = [topodim.PHDim(random_state=3, schedule=[20, 30, 40, 50]).fit(X).dimension_ for X in clouds]
    assert [e.dimension_ for e in fitted] == want
    assert [e.n_threads for e in fitted] == [1, 1, 1]
    for cls in (topodim.TwoNN, topodim.MLE):
        assert [e.dimension_ for e in cls().fit_each(clouds)] == [cls().fit(X).dimension_ for X in clouds]


@pytest.mark.filterwarnings("ignore::topodim.PHDimWarning")
def test_fit_each_generator_seed_is_backend_independent():
    clouds = _clouds(2, sizes=(60, 60, 60))
    ser = fit_each(topodim.PHDim(random_state=np.random.default_rng(7), schedule=[20, 30, 40]), clouds)
    par = fit_each(topodim.PHDim(random_state=np.random.default_rng(7), schedule=[20, 30, 40]), clouds, n_jobs=3)
    assert [e.dimension_ for e in ser] == [e.dimension_ for e in par]
    # one seed per cloud: equal clouds sizes, different draws
    assert len({e.dimension_ for e in ser}) > 1


def test_dask_joblib_backend_equals_serial():
    distributed = pytest.importorskip("distributed")
    clouds = _clouds(4)
    ser = topodim.RipsPersistence(homology_dimensions=(0, 1)).fit_transform(clouds)
    ser_dim = [e.dimension_ for e in topodim.TwoNN().fit_each(clouds)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c, \
            distributed.Client(c) as client, joblib.parallel_config(backend="dask"):
        got = topodim.RipsPersistence(homology_dimensions=(0, 1)).fit_transform(clouds)
        got_dim = [e.dimension_ for e in topodim.TwoNN().fit_each(clouds)]
        # the tasks run in the worker processes, one thread each
        seen = map_clouds(_where, range(6))
        workers = set(client.run(os.getpid).values())
    assert {pid for pid, _ in seen} <= workers and os.getpid() not in workers
    assert {t for _, t in seen} == {1}
    _same_diagrams(got, ser)
    assert got_dim == ser_dim


@settings(max_examples=15, deadline=None)
@given(sizes=st.lists(st.integers(3, 25), min_size=0, max_size=5), n_jobs=st.sampled_from([None, 1, 2, 3, -1]),
       seed=st.integers(0, 2**16))
def test_property_rips_batch_is_independent_of_n_jobs(sizes, n_jobs, seed):
    clouds = _clouds(seed, sizes=tuple(sizes))
    got = topodim.RipsPersistence(homology_dimensions=(0, 1), n_jobs=n_jobs).fit_transform(clouds)
    assert len(got) == len(clouds)
    for X, dg in zip(clouds, got):
        _same_diagrams([dg], [topodim.ripser(X, maxdim=1)["dgms"]])
