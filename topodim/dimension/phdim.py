"""The persistent-homology dimension (PH-dim): :func:`ph_dimension` and the estimator :class:`PHDim`.

PH-dimension
------------
For a finite metric space X_n of n points and alpha > 0, ``E^i_alpha(X_n)`` is the sum of
``(death - birth) ** alpha`` over the *finite* bars of the degree-i Vietoris–Rips barcode
(filtration values are edge lengths, i.e. diameters, as in ripser.py; using radii would multiply
E by 2**-alpha and leave the slope unchanged). If the points are i.i.d. from a d-Ahlfors-regular
measure and 0 < alpha < d, ``log E^0_alpha(X_n) ~ ((d - alpha) / d) log n`` (Schweinhart 2020), so
with m the least-squares slope of log E against log n over a schedule of sample sizes

    dim = alpha / (1 - m).

For i = 0 the finite bars are the n - 1 edges of a minimum spanning tree (MST), which topodim
computes without an n x n matrix; for i >= 1 the bars come from :func:`topodim.rips.ripser`.

Sampling designs (``sampling=``)
    ``"nested"`` (default): each repeat draws one random ordering of the points (a uniform random
    subset of the largest size, in random order) per subsample slot and uses its *prefixes* as the
    subsamples of the schedule. Every subsample is still a uniform random subset of its size (the
    same marginal law as independent draws, hence the same expected E per size), and all the MSTs
    of one ordering come out of one incremental computation costing about one MST of the largest
    subsample. The sizes share points, so the errors of one repeat are correlated along the sizes
    and its slope is about as noisy as with independent draws (measured: docs/estimators.md), not
    less; the saving pays for the 5 default repeats.
    ``"independent"``: a fresh random subset for every size, repeat and subsample (the published
    implementations' design).

The MST engines of hom_dim = 0 are described in :mod:`topodim.dimension._engines`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from .._parallel import resolve_n_threads, thread_limit
from .._validate import as_distance_input, check_nonnegative_int, check_positive, check_random_state, warn
from ..metrics import scaled_points_input
from ._common import DimensionEstimator, PHDimWarning
from ._engines import choose_method, run_h0, run_rips
from ._schedule import DEFAULT_REPEATS, draw_subsamples, resolve_schedule

__all__ = ["PHDim", "PHDimResult", "ph_dimension"]

#: Low-R² warning threshold.
R2_WARNING = 0.9
#: The estimate is "close to alpha" (the alpha >= d failure regime) below this multiple of alpha.
ALPHA_WARNING_RATIO = 1.1


def _slope_to_dim(slope, alpha):
    slope = np.asarray(slope, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(slope < 1.0, alpha / (1.0 - slope), np.inf)
    return d


@dataclass(frozen=True, eq=False)
class PHDimResult:
    """The result of :func:`ph_dimension`.

    Attributes
    ----------
    dimension : float
        alpha / (1 - slope); ``inf`` when the slope is >= 1 (never NaN).
    slope, intercept, r2 : float
        Least-squares fit of log E against log n over all (size, repeat) pairs (natural logs);
        the slope equals the mean of the per-repeat slopes. ``r2`` is the coefficient of
        determination of that pooled fit.
    sizes : ndarray of int64, shape (K,)
        Sample sizes actually used in the fit (sizes whose E was 0 in some repeat are dropped,
        with a warning).
    values : ndarray of float64, shape (K, R)
        E_alpha per size and repeat (the subsamples of one size and repeat combined by
        ``aggregate``).
    raw_values : ndarray of float64, shape (K, R, S)
        E_alpha of every subsample.
    repeat_estimates : ndarray of float64, shape (R,)
        alpha / (1 - slope) of each repeat's own fit.
    interval : (float, float)
        ``confidence`` interval for the dimension: percentile bootstrap over repeats (resampling
        the R repeats with replacement, ``n_bootstrap`` times, refitting); with one repeat, the
        t-interval of the regression slope mapped through alpha / (1 - m) (``interval_kind``
        says which). Bounds may be ``inf``; NaN only when no interval exists (one repeat and two
        sizes), with a warning.
    alpha, hom_dim : the estimator's parameters.
    schedule : str
        The schedule's name ("explicit" for a list).
    n_subsamples, aggregate, sampling, method : how the values were obtained.
    n_points : int
        Number of points of the input.
    warnings : tuple of str
        The warnings that were issued.
    """

    dimension: float
    slope: float
    intercept: float
    r2: float
    sizes: np.ndarray
    values: np.ndarray
    raw_values: np.ndarray
    repeat_estimates: np.ndarray
    interval: tuple
    alpha: float
    hom_dim: int
    schedule: str
    n_subsamples: int
    aggregate: str
    sampling: str
    method: str
    n_points: int
    confidence: float
    interval_kind: str
    warnings: tuple = field(default=())

    @property
    def n_repeats(self) -> int:
        return int(self.values.shape[1])

    def __repr__(self) -> str:
        lo, hi = self.interval
        return (f"PHDimResult(dimension={self.dimension:.4f}, interval=({lo:.4f}, {hi:.4f}), "
                f"slope={self.slope:.4f}, r2={self.r2:.4f}, alpha={self.alpha}, hom_dim={self.hom_dim}, "
                f"sizes={len(self.sizes)} from {int(self.sizes[0])} to {int(self.sizes[-1])}, "
                f"repeats={self.n_repeats})")


def _fit(sizes, values, alpha, rng, confidence, n_bootstrap):
    """Pooled OLS of log E on log n, per-repeat estimates and the interval."""
    x = np.log(sizes.astype(np.float64))
    Y = np.log(values)  # (K, R)
    K, R = Y.shape
    xm = x.mean()
    dx = x - xm
    sxx = float(np.sum(dx * dx))
    ym = Y.mean(axis=0)
    slopes = (dx @ (Y - ym)) / sxx  # per repeat
    slope = float(slopes.mean())
    intercept = float(Y.mean() - slope * xm)
    resid = Y - (intercept + slope * x)[:, None]
    ss_res = float(np.sum(resid * resid))
    ss_tot = float(np.sum((Y - Y.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else (1.0 if ss_res == 0 else 0.0)
    repeat_estimates = _slope_to_dim(slopes, alpha)
    q = (1.0 - confidence) / 2.0
    notes = []
    if R >= 2:
        idx = rng.integers(0, R, size=(n_bootstrap, R))
        boot = _slope_to_dim(slopes[idx].mean(axis=1), alpha)
        lo, hi = np.quantile(boot, [q, 1.0 - q], method="inverted_cdf")
        interval, kind = (float(lo), float(hi)), "bootstrap"
    elif K >= 3:
        from scipy.stats import t as student_t  # noqa: PLC0415

        se = math.sqrt(ss_res / (K - 2) / sxx)
        tq = float(student_t.ppf(1.0 - q, K - 2))
        m_lo, m_hi = slope - tq * se, slope + tq * se
        interval = (float(_slope_to_dim(m_lo, alpha)), float(_slope_to_dim(m_hi, alpha)))
        kind = "regression"
    else:
        interval, kind = (float("nan"), float("nan")), "none"
        notes.append("no confidence interval: one repeat and two sizes leave no degrees of freedom; "
                     "use n_repeats >= 2 or more sizes")
    return slope, intercept, r2, repeat_estimates, interval, kind, notes


def _resolve_device(device) -> str:
    """"cpu" or "cuda" for a ``device`` argument (topodim.cuda decides, warning once for "auto"
    without a GPU); "cpu" itself never imports topodim.cuda."""
    if isinstance(device, str) and device == "cpu":
        return "cpu"
    from .. import cuda  # noqa: PLC0415  (numba-cuda is imported only for a GPU call)

    return cuda.select_device(device)


def _gpu_h0_values(inp, draws, alpha, device, n_threads):
    """(values, counts) of every subsample's tree in one batched GPU run for device="cuda" /
    "auto", or None when the CPU runs."""
    if isinstance(device, str) and device == "cpu":
        return None
    from .. import cuda  # noqa: PLC0415  (numba-cuda is imported only for a GPU call)

    return cuda.ph_dimension_values(inp, draws, alpha, 0, device, n_threads)


def _distance_input(X, distance_matrix, metric, dtype):
    """The validated input of :func:`ph_dimension`: points or a distance matrix with a zero diagonal."""
    inp = as_distance_input(X, distance_matrix=distance_matrix, metric=metric, dtype=dtype)
    if inp.kind == "sparse":
        raise ValueError("ph_dimension does not take scipy.sparse graphs; pass a dense matrix with np.inf for "
                         "missing edges (A.toarray() after filling them) or the points")
    if inp.has_births:
        raise ValueError("ph_dimension needs vertex births of 0 (a zero diagonal); this distance matrix has a "
                         "non-zero diagonal")
    return inp


def _subsample_values(inp, draws, alpha, hom_dim, method, device, threads):
    """(E_alpha of every report of the draws, the engine used), on ``threads`` threads."""
    with thread_limit(threads):
        if hom_dim == 0:
            used = choose_method(inp, method, draws)
            gpu = _gpu_h0_values(inp, draws, alpha, device, threads)
            if gpu is not None:
                return gpu[0], "cuda"
            return run_h0(inp, draws, alpha, used, threads)[0], used
        if method not in ("auto", "incremental", "prim", "boruvka"):
            raise ValueError(f"unknown method {method!r}")
        dev = _resolve_device(device)
        values = run_rips(inp, draws, alpha, hom_dim, threads, device=dev)[0]
        return values, "rips-cuda" if dev == "cuda" else "rips"


def _drop_empty_sizes(sizes, values, raw, hom_dim):
    """Leave out the sizes where E_alpha is 0 in some repeat: (sizes, values, raw, messages).
    Raises ValueError when fewer than two sizes remain."""
    good = np.all(values > 0, axis=1)
    if good.all():
        return sizes, values, raw, []
    bad = sizes[~good]
    if good.sum() < 2:
        raise ValueError(
            f"E_alpha is 0 (no finite bars of dimension {hom_dim}, or only bars of length 0) for the "
            f"subsamples of sizes {bad.tolist()}, leaving fewer than two sizes to fit; the PH{hom_dim}-"
            "dimension is undefined here (try hom_dim=0, larger sizes, or check for duplicate points)"
        )
    message = (f"dropped sizes {bad.tolist()}: a subsample had E_alpha = 0 (no finite bars of "
               f"dimension {hom_dim} of positive length)")
    return sizes[good], values[good], raw[good], [message]


def _fit_warnings(slope, dim, r2, alpha):
    """The warnings the fit calls for: infinite dimension, the alpha >= d regime, a poor R²."""
    messages = []
    if slope >= 1.0:
        messages.append(f"the log-log slope is {slope:.3f} >= 1, so alpha / (1 - slope) is infinite: E grows at "
                        "least linearly in n, which no subsample of a bounded set should do; check the data")
    elif dim < ALPHA_WARNING_RATIO * alpha:
        messages.append(
            f"the estimate {dim:.3f} is within {100 * (ALPHA_WARNING_RATIO - 1):.0f}% of alpha={alpha:g} (or below "
            f"it): PH-dim needs alpha < d and returns about alpha when alpha >= d; rerun with a smaller alpha "
            f"(e.g. alpha={max(dim, 1e-3) / 2:.2g})"
        )
    if r2 < R2_WARNING:
        messages.append(f"poor log-log fit (R^2 = {r2:.3f} < {R2_WARNING}): log E is not linear in log n over these "
                        "sizes; the estimate is unreliable (more points, more repeats or other sizes may help)")
    return messages


def ph_dimension(X, hom_dim=0, alpha=1.0, schedule="geometric", n_repeats=DEFAULT_REPEATS,
                 random_state=None, metric="euclidean", distance_matrix=False, n_threads=None, *,
                 sampling="nested", n_subsamples=None, aggregate=None, method="auto",
                 dtype=np.float64, confidence=0.95, n_bootstrap=2000, device="cpu"):
    """Persistent-homology dimension of a point cloud or a finite metric space.

    For each sample size n of the schedule, subsamples of n points are drawn and
    ``E = sum over finite bars of PH_hom_dim of (death - birth) ** alpha`` is computed (Vietoris–Rips,
    filtration values are edge lengths); m is the least-squares slope of log E against log n and
    the estimate is ``alpha / (1 - m)``.

    Parameters
    ----------
    X : array-like
        Points (n, d), or with ``distance_matrix=True`` a square or condensed distance matrix
        (+inf entries mean "no edge"; E then sums the finite bars only).
    hom_dim : int, default 0
        Homology degree. 0 uses minimum spanning trees (no n x n matrix for points); >= 1 runs
        :func:`topodim.rips.ripser` on every subsample (much costlier: keep sizes below ~1000).
    alpha : float, default 1.0
        Exponent of the bar lengths, > 0. The estimator needs alpha < d (the true dimension); with
        alpha >= d it returns about alpha (a :class:`PHDimWarning` says so).
    schedule : str or sequence of int, default "geometric"
        Sample sizes; see :func:`resolve_schedule`. "geometric" (16 sizes from M/10 to
        M = min(N, 10000)), the
        seed paper's "magai" (500, 850, ... below N), "birdal" (200..950 by 50), "gptid"
        (50..490 by 40, median of 7 subsamples per size) or an explicit increasing list.
    n_repeats : int, default 5
        Independent repeats of the whole schedule; the interval is a bootstrap over them.
    random_state : None, int, SeedSequence or Generator
        The only source of randomness (subsamples, bootstrap). Results do not depend on the
        number of threads.
    metric : str or callable, default "euclidean"
        As in :func:`topodim.mst.mst`. Native metrics are computed on the fly.
    distance_matrix : bool, default False
        Whether X holds distances.
    n_threads : int, optional
        Threads (default all of Numba's).
    sampling : {"nested", "independent"}, default "nested"
        "nested": the subsamples of one repeat are prefixes of one random ordering (see the module
        docstring); "independent": a fresh subset for every size.
    n_subsamples : int, optional
        Subsamples per size and repeat (default: the schedule's, 7 for "gptid", else 1).
    aggregate : {"mean", "median"}, optional
        How subsamples of one size are combined (default: the schedule's).
    method : {"auto", "incremental", "prim", "boruvka"}, default "auto"
        MST engine for hom_dim = 0 (see the module docstring); the result does not depend on it
        beyond floating-point rounding of the sums.
    dtype : float64 (default) or float32
        Compute dtype of the distances; E is accumulated in float64.
    confidence : float, default 0.95
        Level of ``interval``.
    n_bootstrap : int, default 2000
        Bootstrap resamples for the interval.
    device : {"cpu", "cuda", "auto"}, default "cpu"
        "cuda" (hom_dim = 0) computes the trees of all subsamples in one batched run on the GPU
        (numba-cuda), from the same subsample draws and with the same lengths bit for bit, so E
        matches the CPU's up to the order of the float64 sum (``method`` is then not used and the
        result's ``method`` is "cuda"); for hom_dim >= 1 every subsample runs
        ``ripser(..., device="cuda")`` (same diagrams; method "rips-cuda"). "auto" uses the GPU
        when one is found (else the CPU, saying so once). See :mod:`topodim.cuda`.

    Returns
    -------
    PHDimResult
        ``dimension``, ``slope``, ``intercept``, ``r2``, ``sizes``, ``values`` (K sizes x R
        repeats), ``raw_values``, ``repeat_estimates``, ``interval`` and the parameters used.

    Warns
    -----
    PHDimWarning
        When the estimate is within 10 % of alpha (or below it: the alpha >= d regime), when
        R² < 0.9, when the slope is >= 1 (dimension inf), when sizes had to be dropped because a
        subsample had no finite bars (E = 0), or when no interval can be computed.

    Raises
    ------
    ValueError
        Bad parameters, a schedule the data cannot fill (sizes above N, not increasing), or no
        two sizes with finite bars in every repeat (e.g. hom_dim=1 on data without loops).
    """
    alpha = check_positive(alpha, "alpha")
    hom_dim = check_nonnegative_int(hom_dim, "hom_dim", 0)
    n_repeats = check_nonnegative_int(n_repeats, "n_repeats", 1)
    n_bootstrap = check_nonnegative_int(n_bootstrap, "n_bootstrap", 1)
    if sampling not in ("nested", "independent"):
        raise ValueError(f"sampling must be 'nested' or 'independent', got {sampling!r}")
    try:
        confidence = float(confidence)
    except (TypeError, ValueError):
        raise TypeError(f"confidence must be a number in (0, 1), got {confidence!r}") from None
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    inp = _distance_input(X, distance_matrix, metric, dtype)
    sched = resolve_schedule(schedule, inp.n, n_subsamples, aggregate)
    # an exact power-of-two scale where squared distances would overflow / underflow; every bar is
    # then 2**-e times its true length and every E_alpha 2**(-e * alpha) times its value
    inp, scale_exp = scaled_points_input(inp)
    threads = resolve_n_threads(n_threads)
    rng = check_random_state(random_state)
    draws = draw_subsamples(rng, inp.n, sched, n_repeats, sampling)
    flat, used = _subsample_values(inp, draws, alpha, hom_dim, method, device, threads)
    K, R, S = len(sched.sizes), n_repeats, sched.n_subsamples
    raw = np.zeros((K, R, S))
    raw[draws.slots[:, 0], draws.slots[:, 1], draws.slots[:, 2]] = flat
    values = np.median(raw, axis=2) if sched.aggregate == "median" else raw.mean(axis=2)
    sizes, values, raw, messages = _drop_empty_sizes(sched.sizes, values, raw, hom_dim)
    slope, intercept, r2, rep_est, interval, kind, notes = _fit(sizes, values, alpha, rng, confidence, n_bootstrap)
    if scale_exp:  # report E in the data's units (the slope does not depend on them)
        intercept += scale_exp * alpha * math.log(2.0)
        with np.errstate(over="ignore", under="ignore"):
            raw, values = raw * np.exp2(scale_exp * alpha), values * np.exp2(scale_exp * alpha)
    messages.extend(notes)
    dim = float(_slope_to_dim(slope, alpha))
    messages.extend(_fit_warnings(slope, dim, r2, alpha))
    for m in messages:
        warn(m, PHDimWarning)
    return PHDimResult(
        dimension=dim, slope=slope, intercept=intercept, r2=float(r2), sizes=sizes.copy(), values=values,
        raw_values=raw, repeat_estimates=rep_est, interval=interval, alpha=alpha, hom_dim=hom_dim,
        schedule=sched.name, n_subsamples=S, aggregate=sched.aggregate, sampling=sampling, method=used,
        n_points=inp.n, confidence=confidence, interval_kind=kind, warnings=tuple(messages),
    )


def _check_alphas(alpha):
    """(alphas as a tuple of floats, whether alpha was a sequence)."""
    if isinstance(alpha, (list, tuple, np.ndarray)):
        arr = np.asarray(alpha)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"alpha must be a number > 0 or a non-empty 1-D sequence of them, got {alpha!r}")
        return tuple(check_positive(a, "alpha") for a in arr.tolist()), True
    return (check_positive(alpha, "alpha"),), False


class PHDim(DimensionEstimator):
    """The PH-dimension as an estimator (see :func:`ph_dimension` for every parameter).

    ``fit(X)`` sets ``dimension_`` (float), ``interval_``, ``slope_``, ``intercept_``, ``r2_``,
    ``sizes_``, ``values_``, ``repeat_estimates_``, ``result_`` (the full :class:`PHDimResult`)
    and ``n_features_in_``, and the regression data in scikit-dimension's layout: ``x_`` of shape
    (m, 1), the log size of every subsample (each size repeated ``n_repeats * n_subsamples`` times,
    sizes ascending), and ``y_`` of shape (m,), the log E_alpha of each of those subsamples.
    ``metric="precomputed"`` reads X as a square distance matrix (``np.inf`` = no edge).
    ``device="cuda"`` / ``"auto"`` runs the subsample MSTs on the GPU (as :func:`ph_dimension`).

    ``alpha`` may be a sequence: every alpha is fitted on the same subsamples (the same random
    draws; one run of :func:`ph_dimension` per alpha), ``dimension_``, ``slope_``,
    ``intercept_``, ``r2_`` become arrays with one entry per alpha, ``interval_`` an
    (n_alpha, 2) array, ``result_`` a list of results and ``y_`` an (m, n_alpha) array.
    """

    def __init__(self, hom_dim=0, alpha=1.0, schedule="geometric", n_repeats=DEFAULT_REPEATS,
                 sampling="nested", n_subsamples=None, aggregate=None, metric="euclidean", method="auto",
                 confidence=0.95, random_state=None, n_threads=None, device="cpu"):
        self.hom_dim = hom_dim
        self.alpha = alpha
        self.schedule = schedule
        self.n_repeats = n_repeats
        self.sampling = sampling
        self.n_subsamples = n_subsamples
        self.aggregate = aggregate
        self.metric = metric
        self.method = method
        self.confidence = confidence
        self.random_state = random_state
        self.n_threads = n_threads
        self.device = device


    def fit(self, X, y=None):
        alphas, many = _check_alphas(self.alpha)
        X = self._validate(X, min_samples=4)
        schedule = self.schedule
        if isinstance(schedule, (list, tuple, np.ndarray)):
            schedule = np.asarray(schedule)
        seed = self.random_state
        if many and not isinstance(seed, (numbers.Integral, np.random.SeedSequence)) or isinstance(seed, bool):
            # one seed for all alphas, so that they share their subsamples
            seed = int(check_random_state(seed).integers(0, 2**63 - 1))
        results = [
            ph_dimension(X, hom_dim=self.hom_dim, alpha=a, schedule=schedule, n_repeats=self.n_repeats,
                         random_state=seed, metric=self.metric, n_threads=self.n_threads,
                         sampling=self.sampling, n_subsamples=self.n_subsamples, aggregate=self.aggregate,
                         method=self.method, confidence=self.confidence, device=self.device)
            for a in alphas
        ]
        res = results[0]
        per = res.raw_values.shape[1] * res.raw_values.shape[2]
        self.x_ = np.log(np.repeat(res.sizes.astype(np.float64), per)).reshape(-1, 1)
        with np.errstate(divide="ignore"):
            ys = [np.log(r.raw_values.reshape(len(r.sizes), -1)).ravel() for r in results]
        if any(len(v) != len(self.x_) for v in ys):
            raise ValueError("the alphas dropped different sizes (a subsample with E_alpha = 0); "
                             "fit them one at a time")
        self.sizes_ = res.sizes
        if many:
            self.result_ = results
            self.dimension_ = np.array([r.dimension for r in results])
            self.interval_ = np.array([r.interval for r in results])
            self.slope_ = np.array([r.slope for r in results])
            self.intercept_ = np.array([r.intercept for r in results])
            self.r2_ = np.array([r.r2 for r in results])
            self.values_ = np.stack([r.values for r in results], axis=-1)
            self.repeat_estimates_ = np.stack([r.repeat_estimates for r in results], axis=-1)
            self.y_ = np.column_stack(ys)
        else:
            self.result_ = res
            self.dimension_ = res.dimension
            self.interval_ = res.interval
            self.slope_ = res.slope
            self.intercept_ = res.intercept
            self.r2_ = res.r2
            self.values_ = res.values
            self.repeat_estimates_ = res.repeat_estimates
            self.y_ = ys[0]
        return self
