"""The GPU path of ``topodim.ph_dimension(..., device="cuda")`` for hom_dim = 0.

The CPU path draws its subsamples (``topodim.dimension._schedule.draw_subsamples``, from ``random_state``) before any
work; this module takes those same draws and computes, for every report (every sample size of
every ordering, or every independent subsample), the minimum spanning tree of that subsample
— all of them in ONE batched Borůvka run (:func:`topodim.cuda.mst.batch_msf`: each subsample is a
segment of the batch, the point array is uploaded once). Then, per subsample, on the host:

    E_alpha = sum over the finite tree edges of (length ** alpha), in float64,

with the lengths finished in the compute dtype (the square root for euclidean) exactly as the
CPU's ``_bar_power`` does, summed over the lengths sorted ascending (the CPU "boruvka" engine's
order). The lengths are the CPU's bits, so E equals the CPU's up to the order of the float64 sum
(a relative difference of order 1e-15), and so do the slope and the dimension.
"""

from __future__ import annotations

import numpy as np

from .._validate import DistanceInput, check_memory
from .mst import LEX, batch_msf

__all__ = ["h0_values", "subsample_segments"]


def subsample_segments(draws):
    """Every report of the draws as its own segment: (ids, offs), in report order."""
    parts, offs = [], [0]
    for c in range(len(draws.offs) - 1):
        ids = draws.ids[draws.offs[c]:draws.offs[c + 1]]
        for n in draws.reports[draws.roffs[c]:draws.roffs[c + 1]]:
            parts.append(ids[: int(n)])
            offs.append(offs[-1] + int(n))
    flat = np.ascontiguousarray(np.concatenate(parts), dtype=np.int64) if parts else np.zeros(0, np.int64)
    return flat, np.asarray(offs, dtype=np.int64)


def h0_values(inp: DistanceInput, draws, alpha: float):
    """(E_alpha, finite-bar count) of every report of ``draws`` (topodim.dimension._schedule.Draws), on
    the GPU; the same layout as topodim.dimension._engines.run_h0's result."""
    from ..metrics import EUCLIDEAN, metric_code, prepare_points, squareform  # noqa: PLC0415

    ids, offs = subsample_segments(draws)
    n_rep = offs.shape[0] - 1
    out = np.zeros(n_rep, dtype=np.float64)
    counts = np.zeros(n_rep, dtype=np.int64)
    if inp.kind == "points":
        code = metric_code(inp.metric)
        source = np.ascontiguousarray(prepare_points(inp.points, inp.metric))
    elif inp.kind in ("dense", "condensed"):
        code = None
        if inp.kind == "condensed":
            check_memory(inp.n * inp.n * inp.dtype.itemsize, f"the {inp.n}x{inp.n} distance matrix",
                         "use device='cpu' for condensed input this large")
        source = np.ascontiguousarray(inp.dense if inp.kind == "dense" else squareform(inp.condensed))
    else:
        raise ValueError(f"the CUDA PH-dimension takes points or distance matrices, not {inp.kind}")
    a, b, r, seg = batch_msf(source, ids, offs, code, LEX)
    w = np.sqrt(r) if code == EUCLIDEAN else r
    order = np.lexsort((w, seg))
    seg, w = seg[order], w[order]
    bounds = np.searchsorted(seg, np.arange(n_rep + 1))
    for s in range(n_rep):
        x = w[bounds[s]:bounds[s + 1]].astype(np.float64)
        x = x[np.isfinite(x)]
        out[s] = float(np.sum(x ** alpha)) if alpha != 1.0 else float(np.sum(x))
        counts[s] = x.shape[0]
    return out, counts

