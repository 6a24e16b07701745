"""Predicting generalization: CNNs trained with different hyper-parameters; train-set H0/H1 total
persistence and PH-dim at the penultimate layer against test accuracy (Pearson and Spearman)."""

from __future__ import annotations

import numpy as np

from .. import findings as fd
from ..common import timed
from ..report import StudyResult, plot_scatter

NAME = "generalization"
TITLE = "Predicting generalization from the training set's topology"
DESCRIPTION = ">= 8 CNNs with different hyper-parameters: penultimate-layer measures vs test accuracy"

#: the penultimate (last hidden) layer of each family
PENULTIMATE = {"vgg": "fc", "resnet": "pool", "mobilenetv2": "pool"}

#: the first 8 models: (family, width scale, depth, epochs, lr, weight decay, batch, label noise)
BASE_GRID = [
    ("resnet", 1.0, 1, 1, 2e-3, 1e-4, 64, 0.0),
    ("resnet", 1.0, 2, 3, 2e-3, 1e-4, 64, 0.0),
    ("resnet", 0.5, 1, 2, 5e-3, 0.0, 128, 0.2),
    ("resnet", 1.0, 2, 3, 1e-3, 5e-4, 32, 0.4),
    ("vgg", 1.0, 1, 1, 1e-3, 1e-4, 128, 0.0),
    ("vgg", 1.0, 2, 3, 2e-3, 1e-4, 64, 0.0),
    ("vgg", 0.5, 1, 2, 3e-3, 0.0, 64, 0.3),
    ("vgg", 1.0, 1, 3, 2e-3, 1e-3, 64, 0.1),
]


def _grid(n, seed):
    grid = list(BASE_GRID)
    rng = np.random.default_rng(seed + 12345)
    while len(grid) < n:
        grid.append((str(rng.choice(["resnet", "vgg"])), float(rng.choice([0.5, 1.0, 1.5])),
                     int(rng.integers(1, 4)), int(rng.integers(1, 6)), float(rng.choice([5e-4, 1e-3, 2e-3, 5e-3])),
                     float(rng.choice([0.0, 1e-4, 1e-3])), int(rng.choice([32, 64, 128])),
                     float(rng.choice([0.0, 0.0, 0.1, 0.2, 0.3]))))
    return grid[:n]


def _hp(ctx, family, width, depth):
    hp = ctx.hp(family)
    hp["widths"] = tuple(max(2, int(round(w * width))) for w in hp["widths"])
    if family == "vgg":
        hp["convs_per_stage"] = depth
        hp["hidden"] = max(4, int(round(hp["hidden"] * width)))
    else:
        hp["blocks_per_stage"] = depth
    return hp


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    n_models = int(ctx.s["n_models"])
    grid = _grid(n_models, ctx.seed)
    epochs_scale = ctx.s["epochs"] / 2.0
    res.setup = ctx.image_setup_lines([
        f"{n_models} CNNs (VGG and pre-activation ResNet) trained with different widths, depths, epochs, learning "
        "rates, weight decays, batch sizes and label noise (a fraction of the training labels replaced by random "
        "ones), all measured at the penultimate layer (VGG: the hidden dense layer `fc`; ResNet: the "
        "global-average-pooled features `pool`) on the same training images"])
    pen_rows = []
    for k, (fam, width, depth, ep, lr, wd, bs, noise) in enumerate(grid):
        hp = _hp(ctx, fam, width, depth)
        epochs = max(1, int(round(ep * epochs_scale)))
        cfg = ctx.train_config(epochs=epochs, lr=lr, weight_decay=wd, batch_size=bs, label_noise=noise)
        series = f"m{k + 1:02d} {fam} w{width:g} d{depth} e{epochs} lr{lr:g} wd{wd:g} b{bs} n{noise:g}"
        rec, rows = ctx.run_image_model(fam, None, series, hp=hp, cfg=cfg, layers=[PENULTIMATE[fam]])
        res.models.append(rec)
        res.rows += rows
        row = dict(rows[0])
        row["test_accuracy"] = rec["test_accuracy"]
        row["train_accuracy"] = rec["train_accuracy"]
        pen_rows.append(row)
    acc = [r["test_accuracy"] for r in pen_rows]
    table = []
    for fam in sorted({r["model"] for r in pen_rows}):  # per family: penultimate widths differ across families
        sel = [r for r in pen_rows if r["model"] == fam]
        for col in ("h0_tp", "h1_tp", "phdim", "twonn", "mle"):
            r_, pr_, rho_, ps_ = fd.correlations([r.get(col, float("nan")) for r in sel], [r["test_accuracy"] for r in sel])
            table.append({"models": fam, "measure": col, "pearson_r": r_, "pearson_p": pr_, "spearman_rho": rho_,
                          "spearman_p": ps_, "n_models": len(sel)})
    for col, label in (("h0_tp", "H0 total persistence"), ("h1_tp", "H1 total persistence"),
                       ("phdim", "PH-dimension"), ("twonn", "TwoNN dimension"), ("mle", "MLE dimension")):
        x = [r.get(col, float("nan")) for r in pen_rows]
        r, pr, rho, ps = fd.correlations(x, acc)
        table.append({"models": "all", "measure": col, "pearson_r": r, "pearson_p": pr, "spearman_rho": rho, "spearman_p": ps,
                      "n_models": int(np.isfinite(np.asarray(x, float)).sum())})
        if col in ("h0_tp", "h1_tp", "phdim"):
            res.findings.append(fd.generalization(label, x, acc))
        if np.isfinite(np.asarray(x, float)).sum() >= 2:
            fn = f"scatter_{col}.png"
            plot_scatter(x, acc, [r["series"].split()[0] for r in pen_rows], ctx.out_dir / NAME / fn,
                         f"{label} (penultimate layer, train set)", "test accuracy", f"{label} vs test accuracy")
            res.extra_plots.append((fn, f"{label} vs test accuracy"))
    table.sort(key=lambda t: t["models"] != "all")
    res.extra_tables["correlations"] = table
    res.notes.append("correlations (all models, then per family; the penultimate layers of VGG and ResNet differ in "
                     "width, which shifts total persistence): " + "; ".join(
                         f"{t['models']} {t['measure']} r={t['pearson_r']:.2f} rho={t['spearman_rho']:.2f}"
                         for t in table if t["measure"] in ("h0_tp", "h1_tp", "phdim") and np.isfinite(t["pearson_r"])))
    res.extra_tables["penultimate"] = pen_rows
    res.notes.append("the paper correlates one class's lifespans sum (n_class=1) with test accuracy over ~40 "
                     "ResNets on CIFAR-10; here the per-class values are averaged over all classes")
    res.notes.append("relative depth is meaningless in this study (one layer per model): the depth plots show "
                     "each model's penultimate layer at its own depth")
    return res
