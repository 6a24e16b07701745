"""The ``topodim`` command.

Subcommands read a point cloud or a distance matrix from a file (.npy, .npz, .csv, or
whitespace-separated text; a scipy.sparse .npz saved with ``scipy.sparse.save_npz`` is read as a
sparse distance matrix) and write the result as text to stdout, or to ``-o OUT`` with the format
given by its extension (.npy, .csv, .json, .txt).

User errors print one line, ``topodim: error: ...``, and exit with status 2; no traceback.
Each subcommand is a pair of functions, ``_add_<name>(subparsers)`` and ``_run_<name>(args)``,
registered in ``SUBCOMMANDS``: the computing ones in :mod:`topodim.cli._commands`, ``warmup`` in
:mod:`topodim.cli._warmup`; reading and writing files in :mod:`topodim.cli._io`. Parsing arguments
(``topodim --help`` included) imports neither Numba nor SciPy: a subcommand imports what it
computes with when it runs.
"""

from __future__ import annotations

import argparse
import sys

from .._config import DeviceUnavailableError
from ._commands import (
    _add_demo,
    _add_dim,
    _add_filtration,
    _add_mst,
    _add_ph,
    _add_ph0,
    _run_demo,
    _run_dim,
    _run_filtration,
    _run_mst,
    _run_ph,
    _run_ph0,
)
from ._io import CLIError, read_array, write_table
from ._warmup import WARMUP_GROUPS, _add_warmup, _run_warmup

__all__ = ["main", "read_array", "write_table", "build_parser", "CLIError", "SUBCOMMANDS", "WARMUP_GROUPS"]


SUBCOMMANDS = [
    ("ph0", _add_ph0, _run_ph0),
    ("mst", _add_mst, _run_mst),
    ("filtration", _add_filtration, _run_filtration),
    ("ph", _add_ph, _run_ph),
    ("dim", _add_dim, _run_dim),
    ("demo", _add_demo, _run_demo),
    ("warmup", _add_warmup, _run_warmup),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="topodim",
        description="Topological data analysis in pure Python: persistence diagrams, MSTs, PH-dimension.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for _name, add, _run in SUBCOMMANDS:
        add(sub)
    return parser


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    print(f"topodim: warning: {message}", file=sys.stderr)


def main(argv=None) -> int:
    import warnings  # noqa: PLC0415

    parser = build_parser()
    args = parser.parse_args(argv)
    runners = {name: run for name, _add, run in SUBCOMMANDS}
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _one_line_warning
        try:
            runners[args.command](args)
        except (CLIError, ValueError, TypeError, MemoryError, DeviceUnavailableError) as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"topodim: error: {msg}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("topodim: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
    return 0

