"""The verdict functions of the layer studies on synthetic profiles (numpy only, fast).

Each verdict must say "holds" on profiles built to hold, "does not hold" on profiles built not to,
"inconclusive" on noise (effects symmetric around zero), and never "holds" when the trained network
equals its control."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from experiments import aggregate as ag  # noqa: E402
from experiments import findings as fd  # noqa: E402
from experiments import stats  # noqa: E402

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def model_rows(h0_classes, phdim=None, phdim_reps=None):
    """Rows of one model: h0_classes (layers, classes); optional PH-dim profile and repeats."""
    L = len(h0_classes)
    out = []
    for i in range(L):
        r = {"depth": (i + 1) / L, "layer": f"l{i}", "h0_tp_classes": list(map(float, h0_classes[i])),
             "h0_tp": float(np.mean(h0_classes[i]))}
        if phdim is not None:
            r["phdim"] = float(phdim[i])
            if phdim_reps is not None:
                r["phdim_reps"] = list(map(float, phdim_reps[i]))
        out.append(r)
    return out


positive = st.floats(0.5, 20.0)


@st.composite
def base_profiles(draw, n_layers=st.integers(3, 6), n_classes=st.integers(4, 8), n_seeds=st.integers(2, 4)):
    L, K, S = draw(n_layers), draw(n_classes), draw(n_seeds)
    seed = draw(st.integers(0, 2 ** 16))
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.5, 20.0, size=(L, K)) for _ in range(S)]


# ------------------------------------------------------------------------------------------------
# decide


def test_decide_three_ways():
    assert stats.decide(-0.5, -0.1, -1) == "holds"
    assert stats.decide(0.1, 0.5, -1) == "does not hold"
    assert stats.decide(-0.5, 0.5, -1) == "inconclusive"
    assert stats.decide(0.1, 0.5, +1) == "holds"
    assert stats.decide(-0.01, 0.01, +1, margin=0.05) == "does not hold"  # negligible effect established
    assert stats.decide(0.0, 0.0, -1) == "does not hold"
    assert stats.decide(math.nan, math.nan, -1) == "not measured"


@given(st.floats(-5, 5), st.floats(0, 5), st.sampled_from([-1, 1]), st.floats(0, 0.3))
def test_decide_is_antisymmetric(lo, width, direction, margin):
    hi = lo + width
    a = stats.decide(lo, hi, direction, margin)
    b = stats.decide(-hi, -lo, -direction, margin)
    assert a == b


def test_holm_matches_definition():
    p = [0.01, 0.04, 0.03, math.nan]
    adj = stats.holm(p)
    assert adj[0] == pytest.approx(0.03) and adj[2] == pytest.approx(0.06) and adj[1] == pytest.approx(0.06)
    assert math.isnan(adj[3])


def test_permutation_test_exact_on_separated_groups():
    d, p = stats.permutation_test([5, 6, 7], [1, 2, 3], alternative="greater")
    assert d == pytest.approx(4.0) and p == pytest.approx(1 / 20)
    _, p2 = stats.permutation_test([1, 2, 3], [5, 6, 7], alternative="greater")
    assert p2 == 1.0


def test_hierarchical_bootstrap_covers_mean_and_is_seeded():
    g = [np.arange(10.0), np.arange(10.0) + 1]
    a = stats.hierarchical_bootstrap(g, seed=3)
    b = stats.hierarchical_bootstrap(g, seed=3)
    assert a == b and a[1] < a[0] < a[2] and a[0] == pytest.approx(5.0)


# ------------------------------------------------------------------------------------------------
# simplification


def _simpl(bases, factors):
    """trained = control with the last layer of seed s, class k multiplied by factors[s][k]."""
    trained, control = {}, {}
    for s, C in enumerate(bases):
        T = C.copy()
        T[-1] = C[-1] * np.asarray(factors[s])[: C.shape[1]]
        trained[s], control[s] = model_rows(T), model_rows(C)
    return trained, control


@SETTINGS
@given(base_profiles(), st.floats(0.3, 2.0), st.data())
def test_simplification_holds_and_does_not_hold(bases, d, data):
    K = bases[0].shape[1]
    jit = [data.draw(st.lists(st.floats(-0.1, 0.1), min_size=K, max_size=K)) for _ in bases]
    down = [np.exp(-d + np.asarray(j)) for j in jit]
    up = [np.exp(d + np.asarray(j)) for j in jit]
    f = fd.simplification(*_simpl(bases, down), "h0_tp", "m", "untrained")
    assert f["verdict"] == "holds" and f["hi"] < 0
    g = fd.simplification(*_simpl(bases, up), "h0_tp", "m", "untrained")
    assert g["verdict"] == "does not hold" and g["lo"] > 0


@SETTINGS
@given(base_profiles(n_classes=st.sampled_from([4, 6, 8])), st.data())
def test_simplification_inconclusive_on_symmetric_noise(bases, data):
    K = bases[0].shape[1]
    factors = []
    for _ in bases:
        a = np.asarray(data.draw(st.lists(st.floats(0.3, 2.0), min_size=K // 2, max_size=K // 2)))
        factors.append(np.exp(np.concatenate([a, -a])))
    f = fd.simplification(*_simpl(bases, factors), "h0_tp", "m", "untrained")
    assert f["verdict"] == "inconclusive", f


@SETTINGS
@given(base_profiles())
def test_trained_equal_to_control_never_holds(bases):
    rows = {s: model_rows(C, phdim=C[:, 0], phdim_reps=np.c_[C[:, 0], C[:, 0] * 1.1]) for s, C in enumerate(bases)}
    for f in (fd.simplification(rows, rows, "h0_tp", "m", "c"), fd.rise_then_fall(rows, rows, "m", "c")):
        assert f["verdict"] != "holds"
        assert f["effect"] == 0


# ------------------------------------------------------------------------------------------------
# rise-then-fall


@st.composite
def hump_and_ramp(draw):
    L = draw(st.integers(4, 7))
    first = draw(st.floats(2, 10))
    peak = first * draw(st.floats(1.3, 3.0))
    last = peak * draw(st.floats(0.1, 0.7))
    k = draw(st.integers(1, L - 2))
    hump = np.r_[np.linspace(first, peak, k + 1), np.linspace(peak, last, L - k)[1:]]
    ramp = np.linspace(first, peak, L)  # rises to the output: no hump
    return hump, ramp


def _rtf_rows(T, C, S, rng):
    t, c = {}, {}
    dummy = np.ones((len(T), 2))
    for s in range(S):
        nt = T * (1 + 0.01 * rng.normal(size=len(T)))
        nc = C * (1 + 0.01 * rng.normal(size=len(C)))
        t[s] = model_rows(dummy, nt, nt[:, None] * (1 + 0.02 * rng.normal(size=(len(T), 5))))
        c[s] = model_rows(dummy, nc, nc[:, None] * (1 + 0.02 * rng.normal(size=(len(C), 5))))
    return t, c


@SETTINGS
@given(hump_and_ramp(), st.integers(2, 4), st.integers(0, 1000))
def test_rise_then_fall_holds_and_does_not_hold(hr, S, seed):
    hump, ramp = hr
    rng = np.random.default_rng(seed)
    assert fd.rise_then_fall(*_rtf_rows(hump, ramp, S, rng), "m", "untrained")["verdict"] == "holds"
    assert fd.rise_then_fall(*_rtf_rows(ramp, hump, S, rng), "m", "untrained")["verdict"] == "does not hold"


@SETTINGS
@given(hump_and_ramp(), st.integers(1, 2))
def test_rise_then_fall_inconclusive_on_swapped_seeds(hr, pairs):
    hump, ramp = hr
    assume(abs(fd.hump(hump) - fd.hump(ramp)) > 0.05)
    dummy = np.ones((len(hump), 2))
    t, c = {}, {}
    for p in range(pairs):  # seed 2p: hump vs ramp, seed 2p+1: ramp vs hump -> effects +h, -h
        t[2 * p], c[2 * p] = model_rows(dummy, hump), model_rows(dummy, ramp)
        t[2 * p + 1], c[2 * p + 1] = model_rows(dummy, ramp), model_rows(dummy, hump)
    f = fd.rise_then_fall(t, c, "m", "untrained")
    assert f["verdict"] == "inconclusive" and f["effect"] == pytest.approx(0, abs=1e-12)


# ------------------------------------------------------------------------------------------------
# activation order


@SETTINGS
@given(st.integers(3, 5), st.floats(0.2, 0.5), st.integers(0, 1000))
def test_activation_order_three_ways(S, gap, seed):
    rng = np.random.default_rng(seed)
    fast = {a: list(0.3 + 0.02 * rng.random(S)) for a in fd.FAST}
    slow = {a: list(0.3 + gap + 0.02 * rng.random(S)) for a in fd.SLOW}
    f = fd.activation_order({**fast, **slow})[0]
    assert f["verdict"] == "holds"
    rev = {**{a: slow[b] for a, b in zip(fd.FAST, fd.SLOW)}, **{b: fast[a] for a, b in zip(fd.FAST, fd.SLOW)}}
    assert fd.activation_order(rev)[0]["verdict"] == "does not hold"
    # the same values in both groups: noise, no ordering
    vals = [list(0.2 + 0.6 * rng.random(S)) for _ in range(2)]
    assume(np.ptp(np.concatenate(vals)) > 0.2)
    same = {"relu": vals[0], "silu": vals[1], "tanh": vals[0], "sigmoid": vals[1]}
    g = fd.activation_order(same)[0]
    assert g["verdict"] == "inconclusive"
    # trained equal to untrained: the difference in differences is exactly zero and never holds
    both = fd.activation_order({**fast, **slow}, {**fast, **slow})
    assert both[1]["verdict"] != "holds" and both[1]["effect"] == 0


# ------------------------------------------------------------------------------------------------
# generalization


@SETTINGS
@given(st.integers(10, 20), st.integers(0, 1000))
def test_generalization_three_ways(n, seed):
    rng = np.random.default_rng(seed)
    acc = np.linspace(0.6, 0.95, n)
    noise = 0.01 * rng.normal(size=n)
    down = {"h0_tp": list(10 - 8 * acc + noise), "h1_tp": list(5 - 4 * acc + noise), "phdim": list(9 - 5 * acc + noise)}
    found, table = fd.generalization(down, acc, "resnet")
    assert [f["verdict"] for f in found] == ["holds"] * 3
    assert all(t["p_holm"] >= t["p"] for t in table)
    up = {k: list(-np.asarray(v)) for k, v in down.items()}
    assert [f["verdict"] for f in fd.generalization(up, acc, "resnet")[0]] == ["does not hold"] * 3
    # symmetric U-shapes: zero correlation exactly
    u = np.abs(acc - acc.mean())
    f = 1 + u + u ** 2 * rng.uniform(0.5, 2)
    flat = {"h0_tp": list(f), "h1_tp": list(2 * f), "phdim": list(f + 1)}
    res = fd.generalization(flat, acc, "resnet")[0]
    assert all(r["verdict"] == "inconclusive" for r in res), [r["numbers"] for r in res]


def test_adversarial_slope_three_ways():
    rng = np.random.default_rng(0)
    eps = [0.0, 0.05, 0.1, 0.2]
    base = rng.uniform(1, 5, size=(6, 10))
    down = {e: base * np.exp(-3 * e) for e in eps}
    up = {e: base * np.exp(3 * e) for e in eps}
    assert fd.adversarial(down, "m")["verdict"] == "holds"
    assert fd.adversarial(up, "m")["verdict"] == "does not hold"
    signs = np.r_[np.ones(5), -np.ones(5)]
    noise = {e: base * np.exp(3 * e * signs) for e in eps}
    assert fd.adversarial(noise, "m")["verdict"] == "inconclusive"


# ------------------------------------------------------------------------------------------------
# width normalisation


@given(st.lists(st.floats(0.1, 100), min_size=2, max_size=8), st.integers(0, 3))
def test_width_normalised_untrained_is_one_and_trained_is_ratio(vals, seed):
    rows = []
    for ctrl, scale in (("untrained", 1.0), ("trained", 0.5)):
        for i, v in enumerate(vals):
            rows.append({"model": "vgg", "activation": "relu", "dataset": "d", "arch": "a", "layer": f"l{i}",
                         "seed": seed, "control": ctrl, "h0_tp": v * scale, "phdim": v})
    ag.add_normalised(rows, columns=("h0_tp", "phdim"))
    for r in rows:
        if r["control"] == "untrained":
            assert r["h0_tp_norm"] == 1.0 and r["phdim_norm"] == 1.0
        else:
            assert r["h0_tp_norm"] == pytest.approx(0.5) and r["phdim_norm"] == 1.0


def test_seed_summary_interval_contains_mean():
    rows = [{"model": "m", "control": "trained", "layer": "l", "depth": 1.0, "seed": s, "h0_tp": v}
            for s, v in enumerate([1.0, 2.0, 4.0])]
    (row,) = ag.seed_summary(rows, lambda r: r["model"], columns=("h0_tp",))
    assert row["n_seeds"] == 3 and row["h0_tp"] == pytest.approx(7 / 3)
    assert 1.0 <= row["h0_tp_lo"] < row["h0_tp"] < row["h0_tp_hi"] <= 4.0


def test_correlation_power_is_monotone():
    assert stats.detectable_correlation(12) > stats.detectable_correlation(40) > 0
    assert stats.correlation_power(0.5, 40) > stats.correlation_power(0.5, 12)


def test_profiles_keep_the_designs_sizes(monkeypatch):
    """The default and paper profiles keep the design: seeds, models, PH-dim repeats and sizes."""
    from experiments.common import PROFILES, SIZES, parse_seeds, settings_for
    from experiments.measures import MeasureConfig
    from experiments.studies import generalization as gen

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the paper profile falls back at once
    d = settings_for("default", {})
    p = settings_for("paper", {})
    assert d["seeds"] == (0, 1, 2) and p["seeds"] == (0, 1, 2, 3, 4)
    assert d["n_models"] >= 12 and p["n_models"] == 40 and len(gen.grid(40)) == 40
    assert set(d["controls"]) == {"untrained", "shuffled"} and d["activation_family"] == "resnet"
    for s in (d, p):
        cfg = MeasureConfig(phdim_schedule=s["phdim_schedule"], phdim_repeats=s["phdim_repeats"])
        assert cfg.phdim_repeats >= 5 and len(cfg.sizes(s["n_samples"])) >= 6
        assert len(cfg.sizes(s["text_n_samples"])) >= 6 or s is p
    # constant-width VGG up to the penultimate layer; the paper's is 128 wide
    for size in ("small", "medium"):
        v = SIZES[size]["vgg"]
        assert len(set(v["widths"])) == 1 and v["hidden"] == v["widths"][0]
    assert SIZES["medium"]["vgg"]["widths"][0] == 128 and SIZES["medium"]["resnet"]["widths"] == (16, 32, 64)
    assert parse_seeds("3", 5) == (5, 6, 7) and parse_seeds("4,1") == (4, 1)
    assert PROFILES["paper"]["dataset"] == "cifar10" and p["dataset"] == "mnist5k" and p["profile_note"]
