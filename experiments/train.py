"""Seeded training with an on-disk cache keyed by content.

A trained model is stored as ``<cache>/models/<key>.pt`` (state dict + training record), where the
key is the sha256 of: the model's spec (family and hyper-parameters), the training configuration,
the seed, the bytes of the training and test arrays, and the torch version. The same request
therefore never trains twice, and any change of data or settings trains anew.

Determinism: parameters are initialised under ``torch.manual_seed(seed)``; mini-batches are drawn
from ``numpy.random.default_rng(seed)``; torch runs with ``use_deterministic_algorithms(True,
warn_only=True)``. On the same machine, thread count and torch build, the same seed gives the same
weights (CPU by default; on a GPU, results agree to float tolerance only).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ._util import LOG, ExperimentError, TORCH_PIP, progress, require, stable_hash

torch = require("torch", TORCH_PIP, why="training")

CACHE_VERSION = "train-v2"


@dataclass(frozen=True)
class TrainConfig:
    """Training hyper-parameters. ``epochs=0`` keeps the seeded initialisation (an untrained model)."""

    epochs: int = 3
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-4
    optimizer: str = "adam"  # "adam" (AdamW) | "sgd" (momentum 0.9)
    schedule: str = "cosine"  # "cosine" | "constant"
    label_noise: float = 0.0  # fraction of training labels replaced by random ones (seeded)
    shuffle_labels: bool = False  # train on a seeded permutation of the labels (the shuffled-label control)
    augment: bool = False  # random translations by up to 2 pixels (seeded)

    def check(self):
        if self.epochs < 0 or self.batch_size < 1 or not self.lr > 0 or self.weight_decay < 0:
            raise ExperimentError(f"bad training configuration {self}")
        if self.optimizer not in ("adam", "sgd"):
            raise ExperimentError(f"unknown optimizer '{self.optimizer}'; available: adam, sgd")
        if self.schedule not in ("cosine", "constant"):
            raise ExperimentError(f"unknown schedule '{self.schedule}'; available: cosine, constant")
        if not 0 <= self.label_noise < 1:
            raise ExperimentError(f"label_noise must be in [0, 1), got {self.label_noise}")
        return self


def resolve_device(device: str = "cpu"):
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ExperimentError("--device cuda asked for but torch sees no GPU; use --device cpu or auto")
    if device not in ("cpu", "cuda"):
        raise ExperimentError(f"unknown device '{device}'; available: cpu, cuda, auto")
    return torch.device(device)


def _batches(inputs, idx, bs, device):
    for s in range(0, len(idx), bs):
        sel = idx[s:s + bs]
        yield tuple(torch.as_tensor(a[sel]).to(device) for a in inputs), sel


def predict(model, inputs, batch_size=256, device=None):
    """Argmax predictions of ``model`` on a tuple of input arrays (eval mode, no grad)."""
    device = device or next(model.parameters()).device
    model.eval()
    out = []
    with torch.no_grad():
        for batch, _ in _batches(inputs, np.arange(len(inputs[0])), batch_size, device):
            out.append(model(*batch).argmax(-1).cpu().numpy())
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def training_labels(y_train, cfg: TrainConfig, seed: int) -> np.ndarray:
    """The labels the model is trained on: ``y_train``, with label noise (a seeded fraction replaced
    by random classes) or, for the shuffled-label control, a seeded permutation of all of them
    (class frequencies kept, the pairing of images and labels destroyed)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 5]))
    y = np.asarray(y_train, dtype=np.int64).copy()
    if cfg.shuffle_labels:
        y = y[rng.permutation(len(y))]
    if cfg.label_noise > 0:
        flip = rng.random(len(y)) < cfg.label_noise
        y[flip] = rng.integers(0, int(y.max()) + 1, flip.sum())
    return y


def _augment(x, rng, shift=2):
    """Random translations of an image batch (n, C, H, W) by up to ``shift`` pixels (zero padding)."""
    n, _, h, w = x.shape
    pad = torch.nn.functional.pad(x, (shift, shift, shift, shift))
    dy = rng.integers(0, 2 * shift + 1, n)
    dx = rng.integers(0, 2 * shift + 1, n)
    return torch.stack([pad[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])


def train(factory, spec: dict, train_inputs, y_train, test_inputs, y_test, cfg: TrainConfig, seed: int,
          cache_dir: Path | None, device="cpu", show_progress=True, label: str = ""):
    """Build ``factory()`` under ``torch.manual_seed(seed)``, train it (or load it from the cache).

    Parameters
    ----------
    factory : callable returning a LayeredModel
    spec : dict
        What identifies the architecture (family, hyper-parameters), part of the cache key.
    train_inputs, test_inputs : tuple of numpy arrays
        Model inputs (images; or token ids and mask), first axis = samples.
    y_train, y_test : int64 arrays
    cfg : TrainConfig
    seed : int

    Returns
    -------
    (model in eval mode, record dict with train/test accuracy, losses, time, cache key)
    """
    cfg.check()
    dev = resolve_device(device) if isinstance(device, str) else device
    key = stable_hash(CACHE_VERSION, spec, asdict(cfg), seed, torch.__version__,
                      *[np.asarray(a) for a in train_inputs], np.asarray(y_train),
                      *[np.asarray(a) for a in test_inputs], np.asarray(y_test))
    path = Path(cache_dir) / "models" / f"{key}.pt" if cache_dir else None
    torch.manual_seed(seed)
    model = factory()
    if path is not None and path.exists():
        blob = torch.load(path, map_location="cpu", weights_only=False)
        model.load_state_dict(blob["state"])
        model.to(dev).eval()
        LOG.info("model %s: loaded from cache %s (test accuracy %.4f)", label, path.name, blob["record"]["test_accuracy"])
        return model, blob["record"]
    model.to(dev)
    rng = np.random.default_rng(seed)
    y_used = training_labels(y_train, cfg, seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    t0 = time.perf_counter()
    losses = []
    if cfg.epochs > 0:
        params = model.parameters()
        opt = (torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay) if cfg.optimizer == "adam"
               else torch.optim.SGD(params, lr=cfg.lr, momentum=0.9, weight_decay=cfg.weight_decay, nesterov=True))
        n = len(y_used)
        steps = cfg.epochs * ((n + cfg.batch_size - 1) // cfg.batch_size)
        sched = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, steps)) if cfg.schedule == "cosine"
                 else None)
        yt = torch.as_tensor(y_used)
        bar = progress(total=steps, desc=f"train {label}", enabled=show_progress)
        for epoch in range(cfg.epochs):
            model.train()
            perm = rng.permutation(n)
            tot, cnt = 0.0, 0
            for batch, sel in _batches(train_inputs, perm, cfg.batch_size, dev):
                opt.zero_grad(set_to_none=True)
                if cfg.augment and batch[0].dim() == 4:
                    batch = (_augment(batch[0], rng),) + tuple(batch[1:])
                loss = torch.nn.functional.cross_entropy(model(*batch), yt[sel].to(dev))
                loss.backward()
                opt.step()
                if sched is not None:
                    sched.step()
                tot += loss.detach().item() * len(sel)
                cnt += len(sel)
                bar.update(1)
            losses.append(tot / max(cnt, 1))
            bar.set_postfix_str(f"epoch {epoch + 1} loss {losses[-1]:.3f}")
        bar.close()
    model.eval()
    train_acc = float(np.mean(predict(model, train_inputs, device=dev) == np.asarray(y_train))) if len(y_train) else float("nan")
    test_acc = float(np.mean(predict(model, test_inputs, device=dev) == np.asarray(y_test))) if len(y_test) else float("nan")
    record = {"key": key, "spec": spec, "config": asdict(cfg), "seed": seed, "epoch_losses": losses,
              "label_agreement": float(np.mean(y_used == np.asarray(y_train))) if len(y_used) else float("nan"),
              "train_accuracy": train_acc, "test_accuracy": test_acc,
              "train_seconds": round(time.perf_counter() - t0, 2), "n_parameters": sum(p.numel() for p in model.parameters())}
    LOG.info("model %s: %d epochs in %.1f s, train accuracy %.4f, test accuracy %.4f",
             label, cfg.epochs, record["train_seconds"], train_acc, test_acc)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save({"state": {k: v.cpu() for k, v in model.state_dict().items()}, "record": record}, tmp)
        tmp.replace(path)
    return model, record
