"""Transformers on sentences: the pretrained all-MiniLM-L6-v2 against a BERT-style encoder trained
from scratch (WordPiece vocabulary trained by ``tokenizers``) on the same labelled sentences, plus
the scratch encoder untrained as a control."""

from __future__ import annotations

import numpy as np

from .. import data
from .. import findings as fd
from .._util import LOG, ExperimentError
from ..common import timed
from ..report import StudyResult

NAME = "text"
TITLE = "Transformers on sentences: pretrained MiniLM and a from-scratch encoder"
DESCRIPTION = "all-MiniLM-L6-v2 (pretrained, plain torch) vs a Transformer encoder trained from scratch"


def _measure(ctx, model, inputs, y, series, family, key, res, trained):
    from ..extract import extract
    from ..measures import measure_layers

    lays = extract(model, inputs, ctx.s["layers"], ctx.s["spatial_pooling"], ctx.s["token_pooling"],
                   batch_size=64, mask_input=1, cache_dir=ctx.cache_dir, model_key=key,
                   show_progress=ctx.show_progress, label=series)
    bar = ctx.layer_bar(len(lays), f"measure {series}")
    rows = measure_layers(lays, y, ctx.measure_config(), ctx.cache_dir, bar)
    bar.close()
    for r in rows:
        r.update(series=series, model=family, activation="gelu", trained=trained)
    res.rows += rows


@timed
def run(ctx) -> StudyResult:
    from ..models import TextTransformer
    from ..text import encode, load_minilm, train_wordpiece
    from ..train import resolve_device, train

    s = ctx.s
    res = StudyResult(NAME, TITLE)
    b = data.load(s["text_dataset"], max_train=s["text_max_train"], max_test=None, seed=ctx.seed, modality="text")
    data.check_modality(b, "text", "--text-dataset")
    tr_texts, ytr = b.arrays("train")
    te_texts, yte = b.arrays("test")
    n = min(int(s["text_n_samples"]), len(tr_texts))
    ctx.measure_config().check(n)
    idx = np.sort(np.random.default_rng(ctx.seed).choice(len(tr_texts), n, replace=False))
    m_texts, m_y = [tr_texts[i] for i in idx], ytr[idx]
    max_len = int(s["text_max_len"])
    tok = train_wordpiece(tr_texts, s["vocab_size"], ctx.cache_dir)
    hp = ctx.hp("text-transformer")
    cfg = ctx.train_config(epochs=s["text_epochs"], lr=1e-3, weight_decay=1e-2)
    res.setup = [f"- data: {b.describe()}",
                 f"- measured on {n} training sentences (seeded sample); token layers pooled by "
                 f"'{s['token_pooling']}' over the non-padding tokens; PH-dim sample sizes "
                 f"{ctx.measure_config().sizes(n)}",
                 f"- from-scratch encoder: WordPiece vocabulary of {tok.get_vocab_size()} trained on the training "
                 f"sentences, {hp['depth']} post-norm blocks, width {hp['dim']}, {hp['heads']} heads, "
                 f"max {max_len} tokens, mean-pooled into a linear classifier; {cfg.epochs} epochs AdamW lr {cfg.lr}",
                 "- MiniLM: sentence-transformers/all-MiniLM-L6-v2 run by a plain-torch BERT forward from its "
                 "safetensors weights (sha256 checked) and tokenizer.json; no task head, so its last layer is "
                 "the sentence encoder's output, not a classifier"]
    enc_tr, enc_te, enc_m = (encode(tok, t, max_len) for t in (tr_texts, te_texts, m_texts))
    spec = {"family": "text-transformer", "hp": hp, "vocab": tok.get_vocab_size(), "max_len": max_len,
            "n_classes": b.n_classes}
    for trained in (True, False):
        series = f"text-transformer ({'trained' if trained else 'untrained'})"
        c = cfg if trained else ctx.train_config(epochs=0)
        model, rec = train(lambda: TextTransformer(tok.get_vocab_size(), b.n_classes, max_len=max_len, **hp), spec,
                           enc_tr, ytr, enc_te, yte, c, ctx.seed, ctx.cache_dir, ctx.device, ctx.show_progress, series)
        res.models.append({"series": series, "family": "text-transformer", "n_parameters": rec["n_parameters"],
                           "epochs": c.epochs, "train_accuracy": rec["train_accuracy"],
                           "test_accuracy": rec["test_accuracy"], "train_seconds": rec["train_seconds"],
                           "cache_key": rec["key"]})
        _measure(ctx, model, enc_m, m_y, series, "text-transformer", rec["key"], res, trained)
    try:
        bert, mtok, info = load_minilm()
    except ExperimentError as exc:
        res.notes.append(f"MiniLM not measured: {exc}")
        LOG.warning("MiniLM not measured: %s", exc)
    else:
        bert.to(resolve_device(ctx.device))
        ids, mask = encode(mtok, m_texts, 128)
        res.models.append({"series": "MiniLM (pretrained)", "family": "minilm",
                           "n_parameters": sum(p.numel() for p in bert.parameters()), "epochs": 0,
                           "train_accuracy": None, "test_accuracy": None, "train_seconds": 0.0,
                           "cache_key": info["sha256"][:20]})
        res.notes.append(f"MiniLM weights from {info['source']} (sha256 {info['sha256'][:16]}...)")
        _measure(ctx, bert, (ids, mask), m_y, "MiniLM (pretrained)", "minilm", "minilm-" + info["sha256"], res, True)
    res.findings += fd.per_model(res)
    return res
