"""The seed paper's findings as explicit, numeric checks on per-layer profiles.

Every check takes the rows of one series (one model), ordered by relative depth, and returns a
finding dict ``{finding, subject, holds, verdict, numbers}``; ``holds`` is None when the measure
was not computed (NaN everywhere). The criteria (stated in every report):

rise-then-fall PH-dim
    the largest PH-dim is at an interior layer (neither the first nor the last hooked layer), it
    exceeds the first layer's by more than 5 %, and the last layer's value is below the peak by
    more than 5 %.
simplification towards the output (H0 / H1 total persistence)
    the last hooked layer's value is at most half of the largest value over the layers, and below
    the first layer's value.
ReLU/Swish simplify earlier than Tanh/Sigmoid
    the *half-depth* of a profile is the relative depth at which H0 total persistence, after its
    maximum, first falls to half of that maximum (linearly interpolated between the two layers
    around the crossing; 1.0 when it never does); the finding holds when the mean half-depth of
    ReLU and SiLU is below the mean of Tanh and Sigmoid.
lower complexity goes with better generalization
    across models, the Pearson and Spearman correlations of a measure at the penultimate layer
    with test accuracy are both negative and the Pearson correlation is significant (p < 0.05);
    a negative but non-significant correlation is reported as not holding, with its numbers.
"""

from __future__ import annotations

import math

import numpy as np

from .report import fmt, verdict


def _profile(rows, col):
    pts = sorted((r["depth"], r.get(col)) for r in rows)
    d = np.array([p[0] for p in pts], dtype=float)
    v = np.array([np.nan if p[1] is None else p[1] for p in pts], dtype=float)
    ok = np.isfinite(v)
    return d[ok], v[ok]


def finding(name, subject, holds, numbers):
    return {"finding": name, "subject": subject, "holds": holds, "verdict": verdict(holds), "numbers": numbers}


def rise_then_fall(rows, subject, col="phdim"):
    d, v = _profile(rows, col)
    name = "rise-then-fall PH-dim profile" if col == "phdim" else f"rise-then-fall {col}"
    if len(v) < 3:
        return finding(name, subject, None, "not computed" if len(v) == 0 else "fewer than 3 layers measured")
    k = int(np.argmax(v))
    holds = bool(0 < k < len(v) - 1 and v[k] > 1.05 * v[0] and v[-1] < 0.95 * v[k])
    nums = f"first {fmt(v[0])} (depth {d[0]:.2f}) -> peak {fmt(v[k])} (depth {d[k]:.2f}) -> last {fmt(v[-1])}"
    return finding(name, subject, holds, nums)


def simplification(rows, subject, col):
    d, v = _profile(rows, col)
    label = {"h0_tp": "H0", "h1_tp": "H1"}.get(col, col)
    name = f"simplification towards the output ({label} total persistence)"
    if len(v) < 2:
        return finding(name, subject, None, "not computed")
    mx = float(v.max())
    holds = bool(v[-1] <= 0.5 * mx and v[-1] < v[0])
    k = int(np.argmax(v))
    nums = (f"first {fmt(v[0])}, max {fmt(mx)} (depth {d[k]:.2f}), last {fmt(v[-1])}; "
            f"last/max {fmt(v[-1] / mx if mx > 0 else math.nan, 2)}")
    return finding(name, subject, holds, nums)


def per_model(res):
    """The depth findings of every model of a study: PH-dim rise-then-fall and the H0 / H1
    simplification towards the output, each on that model's rows."""
    out = []
    for rec in res.models:
        rows = [r for r in res.rows if r["series"] == rec["series"]]
        out += [rise_then_fall(rows, rec["series"]), simplification(rows, rec["series"], "h0_tp"),
                simplification(rows, rec["series"], "h1_tp")]
    return out


def half_depth(rows, col="h0_tp"):
    """Relative depth where ``col``, after its maximum, first falls to half of it, linearly
    interpolated between the layers around the crossing (1.0 if never); NaN if absent."""
    d, v = _profile(rows, col)
    if len(v) == 0:
        return math.nan
    k = int(np.argmax(v))
    half = 0.5 * v[k]
    below = np.flatnonzero((np.arange(len(v)) > k) & (v <= half))
    if not len(below):
        return 1.0
    j = int(below[0])
    a, b = v[j - 1], v[j]
    t = (a - half) / (a - b) if a != b else 1.0
    return float(d[j - 1] + t * (d[j] - d[j - 1]))


def activation_order(half_depths: dict):
    """half_depths: activation -> half-depth. The ReLU/Swish vs Tanh/Sigmoid finding."""
    name = "ReLU/Swish simplify earlier than Tanh/Sigmoid"
    fast = [half_depths.get(a, math.nan) for a in ("relu", "silu")]
    slow = [half_depths.get(a, math.nan) for a in ("tanh", "sigmoid")]
    fast = [x for x in fast if np.isfinite(x)]
    slow = [x for x in slow if np.isfinite(x)]
    nums = "half-depth of H0 total persistence: " + ", ".join(f"{a} {fmt(v, 2)}" for a, v in half_depths.items())
    if not fast or not slow:
        return finding(name, "activations", None, nums)
    holds = bool(np.mean(fast) < np.mean(slow))
    nums += f"; mean ReLU/SiLU {np.mean(fast):.2f} vs Tanh/Sigmoid {np.mean(slow):.2f}"
    return finding(name, "activations", holds, nums)


def correlations(x, acc):
    """(pearson r, p, spearman rho, p) of x with accuracy over the finite pairs; NaN when < 3 pairs."""
    from scipy import stats

    x, acc = np.asarray(x, float), np.asarray(acc, float)
    ok = np.isfinite(x) & np.isfinite(acc)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(acc[ok]) == 0:
        return (math.nan,) * 4
    pr = stats.pearsonr(x[ok], acc[ok])
    sr = stats.spearmanr(x[ok], acc[ok])
    return float(pr.statistic), float(pr.pvalue), float(sr.statistic), float(sr.pvalue)


def generalization(col_label, x, acc):
    name = f"lower {col_label} at the penultimate layer goes with higher test accuracy"
    r, pr, rho, ps = correlations(x, acc)
    if not np.isfinite(r):
        return finding(name, "generalization", None, "not computed (fewer than 3 models with a value)")
    holds = bool(r < 0 and rho < 0 and pr < 0.05)
    nums = f"Pearson r = {r:.2f} (p = {pr:.2g}), Spearman rho = {rho:.2f} (p = {ps:.2g}), {int(np.isfinite(np.asarray(x, float)).sum())} models"
    if r < 0 and rho < 0 and not pr < 0.05:
        nums += "; negative but not significant"
    return finding(name, "generalization", holds, nums)
