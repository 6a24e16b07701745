"""The table of docs/estimators.md: every dimension estimator on every reference set.

    python bench/dimension_table.py [--n 2000] [--seeds 5] [--ph1-n 1000] [--sets ...]
    python bench/dimension_table.py --study [--n 2000] [--seeds 6]

For each reference set of topodim.datasets (n points, seed 0) and each estimator it prints the
estimate, its interval where the estimator has one (PH-dim: bootstrap over repeats), and the
wall time of the call; a second table gives mean ± standard deviation over ``--seeds`` fresh
data sets (the data-to-data spread, comparable across estimators). Numba compilation is done
before any timing.

``--study`` compares the PH-dim schedules and sampling designs instead (the evidence for the
defaults): for each set, bias ± standard deviation of the estimate over ``--seeds`` data sets,
each estimate with 5 repeats, for every schedule x {nested, independent}, plus the fraction of
seeds whose bootstrap interval covers the true value.
"""

import argparse
import time
import warnings

import numpy as np

import topodim
from topodim import datasets as ds

ALPHA = {"cantor_set": 0.5, "cantor_dust": 0.5}


def estimators(name, n):
    a = ALPHA.get(name, 1.0)
    out = {
        "PH-dim (default)": lambda X: topodim.ph_dimension(X, alpha=a, random_state=0),
        "PH-dim magai": lambda X: topodim.ph_dimension(X, alpha=a, schedule="magai", random_state=0),
        "PH-dim gptid": lambda X: topodim.ph_dimension(X, alpha=a, schedule="gptid", random_state=0),
        "TwoNN": lambda X: topodim.TwoNN().fit(X),
        "MLE (k=10..20)": lambda X: topodim.MLE().fit(X),
    }
    if n <= 850:
        del out["PH-dim magai"]
    return out


def _value(res):
    if isinstance(res, topodim.PHDimResult):
        return res.dimension, res.interval
    return res.dimension_, None


STUDY_SETS = [("cube2", 1.0), ("cube3", 1.0), ("sphere2", 1.0), ("sierpinski_triangle", 1.0),
              ("cantor_set", 0.5), ("cube5", 1.0)]


def study(n, seeds):
    n_low = {"geometric 0.1": 0.1, "geometric 0.25": 0.25, "geometric 0.5": 0.5}
    scheds = list(n_low) + ["magai", "birdal", "gptid"]
    cols = [f"{sc} / {samp}" for sc in scheds for samp in ("nested", "independent")]
    print("| set (dimension) | " + " | ".join(cols) + " |")
    print("|" + "---|" * (len(cols) + 1))
    for name, a in STUDY_SETS:
        true = ds.REFERENCE_SETS[name].dimension
        cells = [f"{name} ({true:.3f})"]
        for sc in scheds:
            sched = sc
            if sc in n_low:
                sched = [int(v) for v in np.unique(np.round(np.geomspace(n_low[sc] * n, n, 16)))]
            for samp in ("nested", "independent"):
                est, cover, secs = [], 0, 0.0
                for s in range(seeds):
                    X = ds.sample(name, n, random_state=100 + s)
                    t0 = time.perf_counter()
                    r = topodim.ph_dimension(X, alpha=a, schedule=sched, random_state=s, sampling=samp)
                    secs += time.perf_counter() - t0
                    est.append(r.dimension)
                    cover += r.interval[0] <= true <= r.interval[1]
                est = np.array(est)
                cells.append(f"{est.mean() - true:+.3f} ± {est.std(ddof=1):.3f} ({cover}/{seeds}, {secs / seeds:.2f} s)")
        print("| " + " | ".join(cells) + " |", flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--ph1-n", type=int, default=1000, help="points for the PH1-dimension column (0: skip)")
    p.add_argument("--sets", nargs="*", default=list(ds.REFERENCE_SETS))
    p.add_argument("--study", action="store_true", help="compare schedules and sampling designs instead")
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    if args.study:
        topodim.ph_dimension(ds.cube(900, 2, random_state=0), schedule="magai", random_state=0)
        study(args.n, args.seeds)
        return
    # warm up every code path (compilation is not timed)
    Xw = ds.cube(900, 2, random_state=0)
    for fn in estimators("cube2", 900).values():
        fn(Xw)
    if args.ph1_n:
        topodim.ph_dimension(Xw[:200], hom_dim=1, n_repeats=2, random_state=0)
    names = list(estimators("cube2", args.n))
    head = ["set (dimension)"] + names + ([f"PH1-dim (n={args.ph1_n}, 2 repeats)"] if args.ph1_n else [])
    rows, spread = [], []
    for name in args.sets:
        ref = ds.REFERENCE_SETS[name]
        X = ref.sample(args.n, random_state=0)
        alpha_note = f", alpha={ALPHA[name]:g}" if name in ALPHA else ""
        cells = [f"{name} ({ref.dimension:.3f}{alpha_note})"]
        per_seed = {k: [] for k in names}
        for label, fn in estimators(name, args.n).items():
            t0 = time.perf_counter()
            val, iv = _value(fn(X))
            dt = time.perf_counter() - t0
            cells.append(f"{val:.3f} [{iv[0]:.3f}, {iv[1]:.3f}] ({dt:.2f} s)" if iv else f"{val:.3f} ({dt:.2f} s)")
        if args.ph1_n:
            Xs = ref.sample(args.ph1_n, random_state=0)
            t0 = time.perf_counter()
            try:
                r = topodim.ph_dimension(Xs, hom_dim=1, alpha=ALPHA.get(name, 1.0), n_repeats=2, random_state=0)
                cells.append(f"{r.dimension:.3f} [{r.interval[0]:.3f}, {r.interval[1]:.3f}] ({time.perf_counter() - t0:.1f} s)")
            except ValueError as exc:
                cells.append(f"undefined ({str(exc)[:40]}...)")
        rows.append(cells)
        for s in range(1, args.seeds + 1):
            Xs = ref.sample(args.n, random_state=s)
            for label, fn in estimators(name, args.n).items():
                per_seed[label].append(_value(fn(Xs))[0])
        spread.append([f"{name} ({ref.dimension:.3f})"] + [
            f"{np.mean(per_seed[k]):.3f} ± {np.std(per_seed[k], ddof=1):.3f}" if per_seed[k] else "–" for k in names])
        print("row: | " + " | ".join(rows[-1]) + " |", flush=True)
        print("spread: | " + " | ".join(spread[-1]) + " |", flush=True)
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print("| " + " | ".join(["set (dimension)"] + names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for r in spread:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
