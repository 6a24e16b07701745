"""The dense edge-collapse sweep alone (``topodim.rips._collapse_dense._collapse_dense``), CPU seconds.

Prepares the sweep's inputs as :func:`topodim.ripser` does (distances, the enclosing radius as
threshold, the edges in decreasing filtration order) for the structured cases, caches them under
``--cache`` and times the kernel on fresh copies of the value matrix, median of ``--repeats``
calls after a warm-up call (``--whole``: all of ``collapse_graph``, the edge sort included).
With ``--against FILE.py`` a second implementation of ``_collapse_dense`` (a file inside the
package defining it, e.g. an older version copied out of git beside the current one and imported
by its path, here as ``topodim.rips._collapse_other``) runs alternately on the same inputs, and
its output matrix is checked equal to the current kernel's::

    python bench/collapse_sweep.py                       # all cases
    python bench/collapse_sweep.py torus2000 --repeats 5
    git show <commit>:topodim/rips/_collapse_dense.py > topodim/rips/_collapse_other.py  # _collapse.py before the split
    python bench/collapse_sweep.py --against topodim/rips/_collapse_other.py
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchmarks.common import circle, torus  # noqa: E402

CASES = {
    "torus1000": lambda: torus(1000),
    "torus2000": lambda: torus(2000),
    "torus4000": lambda: torus(4000),
    "circle1000": lambda: circle(1000),
}


def prepare(name, cache):
    """(F, order_idx, thresh) for a case: F the value matrix as collapse_graph builds it."""
    from topodim._validate import as_distance_input
    from topodim.rips._collapse import _sorted_edges
    from topodim.rips._combinatorics import kernel_threshold
    from topodim.rips._graph import graph_enclosing_radius, graph_of

    path = Path(cache) / f"{name}.npz"
    if path.exists():
        z = np.load(path)
        return z["D"], z["order"], z["val"], float(z["thresh"])
    inp = as_distance_input(CASES[name](), distance_matrix=False, metric="euclidean", dtype=np.float64)
    g = graph_of(inp, np.inf)
    thresh = kernel_threshold(graph_enclosing_radius(g), g.D.dtype)
    order, val = _sorted_edges(True, g.D, g.indptr, g.indices, g.data, inp.n, thresh)
    np.savez(path, D=g.D, order=order, val=val, thresh=thresh)
    return g.D, order, val, float(thresh)


def dense_entry(mod):
    """``f(D, order, val, thresh) -> (F, removed, shifted)`` for a version of the module: its
    ``_collapse_dense(n, order_idx, val)``, or the older ``_collapse_dense(F, order_idx, thresh)``
    on the thresholded matrix."""
    import inspect

    params = list(inspect.signature(mod._collapse_dense.py_func if hasattr(mod._collapse_dense, "py_func")
                                    else mod._collapse_dense).parameters)
    if params[0] == "n":
        return lambda D, order, val, thresh: mod._collapse_dense(D.shape[0], order, val, D)

    def old(D, order, val, thresh):
        F = np.where(D <= thresh, D, np.inf)
        np.fill_diagonal(F, 0)
        removed, shifted = mod._collapse_dense(F, order, thresh)
        return F, removed, shifted

    return old


def whole_entry(mod):
    """``f(D, order, val, thresh) -> (F, removed, shifted)`` timing the module's collapse_graph
    on the dense graph (``order`` and ``val`` unused: it sorts the edges itself)."""
    empty_i = np.zeros(1, dtype=np.int64)

    def run(D, order, val, thresh):
        _ip, _ix, _dv, stats, F = mod.collapse_graph(True, D, empty_i, empty_i, np.zeros(1, D.dtype),
                                                      D.shape[0], thresh)
        return F, stats["removed"], stats["shifted"]

    return run


def timed(kernel, D, order, val, thresh):
    t0 = time.process_time()
    F, removed, shifted = kernel(D, order, val, thresh)
    return time.process_time() - t0, F, (removed, shifted)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*", default=list(CASES))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--against", default=None)
    ap.add_argument("--whole", action="store_true",
                    help="time collapse_graph (the edge sort, the sweep, the CSR output) instead")
    ap.add_argument("--cache", default=os.environ.get("TMPDIR", "/tmp") + "/collapse_cases")
    args = ap.parse_args()
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    from topodim.rips import _collapse as collapse

    entry = whole_entry if args.whole else dense_entry
    kernels = {"current": entry(collapse)}
    if args.against:
        other = Path(args.against).resolve().relative_to(ROOT).with_suffix("")
        mod = importlib.import_module(".".join(other.parts))
        kernels["other"] = entry(mod)
    for name in args.cases:
        D, order, val, thresh = prepare(name, args.cache)
        outs = {}
        for label, k in kernels.items():  # warm-up (compiles) and the outputs to compare
            _, G, out = timed(k, D, order, val, thresh)
            outs[label] = (G, out)
        if "other" in outs:
            same = np.array_equal(outs["current"][0], outs["other"][0])
            print(f"{name}: outputs equal: {same}  (removed, shifted) current {outs['current'][1]}"
                  f" other {outs['other'][1]}", flush=True)
        times = {label: [] for label in kernels}
        for _ in range(args.repeats):
            for label, k in kernels.items():
                times[label].append(timed(k, D, order, val, thresh)[0])
        line = f"{name}: n={D.shape[0]} edges={order.shape[0]:,}"
        for label, ts in times.items():
            line += f"  {label} median {statistics.median(ts):.3f} s [{', '.join(f'{t:.2f}' for t in ts)}]"
        if "other" in times:
            line += f"  other/current {statistics.median(times['other']) / statistics.median(times['current']):.2f}x"
        print(line, flush=True)


if __name__ == "__main__":
    main()
