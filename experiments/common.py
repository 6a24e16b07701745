"""Settings (profiles), the run context shared by the studies, and the image/text pipelines."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from . import data
from ._util import LOG, ExperimentError, progress, stable_hash
from .measures import MeasureConfig

#: Settings of each profile. ``default`` is the README run (embedded data, < 15 min on 2 idle cores);
#: ``paper`` uses the paper's sizes (3,000 samples, 5 seeds, 40 generalization models, CIFAR-10 when
#: it can be loaded); ``tiny`` is the test setting (a few dozen samples, one epoch).
PROFILES = {
    "default": dict(
        dataset="mnist5k", text_dataset="rt-snippets", max_train=3000, max_test=1000, n_samples=1500,
        text_max_train=6000, text_max_test=2000, text_n_samples=1300, epochs=2, text_epochs=4, vit_epochs=6,
        batch_size=64, lr=3e-3, models=("vgg", "resnet", "mobilenetv2"), activation=None, activation_family="resnet",
        activations=("relu", "silu", "tanh", "sigmoid", "elu", "relu6"), vit_cnns=("vgg",),
        seeds=3, controls=("untrained", "shuffled"), n_models=12, noise_levels=(0.3, 0.6),
        adv_eps=(0.0, 0.02, 0.05, 0.1, 0.2), adv_samples=800, overlay_datasets=("mnist5k", "digits"),
        phdim_schedule="spread", phdim_sizes=None, phdim_repeats=5, per_class_points=250, h1_points=120,
        global_points=1000, downsample=2,
        betti_points=300, betti_quantile=0.05, minmax=True, spatial_pooling="gap", token_pooling="mean",
        size="small", vocab_size=4000, text_max_len=48, layers=None, measures=None),
    "paper": dict(
        dataset="cifar10", max_train=None, n_samples=3000, text_n_samples=3000, epochs=10, text_epochs=8,
        vit_epochs=30, n_models=40, seeds=5, phdim_schedule="magai", size="medium", vit_cnns=("vgg", "resnet"),
        noise_levels=(0.1, 0.2, 0.4, 0.6),
        batch_size=64, lr=2e-3, adv_samples=800, overlay_datasets=("cifar10", "svhn", "mnist5k"),
        text_max_train=None, text_max_test=None, h1_points=250, downsample=1),
    "tiny": dict(
        dataset="digits", max_train=90, max_test=60, n_samples=60, text_max_train=120, text_max_test=60,
        text_n_samples=40,
        epochs=1, text_epochs=1, vit_epochs=1, batch_size=32, n_models=4, noise_levels=(0.5,), seeds=2,
        phdim_sizes=(15, 20, 25, 30, 35, 40), phdim_repeats=2, per_class_points=250, adv_eps=(0.0, 0.1, 0.3),
        adv_samples=40, overlay_datasets=("digits",), global_points=60,
        downsample=1, betti_points=40, size="tiny", vocab_size=300, text_max_len=24),
}

#: width / depth options of each family per model size. VGG has one constant width up to its
#: penultimate layer (as the paper's, 128 wide); ResNet keeps the CIFAR stage widths.
SIZES = {
    "tiny": {"vgg": dict(widths=(8, 8), convs_per_stage=1, hidden=8),
             "resnet": dict(widths=(4, 8), blocks_per_stage=1),
             "mobilenetv2": dict(width_mult=0.5, head_channels=16),
             "vit": dict(dim=16, depth=2, heads=2, mlp=32),
             "text-transformer": dict(dim=16, depth=2, heads=2, mlp=32)},
    "small": {"vgg": dict(widths=(16, 16, 16), convs_per_stage=2, hidden=16),
              "resnet": dict(widths=(8, 16, 32), blocks_per_stage=1),
              "mobilenetv2": dict(width_mult=0.5, head_channels=64, expansion=4),
              "vit": dict(dim=32, depth=4, heads=4, mlp=64),
              "text-transformer": dict(dim=64, depth=4, heads=4, mlp=128)},
    "medium": {"vgg": dict(widths=(128,) * 5, convs_per_stage=2, hidden=128),
               "resnet": dict(widths=(16, 32, 64), blocks_per_stage=5),
               "mobilenetv2": dict(width_mult=1.5, head_channels=256),
               "vit": dict(dim=128, depth=6, heads=4, mlp=256),
               "text-transformer": dict(dim=256, depth=6, heads=8, mlp=512)},
}

#: the controls a trained network is compared with
CONTROLS = ("untrained", "shuffled")


def parse_seeds(spec, base: int = 0) -> tuple:
    """``--seeds``: a count N (seeds base..base+N-1) or a comma-separated list of distinct seeds >= 0."""
    if isinstance(spec, (list, tuple)):
        vals = list(spec)
    else:
        text = str(spec).strip()
        if text.isdigit() and "," not in text:
            n = int(text)
            if n < 1:
                raise ExperimentError(f"--seeds takes a count >= 1 or a list like 0,1,2; got '{spec}'")
            return tuple(range(base, base + n))
        try:
            vals = [int(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise ExperimentError(f"--seeds takes a count (e.g. 3) or a comma-separated list of integers "
                                  f"(e.g. 0,1,2); got '{spec}'") from None
    if not vals or any(v < 0 for v in vals) or len(set(vals)) != len(vals):
        raise ExperimentError(f"--seeds takes a count (e.g. 3) or distinct non-negative integers (e.g. 0,1,2); "
                              f"got '{spec}'")
    return tuple(int(v) for v in vals)


def settings_for(profile: str, overrides: dict) -> dict:
    """The settings of a run: the profile's values, then the non-None ``overrides``.

    ``--profile paper`` asks for CIFAR-10; when neither the hub nor a local copy
    (``$TOPODIM_DATASETS_DIR/cifar10``) is available it falls back to the embedded MNIST-5k at full
    resolution, and ``s["profile_note"]`` says so in one line."""
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
    s["profile_note"] = ""
    if profile == "paper" and overrides.get("dataset") is None:
        ok, why = data.available(s["dataset"])
        if not ok:
            s["profile_note"] = (f"profile paper: CIFAR-10 is not available ({why}); using the embedded mnist5k "
                                 f"at 28x28 instead (pass --dataset cifar10 with a reachable hub, or a copy saved "
                                 f"with save_to_disk in $TOPODIM_DATASETS_DIR/cifar10)")
            s["dataset"] = "mnist5k"
            s["overlay_datasets"] = tuple(d for d in s["overlay_datasets"] if data.available(d)[0]) or ("mnist5k",)
    s["seeds"] = parse_seeds(s["seeds"], int(overrides.get("seed") or 0))
    return s


@dataclass
class Context:
    """What every study needs: settings, folders, device, seed, and data loaded once per process.

    Studies plan :class:`experiments.sweep.Unit` s and run them with :meth:`run_units`, through
    ``executor`` (a callable ``(settings dict, units) -> results``) when one is set, else in this
    process one after another."""

    s: dict
    out_dir: Path | None
    cache_dir: Path | None
    device: str = "cpu"
    seed: int = 0
    show_progress: bool = True
    executor: object = None
    _cache: dict = field(default_factory=dict)

    @property
    def seeds(self) -> tuple:
        return tuple(self.s.get("seeds") or (self.seed,))

    def settings_for_units(self) -> dict:
        """The plain, picklable settings a unit function gets: profile values, seed, device, cache."""
        out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.s.items()}
        out.update(seed=int(self.seed), device=str(self.device),
                   cache_dir=None if self.cache_dir is None else str(self.cache_dir),
                   show_progress=bool(self.show_progress))
        return out

    def run_units(self, units) -> list:
        """Run planned units (through ``executor`` when set); results in the order of ``units``."""
        from . import sweep

        units = list(units)
        names = [u.name for u in units]
        if len(set(names)) != len(names):  # pragma: no cover - a planning bug
            raise ExperimentError(f"duplicate unit names in a sweep: {sorted(n for n in names if names.count(n) > 1)[:3]}")
        LOG.info("running %d units%s", len(units), " through the executor" if self.executor else "")
        if self.executor is not None:
            return list(self.executor(self.settings_for_units(), units))
        # in this process: the unit cache, the thread policy and the failure summary of
        # sweep.run_in_process (which logs each unit's wall and CPU time)
        return sweep.run_in_process(self.settings_for_units(), units)

    def measure_config(self, **kw) -> MeasureConfig:
        s = self.s
        cfg = MeasureConfig(
            measures=tuple(s["measures"]) if s.get("measures") else MeasureConfig.measures,
            phdim_schedule=s["phdim_schedule"],
            phdim_sizes=tuple(s["phdim_sizes"]) if s.get("phdim_sizes") else None,
            phdim_repeats=s["phdim_repeats"], per_class_points=s["per_class_points"], h1_points=s["h1_points"],
            minmax=s["minmax"], global_points=s.get("global_points", 1000),
            betti_points=s["betti_points"], betti_quantile=s["betti_quantile"], seed=self.seed)
        return replace(cfg, **kw)

    def hp(self, family: str) -> dict:
        return dict(SIZES[self.s["size"]][family])

    def train_config(self, **kw):
        from .train import TrainConfig
        cfg = TrainConfig(epochs=self.s["epochs"], batch_size=self.s["batch_size"], lr=self.s["lr"])
        return replace(cfg, **kw)

    # ------------------------------------------------------------------ images
    def images(self, dataset: str | None = None, n_samples: int | None = None):
        """Normalised train/test images, the measurement sample (indices into train) and notes.

        Loaded once per process and dataset (the data split and the measurement sample depend on
        the run's ``seed`` only, never on a model's seed)."""
        s = self.s
        dataset = dataset or s["dataset"]
        key = (dataset, s["max_train"], s["max_test"], int(s["downsample"]), int(n_samples or s["n_samples"]),
               self.seed, tuple(s.get("phdim_sizes") or ()), s["phdim_schedule"], s["phdim_repeats"])
        hit = _IMAGES.get(key)
        if hit is not None:
            self.measure_config().check(len(hit["idx"]))
            return hit
        b = data.load(dataset, max_train=s["max_train"], max_test=s["max_test"], seed=self.seed, modality="image")
        data.check_modality(b, "image", "--dataset")
        Xtr, ytr = b.arrays("train")
        Xte, yte = b.arrays("test")
        notes = []
        k = int(s["downsample"])
        if k > 1:
            if min(Xtr.shape[2:]) // k < 8:  # small images (digits 8x8) keep their resolution
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
        want = int(n_samples or s["n_samples"])
        n = min(want, len(Xtr))
        if n < want:
            notes.append(f"measurement sample capped at {n} training images (the dataset's training split); "
                         f"asked for {want} (the paper uses 3,000)")
        self.measure_config().check(n)
        idx = np.sort(np.random.default_rng(self.seed).choice(len(Xtr), n, replace=False))
        out = dict(bundle=b, Xtr=Xtr, ytr=ytr, Xte=Xte, yte=yte, idx=idx, notes=notes, shape=tuple(Xtr.shape[1:]),
                   std=std.reshape(-1).astype(np.float32))
        _IMAGES[key] = out
        return out

    def image_setup_lines(self, extra_notes=()):
        im = self.images()
        s = self.s
        mc = self.measure_config()
        sizes = mc.sizes(len(im["idx"]))
        lines = [f"- data: {im['bundle'].describe()}; inputs standardised per channel with the training mean/std",
                 f"- measured on {len(im['idx'])} training images (seeded sample, run seed {self.seed}); "
                 f"PH-dim: sample sizes {sizes}, {mc.phdim_repeats} independent repeats (topodim's interval is a "
                 f"bootstrap over them)",
                 f"- seeds of the models (initialisation, batch order, shuffled labels): {', '.join(map(str, self.seeds))}",
                 f"- training: {s['epochs']} epochs, AdamW lr {s['lr']}, batch {s['batch_size']}, cosine schedule, "
                 f"no augmentation; device {self.device}",
                 f"- pooling: spatial '{s['spatial_pooling']}', tokens '{s['token_pooling']}'; min-max scaling per "
                 f"feature for total persistence and Betti numbers: {'on' if mc.minmax else 'off'}; total "
                 f"persistence per class on up to {mc.per_class_points} points (H0) and "
                 f"{mc.h1_points or mc.per_class_points} points (H1); all classes together ('global') on up to "
                 f"{mc.global_points} points"]
        if s.get("profile_note"):
            lines.append(f"- {s['profile_note']}")
        return lines + [f"- {n}" for n in im["notes"] + list(extra_notes)]

    def run_image_model(self, family, act, series, trained=True, hp=None, cfg=None, layers=None, seed=None,
                        control="trained", dataset=None, n_samples=None, transform=None, extra_key=""):
        """Train (or not) one image model, extract its layers on the measurement sample, measure them.

        ``control``: "trained", "untrained" (zero epochs: the seeded initialisation) or "shuffled"
        (trained on a seeded permutation of the labels, measured with the true labels).
        ``transform(model, X, y) -> X`` changes the measured inputs (the adversarial study).

        Returns (model record row, per-layer rows)."""
        from .extract import extract
        from .measures import measure_layers
        from .models import DEFAULT_ACTIVATION, build_image_model
        from .train import train

        if control not in ("trained",) + CONTROLS:
            raise ExperimentError(f"unknown control '{control}'; available: trained, {', '.join(CONTROLS)}")
        seed = self.seed if seed is None else int(seed)
        im = self.images(dataset, n_samples)
        b = im["bundle"]
        hp = self.hp(family) if hp is None else hp
        cfg = cfg or self.train_config()
        if not trained or control == "untrained":
            cfg = replace(cfg, epochs=0)
            control = "untrained"
        elif control == "shuffled":
            cfg = replace(cfg, shuffle_labels=True)
        act = act or DEFAULT_ACTIVATION[family]
        shape = im["shape"]
        spec = {"family": family, "activation": act, "hp": hp, "in_shape": list(shape), "n_classes": b.n_classes}
        model, rec = train(lambda: build_image_model(family, shape, b.n_classes, act, **hp), spec,
                           (im["Xtr"],), im["ytr"], (im["Xte"],), im["yte"], cfg, seed,
                           self.cache_dir, self.device, self.show_progress, series)
        X = im["Xtr"][im["idx"]]
        y = im["ytr"][im["idx"]]
        key = rec["key"]
        if transform is not None:
            X = transform(model, X, y, im)
            key = key + "/" + extra_key
        lays = extract(model, (X,), layers if layers is not None else self.s["layers"], self.s["spatial_pooling"],
                       self.s["token_pooling"], cache_dir=self.cache_dir, model_key=key,
                       show_progress=self.show_progress, label=series)
        bar = self.layer_bar(len(lays), f"measure {series}")
        rows = measure_layers(lays, y, self.measure_config(seed=self.seed + 1000 * seed), self.cache_dir, bar)
        bar.close()
        for r in rows:
            r.update(series=series, model=family, activation=act, trained=control != "untrained", control=control,
                     seed=seed, dataset=b.name, arch=stable_hash(spec)[:10])
        rec_row = {"series": series, "family": family, "activation": act, "control": control, "seed": seed,
                   "dataset": b.name, "n_parameters": rec["n_parameters"],
                   "epochs": cfg.epochs, "lr": cfg.lr, "weight_decay": cfg.weight_decay,
                   "batch_size": cfg.batch_size, "label_noise": cfg.label_noise, "augment": cfg.augment,
                   "label_agreement": rec.get("label_agreement"),
                   "train_accuracy": rec["train_accuracy"], "test_accuracy": rec["test_accuracy"],
                   "train_seconds": rec["train_seconds"], "hp": hp, "cache_key": rec["key"]}
        return rec_row, rows

    def layer_bar(self, total, desc):
        return progress(total=total, desc=desc, enabled=self.show_progress, leave=False)


#: images loaded in this process, by (dataset, caps, sample size, seed, ...)
_IMAGES: dict = {}


def timed(fn):
    def wrapper(ctx, *a, **kw):
        t0 = time.perf_counter()
        res = fn(ctx, *a, **kw)
        res.seconds = time.perf_counter() - t0
        return res
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper
