"""Transformers on sentences: the pretrained all-MiniLM-L6-v2 against a BERT-style encoder trained
from scratch (WordPiece vocabulary trained by ``tokenizers``) on the same labelled sentences, the
scratch encoder against its untrained twin over the run's seeds."""

from __future__ import annotations

from .. import aggregate as ag
from .._util import LOG
from ..common import timed
from ..report import StudyResult
from ..sweep import Unit
from ..units import text_setup
from .depth import contrast_findings

NAME = "text"
TITLE = "Transformers on sentences: pretrained MiniLM and a from-scratch encoder"
DESCRIPTION = "all-MiniLM-L6-v2 (pretrained, plain torch) vs a Transformer encoder trained from scratch"
UNIT = "experiments.units:text_unit"


@timed
def run(ctx) -> StudyResult:
    s = ctx.s
    res = StudyResult(NAME, TITLE)
    t = text_setup(ctx)
    hp = ctx.hp("text-transformer")
    seeds = ctx.seeds[:2]
    res.setup = [f"- data: {t['bundle'].describe()}",
                 f"- measured on {t['n']} training sentences (seeded sample); token layers pooled by "
                 f"'{s['token_pooling']}' over the non-padding tokens; PH-dim sample sizes "
                 f"{ctx.measure_config().sizes(t['n'])}, {s['phdim_repeats']} repeats",
                 f"- from-scratch encoder: WordPiece vocabulary of {t['tok'].get_vocab_size()} trained on the training "
                 f"sentences, {hp['depth']} post-norm blocks, width {hp['dim']}, {hp['heads']} heads, "
                 f"max {s['text_max_len']} tokens, mean-pooled into a linear classifier; {s['text_epochs']} epochs "
                 f"AdamW lr 0.001; seeds {', '.join(map(str, seeds))}, each against its untrained initialisation",
                 "- MiniLM: sentence-transformers/all-MiniLM-L6-v2 run by a plain-torch BERT forward from its "
                 "safetensors weights (sha256 checked) and tokenizer.json; no task head, so its last layer is "
                 "the sentence encoder's output, not a classifier; no control (profiles only)"]
    units = [Unit(f"text/{k}/s{sd}", UNIT, dict(kind=k, seed=sd)) for k in ("trained", "untrained") for sd in seeds]
    units.append(Unit("text/minilm", UNIT, dict(kind="minilm", seed=0)))
    for r in ctx.run_units(units):
        if r.get("error"):
            res.notes.append(f"MiniLM not measured: {r['error']}")
            LOG.warning("MiniLM not measured: %s", r["error"])
            continue
        res.models.append(r["model"])
        res.rows += r["rows"]
    ag.add_normalised(res.rows)
    res.findings += contrast_findings(res.rows, "text-transformer", "text-transformer", ["untrained"], seed=ctx.seed)
    res.summary = ag.seed_summary(res.rows, lambda r: r["model"])
    return res
