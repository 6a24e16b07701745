"""Layer representations through forward hooks, pooled per layer type, cached by content.

:func:`extract` puts a forward hook on every block listed in ``model.layers`` (or on the chosen
subset), runs the model in eval mode without gradients over the inputs in batches, and pools each
block's output into one vector per sample:

==========  ===========================  =====================================================
kind        pooling                      result
==========  ===========================  =====================================================
spatial     ``"gap"`` (default, paper)   mean over H x W of each channel -> (n, C)
spatial     ``"flatten"``                (n, C*H*W)
tokens      ``"mean"`` (default)         mean over the non-padding tokens -> (n, D)
tokens      ``"cls"``                    the first token (CLS) -> (n, D)
vector      --                           (n, D) as is
==========  ===========================  =====================================================

Mean over tokens is the default because the CLS position of the *embedding* layer is the same
vector for every input (CLS embedding + position 0), a one-point cloud at that layer.

The relative depth of the k-th of L hooked layers (k = 1..L) is k / L, as the paper plots it
(``(e + 1) / L``). The result is float32; :func:`minmax_scale` gives the paper's per-feature
min–max scaling.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._util import LOG, ExperimentError, TORCH_PIP, progress, require, stable_hash

torch = require("torch", TORCH_PIP, why="running the models")

POOLINGS = {"spatial": ("gap", "flatten"), "tokens": ("mean", "cls"), "vector": ("none",)}
CACHE_VERSION = "extract-v1"


def select_layers(model, names=None):
    """The model's layers, or the named subset (in forward order); unknown names -> error listing all."""
    layers = model.layers
    if not names:
        return layers
    known = [l.name for l in layers]
    bad = [n for n in names if n not in known]
    if bad:
        raise ExperimentError(f"unknown layer '{bad[0]}' for model {model.family}; available: {', '.join(known)}")
    return [l for l in layers if l.name in set(names)]


def relative_depths(n_layers: int) -> np.ndarray:
    """(k + 1) / L for k = 0..L-1."""
    return (np.arange(n_layers) + 1.0) / n_layers


def pool(out, kind: str, spatial: str = "gap", tokens: str = "mean", mask=None):
    """Pool one block output (a torch tensor) into (n, features)."""
    if isinstance(out, (tuple, list)):
        out = out[0]
    if kind == "spatial":
        if out.dim() != 4:
            raise ExperimentError(f"a spatial layer must output (n, C, H, W), got {tuple(out.shape)}")
        return out.mean(dim=(2, 3)) if spatial == "gap" else out.flatten(1)
    if kind == "tokens":
        if out.dim() != 3:
            raise ExperimentError(f"a token layer must output (n, T, D), got {tuple(out.shape)}")
        if tokens == "cls":
            return out[:, 0]
        if mask is None:
            return out.mean(1)
        m = mask.unsqueeze(-1).to(out.dtype)
        return (out * m).sum(1) / m.sum(1).clamp(min=1.0)
    return out.flatten(1)


def check_pooling(spatial: str, tokens: str):
    if spatial not in POOLINGS["spatial"]:
        raise ExperimentError(f"unknown spatial pooling '{spatial}'; available: {', '.join(POOLINGS['spatial'])}")
    if tokens not in POOLINGS["tokens"]:
        raise ExperimentError(f"unknown token pooling '{tokens}'; available: {', '.join(POOLINGS['tokens'])}")


def extract(model, inputs, layer_names=None, spatial_pooling="gap", token_pooling="mean", batch_size=128,
            mask_input: int | None = None, cache_dir: Path | None = None, model_key: str = "",
            show_progress=True, label=""):
    """Pooled representations of every hooked layer.

    Parameters
    ----------
    model : LayeredModel
    inputs : tuple of numpy arrays (the model's positional inputs, first axis = samples)
    layer_names : list of str or None (all layers)
    mask_input : int or None
        Index in ``inputs`` of the attention mask (1 = real token) used by ``"mean"`` token pooling.
    cache_dir, model_key : the activations are cached as ``<cache>/acts/<hash>.npz``, the hash
        covering ``model_key`` (the trained weights' key), the inputs' bytes, layers and pooling.

    Returns
    -------
    list of dict(name, kind, depth, X) in forward order; X is float32 (n, features).
    """
    check_pooling(spatial_pooling, token_pooling)
    layers = select_layers(model, layer_names)
    depth_of = dict(zip([l.name for l in model.layers], relative_depths(len(model.layers))))
    key = None
    if cache_dir and model_key:
        key = stable_hash(CACHE_VERSION, model_key, [l.name for l in layers], spatial_pooling, token_pooling,
                          *[np.asarray(a) for a in inputs])
        path = Path(cache_dir) / "acts" / f"{key}.npz"
        if path.exists():
            with np.load(path) as z:
                LOG.info("activations %s: loaded from cache", label)
                return [dict(name=l.name, kind=l.kind, depth=float(depth_of[l.name]), X=z[f"a{i}"])
                        for i, l in enumerate(layers)]
    dev = next(model.parameters()).device
    store = {l.name: [] for l in layers}
    state = {"mask": None}
    hooks = []
    for l in layers:
        def hook(mod, args, out, l=l):
            store[l.name].append(pool(out, l.kind, spatial_pooling, token_pooling, state["mask"])
                                 .detach().to("cpu", torch.float32).numpy())
        hooks.append(l.module.register_forward_hook(hook))
    model.eval()
    n = len(inputs[0])
    try:
        with torch.no_grad():
            for s in progress(range(0, n, batch_size), total=(n + batch_size - 1) // batch_size,
                              desc=f"extract {label}", enabled=show_progress):
                batch = tuple(torch.as_tensor(a[s:s + batch_size]).to(dev) for a in inputs)
                state["mask"] = batch[mask_input] if mask_input is not None else None
                model(*batch)
    finally:
        for h in hooks:
            h.remove()
    result = []
    for l in layers:
        if not store[l.name]:
            raise ExperimentError(f"layer {l.name} of {model.family} was never called in the forward pass")
        X = np.concatenate(store[l.name]).astype(np.float32)
        result.append(dict(name=l.name, kind=l.kind, depth=float(depth_of[l.name]), X=X))
    if key is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + ".tmp.npz")
        np.savez(tmp, **{f"a{i}": r["X"] for i, r in enumerate(result)})
        tmp.replace(path)
    return result


def minmax_scale(X: np.ndarray) -> np.ndarray:
    """Per-feature min–max scaling to [0, 1] (constant features become 0), as sklearn's MinMaxScaler."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return (X - lo) / span
