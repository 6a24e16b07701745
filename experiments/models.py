"""The networks studied, in plain torch, each exposing the ordered list of its blocks.

Every model is a :class:`LayeredModel`: ``model.layers`` is the list of :class:`Layer` (name,
module, kind) in forward order. The extractor puts a forward hook on each of these modules; the
module's output is the layer's representation. ``kind`` decides the pooling:

``"spatial"``  (n, C, H, W) feature maps  -> global average over space (the paper's choice) or flatten
``"tokens"``   (n, T, D) token states     -> mean over the (non-padding) tokens, or the CLS token
``"vector"``   (n, D)                     -> as is

Families (image models take (n, C, H, W) float input, text models ``(input_ids, attention_mask)``):

``vgg``           VGG-style: stages of [conv3x3-BN-activation] x ``convs_per_stage`` then 2x2 max
                  pooling; a hidden dense layer (``fc``, the penultimate layer) and the ``logits``.
                  Hooked: every conv block, ``fc``, ``logits``.
``resnet``        CIFAR-style pre-activation ResNet (He et al. 2016; widths 16/32/64 as in the
                  paper's ResNet-32/56/110, here ``blocks_per_stage`` blocks per stage), shortcut type B
                  (1x1 projection when the shape changes). Hooked: the stem, every residual
                  *addition* output (as the paper does), the global-average-pooled features (``pool``,
                  penultimate) and ``logits``.
``mobilenetv2``   MobileNetV2-style inverted residual blocks (expand 1x1, depthwise 3x3, linear
                  1x1 projection, residual addition when the shape is kept), ReLU6 by default.
                  Hooked: the stem, every inverted residual block, the head conv, ``pool``, ``logits``.
``vit``           a small Vision Transformer (Dosovitskiy et al. 2021): patch embedding + CLS token
                  + learned positions, pre-norm encoder blocks, classification from the CLS token.
                  Hooked: ``embed``, every block, the final ``norm`` (all tokens) and ``logits``.
``text-transformer``  a BERT-style encoder trained from scratch (post-norm blocks, GELU),
                  mean-pooled into a classifier. Hooked: ``embed``, every block, ``logits``.
``minilm``        all-MiniLM-L6-v2, a 6-layer BERT (hidden 384, 12 heads), see :mod:`experiments.minilm`.
                  Hooked: ``embed`` and the 6 encoder layers.

Every image family takes the activation by name: ``relu``, ``silu`` (Swish), ``tanh``, ``sigmoid``,
``elu``, ``relu6``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._util import TORCH_PIP, ExperimentError, require

torch = require("torch", TORCH_PIP, why="models and training")
nn = torch.nn
F = torch.nn.functional

ACTIVATIONS = {
    "relu": nn.ReLU,
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "elu": nn.ELU,
    "relu6": nn.ReLU6,
}
#: accepted spellings -> canonical activation name
ACTIVATION_ALIASES = {"swish": "silu"}

IMAGE_MODELS = ("vgg", "resnet", "mobilenetv2", "vit")
TEXT_MODELS = ("text-transformer", "minilm")
ALL_MODELS = IMAGE_MODELS + TEXT_MODELS


def activation(name: str) -> nn.Module:
    key = ACTIVATION_ALIASES.get(name, name)
    if key not in ACTIVATIONS:
        raise ExperimentError(f"unknown activation '{name}'; available: {', '.join(ACTIVATIONS)} (swish = silu)")
    return ACTIVATIONS[key]()


@dataclass
class Layer:
    name: str
    module: nn.Module
    kind: str  # "spatial" | "tokens" | "vector"


class LayeredModel(nn.Module):
    """An ``nn.Module`` that lists its hookable blocks in ``self.layers`` (forward order)."""

    family = "base"

    def __init__(self):
        super().__init__()
        self._layers: list[Layer] = []

    def add_layer(self, name, module, kind):
        self._layers.append(Layer(name, module, kind))
        return module

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def layer_names(self) -> list[str]:
        return [l.name for l in self._layers]


class Identity(nn.Module):
    """A named pass-through used as a hook point (e.g. the residual addition output)."""

    def forward(self, x):
        return x


# --------------------------------------------------------------------------------------------
# CNN family


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, act, bn=True, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=not bn)
        self.bn = nn.BatchNorm2d(cout) if bn else nn.Identity()
        self.act = activation(act)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class VGG(LayeredModel):
    family = "vgg"

    def __init__(self, in_shape, n_classes, act="relu", widths=(16, 32, 64), convs_per_stage=2,
                 hidden=128, bn=True):
        super().__init__()
        c, h, w = in_shape
        blocks = []
        k = 0
        for s, width in enumerate(widths):
            for _ in range(convs_per_stage):
                k += 1
                blk = ConvBlock(c, width, act, bn)
                blocks.append(self.add_layer(f"conv{k}", blk, "spatial"))
                c = width
            if min(h, w) >= 2:
                blocks.append(nn.MaxPool2d(2))
                h, w = h // 2, w // 2
        self.features = nn.Sequential(*blocks)
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, hidden), activation(act))
        self.add_layer("fc", self.fc, "vector")
        self.head = nn.Linear(hidden, n_classes)
        self.add_layer("logits", self.head, "vector")

    def forward(self, x):
        return self.head(self.fc(self.features(x)))


class PreActBlock(nn.Module):
    """Pre-activation basic block: BN-act-conv-BN-act-conv, plus shortcut; output = the addition."""

    def __init__(self, cin, cout, stride, act):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.act1 = activation(act)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.act2 = activation(act)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.shortcut = (nn.Identity() if stride == 1 and cin == cout
                         else nn.Conv2d(cin, cout, 1, stride=stride, bias=False))  # type B
        self.add = Identity()

    def forward(self, x):
        out = self.conv1(self.act1(self.bn1(x)))
        out = self.conv2(self.act2(self.bn2(out)))
        return self.add(out + self.shortcut(x))


class ResNet(LayeredModel):
    family = "resnet"

    def __init__(self, in_shape, n_classes, act="relu", widths=(16, 32, 64), blocks_per_stage=2):
        super().__init__()
        c, h, w = in_shape
        self.stem = nn.Sequential(nn.Conv2d(c, widths[0], 3, padding=1, bias=False),
                                  nn.BatchNorm2d(widths[0]), activation(act))
        self.add_layer("stem", self.stem, "spatial")
        blocks, c, size = [], widths[0], min(h, w)
        for s, width in enumerate(widths):
            for b in range(blocks_per_stage):
                stride = 2 if (s > 0 and b == 0 and size >= 2) else 1
                if stride == 2:
                    size //= 2
                blk = PreActBlock(c, width, stride, act)
                self.add_layer(f"stage{s + 1}.block{b + 1}", blk.add, "spatial")
                blocks.append(blk)
                c = width
        self.blocks = nn.Sequential(*blocks)
        self.final = nn.Sequential(nn.BatchNorm2d(c), activation(act))
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.add_layer("pool", self.pool, "vector")
        self.head = nn.Linear(c, n_classes)
        self.add_layer("logits", self.head, "vector")

    def forward(self, x):
        return self.head(self.pool(self.final(self.blocks(self.stem(x)))))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand, act):
        super().__init__()
        hid = cin * expand
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(cin, hid, 1, bias=False), nn.BatchNorm2d(hid), activation(act)]
        layers += [nn.Conv2d(hid, hid, 3, stride=stride, padding=1, groups=hid, bias=False),
                   nn.BatchNorm2d(hid), activation(act),
                   nn.Conv2d(hid, cout, 1, bias=False), nn.BatchNorm2d(cout)]  # linear bottleneck
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        out = self.conv(x)
        return x + out if self.residual else out


class MobileNetV2(LayeredModel):
    family = "mobilenetv2"

    #: (expansion t, channels c, repeats n, first stride s), as in Sandler et al. 2018, scaled down;
    #: ``expansion`` replaces t = 6 (depthwise convolutions are slow on CPUs: 4 trains 1.5x faster)
    CONFIG = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 2, 2), (6, 64, 2, 2))

    def __init__(self, in_shape, n_classes, act="relu6", width_mult=1.0, head_channels=128, expansion=6):
        super().__init__()
        c_in, h, w = in_shape
        c = max(8, int(16 * width_mult))
        self.stem = nn.Sequential(nn.Conv2d(c_in, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), activation(act))
        self.add_layer("stem", self.stem, "spatial")
        blocks, size, k = [], min(h, w), 0
        for t, ch, n, s in self.CONFIG:
            t = expansion if t != 1 else 1
            ch = max(8, int(ch * width_mult))
            for i in range(n):
                stride = s if (i == 0 and size >= 2) else 1
                if stride == 2:
                    size //= 2
                k += 1
                blk = InvertedResidual(c, ch, stride, t, act)
                self.add_layer(f"block{k}", blk, "spatial")
                blocks.append(blk)
                c = ch
        self.blocks = nn.Sequential(*blocks)
        self.head_conv = nn.Sequential(nn.Conv2d(c, head_channels, 1, bias=False),
                                       nn.BatchNorm2d(head_channels), activation(act))
        self.add_layer("head_conv", self.head_conv, "spatial")
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.add_layer("pool", self.pool, "vector")
        self.head = nn.Linear(head_channels, n_classes)
        self.add_layer("logits", self.head, "vector")

    def forward(self, x):
        return self.head(self.pool(self.head_conv(self.blocks(self.stem(x)))))


# --------------------------------------------------------------------------------------------
# Transformers


def attention(q, k, v, n_heads, mask=None):
    """Multi-head scaled dot-product attention on (n, T, D) tensors; mask (n, T) with 1 = keep."""
    n, t, d = q.shape
    dh = d // n_heads
    q = q.view(n, t, n_heads, dh).transpose(1, 2)
    k = k.view(n, -1, n_heads, dh).transpose(1, 2)
    v = v.view(n, -1, n_heads, dh).transpose(1, 2)
    # fused kernel (2x faster than the explicit softmax on CPU); boolean mask: True = attend
    am = None if mask is None else mask[:, None, None, :].bool()
    ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=am, scale=1.0 / math.sqrt(dh))
    return ctx.transpose(1, 2).reshape(n, t, d)


class PreNormBlock(nn.Module):
    """ViT encoder block: x + MHSA(LN(x)); x + MLP(LN(x))."""

    def __init__(self, dim, heads, mlp, dropout=0.0):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        x = x + self.drop(self.proj(attention(q, k, v, self.heads, mask)))
        return x + self.drop(self.mlp(self.ln2(x)))


class PatchEmbed(nn.Module):
    def __init__(self, cin, dim, patch, n_patches):
        super().__init__()
        self.proj = nn.Conv2d(cin, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, n_patches + 1, dim) * 0.02)

    def forward(self, x):
        t = self.proj(x).flatten(2).transpose(1, 2)
        return torch.cat([self.cls.expand(len(t), -1, -1), t], dim=1) + self.pos


class ViT(LayeredModel):
    family = "vit"

    def __init__(self, in_shape, n_classes, patch=None, dim=64, depth=4, heads=4, mlp=128, dropout=0.0):
        super().__init__()
        c, h, w = in_shape
        if patch is None:
            patch = 4 if min(h, w) >= 16 else 2
        if h % patch or w % patch:
            raise ExperimentError(f"ViT patch size {patch} does not divide the image size {h}x{w}")
        self.embed = PatchEmbed(c, dim, patch, (h // patch) * (w // patch))
        self.add_layer("embed", self.embed, "tokens")
        self.blocks = nn.ModuleList(PreNormBlock(dim, heads, mlp, dropout) for _ in range(depth))
        for i, b in enumerate(self.blocks):
            self.add_layer(f"block{i + 1}", b, "tokens")
        self.norm = nn.LayerNorm(dim)
        self.add_layer("norm", self.norm, "tokens")
        self.head = nn.Linear(dim, n_classes)
        self.add_layer("logits", self.head, "vector")

    def forward(self, x):
        t = self.embed(x)
        for b in self.blocks:
            t = b(t)
        return self.head(self.norm(t)[:, 0])


class PostNormBlock(nn.Module):
    """BERT-style encoder block: LN(x + MHSA(x)); LN(h + MLP(h)), GELU (erf)."""

    def __init__(self, dim, heads, mlp, dropout=0.1, eps=1e-12):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim)
        self.attn_out = nn.Linear(dim, dim)
        self.ln1 = nn.LayerNorm(dim, eps=eps)
        self.inter = nn.Linear(dim, mlp)
        self.out = nn.Linear(mlp, dim)
        self.ln2 = nn.LayerNorm(dim, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        a = attention(self.query(x), self.key(x), self.value(x), self.heads, mask)
        h = self.ln1(x + self.drop(self.attn_out(a)))
        return self.ln2(h + self.drop(self.out(F.gelu(self.inter(h)))))


class TextEmbed(nn.Module):
    def __init__(self, vocab, dim, max_len, type_vocab=2, eps=1e-12, dropout=0.1):
        super().__init__()
        self.word = nn.Embedding(vocab, dim)
        self.position = nn.Embedding(max_len, dim)
        self.token_type = nn.Embedding(type_vocab, dim)
        self.ln = nn.LayerNorm(dim, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1], device=ids.device)[None]
        e = self.word(ids) + self.position(pos) + self.token_type(torch.zeros_like(ids))
        return self.drop(self.ln(e))


class TextTransformer(LayeredModel):
    """BERT-style encoder (the same block as MiniLM) + masked mean pooling + linear classifier."""

    family = "text-transformer"

    def __init__(self, vocab_size, n_classes, dim=128, depth=4, heads=4, mlp=256, max_len=64, dropout=0.1):
        super().__init__()
        self.max_len = max_len
        self.embed = TextEmbed(vocab_size, dim, max_len, dropout=dropout)
        self.add_layer("embed", self.embed, "tokens")
        self.blocks = nn.ModuleList(PostNormBlock(dim, heads, mlp, dropout) for _ in range(depth))
        for i, b in enumerate(self.blocks):
            self.add_layer(f"layer{i + 1}", b, "tokens")
        self.head = nn.Linear(dim, n_classes)
        self.add_layer("logits", self.head, "vector")

    def encode(self, ids, mask):
        h = self.embed(ids)
        for b in self.blocks:
            h = b(h, mask)
        return h

    def forward(self, ids, mask):
        h = self.encode(ids, mask)
        m = mask.unsqueeze(-1).to(h.dtype)
        return self.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))


class Bert(LayeredModel):
    """A BERT encoder (no pooler) whose parameter names follow Hugging Face's ``BertModel``.

    ``load_state(tensors)`` takes the safetensors dict of a ``BertModel`` checkpoint. The forward
    returns the last hidden state (n, T, D); hooks give ``embed`` and ``layer1..layerL``.
    """

    family = "minilm"

    def __init__(self, vocab_size=30522, dim=384, depth=6, heads=12, mlp=1536, max_len=512, type_vocab=2,
                 eps=1e-12):
        super().__init__()
        self.max_len = max_len
        self.embed = TextEmbed(vocab_size, dim, max_len, type_vocab, eps, dropout=0.0)
        self.add_layer("embed", self.embed, "tokens")
        self.blocks = nn.ModuleList(PostNormBlock(dim, heads, mlp, 0.0, eps) for _ in range(depth))
        for i, b in enumerate(self.blocks):
            self.add_layer(f"layer{i + 1}", b, "tokens")

    def forward(self, ids, mask):
        h = self.embed(ids)
        for b in self.blocks:
            h = b(h, mask)
        return h

    _MAP = {
        "attention.self.query": "query", "attention.self.key": "key", "attention.self.value": "value",
        "attention.output.dense": "attn_out", "attention.output.LayerNorm": "ln1",
        "intermediate.dense": "inter", "output.dense": "out", "output.LayerNorm": "ln2",
    }

    def load_state(self, tensors: dict) -> None:
        """Load a Hugging Face BertModel state (names with or without a ``bert.`` prefix); strict."""
        sd = {}
        emb = {"word_embeddings": "word", "position_embeddings": "position",
               "token_type_embeddings": "token_type", "LayerNorm": "ln"}
        for key, val in tensors.items():
            k = key[5:] if key.startswith("bert.") else key
            parts = k.split(".")
            if parts[0] == "embeddings":
                if parts[1] == "position_ids":
                    continue
                sd[f"embed.{emb[parts[1]]}.{parts[2]}"] = val
            elif parts[0] == "encoder":
                i = int(parts[2])
                name = ".".join(parts[3:-1])
                sd[f"blocks.{i}.{self._MAP[name]}.{parts[-1]}"] = val
            elif parts[0] == "pooler":
                continue
            else:
                raise ExperimentError(f"unexpected parameter '{key}' in the BERT checkpoint")
        self.load_state_dict(sd, strict=True)


#: the activation each family uses when none is asked for
DEFAULT_ACTIVATION = {"vgg": "relu", "resnet": "relu", "mobilenetv2": "relu6", "vit": "gelu"}


def build_image_model(name: str, in_shape, n_classes: int, act: str | None = None, **hp) -> LayeredModel:
    """Build an image model by family name (see the module docstring); ``hp`` are its keyword options.

    ``act`` None takes the family's default (:data:`DEFAULT_ACTIVATION`); the ViT always uses GELU.
    """
    if name not in IMAGE_MODELS:
        raise ExperimentError(f"unknown image model '{name}'; available: {', '.join(IMAGE_MODELS)}")
    act = DEFAULT_ACTIVATION[name] if act is None else ACTIVATION_ALIASES.get(act, act)
    if name != "vit":
        activation(act)  # validate early
    if name == "vgg":
        return VGG(in_shape, n_classes, act=act, **hp)
    if name == "resnet":
        return ResNet(in_shape, n_classes, act=act, **hp)
    if name == "mobilenetv2":
        return MobileNetV2(in_shape, n_classes, act=act, **hp)
    return ViT(in_shape, n_classes, **hp)
