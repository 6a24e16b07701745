"""PH-dimension side by side: topodim against the published code paths, on the same subsamples.

    python bench/compare_dimension.py [--repeats 3] [--cases ...] [--tools ...]

Every tool computes E^0_1 (the total MST length, i.e. the sum of finite H0 bar lengths) of the
very same subsamples and fits the log-log slope:

* ``topodim``: ``ph_dimension(X, schedule=sizes, n_repeats=1, n_subsamples=S)``, default
  (nested) sampling, incremental MST engine;
* ``ripser.py maxdim=0``: the seed paper's code path (Magai & Ayzenberg call ``ripser(X)`` on
  every subsample and sum the finite H0 lifetimes), on the subsamples topodim drew;
* ``topodim independent`` / ``ripser.py independent``: a fresh subset for every size (the design
  of the published code), both on the same subsets;
* ``skdim.id.PH``: scikit-dimension 0.5's estimator (one dense distance matrix, one dense MST
  per subsample) with the same sizes and number of subsamples (its own random draws).

The subsample index sets are drawn once per case by topodim's own sampler with a fixed seed, so
the nested tools see identical subsets (and identical E values up to float rounding: ripser.py
works in float32). One fresh process per measurement, tools alternating, after a warm-up on a
small input of the same kind (harness.py).

Cases: the seed paper's schedule (500, 850, ..., 2950) on 3,000 points in R^512 (a 10-cube
linearly embedded with noise 0.01, like pooled CNN activations; and an isotropic Gaussian),
and scikit-dimension's kind of schedule (10 sizes from 10 % to 100 %) on 5,000 points.
"""

import numpy as np

import harness
from benchmarks.common import activations, cloud


def _case(make_points, n, sizes, n_sub=1):
    """Data of a case: points, sizes, subsamples per size and both sets of subsample indices."""

    def make(small):
        from topodim import dimension as dm

        N = 600 if small else n
        sz = np.unique(np.round(np.asarray(sizes, dtype=float) * N / n).astype(int)) if small else np.asarray(sizes)
        X = make_points(N)
        sched = dm.resolve_schedule(list(sz), N, n_subsamples=n_sub)
        subsets = {sampling: dm.draw_subsamples(np.random.default_rng(0), N, sched, 1, sampling).subsamples()
                   for sampling in ("nested", "independent")}
        return {"X": X, "sizes": [int(s) for s in sz], "n_sub": n_sub, "subsets": subsets}

    return make


MAGAI = list(range(500, 3000, 350))  # 500, 850, ..., 2950: the seed paper's schedule at N = 3,000
SKDIM = [int(s) for s in np.ceil(np.linspace(500, 5000, 10))]  # 10 % .. 100 % of 5,000

CASES = {
    "seed paper's schedule, 3,000 pts in R^512 (10-cube + noise)": _case(activations, 3000, MAGAI),
    "seed paper's schedule, 3,000 pts Gaussian R^512": _case(lambda n: cloud(n, 512), 3000, MAGAI),
    "10 sizes 500..5,000, [0,1]^3": _case(lambda n: cloud(n, 3), 5000, SKDIM),
    "10 sizes 500..5,000, Gaussian R^50": _case(lambda n: cloud(n, 50), 5000, SKDIM),
}


def _slope(sizes, E):
    return np.polyfit(np.log(sizes), np.log(E), 1)[0]


def run_topodim(data, sampling="nested"):
    import topodim

    return topodim.ph_dimension(data["X"], schedule=data["sizes"], n_repeats=1, n_subsamples=data["n_sub"],
                                random_state=0, sampling=sampling).dimension


def run_topodim_independent(data):
    return run_topodim(data, "independent")


def _ripser_on(data, sampling):
    from ripser import ripser

    X = data["X"]
    E, n = [], []
    for ids in data["subsets"][sampling]:
        dgm = ripser(X[ids], maxdim=0)["dgms"][0]
        fin = dgm[np.isfinite(dgm[:, 1])]
        E.append(np.sum(fin[:, 1] - fin[:, 0]))
        n.append(len(ids))
    return 1.0 / (1.0 - _slope(n, E))


def run_ripser(data):
    return _ripser_on(data, "nested")


def run_ripser_independent(data):
    return _ripser_on(data, "independent")


def run_skdim(data):
    import warnings

    import skdim

    sizes = data["sizes"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = skdim.id.PH(n_range_min=sizes[0], n_range_max=sizes[-1], range_type="num", nsteps=len(sizes),
                          subsamples=data["n_sub"], random_state=0).fit(data["X"])
    return est.dimension_


TOOLS = {
    "topodim": run_topodim,
    "ripser.py maxdim=0": run_ripser,
    "topodim independent": run_topodim_independent,
    "ripser.py independent": run_ripser_independent,
    "skdim.id.PH": run_skdim,
}


def SKIP(case, tool):
    if tool.startswith("ripser") and "5,000" in case:
        return "not the paper's code path for this case"
    return None


if __name__ == "__main__":
    harness.main("compare_dimension", CASES, TOOLS, skip=SKIP)
