"""Predicting generalization as the paper designs it: one family (ResNet, fixed stage widths, so
a fixed penultimate width) trained with different hyper-parameters only; the training set's
penultimate-layer measures against test accuracy, within the family, with bootstrap intervals and
Holm's correction over the three measures tested. Label noise is a separate arm."""

from __future__ import annotations

import itertools

import numpy as np

from .. import findings as fd
from .. import stats
from .._util import ExperimentError
from ..common import timed
from ..report import StudyResult, plot_fit
from ..sweep import Unit
from .depth import UNIT

NAME = "generalization"
TITLE = "Predicting generalization from the training set's topology"
DESCRIPTION = ">= 12 ResNets of one width differing only in training: penultimate-layer measures vs test accuracy"

FAMILY = "resnet"
PENULTIMATE = "pool"
#: the paper's one-class variant uses the class with this index
ONE_CLASS = 1
#: hyper-parameter axes: learning rate, weight decay, batch size, epochs (x the profile's), blocks per stage, augmentation
AXES = dict(lr=(1e-3, 3e-3, 1e-2), weight_decay=(0.0, 5e-4), batch_size=(32, 128), epochs=(0.5, 1.0, 1.5),
            depth=(1, 2), augment=(False, True))
BASE = dict(lr=3e-3, weight_decay=5e-4, batch_size=64, epochs=1.0, depth=1, augment=False)


def grid(n, seed=0):
    """``n`` distinct hyper-parameter settings: a seeded order of the full factorial (144 settings)."""
    full = [dict(zip(AXES, v)) for v in itertools.product(*AXES.values())]
    if n > len(full):
        raise ExperimentError(f"--n-models {n} exceeds the {len(full)} distinct settings of the grid")
    order = np.random.default_rng(np.random.SeedSequence([int(seed), 77])).permutation(len(full))
    return [full[i] for i in order[:n]]


def unit_for(ctx, k, g, noise=0.0, arm="hp"):
    hp = ctx.hp(FAMILY)
    hp["blocks_per_stage"] = int(g["depth"]) * int(hp.get("blocks_per_stage", 1))
    epochs = max(1, int(round(g["epochs"] * ctx.s["epochs"])))
    tr = dict(lr=g["lr"], weight_decay=g["weight_decay"], batch_size=int(g["batch_size"]), epochs=epochs,
              augment=bool(g["augment"]), label_noise=float(noise))
    series = (f"{arm}{k:02d} d{g['depth']} e{epochs} lr{g['lr']:g} wd{g['weight_decay']:g} b{g['batch_size']}"
              f"{' aug' if g['augment'] else ''}{f' noise{noise:g}' if noise else ''}")
    return Unit(f"generalization/{arm}/{k:02d}", UNIT, dict(family=FAMILY, seed=ctx.seed, control="trained", hp=hp,
                                                             train_overrides=tr, layers=[PENULTIMATE], series=series))


def _values(row, col):
    if col.endswith("_one"):
        per = row.get(col[:-4] + "_classes") or []
        return per[ONE_CLASS] if len(per) > ONE_CLASS else np.nan
    v = row.get(col)
    return np.nan if v is None else v


COLUMNS = ("h0_tp", "h1_tp", "phdim", "h0_tp_one", "h1_tp_one", "h0_tp_global", "twonn", "mle")
LABELS = {"h0_tp": "H0 total persistence (class mean)", "h1_tp": "H1 total persistence (class mean)",
          "phdim": "PH-dimension", "h0_tp_one": f"H0 total persistence of class {ONE_CLASS}"}


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    n_models = int(ctx.s["n_models"])
    g = grid(n_models, ctx.seed)
    noise = [float(x) for x in ctx.s.get("noise_levels") or ()]
    units = [unit_for(ctx, k + 1, x) for k, x in enumerate(g)]
    units += [unit_for(ctx, k + 1, BASE, lv, "noise") for k, lv in enumerate([0.0] + noise)] if noise else []
    power = stats.detectable_correlation(n_models)
    res.setup = ctx.image_setup_lines([
        f"{n_models} pre-activation ResNets with stage widths {ctx.hp(FAMILY)['widths']} (penultimate layer "
        f"`{PENULTIMATE}`, {ctx.hp(FAMILY)['widths'][-1]} wide in every model) that differ only in training: learning "
        f"rate {AXES['lr']}, weight decay {AXES['weight_decay']}, batch size {AXES['batch_size']}, epochs "
        f"{[max(1, int(round(e * ctx.s['epochs']))) for e in AXES['epochs']]}, blocks per stage "
        f"{[d * ctx.hp(FAMILY).get('blocks_per_stage', 1) for d in AXES['depth']]}, "
        f"augmentation (random shifts of up to 2 pixels) off/on; one seed each ({ctx.seed})",
        f"power: with {n_models} models a two-sided test at 5 % detects |r| >= {power:.2f} with 80 % probability "
        f"(before Holm's correction)",
        (f"label-noise arm (separate): the base setting {BASE} trained with label noise "
         f"{', '.join(f'{x:g}' for x in [0.0] + noise)}" if noise else "no label-noise arm")])
    results = ctx.run_units(units)
    pen = []
    for u, r in zip(units, results):
        row = dict(r["rows"][0])
        row.update(arm=u.name.split("/")[1], test_accuracy=r["model"]["test_accuracy"],
                   train_accuracy=r["model"]["train_accuracy"])
        pen.append(row)
        res.models.append(r["model"])
        res.rows += r["rows"]
    tables = []
    for arm, label in (("hp", "hyper-parameter arm"), ("noise", "label-noise arm")):
        sel = [r for r in pen if r["arm"] == arm]
        if len(sel) < 3:
            continue
        acc = [r["test_accuracy"] for r in sel]
        meas = {c: [_values(r, c) for r in sel] for c in COLUMNS}
        found, table = fd.generalization(meas, acc, f"{FAMILY}, {label}", seed=ctx.seed)
        res.findings += found
        tables += table
        for col in ("h0_tp", "h1_tp", "phdim", "h0_tp_one"):
            x = meas[col]
            if np.isfinite(np.asarray(x, float)).sum() >= 2:
                fn = f"scatter_{arm}_{col}.png"
                t = next(t for t in table if t["measure"] == col)
                plot_fit(x, acc, [r["series"].split()[0] for r in sel], ctx.out_dir / NAME / fn,
                         f"{LABELS.get(col, col)} (penultimate layer, train set)", "test accuracy",
                         f"{label}: r = {t['pearson_r']:.2f} [{t['lo']:.2f}, {t['hi']:.2f}]")
                res.extra_plots.append((fn, f"{label}: {LABELS.get(col, col)} vs test accuracy (line: least squares; "
                                            f"band: bootstrap 95 % of the line)"))
    res.extra_tables["correlations"] = tables
    res.extra_tables["per_class"] = [{"series": r["series"], "arm": r["arm"], "test_accuracy": r["test_accuracy"],
                                      **{f"h0_class{i}": v for i, v in enumerate(r.get("h0_tp_classes") or [])}}
                                     for r in pen]
    res.extra_tables["penultimate"] = pen
    res.show_tables = ("correlations",)
    res.notes.append(f"the paper correlates one class's lifespans sum with test accuracy over ~40 ResNets; here the "
                     f"class mean, the one-class variant (class {ONE_CLASS}), all classes together and per-class values "
                     f"(per_class.csv) are reported; only the class mean of H0, H1 and PH-dim enter the verdicts "
                     f"(Holm over these three)")
    res.notes.append("label noise lowers test accuracy and also splits the clean-class clouds that are measured, so "
                     "it is a separate arm: its correlation is not evidence about hyper-parameters")
    return res
