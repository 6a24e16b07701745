"""The Rips reduction on 1 thread (serial) and on 2 or more (batch-parallel), side by side.

For each case, ``topodim.ripser`` runs alternately with ``n_threads=1`` and ``n_threads=T``
(median of ``--repeats`` wall times after a warm-up call that compiles everything); the outputs
are checked identical (diagrams and reduction statistics), and the table gives the medians, the
ratio, and the seconds spent in the reductions (``--slots`` overrides the working columns per
thread, ``--parallel-columns`` the column count from which the batched form runs)::

    python bench/reduction_threads.py                    # all cases
    python bench/reduction_threads.py circle1000 --repeats 5 --slots 16
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchmarks.common import circle, cloud, torus  # noqa: E402

#: name: (points, ripser keywords)
CASES = {
    "circle1000_h1": (lambda: circle(1000), dict(maxdim=1, collapse_edges=False)),
    "torus2000_h1": (lambda: torus(2000), dict(maxdim=1, collapse_edges=False)),
    "torus1000_h2": (lambda: torus(1000), dict(maxdim=2)),
    "cube2000_h2": (lambda: cloud(2000, 3), dict(maxdim=2)),
    "cube4000_h2": (lambda: cloud(4000, 3), dict(maxdim=2)),
    "gauss1000_r10_h2": (lambda: cloud(1000, 10), dict(maxdim=2)),
    "gauss2000_r10_h2": (lambda: cloud(2000, 10), dict(maxdim=2)),
}


def timed(X, threads, kw):
    """Wall seconds of one call, the result, and the seconds its reductions took."""
    import topodim
    import topodim.rips._driver as driver

    spent = []
    real = driver.reduce_dimension

    def clocked(*a, **k):
        t = time.perf_counter()
        out = real(*a, **k)
        spent.append(time.perf_counter() - t)
        return out

    driver.reduce_dimension = clocked
    try:
        t = time.perf_counter()
        r = topodim.ripser(X, n_threads=threads, **kw)
        return time.perf_counter() - t, r, sum(spent)
    finally:
        driver.reduce_dimension = real


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", default=list(CASES))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--slots", type=int, default=None)
    ap.add_argument("--parallel-columns", type=int, default=None)
    args = ap.parse_args(argv)
    import numba

    import topodim.rips._stages as stages

    if args.slots is not None:
        stages.REDUCTION_SLOTS_PER_THREAD = args.slots
    if args.parallel_columns is not None:
        stages.REDUCTION_PARALLEL_COLUMNS = args.parallel_columns
    threads = min(args.threads, numba.config.NUMBA_NUM_THREADS)
    print(f"| case | 1 thread (s) | {threads} threads (s) | ratio | reduction 1 / {threads} (s) |")
    print("|---|---|---|---|---|")
    for name in args.cases:
        make, kw = CASES[name]
        X = make()
        timed(X, 1, kw)
        timed(X, threads, kw)  # compile both forms
        t1, tT, r1s, rTs = [], [], [], []
        for _ in range(args.repeats):
            a, ra, sa = timed(X, 1, kw)
            b, rb, sb = timed(X, threads, kw)
            for x, y in zip(ra["dgms"], rb["dgms"]):
                assert np.array_equal(x, y), name
            assert ra["counts"] == rb["counts"], name
            t1.append(a)
            tT.append(b)
            r1s.append(sa)
            rTs.append(sb)
        m1, mT = statistics.median(t1), statistics.median(tT)
        print(f"| {name} | {m1:.2f} | {mT:.2f} | {m1 / mT:.2f} | "
              f"{statistics.median(r1s):.2f} / {statistics.median(rTs):.2f} |", flush=True)


if __name__ == "__main__":
    main()
