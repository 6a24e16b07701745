"""From unit results to tables: width-normalised measures and seed summaries with intervals."""

from __future__ import annotations

import math

import numpy as np

from . import stats

#: the measures that get a width-normalised column ``<col>_norm``
NORMALISED = ("h0_tp", "h1_tp", "h0_tp_global", "phdim", "twonn", "mle")
#: the columns summarised over seeds
SUMMARISED = ("phdim", "h0_tp", "h0_tp_global", "h1_tp", "twonn", "mle") + tuple(f"{c}_norm" for c in NORMALISED)


def collect(results):
    """(models, rows) of a list of unit results ``{"model", "rows"}``."""
    models, rows = [], []
    for r in results:
        models.append(r["model"])
        rows += r["rows"]
    return models, rows


def arch_key(row):
    """What makes two rows the same architecture and layer: family, activation, dataset, layer."""
    return (row.get("model"), row.get("activation"), row.get("dataset"), row.get("arch", ""), row["layer"])


def add_normalised(rows, columns=NORMALISED):
    """Add ``<col>_norm`` = value / value of the same layer of the untrained network of the same
    architecture and seed (a same-width null). Untrained rows get exactly 1 where their value is
    finite and non-zero; rows without an untrained partner get NaN. Returns ``rows``."""
    base = {}
    for r in rows:
        if r.get("control") == "untrained":
            base[(arch_key(r), r.get("seed"))] = r
    for r in rows:
        b = base.get((arch_key(r), r.get("seed")))
        for c in columns:
            v = r.get(c)
            bv = None if b is None else b.get(c)
            ok = v is not None and bv is not None and np.isfinite(v) and np.isfinite(bv) and bv != 0
            r[f"{c}_norm"] = float(v) / float(bv) if ok else math.nan
    return rows


def seed_summary(rows, group_of, columns=SUMMARISED, seed=0):
    """One row per (group, control, layer): the mean over seeds of every column and a bootstrap
    interval of that mean over seeds (``<col>_lo``, ``<col>_hi``; equal to the mean with one seed).

    ``group_of(row)`` names the group (e.g. the family) a row belongs to."""
    cells = {}
    for r in rows:
        cells.setdefault((group_of(r), r.get("control", "trained"), r["layer"]), []).append(r)
    out = []
    for (g, ctrl, layer), rs in cells.items():
        row = {"group": g, "control": ctrl, "layer": layer, "depth": rs[0]["depth"],
               "n_features": rs[0].get("n_features"), "n_seeds": len(rs)}
        for c in columns:
            vals = [r.get(c) for r in rs]
            vals = np.array([np.nan if v is None else v for v in vals], dtype=float)
            vals = vals[np.isfinite(vals)]
            if vals.size == 0:
                row[c], row[c + "_lo"], row[c + "_hi"] = math.nan, math.nan, math.nan
                continue
            m, lo, hi, _, _ = stats.hierarchical_bootstrap([[v] for v in vals], seed=seed, n_boot=1000)
            row[c], row[c + "_lo"], row[c + "_hi"] = float(vals.mean()), lo, hi
        out.append(row)
    out.sort(key=lambda r: (str(r["group"]), ["trained", "untrained", "shuffled"].index(r["control"])
                            if r["control"] in ("trained", "untrained", "shuffled") else 9, r["depth"]))
    return out


def by_seed(rows, **match):
    """seed -> rows of the rows matching every ``key=value`` in ``match``."""
    out = {}
    for r in rows:
        if all(r.get(k) == v for k, v in match.items()):
            out.setdefault(r.get("seed"), []).append(r)
    return out
