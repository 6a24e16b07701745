"""Module-level unit functions for the sweep executor tests (importable by Dask workers)."""

from __future__ import annotations

import os
import time
import uuid

import numpy as np


def _mark(marker_dir, name):
    if marker_dir:
        os.makedirs(marker_dir, exist_ok=True)
        open(os.path.join(marker_dir, f"{name}.{uuid.uuid4().hex}"), "w").close()


def toy(settings, i, marker_dir=None, sleep=0.0, fail=False):
    """A deterministic result of (seed, i); writes a marker file per run; sleeps; may fail."""
    if sleep:
        time.sleep(sleep)
    if fail:
        raise RuntimeError(f"toy unit {i} failed on purpose")
    rng = np.random.default_rng([settings["seed"], i])
    X = rng.normal(size=(20, 3))
    _mark(marker_dir, f"toy{i}")
    return {"i": i, "pid_free": float(X.sum()), "X": X}


toy.unit_settings = ("seed",)


def tiny_model(settings, family, trained):
    """Train (or not) one tiny CNN on the embedded digits, extract and measure its layers, through
    the experiments' own pipeline; the rows without timings."""
    from experiments.common import Context

    ctx = Context(settings, None, settings.get("cache_dir"), settings.get("device", "cpu"), settings["seed"], False)
    rec, rows = ctx.run_image_model(family, None, f"{family}/{trained}", trained=trained)
    rec = {k: v for k, v in rec.items() if k != "train_seconds"}
    return rec, [{k: v for k, v in r.items() if k != "seconds"} for r in rows]
