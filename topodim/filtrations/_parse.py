"""Parsing and validation of a user's simplices and values.

Each check collects the first offending simplex of its kind as ``(input position, message)``; the
message raised is the one about the smallest input position, so the error names the first bad
simplex in the order the user gave them.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import as_float_array
from ._hashing import build_table, facet_positions


def fmt_simplex(row) -> str:
    """A vertex row as ``[v0, v1, ...]`` for messages."""
    return "[" + ", ".join(str(int(v)) for v in row) + "]"


def as_vertex_row(s, pos):
    arr = np.asarray(s)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"simplex {pos} has shape {arr.shape}; each simplex must be a flat list of vertex ids")
    if arr.size == 0:
        raise ValueError(f"simplex {pos} is empty; every simplex needs at least one vertex")
    if arr.dtype == object and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in arr.tolist()):
        big = next(int(v) for v in arr.tolist() if not -2**63 <= v < 2**63)
        raise ValueError(f"simplex {pos} has vertex id {big}, outside the int64 range; vertex ids must be integers "
                         "from 0 to 2**63 - 1 (renumber the vertices 0 .. n-1)")
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"simplex {pos} ({list(arr.tolist())}) has non-integer vertices; vertex ids must be integers >= 0")
    return arr.astype(np.int64, copy=False)


def first_problem(problems):
    """The message about the smallest input position (ties: the first problem found)."""
    best = min(range(len(problems)), key=lambda t: (problems[t][0], t))
    return problems[best][1]


def parse_user_simplices(simplices, values):
    """Group user simplices by dimension. Returns (rows, values, input positions) per dimension,
    rows with vertices sorted, after the per-simplex checks (vertices, values)."""
    if values is None:
        try:
            pairs = list(simplices)
            simplices = [p[0] for p in pairs]
            values = [p[1] for p in pairs]
        except (TypeError, IndexError, KeyError):
            raise TypeError("with values=None, simplices must be a sequence of (simplex, value) pairs") from None
    if isinstance(simplices, np.ndarray) and simplices.ndim == 2:
        groups = {simplices.shape[1]: np.arange(simplices.shape[0])}
        if simplices.shape[1] == 0:
            raise ValueError("simplices has 0 columns; every simplex needs at least one vertex")
        if simplices.dtype.kind not in "iu":
            raise TypeError(f"simplices must hold integer vertex ids, got dtype {simplices.dtype}")
        all_rows = {simplices.shape[1]: simplices.astype(np.int64)}
        n = simplices.shape[0]
    else:
        try:
            seq = list(simplices)
        except TypeError:
            raise TypeError("simplices must be a sequence of simplices (sequences of vertex ids)") from None
        n = len(seq)
        buckets = {}
        for pos, s in enumerate(seq):
            arr = as_vertex_row(s, pos)
            buckets.setdefault(arr.size, ([], []))
            buckets[arr.size][0].append(arr)
            buckets[arr.size][1].append(pos)
        all_rows = {k1: np.stack(b[0]) for k1, b in buckets.items()}
        groups = {k1: np.asarray(b[1], dtype=np.int64) for k1, b in buckets.items()}
    vals = as_float_array(values, name="values", dtype=np.float64)
    if vals.ndim != 1 or vals.shape[0] != n:
        raise ValueError(f"values must hold one number per simplex: got shape {vals.shape} for {n} simplices")
    if n == 0:
        raise ValueError("the complex is empty; pass at least one simplex")
    # per-simplex checks: collect the first bad position of each kind
    problems = []
    rows_by_dim, vals_by_dim, pos_by_dim = [], [], []
    top = max(all_rows) - 1
    for k in range(top + 1):
        if (k + 1) not in all_rows:
            rows_by_dim.append(np.zeros((0, k + 1), dtype=np.int64))
            vals_by_dim.append(np.zeros(0))
            pos_by_dim.append(np.zeros(0, dtype=np.int64))
            continue
        raw = all_rows[k + 1]
        pos = groups[k + 1]
        neg = (raw < 0).any(axis=1)
        if neg.any():
            i = int(np.argmax(neg))
            problems.append((int(pos[i]), f"simplex {int(pos[i])} {fmt_simplex(raw[i])} has a negative vertex; vertex ids must be integers >= 0"))
        rows = np.sort(raw, axis=1)
        rep = (np.diff(rows, axis=1) == 0).any(axis=1) if k > 0 else np.zeros(len(rows), bool)
        if rep.any():
            i = int(np.argmax(rep))
            problems.append((int(pos[i]), f"simplex {int(pos[i])} {fmt_simplex(raw[i])} repeats a vertex; list each vertex of a simplex once"))
        v = vals[pos]
        bad = ~np.isfinite(v)
        if bad.any():
            i = int(np.argmax(bad))
            what = "a NaN" if np.isnan(v[i]) else "an infinite"
            problems.append((int(pos[i]), f"simplex {int(pos[i])} {fmt_simplex(raw[i])} has {what} value; filtration values must be finite numbers"))
        rows_by_dim.append(np.ascontiguousarray(rows))
        vals_by_dim.append(np.ascontiguousarray(v))
        pos_by_dim.append(pos)
    return rows_by_dim, vals_by_dim, pos_by_dim, problems


def validate_faces(rows_by_dim, vals_by_dim, pos_by_dim, problems):
    """Duplicates, missing faces and face values; raises naming the first offending simplex
    (smallest input position) among these and the earlier ``problems`` (position, message)."""
    tables = []
    for k, rows in enumerate(rows_by_dim):
        table, dup, dup_of = build_table(rows) if len(rows) else (np.full(2, -1, np.int64), -1, -1)
        tables.append(table)
        if dup >= 0:
            problems.append((int(pos_by_dim[k][dup]),
                             f"simplex {int(pos_by_dim[k][dup])} {fmt_simplex(rows[dup])} is listed twice "
                             f"(also at position {int(pos_by_dim[k][dup_of])}); list each simplex once"))
    for k in range(1, len(rows_by_dim)):
        rows = rows_by_dim[k]
        if len(rows) == 0:
            continue
        below = rows_by_dim[k - 1]
        if len(below) == 0:
            i = 0
            problems.append((int(pos_by_dim[k][i]),
                             f"simplex {int(pos_by_dim[k][i])} {fmt_simplex(rows[i])} has a missing face "
                             f"{fmt_simplex(rows[i][1:])}; every face of a simplex must be listed"))
            continue
        pos = facet_positions(rows, tables[k - 1], below)
        missing = (pos < 0).any(axis=1)
        if missing.any():
            i = int(np.argmax(missing))
            s = int(np.argmax(pos[i] < 0))
            face = np.delete(rows[i], s)
            problems.append((int(pos_by_dim[k][i]),
                             f"simplex {int(pos_by_dim[k][i])} {fmt_simplex(rows[i])} has a missing face "
                             f"{fmt_simplex(face)}; every face of a simplex must be listed"))
        fv = vals_by_dim[k - 1][np.where(pos < 0, 0, pos)]
        higher = ((fv > vals_by_dim[k][:, None]) & (pos >= 0)).any(axis=1)
        if higher.any():
            i = int(np.argmax(higher))
            s = int(np.argmax((fv[i] > vals_by_dim[k][i]) & (pos[i] >= 0)))
            face = np.delete(rows[i], s)
            problems.append((int(pos_by_dim[k][i]),
                             f"simplex {int(pos_by_dim[k][i])} {fmt_simplex(rows[i])} has value "
                             f"{float(vals_by_dim[k][i])!r} but its face {fmt_simplex(face)} has the larger value "
                             f"{float(fv[i, s])!r}; a face must enter no later than its cofaces"))
    if problems:
        raise ValueError(first_problem(problems))
