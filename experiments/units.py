"""Unit functions of the studies: module-level, deterministic, picklable in and out.

Each is called as ``fn(settings, **params)`` (see :mod:`experiments.sweep`), rebuilds what it
needs from ``settings`` (the data through the cached loaders, the model through the training
cache) and returns a plain dict: ``{"model": record, "rows": per-layer rows}`` (the adversarial
unit: a list of such dicts under ``"runs"``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._util import TORCH_PIP, require


def context(settings: dict):
    """A :class:`experiments.common.Context` for a unit, from the plain settings dict."""
    from .common import Context

    s = dict(settings)
    cache = s.get("cache_dir")
    return Context(s, None, Path(cache) if cache else None, s.get("device", "cpu"), int(s.get("seed", 0)),
                   bool(s.get("show_progress", False)))


def series_name(family, activation, control, seed, dataset=None):
    """The label of one model in tables and plots, e.g. ``"vgg relu (trained) s1"``."""
    act = f" {activation}" if activation else ""
    ds = f" [{dataset}]" if dataset else ""
    return f"{family}{act}{ds} ({control}) s{seed}"


def image_model_unit(settings, family, activation=None, seed=0, control="trained", hp=None, train_overrides=None,
                     layers=None, dataset=None, series=None):
    """Train (or not: ``control``) one image model for one seed, extract its layers, measure them.

    ``train_overrides`` (dict) change the profile's training configuration (epochs, lr,
    weight_decay, batch_size, label_noise, augment). Returns ``{"model": record, "rows": rows}``."""
    ctx = context(settings)
    cfg = ctx.train_config(**(train_overrides or {}))
    series = series or series_name(family, activation, control, seed, dataset)
    rec, rows = ctx.run_image_model(family, activation, series, hp=hp, cfg=cfg, layers=layers, seed=seed,
                                    control=control, dataset=dataset)
    return {"model": rec, "rows": rows}


def fgsm(model, X, y, eps_pixels, std, batch_size=200, target=None):
    """FGSM (Goodfellow et al. 2015) in plain torch on standardised inputs.

    ``eps_pixels`` is the L-infinity step in pixel units ([0, 1] images); on inputs standardised by
    ``std`` per channel it is ``eps_pixels / std``. Untargeted (``target`` None: a step up the loss
    of the true label) or targeted (a step down the loss of class ``target``)."""
    torch = require("torch", TORCH_PIP, why="FGSM")

    if eps_pixels == 0:
        return X.copy()
    dev = next(model.parameters()).device
    step = torch.as_tensor(eps_pixels / np.asarray(std, np.float32)).view(1, -1, 1, 1).to(dev)
    model.eval()
    out = []
    for s in range(0, len(X), batch_size):
        x = torch.as_tensor(X[s:s + batch_size]).to(dev).requires_grad_(True)
        lab = torch.as_tensor(y[s:s + batch_size] if target is None else np.full(len(x), target)).to(dev)
        loss = torch.nn.functional.cross_entropy(model(x), lab)
        (g,) = torch.autograd.grad(loss, x)
        sign = 1.0 if target is None else -1.0
        out.append((x + sign * step * g.sign()).detach().cpu().numpy())
    return np.concatenate(out).astype(np.float32)


def adversarial_unit(settings, family="mobilenetv2", seed=0, eps=(0.0, 0.05), hp=None, n_samples=800):
    """Train one model (cached), attack its measurement sample with FGSM at each step size, measure
    every layer of the attacked sample. Returns ``{"runs": [{"eps", "accuracy", "model", "rows"}]}``."""
    torch = require("torch", TORCH_PIP, why="FGSM")
    from .train import predict

    import tempfile

    ctx = context(settings)
    tmp = None
    if ctx.cache_dir is None:  # train once, not once per step size
        tmp = tempfile.TemporaryDirectory(prefix="topodim-adv-")
        ctx.cache_dir = Path(tmp.name)
    runs = []
    for e in eps:
        acc = {}

        def attack(model, X, y, im, e=e):
            Xa = fgsm(model, X, y, float(e), im["std"])
            acc["value"] = float(np.mean(predict(model, (Xa,)) == y))
            return Xa

        series = f"{family} eps={e:g} s{seed}"
        rec, rows = ctx.run_image_model(family, None, series, hp=hp, seed=seed, n_samples=n_samples,
                                        transform=attack, extra_key=f"fgsm-{e:g}")
        for r in rows:
            r["eps"] = float(e)
            r["attacked_accuracy"] = acc["value"]
        runs.append({"eps": float(e), "accuracy": acc["value"], "model": rec, "rows": rows})
    torch.set_grad_enabled(True)
    if tmp is not None:
        tmp.cleanup()
    return {"runs": runs}


def text_setup(ctx):
    """The text study's data, measurement sample and WordPiece tokenizer (cached per process)."""
    from . import data
    from .minilm import train_wordpiece

    s = ctx.s
    key = (s["text_dataset"], s["text_max_train"], int(s["text_n_samples"]), ctx.seed, s["vocab_size"])
    if key in _TEXT:
        return _TEXT[key]
    b = data.load(s["text_dataset"], max_train=s["text_max_train"], max_test=s.get("text_max_test"), seed=ctx.seed,
                  modality="text")
    data.check_modality(b, "text", "--text-dataset")
    tr_texts, ytr = b.arrays("train")
    te_texts, yte = b.arrays("test")
    n = min(int(s["text_n_samples"]), len(tr_texts))
    ctx.measure_config().check(n)
    idx = np.sort(np.random.default_rng(ctx.seed).choice(len(tr_texts), n, replace=False))
    tok = train_wordpiece(tr_texts, s["vocab_size"], ctx.cache_dir)
    out = dict(bundle=b, tr=tr_texts, ytr=ytr, te=te_texts, yte=yte, idx=idx, tok=tok, n=n)
    _TEXT[key] = out
    return out


_TEXT: dict = {}


def text_unit(settings, kind="trained", seed=0):
    """One text model: the from-scratch encoder ``"trained"`` or ``"untrained"`` (seeded), or the
    pretrained ``"minilm"``; extract its layers on the measured sentences and measure them.
    Returns ``{"model": record, "rows": rows}`` (``{"model": None, "rows": [], "error": ...}`` when
    MiniLM cannot be loaded)."""
    from ._util import ExperimentError
    from .extract import extract
    from .measures import measure_layers
    from .models import TextTransformer
    from .minilm import encode, load_minilm
    from .train import resolve_device, train

    ctx = context(settings)
    s = ctx.s
    t = text_setup(ctx)
    b, tok, idx = t["bundle"], t["tok"], t["idx"]
    m_texts, m_y = [t["tr"][i] for i in idx], t["ytr"][idx]
    max_len = int(s["text_max_len"])
    if kind == "minilm":
        try:
            model, mtok, info = load_minilm()
        except ExperimentError as exc:
            return {"model": None, "rows": [], "error": str(exc)}
        model.to(resolve_device(ctx.device))
        inputs = encode(mtok, m_texts, 128)
        key = "minilm-" + info["sha256"]
        series, family, control = "MiniLM (pretrained)", "minilm", "trained"
        rec = {"series": series, "family": family, "control": "pretrained", "seed": None,
               "n_parameters": sum(p.numel() for p in model.parameters()), "epochs": 0, "train_accuracy": None,
               "test_accuracy": None, "train_seconds": 0.0, "cache_key": info["sha256"][:20],
               "source": info["source"]}
    else:
        hp = ctx.hp("text-transformer")
        cfg = ctx.train_config(epochs=s["text_epochs"] if kind == "trained" else 0, lr=1e-3, weight_decay=1e-2)
        spec = {"family": "text-transformer", "hp": hp, "vocab": tok.get_vocab_size(), "max_len": max_len,
                "n_classes": b.n_classes}
        series, family, control = f"text-transformer ({kind}) s{seed}", "text-transformer", kind
        enc_tr, enc_te = encode(tok, t["tr"], max_len), encode(tok, t["te"], max_len)
        model, r = train(lambda: TextTransformer(tok.get_vocab_size(), b.n_classes, max_len=max_len, **hp), spec,
                         enc_tr, t["ytr"], enc_te, t["yte"], cfg, int(seed), ctx.cache_dir, ctx.device,
                         ctx.show_progress, series)
        inputs, key = encode(tok, m_texts, max_len), r["key"]
        rec = {"series": series, "family": family, "control": kind, "seed": int(seed), "n_parameters": r["n_parameters"],
               "epochs": cfg.epochs, "train_accuracy": r["train_accuracy"], "test_accuracy": r["test_accuracy"],
               "train_seconds": r["train_seconds"], "cache_key": r["key"]}
    lays = extract(model, inputs, s["layers"], s["spatial_pooling"], s["token_pooling"], batch_size=64, mask_input=1,
                   cache_dir=ctx.cache_dir, model_key=key, show_progress=ctx.show_progress, label=series)
    rows = measure_layers(lays, m_y, ctx.measure_config(seed=ctx.seed + 1000 * int(seed or 0)), ctx.cache_dir)
    for r in rows:
        r.update(series=series, model=family, activation="gelu", trained=control != "untrained", control=control,
                 seed=seed, dataset=b.name)
    return {"model": rec, "rows": rows}
