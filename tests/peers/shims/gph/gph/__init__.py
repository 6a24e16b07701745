"""giotto-ph's ``gph.ripser_parallel`` as a renaming of :func:`topodim.ripser`.

Only names are mapped; anything without a topodim counterpart raises :class:`ShimGap` (neither
ValueError nor NotImplementedError, so a test that expects one of those cannot pass through the
shim). The mapping:

* ``metric="precomputed"`` -> ``distance_matrix=True``; other metrics pass through;
* ``n_threads=-1`` -> ``None`` (all threads); other counts pass through;
* ``collapse_edges``, ``weights``, ``weight_params``, ``maxdim``, ``thresh``, ``coeff`` pass
  through; ``return_generators`` passes through and decides whether the ``gens`` key is kept;
* ``nearest_neighbors_params`` only chooses scikit-learn's neighbour-search algorithm for a
  thresholded point cloud, which does not change the result: ignored;
* ``metric_params``: no counterpart (ShimGap when not empty);
* a scipy.sparse *point cloud* (metric not "precomputed") is densified, because topodim reads a
  sparse matrix only as a distance matrix;
* the compute dtype stays topodim's float64 (no cast): giotto-ph computes distances in float64 and
  rounds them to float32, so its float32 diagrams and the float64 ones agree to the tolerance
  of its tests, whereas computing the distances of a point cloud in float32 arithmetic would
  not (a difference of 1.8e-7 on its weighted-Rips expectations, above 7 decimals).
"""

import numpy as np

import topodim

__all__ = ["ripser_parallel", "ShimGap"]


class ShimGap(Exception):
    """A giotto-ph feature that topodim does not offer under any name."""


def ripser_parallel(X, maxdim=1, thresh=np.inf, coeff=2, metric="euclidean", metric_params={},
                    nearest_neighbors_params={}, weights=None, weight_params=None,
                    collapse_edges=False, n_threads=1, return_generators=False):
    if metric_params:
        raise ShimGap(f"metric_params={metric_params!r} has no counterpart in topodim.ripser")
    precomputed = isinstance(metric, str) and metric == "precomputed"
    if not precomputed and hasattr(X, "toarray"):
        X = X.toarray()
    res = topodim.ripser(
        X, maxdim=maxdim, thresh=thresh, coeff=coeff, distance_matrix=precomputed,
        metric="euclidean" if precomputed else metric,
        n_threads=None if n_threads == -1 else n_threads, collapse_edges=collapse_edges,
        keep_distances=False, weights=weights, weight_params=weight_params,
        return_generators=bool(return_generators))
    out = {"dgms": res["dgms"]}
    if return_generators:
        out["gens"] = res["gens"]
    return out
