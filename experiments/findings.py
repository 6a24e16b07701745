"""The seed paper's findings decided as contrasts against controls, across seeds.

No verdict is decided by one model's shape against a fixed threshold. Each finding is an *effect*
(a number whose sign the paper predicts), computed for every seed (and class, where the measure is
per class), with a bootstrap interval over seeds (and classes within seeds); the verdict comes
from :func:`experiments.stats.decide`: **holds** when the interval excludes zero on the paper's
side, **does not hold** when it excludes zero on the other side or lies within the band of
negligible effects (``margin``), **inconclusive** otherwise. The criteria (stated in every report):

simplification towards the output (H0 / H1 total persistence), vs a control
    per seed and class, ``log(last / first)`` of the per-class total persistence of the trained
    network minus the same for the control (the same architecture, same seed: untrained, or
    trained on shuffled labels). The paper predicts a negative effect (training lowers the output
    layer's complexity relative to the input side more than the architecture alone does).
    Margin 0.05 (5 %).
rise-then-fall PH-dim, vs a control
    the *hump* of a profile is ``min(peak - first, peak - last) / peak`` with ``peak`` the largest
    PH-dim over the interior layers (positive only for a rise then a fall). Effect: hump of the
    trained network minus hump of the control, per seed; within each seed the PH-dim repeats are
    resampled (topodim's per-repeat estimates), then seeds. The paper predicts a positive effect.
    Margin 0.02.
ReLU/Swish simplify earlier than Tanh/Sigmoid
    the *area* of a profile is the mean over its layers of H0 total persistence divided by its
    maximum (small when the fall comes early). Effect: mean area of Tanh and Sigmoid minus mean
    area of ReLU and SiLU over the seeds (positive in the paper's direction), with an exact
    one-sided permutation test of the activation labels. Holds only when the interval excludes
    zero *and* p < 0.05. A second row contrasts the effect of the trained networks with the same
    effect of the untrained ones (difference in differences): it says whether the ordering comes
    from learning or is already in the untrained activations. Margin 0.01.
lower complexity goes with better generalization
    within one family (fixed penultimate width), the Pearson correlation of a penultimate-layer
    measure of the training set with test accuracy, with a bootstrap interval over models; the
    p values of the three measures tested (H0, H1, PH-dim) are Holm-corrected. Holds when the
    interval lies below zero and the Holm-adjusted p < 0.05. Margin 0.1.
adversarial perturbations lower the complexity of deep layers
    per class, the least-squares slope of log H0 total persistence (mean over the second half of
    the layers) against the FGSM step size; bootstrap over classes. The paper predicts a negative
    slope. Margin 0.
"""

from __future__ import annotations

import math

import numpy as np

from . import stats
from .report import fmt

MARGINS = {"simplification": 0.05, "rise-then-fall": 0.02, "activations": 0.01, "generalization": 0.1,
           "adversarial": 0.0}


def finding(name, subject, verdict, numbers, effect=math.nan, lo=math.nan, hi=math.nan, control="", n="",
            uses=""):
    """A finding row: name, subject, control, effect with interval, verdict, numbers."""
    return {"finding": name, "subject": subject, "control": control, "effect": effect, "lo": lo, "hi": hi,
            "n": n, "verdict": verdict, "holds": verdict == stats.HOLDS, "uses": uses, "numbers": numbers}


def _sorted(rows):
    return sorted(rows, key=lambda r: r["depth"])


def profile(rows, col):
    """(depths, values) of ``col`` over the rows of one model, by depth (NaN kept)."""
    rs = _sorted(rows)
    d = np.array([r["depth"] for r in rs], dtype=float)
    v = np.array([np.nan if r.get(col) is None else r.get(col) for r in rs], dtype=float)
    return d, v


def class_matrix(rows, col):
    """(layers, classes) per-class values from ``<col>_classes``; (layers, 1) of ``col`` without them."""
    rs = _sorted(rows)
    per = [r.get(f"{col}_classes") for r in rs]
    if all(isinstance(p, (list, tuple, np.ndarray)) and len(p) for p in per) and len({len(p) for p in per}) == 1:
        return np.array(per, dtype=float)
    return np.array([[np.nan if r.get(col) is None else r.get(col)] for r in rs], dtype=float)


def _finite_mean(x):
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else math.nan


def _paired_seeds(trained: dict, control: dict):
    return [s for s in trained if s in control]


def _interval_text(e, lo, hi):
    return f"{e:+.3f} [{lo:+.3f}, {hi:+.3f}]"


def simplification(trained: dict, control: dict, col, subject, control_name, seed=0):
    """Simplification towards the output (per-class ``col``), trained vs control.

    ``trained`` and ``control`` map a seed to the rows (one per layer) of that seed's model."""
    label = {"h0_tp": "H0", "h1_tp": "H1"}.get(col, col)
    name = f"simplification towards the output ({label} total persistence)"
    groups, t_ratio, c_ratio = [], [], []
    for s in _paired_seeds(trained, control):
        T, C = class_matrix(trained[s], col), class_matrix(control[s], col)
        if T.shape != C.shape or T.shape[0] < 2:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            lt, lc = np.log(T[-1] / T[0]), np.log(C[-1] / C[0])
            groups.append(lt - lc)  # classes with a zero value drop out (non-finite)
            t_ratio.append(_finite_mean(np.exp(lt)))
            c_ratio.append(_finite_mean(np.exp(lc)))
    e, lo, hi, k, n = stats.hierarchical_bootstrap(groups, seed=seed)
    if k == 0:
        return finding(name, subject, stats.NOT_MEASURED, "not computed", control=control_name)
    t_ratio, c_ratio = _finite_mean(t_ratio), _finite_mean(c_ratio)
    v = stats.decide(lo, hi, -1, MARGINS["simplification"])
    nums = (f"effect {_interval_text(e, lo, hi)} (log last/first, trained minus {control_name}); last/first "
            f"trained {fmt(t_ratio, 2)}, {control_name} {fmt(c_ratio, 2)}; "
            f"{k} seed(s) x {n // k} class(es)")
    return finding(name, subject, v, nums, e, lo, hi, control_name, f"{k}x{n // k}", uses="raw per-class values")


def hump(V):
    """Hump of profiles V (..., layers): min(peak - first, peak - last) / peak, peak over interior layers."""
    V = np.asarray(V, dtype=float)
    peak = V[..., 1:-1].max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.minimum(peak - V[..., 0], peak - V[..., -1]) / np.abs(peak)


def _phdim_replicates(rows, rng, n_boot):
    """(point profile, n_boot resampled profiles) of PH-dim; repeats resampled within each layer."""
    rs = _sorted(rows)
    point = np.array([np.nan if r.get("phdim") is None else r["phdim"] for r in rs], dtype=float)
    reps = [r.get("phdim_reps") for r in rs]
    if not all(isinstance(x, (list, tuple, np.ndarray)) and len(x) > 1 for x in reps):
        return point, np.broadcast_to(point, (n_boot, len(point)))
    out = np.empty((n_boot, len(rs)))
    for j, x in enumerate(reps):
        x = np.asarray(x, dtype=float)
        out[:, j] = x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(axis=1)
    return point, out


def rise_then_fall(trained: dict, control: dict, subject, control_name, seed=0, n_boot=stats.N_BOOT):
    """Rise-then-fall PH-dim (hump), trained vs control; see the module docstring."""
    name = "rise-then-fall PH-dim profile"
    points, reps, th, ch = [], [], [], []
    for i, s in enumerate(_paired_seeds(trained, control)):
        # the same resampling indices for trained and control (paired)
        pt, rt = _phdim_replicates(trained[s], stats._rng(seed + 7 + 31 * i), n_boot)
        pc, rc = _phdim_replicates(control[s], stats._rng(seed + 7 + 31 * i), n_boot)
        if len(pt) < 3 or len(pt) != len(pc) or not (np.isfinite(pt).all() and np.isfinite(pc).all()):
            continue
        with np.errstate(invalid="ignore"):
            points.append(float(hump(pt) - hump(pc)))
            reps.append(hump(rt) - hump(rc))
        th.append(float(hump(pt)))
        ch.append(float(hump(pc)))
    if not points:
        return finding(name, subject, stats.NOT_MEASURED, "not computed (PH-dim missing or fewer than 3 layers)",
                       control=control_name)
    _, lo, hi, k = stats.replicate_bootstrap(reps, seed=seed)
    e = float(np.mean(points))
    v = stats.decide(lo, hi, +1, MARGINS["rise-then-fall"])
    nums = (f"effect {_interval_text(e, lo, hi)} (hump, trained minus {control_name}); hump trained "
            f"{fmt(float(np.mean(th)), 2)}, {control_name} {fmt(float(np.mean(ch)), 2)}; {k} seed(s)")
    return finding(name, subject, v, nums, e, lo, hi, control_name, str(k), uses="raw PH-dim")


def area(rows, col="h0_tp"):
    """Mean over the layers of ``col`` divided by its maximum (NaN when absent)."""
    _, v = profile(rows, col)
    v = v[np.isfinite(v)]
    if v.size == 0 or v.max() <= 0:
        return math.nan
    return float(np.mean(v / v.max()))


def half_depth(rows, col="h0_tp"):
    """Relative depth where ``col``, after its maximum, first falls to half of it, linearly
    interpolated between the layers around the crossing (1.0 if never); NaN if absent."""
    d, v = profile(rows, col)
    ok = np.isfinite(v)
    d, v = d[ok], v[ok]
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


FAST, SLOW = ("relu", "silu"), ("tanh", "sigmoid")


def _group_diff_boot(values: dict, seed, n_boot):
    """Bootstrap replicates of mean(SLOW) - mean(FAST); seeds resampled within each activation (the
    same resampling indices for the same ``seed`` and group sizes, so that two inputs are paired)."""
    rng = stats._rng(seed + 11)

    def boot(acts):
        cols = []
        for a in acts:
            x = np.asarray(values[a], float)
            cols.append(x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(1))
        return np.mean(cols, axis=0)
    return boot(SLOW) - boot(FAST)


def activation_order(trained: dict, untrained: dict | None = None, seed=0, n_boot=stats.N_BOOT):
    """ReLU/Swish vs Tanh/Sigmoid. ``trained`` / ``untrained``: activation -> list of areas (one per seed).

    Returns a list of findings: the ordering of the trained networks, and (with ``untrained``) the
    ordering of trained minus untrained."""
    name = "ReLU/Swish simplify earlier than Tanh/Sigmoid"
    clean = lambda d: {a: [x for x in d.get(a, []) if np.isfinite(x)] for a in FAST + SLOW}  # noqa: E731
    tr = clean(trained)
    nums_a = ", ".join(f"{a} {fmt(float(np.mean(v)), 3)}" for a, v in trained.items() if len(v))
    if not all(tr[a] for a in FAST + SLOW):
        return [finding(name, "activations", stats.NOT_MEASURED, "needs relu, silu, tanh and sigmoid: " + nums_a)]
    fast = [x for a in FAST for x in tr[a]]
    slow = [x for a in SLOW for x in tr[a]]
    eff, p = stats.permutation_test(slow, fast, alternative="greater")
    eff = float(np.mean([np.mean(tr[a]) for a in SLOW]) - np.mean([np.mean(tr[a]) for a in FAST]))
    lo, hi = stats.percentile_interval(_group_diff_boot(tr, seed, n_boot))
    v = stats.decide(lo, hi, +1, MARGINS["activations"])
    if v == stats.HOLDS and not p < 0.05:
        v = stats.INCONCLUSIVE
    k = min(len(x) for x in tr.values())
    out = [finding(name, "trained", v,
                   f"effect {_interval_text(eff, lo, hi)} (area of Tanh/Sigmoid minus ReLU/SiLU), permutation "
                   f"p = {p:.3g}; areas: {nums_a}; {k} seed(s)", eff, lo, hi, "activation labels", str(k),
                   uses="raw H0 per class")]
    if untrained is not None:
        un = clean(untrained)
        if all(un[a] for a in FAST + SLOW):
            eu = float(np.mean([np.mean(un[a]) for a in SLOW]) - np.mean([np.mean(un[a]) for a in FAST]))
            reps = _group_diff_boot(tr, seed, n_boot) - _group_diff_boot(un, seed, n_boot)
            lo2, hi2 = stats.percentile_interval(reps)
            v2 = stats.decide(lo2, hi2, +1, MARGINS["activations"])
            out.append(finding(name, "trained minus untrained", v2,
                               f"effect {_interval_text(eff - eu, lo2, hi2)} (difference in differences; untrained "
                               f"effect {eu:+.3f})", eff - eu, lo2, hi2, "untrained", str(k), uses="raw H0 per class"))
    return out


def generalization(measures: dict, acc, subject, seed=0, holm_over=("h0_tp", "h1_tp", "phdim")):
    """Within-family correlations. ``measures``: column -> values (one per model); ``acc``: test accuracies.

    Returns (findings for the columns in ``holm_over``, table rows for every column)."""
    labels = {"h0_tp": "H0 total persistence", "h1_tp": "H1 total persistence", "phdim": "PH-dimension",
              "h0_tp_one": "H0 total persistence of one class", "h1_tp_one": "H1 total persistence of one class",
              "h0_tp_global": "H0 total persistence of all classes together", "twonn": "TwoNN dimension",
              "mle": "MLE dimension"}
    table = []
    for col, x in measures.items():
        r, p, lo, hi, n = stats.correlation_interval(x, acc, seed=seed)
        table.append({"subject": subject, "measure": col, "pearson_r": r, "p": p, "lo": lo, "hi": hi, "n_models": n,
                      "p_holm": math.nan})
    tested = [t for t in table if t["measure"] in holm_over]
    adj = stats.holm([t["p"] for t in tested])
    for t, a in zip(tested, adj):
        t["p_holm"] = float(a)
    out = []
    for t in tested:
        name = f"lower {labels.get(t['measure'], t['measure'])} at the penultimate layer goes with higher test accuracy"
        if not np.isfinite(t["pearson_r"]):
            out.append(finding(name, subject, stats.NOT_MEASURED, "fewer than 3 models with a value"))
            continue
        v = stats.decide(t["lo"], t["hi"], -1, MARGINS["generalization"])
        if v == stats.HOLDS and not t["p_holm"] < 0.05:
            v = stats.INCONCLUSIVE
        out.append(finding(name, subject, v,
                           f"r = {_interval_text(t['pearson_r'], t['lo'], t['hi'])}, p = {t['p']:.2g}, Holm p = "
                           f"{t['p_holm']:.2g} (over {len(tested)} measures); {t['n_models']} models",
                           t["pearson_r"], t["lo"], t["hi"], "within-family correlation", str(t["n_models"]),
                           uses="raw (fixed penultimate width)"))
    return out, table


def adversarial(per_eps: dict, subject, seed=0):
    """``per_eps``: eps -> (layers, classes) per-class H0 matrix of the attacked sample."""
    name = "adversarial perturbations lower H0 total persistence in deep layers"
    eps = sorted(per_eps)
    if len(eps) < 3:
        return finding(name, subject, stats.NOT_MEASURED, "needs at least 3 step sizes")
    late = []
    for e in eps:
        M = np.asarray(per_eps[e], float)
        half = M.shape[0] // 2
        with np.errstate(divide="ignore"):
            late.append(np.log(M[half:]).mean(axis=0))  # (classes,)
    L = np.stack(late)  # (eps, classes)
    x = np.asarray(eps, float)
    xc = x - x.mean()
    slopes = (xc[:, None] * (L - L.mean(0))).sum(0) / (xc ** 2).sum()
    e_, lo, hi, k, n = stats.hierarchical_bootstrap([slopes], seed=seed)
    v = stats.decide(lo, hi, -1, MARGINS["adversarial"])
    return finding(name, subject, v, f"slope of log H0 (late layers) per unit step size {_interval_text(e_, lo, hi)}; "
                   f"{n} classes, step sizes {', '.join(f'{a:g}' for a in eps)}", e_, lo, hi, "step size 0", str(n),
                   uses="raw per-class values")
