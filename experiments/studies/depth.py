"""CNN depth profiles: every measure against relative depth, for each CNN family, trained and
untrained (the same seeded initialisation, zero epochs)."""

from __future__ import annotations

from .. import findings as fd
from .._util import ExperimentError
from ..common import timed
from ..report import StudyResult

NAME = "depth"
TITLE = "CNN depth profiles, trained and untrained"
DESCRIPTION = "VGG / ResNet / MobileNetV2 on images: measures vs relative depth, trained and untrained"
CNNS = ("vgg", "resnet", "mobilenetv2")


@timed
def run(ctx) -> StudyResult:
    res = StudyResult(NAME, TITLE)
    families = list(ctx.s["models"])
    for f in families:
        if f not in CNNS:
            raise ExperimentError(f"unknown CNN '{f}' for the depth study; available: {', '.join(CNNS)}")
    res.setup = ctx.image_setup_lines()
    for fam in families:
        for trained in (True, False):
            series = f"{fam} ({'trained' if trained else 'untrained'})"
            rec, rows = ctx.run_image_model(fam, ctx.s["activation"], series, trained=trained)
            res.models.append(rec)
            res.rows += rows
    res.findings += fd.per_model(res)
    res.notes.append("untrained models (dashed lines) are the control: the paper's findings concern trained "
                     "networks; a finding that also holds untrained is a property of the architecture, not of learning")
    return res
