"""Per-layer measures, all computed through topodim's public API.

======================  =================================================================  ========================
column                  what                                                               topodim function
======================  =================================================================  ========================
``phdim``, ``phdim_r2``  PH0-dimension of the layer's point cloud (all classes together,     ``topodim.ph_dimension``
``phdim_lo/_hi/_reps``  no scaling, as the paper), alpha = 1, an independent draw per size,
                        ``phdim_repeats`` (default 5) repeats: the interval (a bootstrap over
                        repeats) and the per-repeat estimates are kept; sizes: ``spread`` (6
                        sizes, log-spaced from N/8 to 0.95 N, the default), ``magai`` (the
                        paper's 500, 850, ... below N), ``birdal`` or explicit
``h0_tp``               H0 total persistence: sum of finite bar lengths (alpha = 1), on up    ``topodim.ph0``,
                        to 250 points per class after per-feature min-max scaling, averaged   ``diagrams.total_persistence``
                        over the classes (the paper's "local" mode); ``h0_tp_classes`` keeps
                        the per-class values
``h0_tp_global``        H0 total persistence of all classes together (the paper's "global"   ``topodim.ph0``
                        mode) on up to ``global_points`` points after min-max scaling
``h1_tp``               the same for H1 (on up to ``h1_points`` per class, default the same   ``topodim.ripser`` (or
                                                                                             ``topodim.rips.ripser``)
                        250; the README's default run uses 120 to fit its time budget)
``twonn``, ``mle``      TwoNN (Facco et al.) and Levina–Bickel MLE intrinsic dimension on    ``topodim.TwoNN``,
                        the layer's point cloud (no scaling)                                 ``topodim.MLE``
``betti0``, ``betti1``  Betti numbers at scale r = ``betti_quantile`` quantile of the         ``ph0``, ``ripser``,
                        pairwise distances of a min-max scaled subsample (``betti_r``)        ``diagrams.betti_numbers``
======================  =================================================================  ========================

Total persistence is reported in topodim's convention, the plain sum of bar lengths. The paper's
code multiplies it by 0.5 ("lifespans sum"): halve our numbers to compare with its figures. The
paper's per-class loop skipped the last class (``range(0, 9)``); here every class is used.

A measure whose topodim function is not in the installed topodim is *not* computed: its column is
NaN and :func:`api_status` says which function is missing. A measure that fails on a degenerate
layer (e.g. all points equal) is NaN with the reason in ``notes``.
"""

from __future__ import annotations

import importlib
import json
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import topodim

from ._util import LOG, ExperimentError, stable_hash
from .extract import minmax_scale

MEASURES = ("phdim", "h0", "h1", "twonn", "mle", "betti")
COLUMNS = ("phdim", "phdim_r2", "phdim_lo", "phdim_hi", "h0_tp", "h1_tp", "h0_tp_global", "twonn", "mle", "betti0",
           "betti1", "betti_r")
#: list-valued columns: per-class values (in class order) and PH-dim's per-repeat estimates
LIST_COLUMNS = ("h0_tp_classes", "h1_tp_classes", "phdim_reps")
CACHE_VERSION = "measures-v2"

#: measure -> the topodim function it is computed with
NEEDS = {
    "phdim": "ph_dimension",
    "h0": "ph0",
    "h1": "ripser",
    "twonn": "TwoNN",
    "mle": "MLE",
    "betti": "ph0",
}


def ripser_function():
    """``topodim.ripser``, else ``topodim.rips.ripser`` (the same engine before its top-level
    export), else None."""
    fn = getattr(topodim, "ripser", None)
    if fn is None:
        try:
            fn = getattr(importlib.import_module("topodim.rips"), "ripser", None)
        except ImportError:
            fn = None
    return fn


def api_status() -> dict:
    """measure -> None when computable with the installed topodim, else the reason it is not."""
    out = {}
    for m, attr in NEEDS.items():
        if attr == "ripser":
            ok = ripser_function() is not None
        else:
            ok = hasattr(topodim, attr)
        out[m] = None if ok else f"topodim.{attr} is not in this topodim"
    if out["betti"] is None and ripser_function() is None:
        out["betti1"] = "topodim.ripser is not in this topodim: betti1 not computed"
    return out


def magai_sizes(n: int, start: int = 500, step: int = 350) -> list:
    """The paper's PH-dim sample sizes for n points: start, start+step, ... while n > size."""
    sizes, s = [], start
    while n > s:
        sizes.append(s)
        s += step
    return sizes


def spread_sizes(n: int, k: int = 6) -> list:
    """``k`` sample sizes spaced evenly in log between n/8 and 0.95 n (at least 10 points each)."""
    lo, hi = max(10.0, n / 8.0), 0.95 * n
    if hi <= lo:
        return []
    return sorted({int(round(x)) for x in np.geomspace(lo, hi, k)})


def birdal_sizes(n: int) -> list:
    """Birdal et al.'s sizes 200, 250, ..., 950 (those below or equal to n)."""
    return [s for s in range(200, 1000, 50) if s <= n]


SCHEDULES = ("spread", "magai", "birdal")
#: sample sizes a schedule must give for one PH-dim fit
MIN_SIZES = 6


@dataclass
class MeasureConfig:
    """What to measure and how. ``phdim_sizes`` (a list) overrides ``phdim_schedule``."""

    measures: tuple = MEASURES
    phdim_schedule: str = "spread"
    phdim_sizes: tuple | None = None
    phdim_repeats: int = 5
    per_class_points: int = 250
    h1_points: int | None = None  # per-class points for H1 (None: per_class_points)
    minmax: bool = True
    betti_points: int = 300
    betti_quantile: float = 0.05
    global_points: int = 1000  # points of the all-classes ("global") H0 total persistence
    seed: int = 0

    def check(self, n_points: int):
        """Raise ExperimentError when the sample cannot feed the PH-dim schedule (or a bad option)."""
        for m in self.measures:
            if m not in MEASURES:
                raise ExperimentError(f"unknown measure '{m}'; available: {', '.join(MEASURES)}")
        if not 0 < self.betti_quantile < 1:
            raise ExperimentError(f"betti quantile must be in (0, 1), got {self.betti_quantile}")
        if "phdim" not in self.measures:
            return
        if self.phdim_repeats < 2:
            raise ExperimentError(f"--phdim-repeats must be at least 2 (the interval is a bootstrap over repeats; "
                                  f"5 or more recommended), got {self.phdim_repeats}")
        if self.phdim_sizes:
            sizes = sorted(int(s) for s in self.phdim_sizes)
            if len(sizes) < 2 or sizes[-1] > n_points or sizes[0] < 3:
                raise ExperimentError(
                    f"PH-dim sizes {list(self.phdim_sizes)} need at least two sizes >= 3 and at most the "
                    f"{n_points} points measured; pass smaller --phdim-sizes or use more samples")
            return
        if self.phdim_schedule not in SCHEDULES:
            raise ExperimentError(f"unknown PH-dim schedule '{self.phdim_schedule}'; available: "
                                  f"{', '.join(SCHEDULES)} or explicit --phdim-sizes")
        sizes = self.sizes(n_points)
        if len(sizes) < MIN_SIZES:
            need = {"magai": 2251, "birdal": 450, "spread": 80}[self.phdim_schedule]
            raise ExperimentError(
                f"the dataset is too small for the PH-dim schedule '{self.phdim_schedule}': {n_points} points "
                f"give {len(sizes)} sample size(s) {sizes}, at least {MIN_SIZES} are needed (>= {need} points); use "
                f"more samples (--n-samples), a larger dataset (mnist5k, hub datasets), another schedule "
                f"({', '.join(s for s in SCHEDULES if s != self.phdim_schedule)}) or explicit --phdim-sizes")

    def sizes(self, n_points: int) -> list:
        if self.phdim_sizes:
            return sorted(int(s) for s in self.phdim_sizes)
        return {"magai": magai_sizes, "birdal": birdal_sizes, "spread": spread_sizes}[self.phdim_schedule](n_points)


def _per_class(X, y, k, rng):
    """Indices of up to k points per class (a seeded random order, so that a prefix is a random
    subset too), for classes with at least 3 points."""
    out = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        if len(idx) < 3:
            continue
        out.append(rng.permutation(idx)[:k])
    return out


def _phdim(X, cfg: MeasureConfig, seed):
    sizes = cfg.sizes(len(X))
    schedule = list(sizes) if (cfg.phdim_sizes or cfg.phdim_schedule != "magai") else "magai"
    # the paper draws an independent subsample for every size; repeats give topodim's interval
    res = topodim.ph_dimension(X, hom_dim=0, alpha=1.0, schedule=schedule, n_repeats=cfg.phdim_repeats,
                               random_state=seed, sampling="independent")
    lo, hi = res.interval
    return (float(res.dimension), float(getattr(res, "r2", np.nan)), float(lo), float(hi),
            [float(x) for x in np.asarray(res.repeat_estimates, dtype=float)])


def measure_layer(X, y, cfg: MeasureConfig, status=None) -> dict:
    """All requested measures of one layer's (n, d) representation X with labels y.

    Returns a dict with the :data:`COLUMNS` (NaN where not computed), ``seconds`` and ``notes``.
    """
    status = api_status() if status is None else status
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.asarray(y)
    row = {c: float("nan") for c in COLUMNS}
    row.update({c: [] for c in LIST_COLUMNS})
    notes = []
    t0 = time.perf_counter()
    seed = cfg.seed
    Xs = minmax_scale(X) if cfg.minmax else X

    def attempt(name, fn):
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                # rows are points by construction here; small per-class clouds have n < d
                warnings.simplefilter("ignore", topodim.InputShapeWarning)
                fn()
            for w in caught:
                notes.append(f"{name}: {str(w.message).splitlines()[0][:100]}")
        except ExperimentError:
            raise
        except Exception as exc:  # noqa: BLE001 - a degenerate layer must not stop the study
            notes.append(f"{name} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}")

    if "phdim" in cfg.measures and status["phdim"] is None:
        def f():
            row["phdim"], row["phdim_r2"], row["phdim_lo"], row["phdim_hi"], row["phdim_reps"] = _phdim(X, cfg, seed)
        attempt("phdim", f)
    if "h0" in cfg.measures or "h1" in cfg.measures:
        groups = _per_class(Xs, y, cfg.per_class_points, np.random.default_rng(seed))
        if "h0" in cfg.measures and status["h0"] is None:
            def f():
                per = [float(topodim.diagrams.total_persistence(topodim.ph0(Xs[g]))) for g in groups]
                row["h0_tp_classes"] = per
                row["h0_tp"] = float(np.mean(per))
                # the paper's "global" mode: all classes together (a seeded subsample)
                sub = np.random.default_rng(seed + 2).permutation(len(Xs))[:cfg.global_points]
                row["h0_tp_global"] = float(topodim.diagrams.total_persistence(topodim.ph0(Xs[np.sort(sub)])))
            attempt("h0", f)
        if "h1" in cfg.measures and status["h1"] is None:
            k1 = cfg.h1_points or cfg.per_class_points
            def f():
                rips = ripser_function()
                per = [float(topodim.diagrams.total_persistence(rips(Xs[g[:k1]], maxdim=1)["dgms"][1])) for g in groups]
                row["h1_tp_classes"] = per
                row["h1_tp"] = float(np.mean(per))
            attempt("h1", f)
    if "twonn" in cfg.measures and status["twonn"] is None:
        def f():
            row["twonn"] = float(topodim.TwoNN().fit(X).dimension_)
        attempt("twonn", f)
    if "mle" in cfg.measures and status["mle"] is None:
        def f():
            row["mle"] = float(topodim.MLE().fit(X).dimension_)
        attempt("mle", f)
    if "betti" in cfg.measures and status["betti"] is None:
        def f():
            rng = np.random.default_rng(seed + 1)
            sub = Xs[np.sort(rng.permutation(len(Xs))[:cfg.betti_points])]
            D = topodim.pairwise_distances(sub)
            iu = np.triu_indices(len(sub), 1)
            r = float(np.quantile(D[iu], cfg.betti_quantile))
            row["betti_r"] = r
            dg = [topodim.ph0(sub)]
            rips = ripser_function()
            if rips is not None:
                dg = rips(sub, maxdim=1, thresh=r)["dgms"][:2]
                dg = [np.asarray(d, dtype=float) for d in dg]
            b = topodim.diagrams.betti_numbers(dg, r)
            row["betti0"] = float(b[0])
            if len(b) > 1:
                row["betti1"] = float(b[1])
        attempt("betti", f)
    row["seconds"] = round(time.perf_counter() - t0, 3)
    row["notes"] = "; ".join(notes)
    return row


def measure_layers(layers, y, cfg: MeasureConfig, cache_dir=None, bar=None) -> list:
    """:func:`measure_layer` for each extracted layer (dicts with ``X``), cached by content."""
    status = api_status()
    out = []
    for lay in layers:
        X = lay["X"]
        key = stable_hash(CACHE_VERSION, asdict(cfg), status, topodim.__version__,
                          [k for k in dir(topodim) if not k.startswith("_")], X, np.asarray(y))
        path = Path(cache_dir) / "measures" / f"{key}.json" if cache_dir else None
        if path is not None and path.exists():
            row = json.loads(path.read_text())
        else:
            row = measure_layer(X, y, cfg, status)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(row))
        row = {"layer": lay["name"], "kind": lay["kind"], "depth": round(lay["depth"], 4),
               "n_points": int(X.shape[0]), "n_features": int(X.shape[1]), **row}
        if row["notes"]:
            LOG.info("layer %s: %s", lay["name"], row["notes"])
        out.append(row)
        if bar is not None:
            bar.update(1)
    return out
