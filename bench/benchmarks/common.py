"""What the asv benchmarks and the bench/ scripts share: the smoke flag, seeded data, the warm-up.

The benchmark modules import it as ``from .common import ...`` (asv imports them as the package
``benchmarks``); the scripts in bench/ as ``from benchmarks.common import ...`` (run from the
repository root, ``bench/`` is on ``sys.path``). Only the public API of topodim is used.

Data are seeded: ``cloud(n, dim, seed)`` and the shapes return the same array for the same
arguments on every machine, so a timing history compares like with like.
"""

import os

import numpy as np

#: TOPODIM_BENCH_SMOKE=1 (set by tests/test_benchmarks_smoke.py): the same code paths on small
#: inputs. Read once, here; nothing else reads the environment.
SMOKE = os.environ.get("TOPODIM_BENCH_SMOKE") == "1"


def smoke_size(n, cap):
    """``n``, or at most ``cap`` in a smoke run."""
    return min(n, cap) if SMOKE else n


def cloud(n, dim, seed=0):
    """``n`` points: uniform in [0, 1]^dim for dim <= 3, standard Gaussian in R^dim above."""
    rng = np.random.default_rng(seed)
    return rng.random((n, dim)) if dim <= 3 else rng.standard_normal((n, dim))


def circle(n, seed=0, noise=0.1):
    """``n`` points on the unit circle in R^2 plus Gaussian noise of standard deviation ``noise``."""
    rng = np.random.default_rng(seed)
    a = rng.random(n) * 2 * np.pi
    return np.stack([np.cos(a), np.sin(a)], 1) + noise * rng.standard_normal((n, 2))


def torus(n, seed=0, noise=0.05):
    """``n`` points on the torus of radii 2 and 1 in R^3 plus Gaussian noise of standard deviation
    ``noise``."""
    rng = np.random.default_rng(seed)
    u = rng.random(n) * 2 * np.pi
    v = rng.random(n) * 2 * np.pi
    X = np.stack([(2 + np.cos(v)) * np.cos(u), (2 + np.cos(v)) * np.sin(u), np.sin(v)], 1)
    return X + noise * rng.standard_normal(X.shape)


def activations(n, seed=0):
    """A 10-cube linearly embedded in R^512 with noise 0.01 (like pooled CNN activations)."""
    from topodim import datasets as ds  # noqa: PLC0415 - the scripts import topodim lazily

    return ds.embed(ds.cube(n, 10, random_state=seed), 512, noise=0.01, random_state=seed + 1)


def warm(fn, X, rows=None, **kwargs):
    """Call ``fn(X[:rows], **kwargs)`` once (all of ``X`` when ``rows`` is None), so that Numba
    compiles the code path before it is timed; compile time is measured in bench_compile.py."""
    fn(X if rows is None else X[: min(len(X), rows)], **kwargs)
