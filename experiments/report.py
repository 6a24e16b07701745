"""Tables (JSON + CSV), plots against relative depth (PNG), findings and markdown reports."""

from __future__ import annotations

import csv
import datetime
import json
import math
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._util import LOG, require

#: column -> label used in plots and tables
LABELS = {
    "phdim": "PH0-dimension",
    "h0_tp": "H0 total persistence (per class)",
    "h0_tp_global": "H0 total persistence (all classes)",
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
    summary: list = field(default_factory=list)  # seed-aggregated profile rows (see aggregate.seed_summary)
    show_tables: tuple = ()  # extra tables also printed in report.md


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


def _finish_scatter(plt, fig, ax, path: Path, xlabel, ylabel, title):
    """Labels, title and grid of a scatter plot, then save it to ``path`` and close it."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def plot_scatter(xs, ys, labels, path: Path, xlabel, ylabel, title):
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.2, 4.0), dpi=110)
    ax.scatter(xs, ys, s=22)
    for x, y, t in zip(xs, ys, labels):
        ax.annotate(t, (x, y), fontsize=6, alpha=0.7)
    _finish_scatter(plt, fig, ax, path, xlabel, ylabel, title)


def fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, (list, tuple, dict)):
        return f"({len(v)} values)"
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{v:.{digits}g}"


def verdict(h) -> str:
    if isinstance(h, str):
        return f"**{h}**" if h in ("holds", "does not hold", "inconclusive") else h
    return {True: "**holds**", False: "**does not hold**", None: "not measured"}[h]


def effect_text(f) -> str:
    """'effect [lo, hi]' of a finding row, or 'n/a'."""
    e, lo, hi = f.get("effect"), f.get("lo"), f.get("hi")
    if e is None or (isinstance(e, float) and math.isnan(e)):
        return "n/a"
    return f"{e:+.3g} [{fmt(lo)}, {fmt(hi)}]"


#: line style per control in the figures
STYLES = {"trained": "-", "untrained": "--", "shuffled": ":"}


def plot_panels(summary, columns, path: Path, title: str, group_key="group", ncols=3) -> bool:
    """A multi-panel figure: one panel per column against relative depth; one colour per group,
    line style per control (trained solid, untrained dashed, shuffled dotted), the seed mean as a
    line and its bootstrap interval over seeds as a band. ``summary``: rows with group, control,
    depth, ``<col>`` (mean), ``<col>_lo``, ``<col>_hi``. False when nothing is finite."""
    cols = [c for c in columns if any(np.isfinite(_f(r.get(c))) for r in summary)]
    if not cols:
        return False
    plt = _plt()
    nrows = (len(cols) + ncols - 1) // ncols
    nc = min(ncols, len(cols))
    fig, axes = plt.subplots(nrows, nc, figsize=(4.3 * nc, 3.3 * nrows), dpi=110, squeeze=False)
    groups = list(dict.fromkeys(r[group_key] for r in summary))
    cmap = plt.get_cmap("tab10" if len(groups) <= 10 else "tab20")
    for i, col in enumerate(cols):
        ax = axes[i // nc][i % nc]
        for gi, g in enumerate(groups):
            for ctrl in dict.fromkeys(r.get("control", "trained") for r in summary if r[group_key] == g):
                pts = sorted((r["depth"], _f(r.get(col)), _f(r.get(col + "_lo")), _f(r.get(col + "_hi")))
                             for r in summary if r[group_key] == g and r.get("control", "trained") == ctrl)
                pts = [p for p in pts if np.isfinite(p[1])]
                if not pts:
                    continue
                d = [p[0] for p in pts]
                color = cmap(gi % cmap.N)
                ax.plot(d, [p[1] for p in pts], STYLES.get(ctrl, "-."), marker="o", ms=2.5, color=color,
                        label=f"{g} ({ctrl})" if i == 0 else None)
                lo, hi = [p[2] for p in pts], [p[3] for p in pts]
                if all(np.isfinite(lo)) and all(np.isfinite(hi)):
                    ax.fill_between(d, lo, hi, color=color, alpha=0.15 if ctrl == "trained" else 0.08, lw=0)
        ax.set_title(LABELS.get(col, col), fontsize=9)
        ax.set_xlabel("relative depth", fontsize=8)
        ax.set_xlim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    for j in range(len(cols), nrows * nc):
        axes[j // nc][j % nc].axis("off")
    fig.legend(loc="lower center", ncol=min(4, max(1, len(groups) * 3)), fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.04 + 0.02 * ((len(groups) * 3) // 4), 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True


def _f(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def plot_fit(xs, ys, labels, path: Path, xlabel, ylabel, title, n_boot=500, seed=0):
    """Scatter plot with the least-squares line and a bootstrap 95 % band of the line."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    ok = np.isfinite(x) & np.isfinite(y)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.2, 4.0), dpi=110)
    ax.scatter(x[ok], y[ok], s=22)
    for xi, yi, t, o in zip(x, y, labels, ok):
        if o:
            ax.annotate(t, (xi, yi), fontsize=6, alpha=0.7)
    if ok.sum() >= 3 and np.ptp(x[ok]) > 0:
        xo, yo = x[ok], y[ok]
        grid = np.linspace(xo.min(), xo.max(), 50)
        b, a = np.polyfit(xo, yo, 1)
        ax.plot(grid, a + b * grid, "-", color="C1")
        rng = np.random.default_rng(seed)
        lines = []
        for _ in range(n_boot):
            i = rng.integers(0, len(xo), len(xo))
            if np.ptp(xo[i]) > 0:
                bb, aa = np.polyfit(xo[i], yo[i], 1)
                lines.append(aa + bb * grid)
        if lines:
            L = np.array(lines)
            ax.fill_between(grid, np.quantile(L, 0.025, 0), np.quantile(L, 0.975, 0), color="C1", alpha=0.2, lw=0)
    _finish_scatter(plt, fig, ax, path, xlabel, ylabel, title)


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
    if res.summary:
        write_table(res.summary, d / "profiles")
        cols = ["h0_tp", "h0_tp_global", "h1_tp", "phdim", "twonn", "mle"]
        if plot_panels(res.summary, cols, d / "profiles.png", f"{res.title}: seed mean and interval"):
            plots.append(("profiles.png", "measures against relative depth (seed mean, band: interval over seeds)"))
        ncols = ["h0_tp_norm", "h1_tp_norm", "phdim_norm", "twonn_norm"]
        if plot_panels([r for r in res.summary if r.get("control") != "untrained"], ncols, d / "profiles_norm.png",
                       f"{res.title}: divided by the untrained network", ncols=2):
            plots.append(("profiles_norm.png", "width-normalised: each measure divided by the same layer of the "
                          "untrained network of the same seed (1 = no change by training)"))
    else:
        for col in LABELS:
            if plot_depth(res.rows, col, d / f"{col}.png", f"{res.title}: {LABELS[col]}"):
                plots.append((f"{col}.png", LABELS[col]))
    md = [f"# {res.title}", ""]
    md += res.setup + [""]
    if res.models:
        md += ["## Models", ""]
        md += _md_table(res.models, ["series", "n_parameters", "epochs", "train_accuracy", "test_accuracy", "train_seconds"])
        md += ["", "(shuffled-label controls are trained on permuted labels: their accuracies are measured against "
               "the true labels)"] if any(m.get("control") == "shuffled" for m in res.models) else []
        md.append("")
    md += ["## Findings of the paper, checked here", ""]
    fr = [dict(f, effect_ci=effect_text(f), verdict=verdict(f["verdict"])) for f in res.findings]
    md += _md_table(fr, ["finding", "subject", "control", "effect_ci", "verdict", "numbers"],
                    ["finding", "subject", "control", "effect [95 % interval]", "verdict", "numbers"])
    md.append("")
    if res.notes:
        md += ["## Notes", ""] + [f"- {n}" for n in res.notes] + [""]
    md += ["## Plots", ""]
    for fn, cap in plots + res.extra_plots:
        md += [f"![{cap}]({fn})", ""]
    for name, tab in res.extra_tables.items():
        if tab and len(tab) <= 60 and name in res.show_tables:
            md += [f"## {name.replace('_', ' ')}", ""] + _md_table(tab, list(tab[0].keys())) + [""]
    if res.summary:
        cols = ["group", "control", "layer", "depth", "n_features", "n_seeds", "phdim", "h0_tp", "h0_tp_global",
                "h1_tp", "twonn", "h0_tp_norm", "phdim_norm"]
        md += ["## Per-layer values (mean over seeds)", "", f"(intervals in [profiles.csv](profiles.csv); every model "
               f"and layer in [layers.csv](layers.csv); study time {res.seconds:.0f} s)", ""]
        md += _md_table(res.summary, cols)
    else:
        cols = ["series", "layer", "depth", "n_features", "phdim", "h0_tp", "h1_tp", "twonn", "mle", "betti0", "betti1"]
        md += ["## Per-layer values", "", f"(also in [layers.csv](layers.csv) / [layers.json](layers.json); "
               f"study time {res.seconds:.0f} s)", ""]
        md += _md_table(res.rows, cols)
    md.append("")
    (d / "report.md").write_text("\n".join(md))
    LOG.info("study %s: wrote %s", res.name, d / "report.md")
    return d / "report.md"


# ------------------------------------------------------------------------------------------------
# the run's report.md (all studies)


@dataclass
class RunInfo:
    """How a run was started and what it cost, for the header of the run's ``report.md``."""

    command: str  # the arguments after ``python -m experiments``
    profile: str
    seed: int
    model_seeds: tuple
    device: str
    seconds: float  # wall time of all studies
    cpu_seconds: float  # CPU time of this process, all threads
    load_start: str  # load average at the start and the end (see :func:`loadavg`)
    load_end: str
    profile_note: str = ""


def loadavg() -> str:
    """The 1-minute load average, formatted, or "n/a" where the platform has none."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def environment() -> dict:
    """Python, platform, CPU count and the versions of torch and topodim."""
    import topodim

    try:
        import torch
        tv = torch.__version__
    except ImportError:  # pragma: no cover
        tv = "absent"
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "torch": tv, "topodim": topodim.__version__}


def summary_lines(findings):
    """One line per kind of finding: how many of its verdicts hold / do not hold / are inconclusive."""
    from collections import Counter, OrderedDict

    groups = OrderedDict()
    for f in findings:
        groups.setdefault(f["finding"], []).append(f)
    out = []
    for kind, fs in groups.items():
        c = Counter(f["verdict"] for f in fs)
        out.append(f"- {kind}: " + ", ".join(f"{v} {c[v]}" for v in ("holds", "does not hold", "inconclusive",
                                                                     "not measured") if c[v]) + f" (of {len(fs)})")
    return out


def write_run_report(out_dir: Path, results, failed, findings, info: RunInfo) -> Path:
    """Write the run's ``report.md``: header, summary, every study's verdicts, links, criteria.

    ``results`` are the studies' :class:`StudyResult`, ``failed`` (study, error message) pairs of
    studies that did not run, ``findings`` the findings of all studies (each with its ``study``)."""
    from .findings import __doc__ as criteria

    env = environment()
    md = ["# Layer topology of CNNs and Transformers: report", "",
          f"Generated {datetime.datetime.now().isoformat(timespec='seconds')} by `python -m experiments "
          f"{info.command}`; profile `{info.profile}`, seed {info.seed}, model seeds "
          f"{', '.join(map(str, info.model_seeds))}, device {info.device}; run time {info.seconds:.0f} s, CPU time "
          f"{info.cpu_seconds:.0f} s (all threads; load average {info.load_start} at the start, {info.load_end} at "
          f"the end) (python {env['python']}, torch {env['torch']}, topodim {env['topodim']}, {env['cpus']} CPUs).", "",
          "Measures: PH0-dimension (with topodim's interval over repeats), H0 / H1 total persistence per class (topodim "
          "convention: the plain sum of bar lengths; the paper's code halves it), TwoNN and MLE intrinsic dimension, "
          "Betti numbers at a scale; all through topodim's public API.", ""]
    if failed:
        md += ["**Studies that did not run:**", ""] + [f"- {n}: {e}" for n, e in failed] + [""]
    md += ["## Summary", ""] + summary_lines(findings) + [""]
    if info.profile_note:
        md += [info.profile_note, ""]
    md += ["## Does the paper hold here?", "",
           "Each verdict is an effect against a control with a 95 % bootstrap interval (over seeds, and classes for "
           "per-class measures): **holds** when the interval excludes zero in the paper's direction, **does not "
           "hold** when it excludes zero the other way or lies within the negligible band, **inconclusive** "
           "otherwise. The untrained control (same architecture and seed, zero epochs) rules out what the widths, "
           "pooling and nonlinearities produce alone; the shuffled-label control (trained as long on permuted "
           "labels) rules out effects of optimisation that do not need the image-label relation.", "",
           "| study | finding | subject | control | effect [95 % interval] | verdict | numbers |",
           "|---|---|---|---|---|---|---|"]
    md += [f"| [{f['study']}]({f['study']}/report.md) | {f['finding']} | {f['subject']} | {f.get('control', '')} | "
           f"{effect_text(f)} | {verdict(f['verdict'])} | {f['numbers']} |" for f in findings]
    md += ["", "## Studies", ""]
    md += [f"- [{r.title}]({r.name}/report.md) ({r.seconds:.0f} s)" for r in results]
    md += ["", "## Criteria", "", "```", criteria.strip(), "```", ""]
    path = out_dir / "report.md"
    path.write_text("\n".join(md))
    return path
