"""CNN depth profiles: every measure against relative depth for each CNN family, trained and two
controls (the same architecture untrained, and trained on shuffled labels), over several seeds;
the findings are contrasts against each control. With several image datasets available, one
network's trained profile on each of them in one figure (the dataset overlay)."""

from __future__ import annotations

from .. import aggregate as ag
from .. import data
from .. import findings as fd
from .._util import ExperimentError
from ..common import CONTROLS, timed
from ..report import StudyResult, plot_panels
from ..sweep import Unit

NAME = "depth"
TITLE = "CNN depth profiles against controls"
DESCRIPTION = "VGG / ResNet / MobileNetV2 on images: measures vs relative depth, trained against untrained and shuffled-label controls, over seeds"
CNNS = ("vgg", "resnet", "mobilenetv2")
UNIT = "experiments.units:image_model_unit"

RULES_OUT = {
    "untrained": "the same architecture at its seeded initialisation: rules out profiles that come from the "
                 "layer widths, pooling and nonlinearities alone",
    "shuffled": "the same architecture trained as long on permuted labels: rules out effects of optimisation "
                "itself (weight growth, batch-norm statistics) that do not need the image-label relation",
}


def check_controls(controls):
    bad = [c for c in controls if c not in CONTROLS]
    if bad:
        raise ExperimentError(f"unknown control '{bad[0]}'; available: {', '.join(CONTROLS)}")
    return list(controls)


def plan(ctx, families):
    act = ctx.s["activation"]
    units = []
    for fam in families:
        for control in ["trained"] + check_controls(ctx.s["controls"]):
            for seed in ctx.seeds:
                units.append(Unit(f"depth/{fam}/{control}/s{seed}", UNIT,
                                  dict(family=fam, activation=act, seed=seed, control=control)))
    return units


def overlay_datasets(ctx):
    """The image datasets of the overlay that can be loaded here (the run's dataset first)."""
    names = [ctx.s["dataset"]] + [d for d in ctx.s.get("overlay_datasets") or () if d != ctx.s["dataset"]]
    return [d for d in names if d in data.IMAGE_DATASETS and data.available(d)[0]]


def contrast_findings(rows, fam, subject, controls, seed=0, **match):
    out = []
    trained = ag.by_seed(rows, model=fam, control="trained", **match)
    for ctrl in controls:
        control = ag.by_seed(rows, model=fam, control=ctrl, **match)
        out.append(fd.rise_then_fall(trained, control, subject, ctrl, seed=seed))
        out.append(fd.simplification(trained, control, "h0_tp", subject, ctrl, seed=seed))
        out.append(fd.simplification(trained, control, "h1_tp", subject, ctrl, seed=seed))
    return out


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    families = list(ctx.s["models"])
    for f in families:
        if f not in CNNS:
            raise ExperimentError(f"unknown CNN '{f}' for the depth study; available: {', '.join(CNNS)}")
    res.setup = ctx.image_setup_lines([
        "architectures: " + "; ".join(f"{f} {ctx.hp(f)}" for f in families),
        "controls: " + "; ".join(f"{c} = {RULES_OUT[c]}" for c in ctx.s["controls"])])
    units = plan(ctx, families)
    overlay = overlay_datasets(ctx)
    if len(overlay) >= 2:
        for ds in overlay:
            units.append(Unit(f"depth/overlay/{ds}", UNIT, dict(family=families[0], seed=ctx.seeds[0],
                                                                 control="trained", dataset=ds)))
    results = ctx.run_units(units)
    models, rows = ag.collect(results)
    ag.add_normalised(rows)
    main = [r for r in rows if r["dataset"] == ctx.images()["bundle"].name]
    over = [r for u, res_ in zip(units, results) if u.name.startswith("depth/overlay/") for r in res_["rows"]]
    res.models, res.rows = models, rows
    for fam in families:
        res.findings += contrast_findings(main, fam, fam, ctx.s["controls"], seed=ctx.seed)
    res.summary = ag.seed_summary(main, lambda r: r["model"])
    if over:
        summ = ag.seed_summary(over, lambda r: r["dataset"])
        fn = "overlay.png"
        if plot_panels(summ, ["h0_tp", "h1_tp", "phdim", "twonn"], ctx.out_dir / NAME / fn,
                       f"{families[0]} trained on each dataset (seed {ctx.seeds[0]})", ncols=2):
            res.extra_plots.append((fn, f"dataset overlay: one network ({families[0]}) trained on "
                                        f"{', '.join(overlay)}"))
    elif len(overlay) < 2:
        res.notes.append("dataset overlay not drawn: fewer than two image datasets can be loaded here "
                         f"(asked for {', '.join(ctx.s.get('overlay_datasets') or ())})")
    res.notes.append("verdicts are contrasts: each finding's effect is the trained network minus a control of the "
                     "same architecture and seed, with a bootstrap interval over seeds (and classes for the per-class "
                     "measures); see the criteria in the top report")
    res.notes.append("width-normalised columns (`*_norm`, second figure) divide each value by the same layer of the "
                     "untrained network of the same seed; the simplification verdict's log(last/first) minus the "
                     "control's is the same contrast written on the raw values")
    return res
