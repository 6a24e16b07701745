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
``h1_tp``               the same for H1 (on up to ``h1_points`` per class, default the same   ``topodim.ripser``
                        250; the README's default run uses 120 to fit its time budget)
``twonn``, ``mle``      TwoNN (Facco et al.) and Levina–Bickel MLE intrinsic dimension on    ``topodim.TwoNN``,
                        the layer's point cloud (no scaling)                                 ``topodim.MLE``
``betti0``, ``betti1``  Betti numbers at scale r = ``betti_quantile`` quantile of the         ``ph0``, ``ripser``,
                        pairwise distances of a min-max scaled subsample (``betti_r``)        ``diagrams.betti_numbers``
======================  =================================================================  ========================

Total persistence is reported in topodim's convention, the plain sum of bar lengths. The paper's
code multiplies it by 0.5 ("lifespans sum"): halve our numbers to compare with its figures. The
paper's per-class loop skipped the last class (``range(0, 9)``); here every class is used.

The named PH-dim schedules ``magai`` and ``birdal`` are topodim's own (``ph_dimension(schedule=...)``);
``spread`` is defined here. A measure that fails on a degenerate layer (e.g. all points equal) is
NaN with the reason in ``notes``.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import topodim
from topodim.dimension import resolve_schedule

from ._util import LOG, ExperimentError, stable_hash
from .extract import minmax_scale

MEASURES = ("phdim", "h0", "h1", "twonn", "mle", "betti")
COLUMNS = ("phdim", "phdim_r2", "phdim_lo", "phdim_hi", "h0_tp", "h1_tp", "h0_tp_global", "twonn", "mle", "betti0",
           "betti1", "betti_r")
#: list-valued columns: per-class values (in class order) and PH-dim's per-repeat estimates
LIST_COLUMNS = ("h0_tp_classes", "h1_tp_classes", "phdim_reps")
CACHE_VERSION = "measures-v2"

def spread_sizes(n: int, k: int = 6) -> list:
    """``k`` sample sizes spaced evenly in log between n/8 and 0.95 n (at least 10 points each)."""
    lo, hi = max(10.0, n / 8.0), 0.95 * n
    if hi <= lo:
        return []
    return sorted({int(round(x)) for x in np.geomspace(lo, hi, k)})


#: PH-dim schedules: ``spread`` (below) and topodim's ``magai`` and ``birdal``
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
            need = {"magai": 2251, "birdal": 950, "spread": 80}[self.phdim_schedule]
            raise ExperimentError(
                f"the dataset is too small for the PH-dim schedule '{self.phdim_schedule}': {n_points} points "
                f"give {len(sizes)} sample size(s) {sizes}, at least {MIN_SIZES} are needed (>= {need} points); use "
                f"more samples (--n-samples), a larger dataset (mnist5k, hub datasets), another schedule "
                f"({', '.join(s for s in SCHEDULES if s != self.phdim_schedule)}) or explicit --phdim-sizes")

    def sizes(self, n_points: int) -> list:
        """The PH-dim sample sizes for ``n_points`` points ([] when a named schedule needs more)."""
        if self.phdim_sizes:
            return sorted(int(s) for s in self.phdim_sizes)
        if self.phdim_schedule == "spread":
            return spread_sizes(n_points)
        try:
            return resolve_schedule(self.phdim_schedule, n_points).sizes.tolist()
        except ValueError:
            return []


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
    named = not cfg.phdim_sizes and cfg.phdim_schedule != "spread"
    schedule = cfg.phdim_schedule if named else cfg.sizes(len(X))
    # the paper draws an independent subsample for every size; repeats give topodim's interval
    res = topodim.ph_dimension(X, hom_dim=0, alpha=1.0, schedule=schedule, n_repeats=cfg.phdim_repeats,
                               random_state=seed, sampling="independent")
    lo, hi = res.interval
    return (float(res.dimension), float(res.r2), float(lo), float(hi),
            [float(x) for x in np.asarray(res.repeat_estimates, dtype=float)])


def measure_layer(X, y, cfg: MeasureConfig) -> dict:
    """All requested measures of one layer's (n, d) representation X with labels y.

    Returns a dict with the :data:`COLUMNS` (NaN where not computed), ``seconds`` and ``notes``.
    """
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

    if "phdim" in cfg.measures:
        def f():
            row["phdim"], row["phdim_r2"], row["phdim_lo"], row["phdim_hi"], row["phdim_reps"] = _phdim(X, cfg, seed)
        attempt("phdim", f)
    if "h0" in cfg.measures or "h1" in cfg.measures:
        groups = _per_class(Xs, y, cfg.per_class_points, np.random.default_rng(seed))
        if "h0" in cfg.measures:
            def f():
                per = [float(topodim.diagrams.total_persistence(topodim.ph0(Xs[g]))) for g in groups]
                row["h0_tp_classes"] = per
                row["h0_tp"] = float(np.mean(per))
                # the paper's "global" mode: all classes together (a seeded subsample)
                sub = np.random.default_rng(seed + 2).permutation(len(Xs))[:cfg.global_points]
                row["h0_tp_global"] = float(topodim.diagrams.total_persistence(topodim.ph0(Xs[np.sort(sub)])))
            attempt("h0", f)
        if "h1" in cfg.measures:
            k1 = cfg.h1_points or cfg.per_class_points
            def f():
                per = [float(topodim.diagrams.total_persistence(topodim.ripser(Xs[g[:k1]], maxdim=1)["dgms"][1]))
                       for g in groups]
                row["h1_tp_classes"] = per
                row["h1_tp"] = float(np.mean(per))
            attempt("h1", f)
    if "twonn" in cfg.measures:
        def f():
            row["twonn"] = float(topodim.TwoNN().fit(X).dimension_)
        attempt("twonn", f)
    if "mle" in cfg.measures:
        def f():
            row["mle"] = float(topodim.MLE().fit(X).dimension_)
        attempt("mle", f)
    if "betti" in cfg.measures:
        def f():
            rng = np.random.default_rng(seed + 1)
            sub = Xs[np.sort(rng.permutation(len(Xs))[:cfg.betti_points])]
            D = topodim.pairwise_distances(sub)
            iu = np.triu_indices(len(sub), 1)
            r = float(np.quantile(D[iu], cfg.betti_quantile))
            row["betti_r"] = r
            dg = [np.asarray(d, dtype=float) for d in topodim.ripser(sub, maxdim=1, thresh=r)["dgms"][:2]]
            b = topodim.diagrams.betti_numbers(dg, r)
            row["betti0"] = float(b[0])
            row["betti1"] = float(b[1])
        attempt("betti", f)
    row["seconds"] = round(time.perf_counter() - t0, 3)
    row["notes"] = "; ".join(notes)
    return row


def measure_layers(layers, y, cfg: MeasureConfig, cache_dir=None, bar=None) -> list:
    """:func:`measure_layer` for each extracted layer (dicts with ``X``), cached by content."""
    out = []
    for lay in layers:
        X = lay["X"]
        key = stable_hash(CACHE_VERSION, asdict(cfg), topodim.__version__, X, np.asarray(y))
        path = Path(cache_dir) / "measures" / f"{key}.json" if cache_dir else None
        if path is not None and path.exists():
            row = json.loads(path.read_text())
        else:
            row = measure_layer(X, y, cfg)
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
