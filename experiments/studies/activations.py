"""Activation functions compared: one CNN family trained with each activation."""

from __future__ import annotations

from .. import findings as fd
from .._util import choose
from ..common import timed
from .depth import CNNS
from ..models import ACTIVATION_ALIASES, activation
from ..report import StudyResult

NAME = "activations"
TITLE = "Activation functions compared"
DESCRIPTION = "one CNN family trained with ReLU, SiLU/Swish, Tanh, Sigmoid, ELU, ReLU6"


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    fam = ctx.s["activation_family"]
    choose("CNN for the activation study", fam, CNNS)
    acts = []
    for a in ctx.s["activations"]:
        activation(a)  # unknown names -> error listing the available ones
        acts.append(ACTIVATION_ALIASES.get(a, a))
    res.setup = ctx.image_setup_lines([f"family: {fam}; activations: {', '.join(acts)}"])
    half = {}
    for a in acts:
        series = f"{fam} {a}"
        rec, rows = ctx.run_image_model(fam, a, series)
        res.models.append(rec)
        res.rows += rows
        half[a] = fd.half_depth(rows, "h0_tp")
    res.findings.append(fd.activation_order(half))
    for a in acts:
        rows = [r for r in res.rows if r["activation"] == a]
        res.findings.append(fd.rise_then_fall(rows, f"{fam} {a}"))
        res.findings.append(fd.simplification(rows, f"{fam} {a}", "h0_tp"))
    res.extra_tables["half_depths"] = [{"activation": a, "h0_half_depth": v} for a, v in half.items()]
    res.notes.append("half-depth = relative depth at which the per-class H0 total persistence, after its maximum, "
                     "first falls to half of it (interpolated between layers; 1.0 when it never does)")
    return res
