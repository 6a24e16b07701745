"""A small Vision Transformer against CNNs, trained on the same images, measured the same way."""

from __future__ import annotations

from .. import findings as fd
from .._util import choose
from ..common import timed
from ..report import StudyResult
from .depth import CNNS

NAME = "vit-cnn"
TITLE = "Vision Transformer against CNNs on the same images"
DESCRIPTION = "a small ViT and CNNs trained on the same images, measures vs relative depth"


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    cnns = [choose("CNN for the ViT comparison", f, CNNS) for f in ctx.s["vit_cnns"]]
    hp = ctx.hp("vit")
    res.setup = ctx.image_setup_lines([f"ViT: {hp['depth']} pre-norm blocks, width {hp['dim']}, {hp['heads']} heads, "
                                       f"CLS token classification, trained {ctx.s['vit_epochs']} epochs (Transformers "
                                       f"need more steps than CNNs); token layers pooled by '{ctx.s['token_pooling']}'"])
    for fam in ["vit"] + cnns:
        cfg = ctx.train_config(epochs=ctx.s["vit_epochs"]) if fam == "vit" else None
        rec, rows = ctx.run_image_model(fam, None, fam, cfg=cfg)
        res.models.append(rec)
        res.rows += rows
    res.findings += fd.per_model(res)
    return res
