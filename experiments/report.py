"""Tables (JSON + CSV), plots against relative depth (PNG), findings and markdown reports."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._util import LOG, require

#: column -> label used in plots and tables
LABELS = {
    "phdim": "PH0-dimension",
    "h0_tp": "H0 total persistence (per class)",
    "h1_tp": "H1 total persistence (per class)",
    "twonn": "TwoNN dimension",
    "mle": "MLE dimension",
    "betti0": "Betti-0 at scale",
    "betti1": "Betti-1 at scale",
}


@dataclass
class StudyResult:
    """Everything a study produced; :func:`write_study` turns it into files."""

    name: str
    title: str
    setup: list = field(default_factory=list)  # markdown lines
    rows: list = field(default_factory=list)  # per-layer rows (dicts), with a "series" key
    models: list = field(default_factory=list)  # training records
    findings: list = field(default_factory=list)  # dicts: finding, subject, holds, numbers
    notes: list = field(default_factory=list)
    extra_tables: dict = field(default_factory=dict)  # name -> list of dicts
    extra_plots: list = field(default_factory=list)  # (file name, caption) already written
    seconds: float = 0.0


def _clean(v):
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return None if math.isnan(v) else v
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    return v


def write_table(rows, path_stem: Path):
    """Write rows (list of dicts) as ``<stem>.json`` and ``<stem>.csv`` (NaN -> empty / null)."""
    rows = list(rows)
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    Path(str(path_stem) + ".json").write_text(json.dumps(_clean(rows), indent=1, sort_keys=False) + "\n")
    cols = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    with open(str(path_stem) + ".csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            out = []
            for c in cols:
                v = _clean(r.get(c))
                if isinstance(v, float):
                    v = f"{v:.6g}"
                elif isinstance(v, (list, dict)):
                    v = json.dumps(v)
                out.append("" if v is None else v)
            w.writerow(out)


def _plt():
    mpl = require("matplotlib", why="plots")
    mpl.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_depth(rows, column, path: Path, title: str) -> bool:
    """One line per series: ``column`` against relative depth. False when no finite value."""
    series = {}
    for r in rows:
        v = r.get(column)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        series.setdefault(r["series"], []).append((r["depth"], v))
    if not series:
        return False
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
    # one colour per model, dashed for its untrained control
    bases = list(dict.fromkeys(n.replace(" (untrained)", "").replace(" (trained)", "") for n in series))
    cmap = plt.get_cmap("tab10" if len(bases) <= 10 else "tab20")
    for name, pts in series.items():
        pts.sort()
        style = "--" if "untrained" in name else "-"
        base = name.replace(" (untrained)", "").replace(" (trained)", "")
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, marker="o", ms=3.5, label=name,
                color=cmap(bases.index(base) % cmap.N))
    ax.set_xlabel("relative depth")
    ax.set_ylabel(LABELS.get(column, column))
    ax.set_title(title, fontsize=10)
    ax.set_xlim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2 if len(series) > 4 else 1)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True


def plot_scatter(xs, ys, labels, path: Path, xlabel, ylabel, title):
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.2, 4.0), dpi=110)
    ax.scatter(xs, ys, s=22)
    for x, y, t in zip(xs, ys, labels):
        ax.annotate(t, (x, y), fontsize=6, alpha=0.7)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{v:.{digits}g}"


def verdict(h) -> str:
    return {True: "**holds**", False: "**does not hold**", None: "not measured"}[h]


def _md_table(rows, cols, headers=None):
    headers = headers or cols
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(fmt(r.get(c)) if not isinstance(r.get(c), str) else r.get(c) for c in cols) + " |")
    return out


def write_study(res: StudyResult, out_dir: Path) -> Path:
    """Write ``layers``/``models``/``findings`` tables, one plot per measure and ``report.md``."""
    d = out_dir / res.name
    d.mkdir(parents=True, exist_ok=True)
    write_table(res.rows, d / "layers")
    write_table(res.models, d / "models")
    write_table(res.findings, d / "findings")
    for name, tab in res.extra_tables.items():
        write_table(tab, d / name)
    plots = []
    for col in LABELS:
        if plot_depth(res.rows, col, d / f"{col}.png", f"{res.title}: {LABELS[col]}"):
            plots.append((f"{col}.png", LABELS[col]))
    md = [f"# {res.title}", ""]
    md += res.setup + [""]
    if res.models:
        md += ["## Models", ""]
        md += _md_table(res.models, ["series", "n_parameters", "epochs", "train_accuracy", "test_accuracy", "train_seconds"])
        md.append("")
    md += ["## Findings of the paper, checked here", ""]
    md += _md_table(res.findings, ["finding", "subject", "verdict", "numbers"])
    md.append("")
    from .measures import api_status

    missing = [f"not measured: {k} ({v})" for k, v in api_status().items() if v]
    if res.notes or missing:
        md += ["## Notes", ""] + [f"- {n}" for n in missing + list(res.notes)] + [""]
    md += ["## Plots", ""]
    for fn, cap in plots + res.extra_plots:
        md += [f"![{cap}]({fn})", ""]
    cols = ["series", "layer", "depth", "n_features", "phdim", "h0_tp", "h1_tp", "twonn", "mle", "betti0", "betti1"]
    md += ["## Per-layer values", "", f"(also in [layers.csv](layers.csv) / [layers.json](layers.json); "
           f"study time {res.seconds:.0f} s)", ""]
    md += _md_table(res.rows, cols)
    md.append("")
    (d / "report.md").write_text("\n".join(md))
    LOG.info("study %s: wrote %s", res.name, d / "report.md")
    return d / "report.md"
