"""Settings (profiles), the run context shared by the studies, and the image/text pipelines."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from . import data
from ._util import LOG, ExperimentError, progress
from .measures import MeasureConfig

#: Settings of each profile. ``default`` is the README run (embedded data, < 15 min on 2 cores);
#: ``paper`` uses the paper's sizes (3,000 samples, more epochs, 16 generalization models);
#: ``tiny`` is the test setting (a few dozen samples, one epoch).
PROFILES = {
    "default": dict(
        dataset="mnist5k", text_dataset="rt-snippets", max_train=3000, max_test=1000, n_samples=2000,
        text_max_train=6000, text_n_samples=1300, epochs=2, text_epochs=4, vit_epochs=10, batch_size=64, lr=3e-3,
        models=("vgg", "resnet", "mobilenetv2"), activation=None, activation_family="vgg",
        activations=("relu", "silu", "tanh", "sigmoid", "elu", "relu6"), vit_cnns=("vgg", "resnet"),
        n_models=8, phdim_schedule="magai", phdim_sizes=None, phdim_repeats=1, per_class_points=250, h1_points=120,
        downsample=2,
        betti_points=300, betti_quantile=0.05, minmax=True, spatial_pooling="gap", token_pooling="mean",
        size="small", vocab_size=4000, text_max_len=48, layers=None, measures=None),
    "paper": dict(
        max_train=None, n_samples=3000, text_n_samples=3000, epochs=10, text_epochs=8, vit_epochs=30, n_models=16,
        size="medium",
        batch_size=64, lr=2e-3,
        text_max_train=None, h1_points=250, downsample=1),
    "tiny": dict(
        dataset="digits", max_train=90, max_test=60, n_samples=60, text_max_train=120, text_n_samples=40,
        epochs=1, text_epochs=1, vit_epochs=1, batch_size=32, n_models=8, phdim_sizes=(20, 30, 40), per_class_points=250,
        downsample=1,
        betti_points=40, size="tiny", vocab_size=300, text_max_len=24),
}

#: width / depth options of each family per model size
SIZES = {
    "tiny": {"vgg": dict(widths=(4, 8), convs_per_stage=1, hidden=16),
             "resnet": dict(widths=(4, 8), blocks_per_stage=1),
             "mobilenetv2": dict(width_mult=0.5, head_channels=16),
             "vit": dict(dim=16, depth=2, heads=2, mlp=32),
             "text-transformer": dict(dim=16, depth=2, heads=2, mlp=32)},
    "small": {"vgg": dict(widths=(16, 32, 64), convs_per_stage=2, hidden=128),
              "resnet": dict(widths=(8, 16, 32), blocks_per_stage=2),
              "mobilenetv2": dict(width_mult=0.5, head_channels=64, expansion=4),
              "vit": dict(dim=32, depth=4, heads=4, mlp=64),
              "text-transformer": dict(dim=64, depth=4, heads=4, mlp=128)},
    "medium": {"vgg": dict(widths=(32, 64, 128), convs_per_stage=2, hidden=256),
               "resnet": dict(widths=(16, 32, 64), blocks_per_stage=5),
               "mobilenetv2": dict(width_mult=1.5, head_channels=256),
               "vit": dict(dim=128, depth=6, heads=4, mlp=256),
               "text-transformer": dict(dim=256, depth=6, heads=8, mlp=512)},
}


def settings_for(profile: str, overrides: dict) -> dict:
    if profile not in PROFILES:
        raise ExperimentError(f"unknown profile '{profile}'; available: {', '.join(PROFILES)}")
    s = dict(PROFILES["default"])
    s.update(PROFILES[profile])
    for k, v in overrides.items():
        if v is not None:
            if k not in s and k not in ("seed", "device", "out", "cache_dir", "no_cache", "progress", "profile"):  # pragma: no cover
                raise ExperimentError(f"unknown setting '{k}'")
            s[k] = v
    s["profile"] = profile
    return s


@dataclass
class Context:
    """What every study needs: settings, folders, device, seed, and data loaded once per run."""

    s: dict
    out_dir: Path
    cache_dir: Path | None
    device: str = "cpu"
    seed: int = 0
    show_progress: bool = True
    _cache: dict = field(default_factory=dict)

    def measure_config(self, **kw) -> MeasureConfig:
        s = self.s
        cfg = MeasureConfig(
            measures=tuple(s["measures"]) if s.get("measures") else MeasureConfig.measures,
            phdim_schedule=s["phdim_schedule"],
            phdim_sizes=tuple(s["phdim_sizes"]) if s.get("phdim_sizes") else None,
            phdim_repeats=s["phdim_repeats"], per_class_points=s["per_class_points"], h1_points=s["h1_points"],
            minmax=s["minmax"],
            betti_points=s["betti_points"], betti_quantile=s["betti_quantile"], seed=self.seed)
        return replace(cfg, **kw)

    def hp(self, family: str) -> dict:
        return dict(SIZES[self.s["size"]][family])

    def train_config(self, **kw):
        from .train import TrainConfig
        cfg = TrainConfig(epochs=self.s["epochs"], batch_size=self.s["batch_size"], lr=self.s["lr"])
        return replace(cfg, **kw)

    # ------------------------------------------------------------------ images
    def images(self):
        """Normalised train/test images, the measurement sample (indices into train) and notes."""
        if "images" in self._cache:
            return self._cache["images"]
        s = self.s
        b = data.load(s["dataset"], max_train=s["max_train"], max_test=s["max_test"], seed=self.seed, modality="image")
        data.check_modality(b, "image", "--dataset")
        Xtr, ytr = b.arrays("train")
        Xte, yte = b.arrays("test")
        notes = []
        k = int(s["downsample"])
        if k > 1:
            if min(Xtr.shape[2:]) // k < 4:
                k = 1
            else:
                h, w = (Xtr.shape[2] // k) * k, (Xtr.shape[3] // k) * k
                pool = lambda A: A[:, :, :h, :w].reshape(A.shape[0], A.shape[1], h // k, k, w // k, k).mean((3, 5))  # noqa: E731
                Xtr, Xte = pool(Xtr), pool(Xte)
                notes.append(f"images average-pooled {k}x{k} to {Xtr.shape[2]}x{Xtr.shape[3]} to fit the run's time "
                             f"budget (--downsample 1 keeps the full resolution)")
        mean = Xtr.mean(axis=(0, 2, 3), keepdims=True)
        std = Xtr.std(axis=(0, 2, 3), keepdims=True) + 1e-6
        Xtr = ((Xtr - mean) / std).astype(np.float32)
        Xte = ((Xte - mean) / std).astype(np.float32)
        n = min(int(s["n_samples"]), len(Xtr))
        if n < int(s["n_samples"]):
            notes.append(f"measurement sample capped at {n} training images (the dataset's training split); "
                         f"asked for {s['n_samples']} (the paper uses 3,000)")
        self.measure_config().check(n)
        idx = np.sort(np.random.default_rng(self.seed).choice(len(Xtr), n, replace=False))
        out = dict(bundle=b, Xtr=Xtr, ytr=ytr, Xte=Xte, yte=yte, idx=idx, notes=notes, shape=tuple(Xtr.shape[1:]))
        self._cache["images"] = out
        return out

    def image_setup_lines(self, extra_notes=()):
        im = self.images()
        s = self.s
        mc = self.measure_config()
        sizes = mc.sizes(len(im["idx"]))
        lines = [f"- data: {im['bundle'].describe()}; inputs standardised per channel with the training mean/std",
                 f"- measured on {len(im['idx'])} training images (seeded sample, seed {self.seed}); "
                 f"PH-dim sample sizes {sizes}" + (" (paper schedule: 500, 850, ... below N, one draw each)"
                                                   if not mc.phdim_sizes and mc.phdim_schedule == "magai" else ""),
                 f"- training: {s['epochs']} epochs, AdamW lr {s['lr']}, batch {s['batch_size']}, cosine schedule, "
                 f"no augmentation; device {self.device}",
                 f"- pooling: spatial '{s['spatial_pooling']}', tokens '{s['token_pooling']}'; min-max scaling per "
                 f"feature for total persistence and Betti numbers: {'on' if mc.minmax else 'off'}; total "
                 f"persistence per class on up to {mc.per_class_points} points (H0) and "
                 f"{mc.h1_points or mc.per_class_points} points (H1)"]
        return lines + [f"- {n}" for n in im["notes"] + list(extra_notes)]

    def run_image_model(self, family, act, series, trained=True, hp=None, cfg=None, layers=None):
        """Train (or not) one image model, extract its layers on the measurement sample, measure them.

        Returns (model record row, per-layer rows)."""
        from .extract import extract
        from .measures import measure_layers
        from .models import DEFAULT_ACTIVATION, build_image_model
        from .train import train

        im = self.images()
        b = im["bundle"]
        hp = self.hp(family) if hp is None else hp
        cfg = cfg or self.train_config()
        if not trained:
            cfg = replace(cfg, epochs=0)
        act = act or DEFAULT_ACTIVATION[family]
        shape = im["shape"]
        spec = {"family": family, "activation": act, "hp": hp, "in_shape": list(shape), "n_classes": b.n_classes}
        model, rec = train(lambda: build_image_model(family, shape, b.n_classes, act, **hp), spec,
                           (im["Xtr"],), im["ytr"], (im["Xte"],), im["yte"], cfg, self.seed,
                           self.cache_dir, self.device, self.show_progress, series)
        X = im["Xtr"][im["idx"]]
        lays = extract(model, (X,), layers if layers is not None else self.s["layers"], self.s["spatial_pooling"],
                       self.s["token_pooling"], cache_dir=self.cache_dir, model_key=rec["key"],
                       show_progress=self.show_progress, label=series)
        bar = self.layer_bar(len(lays), f"measure {series}")
        rows = measure_layers(lays, im["ytr"][im["idx"]], self.measure_config(), self.cache_dir, bar)
        bar.close()
        for r in rows:
            r.update(series=series, model=family, activation=act, trained=trained)
        rec_row = {"series": series, "family": family, "activation": act, "n_parameters": rec["n_parameters"],
                   "epochs": cfg.epochs, "lr": cfg.lr, "weight_decay": cfg.weight_decay,
                   "batch_size": cfg.batch_size, "label_noise": cfg.label_noise,
                   "train_accuracy": rec["train_accuracy"], "test_accuracy": rec["test_accuracy"],
                   "train_seconds": rec["train_seconds"], "hp": hp, "cache_key": rec["key"]}
        return rec_row, rows

    def layer_bar(self, total, desc):
        return progress(total=total, desc=desc, enabled=self.show_progress, leave=False)


def timed(fn):
    def wrapper(ctx, *a, **kw):
        t0 = time.perf_counter()
        res = fn(ctx, *a, **kw)
        res.seconds = time.perf_counter() - t0
        return res
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper
