"""Input and output of the ``topodim`` command: reading arrays from files, writing tables, the
options every distance-based subcommand shares, and the one-line user error."""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

__all__ = ["CLIError", "read_array", "write_table", "add_input_options", "thread_count", "bars_table",
           "append_chains"]


class CLIError(Exception):
    """A user error with a one-line message."""


# ------------------------------------------------------------------------------------------
# input / output
# ------------------------------------------------------------------------------------------


def _load_text(path: str, delimiter):
    try:
        return np.loadtxt(path, delimiter=delimiter, ndmin=2)
    except ValueError:
        # maybe a header line
        try:
            return np.loadtxt(path, delimiter=delimiter, ndmin=2, skiprows=1)
        except ValueError as exc:
            raise CLIError(f"cannot read {path} as a table of numbers: {exc}") from None


def read_array(path: str, key: str | None = None):
    """Read a numeric array (or a scipy.sparse matrix) from .npy, .npz, .csv or text."""
    if path == "-":
        return np.loadtxt(sys.stdin, ndmin=2)
    if not os.path.exists(path):
        raise CLIError(f"no such file: {path}")
    if os.path.isdir(path):
        raise CLIError(f"{path} is a directory; pass a file")
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == ".npy":
            return np.load(path, allow_pickle=False)
        if ext == ".npz":
            with np.load(path, allow_pickle=False) as z:
                names = list(z.files)
                if {"indptr", "indices", "data", "shape", "format"} <= set(names) and key is None:
                    import scipy.sparse as sp  # noqa: PLC0415

                    return sp.load_npz(path)
                if key is not None:
                    if key not in names:
                        raise CLIError(f"{path} has no array {key!r}; it has: {', '.join(names)}")
                    return z[key]
                if len(names) != 1:
                    raise CLIError(f"{path} holds several arrays ({', '.join(names)}); choose one with --key")
                return z[names[0]]
        if ext == ".csv":
            return _load_text(path, ",")
        if ext == ".tsv":
            return _load_text(path, "\t")
        return _load_text(path, None)
    except CLIError:
        raise
    except (ValueError, OSError, EOFError) as exc:
        raise CLIError(f"cannot read {path}: {exc}") from None


def _fmt(x) -> str:
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def write_table(table: np.ndarray, out: str | None, header: list[str], name: str = "result",
                extra: dict | None = None) -> None:
    """Write a 2-D table to stdout (text) or to a .npy / .csv / .json / .txt file."""
    table = np.asarray(table)
    if out is None or out == "-":
        sys.stdout.write("# " + " ".join(header) + "\n")
        for row in table:
            sys.stdout.write(" ".join(_fmt(v) for v in row) + "\n")
        return
    ext = os.path.splitext(out)[1].lower()
    try:
        if ext == ".npy":
            np.save(out, table)
        elif ext == ".json":
            rows = [[None if (isinstance(v, float) and np.isinf(v)) else v for v in row]
                    for row in table.tolist()]
            doc = {"columns": header, name: rows, "note": "null means +inf"}
            if extra:
                doc.update(extra)
            with open(out, "w") as fh:
                json.dump(doc, fh, indent=1)
        elif ext in (".csv", ".txt", ".tsv", ""):
            sep = "," if ext == ".csv" else ("\t" if ext == ".tsv" else " ")
            with open(out, "w") as fh:
                fh.write(sep.join(header) + "\n")
                for row in table:
                    fh.write(sep.join(_fmt(v) for v in row) + "\n")
        else:
            raise CLIError(f"unknown output format {ext!r} for {out}; use .npy, .csv, .json or .txt")
    except OSError as exc:
        raise CLIError(f"cannot write {out}: {exc.strerror or exc}") from None


# ------------------------------------------------------------------------------------------
# shared options
# ------------------------------------------------------------------------------------------


def add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="input: .npy, .npz, .csv or whitespace text ('-' for stdin)")
    p.add_argument("--key", help="array name inside a .npz holding several arrays")
    p.add_argument("--distance-matrix", action="store_true",
                   help="the file holds a square, condensed or sparse distance matrix")
    p.add_argument("--metric", default="euclidean",
                   help="euclidean (default), sqeuclidean, manhattan, chebyshev, cosine, or a scipy metric name")
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"], help="compute dtype")
    p.add_argument("--threads", type=int, default=None, help="number of threads (default: all)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"],
                   help="cuda: run the GPU kernels (needs topodim[cuda] and an NVIDIA GPU); auto: the GPU "
                        "when usable, else the CPU with a warning (default cpu)")
    p.add_argument("-o", "--output", default=None, help="output file (.npy, .csv, .json, .txt); default stdout")


def thread_count(args):
    if args.threads is not None and args.threads == 0:
        raise CLIError("--threads must be a positive integer or -1 (all threads)")
    return args.threads



def bars_table(dgms, ext):
    """Rows (dim, birth, death) of all diagrams: float for .npy, else dim kept an int."""
    rows = [(k, b, d) for k, dgm in enumerate(dgms) for b, d in dgm.tolist()]
    if ext == ".npy":
        return np.asarray(rows, dtype=float).reshape(-1, 3)
    table = np.empty((len(rows), 3), dtype=object)
    for i, row in enumerate(rows):
        table[i] = row
    return table


def append_chains(chains, output):
    """Append "# bar i: c*[v0,v1,...] + ..." lines (one per bar with a non-empty chain; rows are
    vertex ids then the coefficient) after the bars, to stdout or to the text output file."""
    lines = [f"# bar {i}: " + " + ".join(f"{int(r[-1])}*[{','.join(str(int(v)) for v in r[:-1])}]" for r in c)
             + "\n" for i, c in enumerate(chains) if len(c)]
    if output is None or output == "-":
        sys.stdout.writelines(lines)
    else:
        with open(output, "a") as fh:
            fh.writelines(lines)
