"""The sweep's task model: a study plans independent *units*, an executor runs them, the study
aggregates the results.

A unit is one independent piece of work: train (or not) one model for one seed, extract its layers
and measure them. Units are plain data (a name, the dotted path of a module-level function, and
JSON-serialisable keyword arguments), so that any executor can run them: in this process one after
another (the default), or as Dask tasks on a ``distributed`` cluster. The function is called as
``fn(settings, **unit.params)`` where ``settings`` is the run's settings dict (profile values,
seed, device, cache folder); it must be deterministic given its arguments, and it returns a
picklable result.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field


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


def run_in_process(settings: dict, units: list[Unit]) -> list:
    """Run ``units`` one after another in this process; results in the order of ``units``."""
    return [resolve(u.fn)(settings, **u.params) for u in units]
