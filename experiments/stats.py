"""Statistics of the verdicts: bootstrap intervals, the three-way decision, permutation tests,
Holm's correction, correlation intervals and their power.

Conventions
-----------
* Every interval is a percentile bootstrap at level ``CONFIDENCE`` (0.95) with ``N_BOOT`` (2000)
  resamples from a seeded generator, so the same inputs give the same interval.
* :func:`decide` turns an effect interval into a verdict. ``direction`` is the sign the paper
  predicts (``-1``: the effect should be negative). The verdict is

  - ``"holds"`` when the interval excludes zero on the paper's side,
  - ``"does not hold"`` when it excludes zero on the other side, or when it lies inside the
    band ``(-margin, margin)`` of negligible effects (an established absence of the effect),
  - ``"inconclusive"`` otherwise (the interval covers zero and effects that matter).

  An effect that is exactly zero (trained equal to control) therefore never holds.
"""

from __future__ import annotations

import math

import numpy as np

CONFIDENCE = 0.95
N_BOOT = 2000
HOLDS, NOT_HOLDS, INCONCLUSIVE, NOT_MEASURED = "holds", "does not hold", "inconclusive", "not measured"


def _rng(seed):
    return np.random.default_rng(np.random.SeedSequence([20240, int(seed)]))


def percentile_interval(samples, confidence=CONFIDENCE):
    """(lo, hi) percentile interval of bootstrap replicates (NaN when none is finite)."""
    s = np.asarray(samples, dtype=float)
    s = s[np.isfinite(s)]
    if s.size == 0:
        return (math.nan, math.nan)
    q = (1.0 - confidence) / 2.0
    return (float(np.quantile(s, q)), float(np.quantile(s, 1.0 - q)))


def hierarchical_bootstrap(groups, n_boot=N_BOOT, seed=0, confidence=CONFIDENCE):
    """Mean of values nested in groups (e.g. classes within seeds) with a two-level bootstrap.

    Parameters
    ----------
    groups : list of 1-d arrays
        ``groups[i]`` holds the values of unit ``i`` of the upper level (a seed); they are the
        lower level (classes). Non-finite values are dropped; empty groups are dropped.

    Returns
    -------
    (mean, lo, hi, n_groups, n_values) where mean is the mean of the group means, and the
    interval comes from resampling groups with replacement, then values within each drawn group.
    With one group only the lower level is resampled.
    """
    gs = [np.asarray(g, dtype=float) for g in groups]
    gs = [g[np.isfinite(g)] for g in gs]
    gs = [g for g in gs if g.size]
    if not gs:
        return (math.nan, math.nan, math.nan, 0, 0)
    est = float(np.mean([g.mean() for g in gs]))
    rng = _rng(seed)
    k = len(gs)
    reps = np.empty(n_boot)
    pick = rng.integers(0, k, size=(n_boot, k)) if k > 1 else np.zeros((n_boot, 1), dtype=np.int64)
    # per group: n_boot resampled means of its values
    inner = []
    for g in gs:
        idx = rng.integers(0, g.size, size=(n_boot, g.size))
        inner.append(g[idx].mean(axis=1))
    inner = np.stack(inner)  # (k, n_boot)
    cols = np.arange(n_boot)[:, None]
    reps = inner[pick, cols].mean(axis=1)
    lo, hi = percentile_interval(reps, confidence)
    return (est, lo, hi, k, int(sum(g.size for g in gs)))


def replicate_bootstrap(replicates, n_boot=N_BOOT, seed=0, confidence=CONFIDENCE):
    """Two-level bootstrap when each upper unit already comes with its own bootstrap replicates.

    ``replicates`` is a list of arrays of shape (n_boot,) (one per seed, e.g. an effect computed on
    resampled PH-dim repeats) or scalars (no within-unit uncertainty). Seeds are resampled with
    replacement and replicate b of each drawn seed is averaged. Returns (mean, lo, hi, n).
    """
    reps = []
    for r in replicates:
        a = np.asarray(r, dtype=float)
        if a.ndim == 0:
            a = np.full(n_boot, float(a))
        reps.append(a[:n_boot])
    reps = [r for r in reps if np.isfinite(r).all()]
    if not reps:
        return (math.nan, math.nan, math.nan, 0)
    M = np.stack(reps)  # (k, n_boot)
    est = float(np.mean(np.median(M, axis=1)))
    k = len(reps)
    rng = _rng(seed + 1)
    pick = rng.integers(0, k, size=(n_boot, k)) if k > 1 else np.zeros((n_boot, 1), dtype=np.int64)
    boot = M[pick, np.arange(n_boot)[:, None]].mean(axis=1)
    lo, hi = percentile_interval(boot, confidence)
    return (est, lo, hi, k)


def decide(lo, hi, direction=-1, margin=0.0):
    """The verdict of an effect interval ``(lo, hi)``; see the module docstring."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return NOT_MEASURED if (math.isnan(lo) and math.isnan(hi)) else INCONCLUSIVE
    if direction < 0:
        lo, hi = -hi, -lo  # now the paper predicts a positive effect
    if lo > 0:
        return HOLDS
    if hi < 0 or (-margin < lo and hi < margin) or (lo == hi == 0.0):
        return NOT_HOLDS
    return INCONCLUSIVE


def permutation_test(a, b, n_perm=20000, seed=0, alternative="greater"):
    """Permutation test of mean(a) - mean(b).

    Exact (every relabelling) when there are at most 50,000 of them, else ``n_perm`` seeded random
    relabellings. ``alternative``: "greater" (a larger), "less" or "two-sided". Returns
    (difference, p value); NaN when either group is empty.
    """
    from itertools import combinations

    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size == 0 or b.size == 0:
        return (math.nan, math.nan)
    x = np.concatenate([a, b])
    n, k = x.size, a.size
    obs = a.mean() - b.mean()
    tot = x.sum()
    if math.comb(n, k) <= 50_000:
        idx = np.array(list(combinations(range(n), k)), dtype=np.int64)
    else:
        idx = np.argsort(_rng(seed + 2).random((n_perm, n)), axis=1)[:, :k]
    sa = x[idx].sum(axis=1)
    s = sa / k - (tot - sa) / (n - k)
    eps = 1e-12 * max(1.0, abs(obs))
    if alternative == "greater":
        p = np.mean(s >= obs - eps)
    elif alternative == "less":
        p = np.mean(s <= obs + eps)
    else:
        p = np.mean(np.abs(s) >= abs(obs) - eps)
    return float(obs), float(p)


def holm(pvalues):
    """Holm–Bonferroni adjusted p values (NaN stays NaN), in the input order."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = ok.size
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def correlation_interval(x, y, n_boot=N_BOOT, seed=0, confidence=CONFIDENCE):
    """Pearson r of finite pairs, its two-sided p value, and a bootstrap interval over the pairs.

    Returns (r, p, lo, hi, n); NaN when fewer than 3 pairs or a constant variable."""
    from scipy import stats

    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = int(x.size)
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return (math.nan, math.nan, math.nan, math.nan, n)
    pr = stats.pearsonr(x, y)
    rng = _rng(seed + 3)
    idx = rng.integers(0, n, size=(n_boot, n))
    xs, ys = x[idx], y[idx]
    xc = xs - xs.mean(1, keepdims=True)
    yc = ys - ys.mean(1, keepdims=True)
    den = np.sqrt((xc ** 2).sum(1) * (yc ** 2).sum(1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rs = (xc * yc).sum(1) / den
    lo, hi = percentile_interval(rs, confidence)
    return (float(pr.statistic), float(pr.pvalue), lo, hi, n)


def correlation_power(r, n, alpha=0.05):
    """Power of a two-sided test of zero correlation at true correlation ``r`` with ``n`` pairs
    (Fisher z approximation)."""
    from scipy import stats

    if n < 4:
        return math.nan
    z = math.atanh(abs(r)) * math.sqrt(n - 3)
    c = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.sf(c - z) + stats.norm.cdf(-c - z))


def detectable_correlation(n, power=0.8, alpha=0.05):
    """The smallest |r| detected with the given power by a two-sided test with n pairs."""
    from scipy import stats

    if n < 4:
        return math.nan
    z = (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) / math.sqrt(n - 3)
    return float(math.tanh(z))
