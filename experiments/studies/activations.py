"""Activation functions compared: one CNN family (ResNet, the paper's setting) trained with each
activation over several seeds, each against its untrained twin; the ordering "ReLU/Swish simplify
earlier than Tanh/Sigmoid" is tested with a permutation test of the activation labels."""

from __future__ import annotations

from .. import aggregate as ag
from .. import findings as fd
from .._util import choose
from ..common import timed
from ..models import ACTIVATION_ALIASES, activation
from ..report import StudyResult
from ..sweep import Unit
from .depth import CNNS, UNIT

NAME = "activations"
TITLE = "Activation functions compared"
DESCRIPTION = "one CNN family (ResNet) trained with ReLU, SiLU/Swish, Tanh, Sigmoid, ELU, ReLU6 over seeds; permutation test"


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    fam = choose("CNN for the activation study", ctx.s["activation_family"], CNNS)
    acts = []
    for a in ctx.s["activations"]:
        activation(a)  # unknown names -> error listing the available ones
        acts.append(ACTIVATION_ALIASES.get(a, a))
    res.setup = ctx.image_setup_lines([f"family: {fam} {ctx.hp(fam)}; activations: {', '.join(acts)}; each trained "
                                       f"and untrained (its same-seed initialisation)"])
    units = [Unit(f"activations/{fam}/{a}/{c}/s{s}", UNIT, dict(family=fam, activation=a, seed=s, control=c))
             for a in acts for c in ("trained", "untrained") for s in ctx.seeds]
    models, rows = ag.collect(ctx.run_units(units))
    ag.add_normalised(rows)
    res.models, res.rows = models, rows
    areas = {"trained": {}, "untrained": {}}
    table = []
    for a in acts:
        for c in ("trained", "untrained"):
            per_seed = ag.by_seed(rows, activation=a, control=c)
            ar = [fd.area(per_seed[s]) for s in sorted(per_seed)]
            hd = [fd.half_depth(per_seed[s]) for s in sorted(per_seed)]
            areas[c][a] = ar
            table.append({"activation": a, "control": c, "area_mean": sum(ar) / len(ar), "areas": ar,
                          "half_depth_mean": sum(hd) / len(hd), "half_depths": hd})
    res.findings += fd.activation_order(areas["trained"], areas["untrained"], seed=ctx.seed)
    for a in acts:
        res.findings.append(fd.simplification(ag.by_seed(rows, activation=a, control="trained"),
                                              ag.by_seed(rows, activation=a, control="untrained"),
                                              "h0_tp", f"{fam} {a}", "untrained", seed=ctx.seed))
    res.summary = ag.seed_summary(rows, lambda r: r["activation"])
    res.extra_tables["areas"] = table
    res.show_tables = ("areas",)
    res.notes.append("area = mean over the layers of per-class H0 total persistence divided by its maximum (small "
                     "when the fall comes early); half-depth = relative depth where it first falls to half of its "
                     "maximum (the old criterion, kept for reference)")
    return res
