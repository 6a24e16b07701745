"""CUDA paths of topodim, through numba-cuda (``pip install 'numba-cuda[cu12]'``).

Importing this package does not import numba-cuda; the kernel modules are imported on the first
GPU call, after :func:`select_device` found a usable device. topodim itself imports this package
only when a caller passes ``device="cuda"`` or ``device="auto"``, inside the function that
dispatches.

What runs on the GPU (all bit-identical to the CPU arithmetic of :mod:`topodim.metrics`, in
float32 and float64):

* :func:`pairwise_distances`: tiled distance kernels (shared memory) for the native metrics;
* ``topodim.mst / topodim.ph0(..., device="cuda")`` (:mod:`topodim.cuda.mst`): batched
  Borůvka with distances on the fly and per-component minima by atomics; the same sorted edge
  lengths as the CPU, hence the same H0 diagram;
* ``topodim.ph_dimension(..., device="cuda")`` (:mod:`topodim.cuda.phdim`): for hom_dim=0 every
  subsample of the schedule in one batched Borůvka run, with the CPU path's subsample draws for
  the same ``random_state``; for hom_dim >= 1 each subsample through the Rips path below;
* ``topodim.ripser(..., device="cuda")``: the distance matrix, the flat apparent-pair pass over
  all edges, the H0 spanning tree in filtration order (clearing of the dimension-1 columns) and
  the compaction of the remaining columns run on the GPU; the CPU reduces the remaining columns
  (the Ripser++ split). Diagrams equal the CPU's.

Device selection and memory lifetime: :mod:`topodim.cuda._device`.
"""

from __future__ import annotations

import numpy as np

from .._config import DeviceUnavailableError
from ._device import (
    DEVICES,
    DeviceFallbackWarning,
    check_device,
    cuda_status,
    memory_stats,
    select_device,
    simulator_enabled,
)

__all__ = [
    "DEVICES",
    "DeviceFallbackWarning",
    "DeviceUnavailableError",
    "check_device",
    "cuda_status",
    "memory_stats",
    "select_device",
    "simulator_enabled",
    "pairwise_distances",
    "ph_dimension_values",
    "rips_session",
    "tree_for",
]

#: Input kinds the GPU MST takes (condensed matrices are expanded to square ones on the host).
GPU_TREE_KINDS = ("points", "dense", "condensed")


def _require_gpu():
    select_device("cuda")


def minimum_spanning_tree(inp):
    """The MST of a validated DistanceInput on the GPU (points, dense or condensed)."""
    from . import mst as _m  # noqa: PLC0415

    return _m.minimum_spanning_tree(inp)


def tree_for(inp, device):
    """The dispatch behind ``topodim.mst`` / ``topodim.ph0(..., device=...)``.

    Returns the GPU's :class:`~topodim.mst.MSTResult`, or None when the CPU must run: device
    "cpu", or "auto" without a usable GPU (warned once) or with an input the GPU path does not
    take (scipy.sparse graphs). ``device="cuda"`` with such an input raises ``ValueError``.
    """
    dev = select_device(device)
    if dev == "cpu":
        return None
    if inp.kind not in GPU_TREE_KINDS:
        if device.strip().lower() == "cuda":
            raise ValueError(
                f"device='cuda' takes point clouds and dense or condensed distance matrices, not "
                f"{inp.kind} input; use device='cpu' (Kruskal on the graph) or device='auto'"
            )
        return None
    return minimum_spanning_tree(inp)


def ph_dimension_values(inp, draws, alpha, hom_dim, device, n_threads=None):
    """The dispatch behind ``topodim.ph_dimension(..., device=...)``.

    Returns ``(values, counts)`` for every report of the CPU path's draws (the same subsamples:
    they are drawn before this is called), or None when the CPU must run: every subsample's tree
    in one batched run (:mod:`topodim.cuda.phdim`). hom_dim must be 0 (for hom_dim >= 1,
    ph_dimension runs ``ripser(..., device=...)`` on each subsample itself).
    """
    if hom_dim != 0:
        raise ValueError(f"the batched GPU PH-dimension computes hom_dim=0 only, got hom_dim={hom_dim}")
    dev = select_device(device)
    if dev == "cpu":
        return None
    explicit = device.strip().lower() == "cuda"
    if inp.kind not in GPU_TREE_KINDS:  # pragma: no cover - ph_dimension rejects sparse input first
        if explicit:
            raise ValueError(f"device='cuda' does not take {inp.kind} input")
        return None
    from . import phdim as _p  # noqa: PLC0415

    return _p.h0_values(inp, draws, alpha)


def rips_session(device, inp):
    """The dispatch behind ``topodim.ripser(..., device=...)``: a context manager that gives a
    :class:`topodim.cuda.rips.RipsSession` (device memory freed at exit), or None for the CPU
    (device "cpu", "auto" without a GPU, or "auto" with a scipy.sparse graph).
    ``device="cuda"`` with a sparse graph raises ``ValueError``."""
    import contextlib  # noqa: PLC0415

    dev = select_device(device)
    if dev == "cpu":
        return contextlib.nullcontext(None)
    if inp.kind == "sparse":
        if device.strip().lower() == "cuda":
            raise ValueError("device='cuda' takes point clouds and dense or condensed distance "
                             "matrices, not a scipy.sparse graph; use device='cpu' or device='auto'")
        return contextlib.nullcontext(None)
    from .rips import RipsSession  # noqa: PLC0415

    return RipsSession()


def pairwise_distances(X, Y=None, metric="euclidean", condensed=False, dtype=np.float64):
    """:func:`topodim.metrics.pairwise_distances` on the GPU (same arguments, same bits).

    Raises ``RuntimeError`` when no CUDA device is usable.
    """
    from .._validate import as_distance_input, as_points  # noqa: PLC0415
    from ..metrics import metric_code, prepare_points  # noqa: PLC0415

    _require_gpu()
    from . import distances as _d  # noqa: PLC0415

    inp = as_distance_input(X, metric=metric, dtype=dtype)
    if inp.kind != "points":
        raise ValueError("pairwise_distances takes point clouds with a native metric")
    P = prepare_points(inp.points, inp.metric)
    Q = None
    if Y is not None:
        Q = as_points(Y, dtype=inp.dtype, name="Y", min_points=1, warn_shape=False)
        if Q.shape[1] != P.shape[1]:
            raise ValueError(f"Y has {Q.shape[1]} columns but X has {P.shape[1]}; they must match")
        if inp.metric == "cosine" and (np.einsum("ij,ij->i", Q, Q) == 0).any():
            raise ValueError("cosine distance is undefined for a zero vector in Y")
        Q = prepare_points(Q, inp.metric)
    return _d.pairwise_distances(P, Q, metric_code(inp.metric), bool(condensed) and Q is None)
