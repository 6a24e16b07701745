"""The adversarial manifold: FGSM (plain torch) at increasing step sizes on a trained MobileNetV2;
every layer's measures of the attacked measurement sample against the step size."""

from __future__ import annotations

import numpy as np

from .. import findings as fd
from ..common import timed
from ..report import StudyResult, _plt
from ..sweep import Unit

NAME = "adversarial"
TITLE = "Adversarial perturbations (FGSM) and layer topology"
DESCRIPTION = "FGSM at increasing step sizes on MobileNetV2: per-layer measures against the step size"
FAMILY = "mobilenetv2"


def _plot(rows, eps, acc, path, col="h0_tp"):
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), dpi=110)
    cmap = plt.get_cmap("viridis")
    for k, e in enumerate(eps):
        pts = sorted((r["depth"], r.get(col)) for r in rows if r["eps"] == e)
        axes[0].plot([p[0] for p in pts], [p[1] for p in pts], "-o", ms=2.5, color=cmap(k / max(1, len(eps) - 1)),
                     label=f"eps {e:g} (acc {acc[e]:.2f})")
        pts = sorted((r["depth"], r.get("phdim")) for r in rows if r["eps"] == e)
        axes[1].plot([p[0] for p in pts], [p[1] for p in pts], "-o", ms=2.5, color=cmap(k / max(1, len(eps) - 1)))
    axes[0].set_title("H0 total persistence (per class)", fontsize=9)
    axes[1].set_title("PH0-dimension", fontsize=9)
    for ax in axes[:2]:
        ax.set_xlabel("relative depth")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    axes[2].plot(eps, [acc[e] for e in eps], "-o")
    axes[2].set_xlabel("FGSM step size (pixel units)")
    axes[2].set_ylabel("accuracy on the attacked sample")
    axes[2].grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    eps = [float(e) for e in ctx.s["adv_eps"]]
    n = int(ctx.s["adv_samples"])
    seed = ctx.seeds[0]
    res.setup = ctx.image_setup_lines([
        f"{FAMILY} {ctx.hp(FAMILY)} trained (seed {seed}); untargeted FGSM (one signed-gradient step of size eps in "
        f"[0, 1] pixel units, on the standardised inputs) at eps {', '.join(f'{e:g}' for e in eps)} on {n} training "
        f"images; the paper used targeted FGSM on a buildings dataset"])
    (out,) = ctx.run_units([Unit(f"adversarial/{FAMILY}/s{seed}", "experiments.units:adversarial_unit",
                                 dict(family=FAMILY, seed=seed, eps=eps, n_samples=n))])
    acc = {}
    per_eps = {}
    for run_ in out["runs"]:
        res.rows += run_["rows"]
        m = dict(run_["model"], series=f"{FAMILY} eps={run_['eps']:g}", attacked_accuracy=run_["accuracy"])
        res.models.append(m)
        acc[run_["eps"]] = run_["accuracy"]
        rs = sorted(run_["rows"], key=lambda r: r["depth"])
        per_eps[run_["eps"]] = np.array([r.get("h0_tp_classes") or [r["h0_tp"]] for r in rs], dtype=float)
    res.findings.append(fd.adversarial(per_eps, FAMILY, seed=ctx.seed))
    fn = "adversarial.png"
    _plot(res.rows, eps, acc, ctx.out_dir / NAME / fn)
    res.extra_plots.append((fn, "per-layer measures of the attacked sample against relative depth, one line per step "
                                "size; right: accuracy on the attacked sample"))
    res.extra_tables["accuracy"] = [{"eps": e, "accuracy": acc[e]} for e in eps]
    res.show_tables = ("accuracy",)
    return res
