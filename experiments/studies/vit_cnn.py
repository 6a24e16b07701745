"""A small Vision Transformer against CNNs, trained on the same images, measured the same way, each
against its untrained twin (one seed: the ViT needs more epochs; intervals over classes and PH-dim
repeats only)."""

from __future__ import annotations

from .. import aggregate as ag
from .._util import choose
from ..common import timed
from ..report import StudyResult
from ..sweep import Unit
from .depth import CNNS, UNIT, contrast_findings

NAME = "vit-cnn"
TITLE = "Vision Transformer against CNNs on the same images"
DESCRIPTION = "a small ViT and CNNs trained on the same images, against untrained twins"


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    cnns = [choose("CNN for the ViT comparison", f, CNNS) for f in ctx.s["vit_cnns"]]
    hp = ctx.hp("vit")
    seed = ctx.seeds[0]
    res.setup = ctx.image_setup_lines([f"ViT: {hp['depth']} pre-norm blocks, width {hp['dim']}, {hp['heads']} heads, "
                                       f"CLS token classification, trained {ctx.s['vit_epochs']} epochs (Transformers "
                                       f"need more steps than CNNs); token layers pooled by '{ctx.s['token_pooling']}'; "
                                       f"one seed ({seed}), so the intervals cover classes and PH-dim repeats, not "
                                       f"training seeds"])
    units = []
    for fam in ["vit"] + cnns:
        tr = {"epochs": ctx.s["vit_epochs"]} if fam == "vit" else None
        for c in ("trained", "untrained"):
            units.append(Unit(f"vit-cnn/{fam}/{c}/s{seed}", UNIT, dict(family=fam, seed=seed, control=c,
                                                                       train_overrides=tr)))
    models, rows = ag.collect(ctx.run_units(units))
    ag.add_normalised(rows)
    res.models, res.rows = models, rows
    for fam in ["vit"] + cnns:
        res.findings += contrast_findings(rows, fam, fam, ["untrained"], seed=ctx.seed)
    res.summary = ag.seed_summary(rows, lambda r: r["model"])
    return res
