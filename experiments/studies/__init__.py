"""One module per study; each defines NAME, TITLE, DESCRIPTION and ``run(ctx) -> StudyResult``."""

from . import activations, depth, generalization, text, vit_cnn

#: study name -> module, in the order ``all`` runs them
STUDIES = {m.NAME: m for m in (depth, activations, vit_cnn, text, generalization)}
