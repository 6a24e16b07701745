"""One module per study; each defines NAME, TITLE, DESCRIPTION and ``run(ctx) -> StudyResult``.

A study plans independent units (:class:`experiments.sweep.Unit`), runs them with
``ctx.run_units`` and aggregates their results into tables, verdicts and figures."""

from . import activations, adversarial, depth, generalization, text, vit_cnn

#: study name -> module, in the order ``all`` runs them
STUDIES = {m.NAME: m for m in (depth, activations, generalization, adversarial, vit_cnn, text)}
