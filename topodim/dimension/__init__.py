"""Dimension estimators: the persistent-homology dimension (PH-dim), TwoNN and MLE.

One module per concern:

* :mod:`~topodim.dimension.phdim`: :func:`ph_dimension`, :class:`PHDimResult`, the log-log fit
  and the estimator :class:`PHDim`;
* :mod:`~topodim.dimension._schedule`: sample-size schedules (:func:`resolve_schedule`) and the
  subsample draws (:func:`draw_subsamples`);
* :mod:`~topodim.dimension._engines`: the MST engines of hom_dim = 0 and their choice, the Rips
  path of hom_dim >= 1 (the trees themselves: :mod:`topodim._mst.incremental`);
* :mod:`~topodim.dimension.twonn`, :mod:`~topodim.dimension.mle`: :class:`TwoNN`, :class:`MLE`;
* :mod:`~topodim.dimension._knn`: :func:`knn_distances`;
* :mod:`~topodim.dimension._common`: their warning, input checks and base class.

TwoNN and MLE
-------------
:class:`TwoNN` (Facco et al., Sci. Rep. 2017) fits ``-log(1 - F(mu)) = d log mu`` through the
origin, mu = r2 / r1 the ratio of the distances to the second and first nearest neighbours, on the
smallest ``fraction`` (0.9) of the sorted mu, discarding points with r1 = 0 or r1 = r2, as in
Ansuini et al. (NeurIPS 2019). :class:`MLE` is the Levina–Bickel estimator with MacKay &
Ghahramani's averaging (the inverse of the mean of the inverse local estimates) for each k in
[k1, k2], then averaged over k. Nearest-neighbour distances are computed by the panel kernels of
:mod:`topodim.metrics` without an n x n matrix.
"""

from __future__ import annotations

from ._common import NotFittedError, PHDimWarning
from ._knn import knn_distances
from ._schedule import DEFAULT_REPEATS, SCHEDULES, Draws, Schedule, draw_subsamples, resolve_schedule  # noqa: F401 - DEFAULT_REPEATS: cli
from .mle import MLE
from .phdim import PHDim, PHDimResult, ph_dimension
from .twonn import TwoNN

__all__ = [
    "Draws",
    "MLE",
    "NotFittedError",
    "PHDim",
    "PHDimResult",
    "PHDimWarning",
    "SCHEDULES",
    "Schedule",
    "TwoNN",
    "draw_subsamples",
    "knn_distances",
    "ph_dimension",
    "resolve_schedule",
]
