"""Vietoris–Rips persistence side by side: topodim.ripser against GUDHI, ripser.py and giotto-ph.

    python bench/compare_rips.py [--repeats 3] [--cases ...] [--tools ...]
    python bench/compare_rips.py --structured   # noisy circle and torus (maxdim 1 and 2)
    python bench/compare_rips.py --scaling      # circle and torus, n = 1,000 / 2,000 / 4,000
    python bench/compare_rips.py --collapse     # the edge collapse alone, topodim and GUDHI
    python bench/compare_rips.py --compile      # Numba compile time, cold and with the cache

Every tool computes the diagrams H0..Hk of the same seeded input (the cases listed in ``BASIC``, ``STRUCTURED``, ``SCALING`` and ``COLLAPSE`` below).
One fresh process per measurement, tools alternating, after a warm-up call on a small input of
the same kind (see harness.py); the compile time of topodim is measured separately by --compile.
Run from the repository root with ``PYTHONPATH=.``. The tool "topodim baseline" runs the topodim
found in the source tree named by the environment variable TOPODIM_BASELINE (for instance an
older commit exported with ``git archive``), so that a change is measured against the code before
it in the same run; it reports n/a when the variable is not set.
"""

import os
import sys
import tempfile

import numpy as np

import harness
from benchmarks.common import circle as _circle
from benchmarks.common import cloud
from benchmarks.common import torus as _torus


def _cube(n, seed=0):
    return cloud(n, 3, seed)


def _gauss(n, seed=0):
    return cloud(n, 50, seed)


def _dm(n, seed=0):
    X = _cube(n, seed)
    from scipy.spatial.distance import cdist

    return cdist(X, X)


def _case(make, n, maxdim, dm=False):
    return lambda small: (make(min(n, 120) if small else n), maxdim, dm)


BASIC = {
    "[0,1]³, n=1,000, H≤1": _case(_cube, 1000, 1),
    "[0,1]³, n=2,000, H≤1": _case(_cube, 2000, 1),
    "[0,1]³, n=500, H≤2": _case(_cube, 500, 2),
    "[0,1]³, n=1,000, H≤2": _case(_cube, 1000, 2),
    "noisy torus in R³, n=1,000, H≤2": _case(_torus, 1000, 2),
    "Gaussian R⁵⁰, n=1,000, H≤1": _case(_gauss, 1000, 1),
    "distance matrix (cube³), n=1,000, H≤1": _case(_dm, 1000, 1, True),
}

#: Structured data: samples of manifolds with large cycles, where the reduction of the
#: full filtration has a few very long columns. ``--structured`` selects these.
STRUCTURED = {
    "noisy circle, n=1,000, H≤1": _case(_circle, 1000, 1),
    "noisy torus in R³, n=2,000, H≤1": _case(_torus, 2000, 1),
    "noisy torus in R³, n=1,000, H≤2": _case(_torus, 1000, 2),
}

#: Scaling with n (topodim only beyond the peers' reach): ``--scaling`` selects these.
SCALING = {
    f"noisy {name}, n={n:,}, H≤1": _case(make, n, 1)
    for name, make in (("circle", _circle), ("torus in R³", _torus)) for n in (1000, 2000, 4000)
}

#: The edge collapse alone, edges up to the enclosing radius (``--collapse``; the topodim tools
#: run topodim.collapse.collapse_edges, GUDHI one collapse pass on its Rips graph).
COLLAPSE = {f"edge collapse only, noisy torus in R³, n={n:,}": _case(_torus, n, "collapse")
            for n in (1000, 2000, 4000)}

#: every case a worker process may be asked for
CASES = {**BASIC, **STRUCTURED, **SCALING, **COLLAPSE}


def run_topodim(data, n_threads=None):
    import topodim

    X, maxdim, dm = data
    if maxdim == "collapse":
        from topodim.collapse import collapse_edges

        return collapse_edges(X, distance_matrix=dm, n_threads=n_threads)
    return topodim.ripser(X, maxdim=maxdim, distance_matrix=dm, n_threads=n_threads)


def run_topodim_1thread(data):
    return run_topodim(data, n_threads=1)


def run_topodim_2threads(data):
    return run_topodim(data, n_threads=2)


def run_topodim_baseline(data):
    """topodim from another source tree (env TOPODIM_BASELINE, e.g. an exported older commit)."""
    base = os.environ.get("TOPODIM_BASELINE")
    if not base:
        raise ImportError("set TOPODIM_BASELINE to a topodim source tree")
    sys.path.insert(0, base)
    import topodim

    assert os.path.dirname(os.path.dirname(os.path.abspath(topodim.__file__))) == os.path.abspath(base)
    return run_topodim(data)


def run_gudhi(data):
    from gudhi.sklearn.rips_persistence import RipsPersistence

    X, maxdim, dm = data
    if maxdim == "collapse":
        # the Rips graph up to the enclosing radius in a simplex tree, one collapse pass (the
        # backward sweep of Glisse & Pritam, as topodim's)
        import gudhi
        from scipy.spatial.distance import cdist

        D = X if dm else cdist(X, X)
        r = float(np.min(np.max(D, axis=1)))
        rc = gudhi.RipsComplex(distance_matrix=D, max_edge_length=r) if dm else \
            gudhi.RipsComplex(points=X, max_edge_length=r)
        st = rc.create_simplex_tree(max_dimension=1)
        st.collapse_edges()
        return st
    rp = RipsPersistence(homology_dimensions=list(range(maxdim + 1)), homology_coeff_field=2,
                         input_type="full distance matrix" if dm else "point cloud")
    return rp.fit_transform([X])


def run_ripser(data):
    from ripser import ripser

    X, maxdim, dm = data
    return ripser(X, maxdim=maxdim, distance_matrix=dm)


def run_giotto(data, collapse=False):
    from gph import ripser_parallel

    X, maxdim, dm = data
    return ripser_parallel(X, maxdim=maxdim, metric="precomputed" if dm else "euclidean",
                           n_threads=-1, collapse_edges=collapse)


def run_giotto_collapse(data):
    return run_giotto(data, collapse=True)


TOOLS = {
    "topodim": run_topodim,
    "topodim 1 thread": run_topodim_1thread,
    "topodim 2 threads": run_topodim_2threads,
    "topodim baseline": run_topodim_baseline,
    "GUDHI RipsPersistence": run_gudhi,
    "ripser.py": run_ripser,
    "giotto-ph all threads": run_giotto,
    "giotto-ph all + collapse": run_giotto_collapse,
}


def skip(case, tool):
    """Pairs of tool and case measured above 30 s or out of memory on a 2-core machine (skipped)."""
    peer = not tool.startswith("topodim")
    if case.startswith("edge collapse only") and peer and tool != "GUDHI RipsPersistence":
        return "no collapse-only entry point"
    if ("circle" in case or "torus" in case) and "H≤1" in case:
        if "4,000" in case and (peer or tool == "topodim baseline"):
            return "not run (over 10 min for the peers at n=2,000 on the circle)"
        if "2,000" in case and "circle" in case and (peer or tool == "topodim baseline"):
            return "over 10 min (every peer, n=2,000)"
        if tool == "giotto-ph all + collapse":
            return "not run (its collapse alone is slower than the others' whole run)"
    if tool == "ripser.py" and "H≤2" in case and "n=500" not in case:
        return "over 120 s / 834 MB at n=500 already"
    if tool == "giotto-ph all + collapse" and "H≤1" in case and ("2,000" in case or "R⁵⁰" in case):
        return "about 30 s"
    return None


# ------------------------------------------------------------------------------------------
# compile time
# ------------------------------------------------------------------------------------------

def compile_table(repeats=1, out=sys.stdout):
    """The ripser rows of bench/benchmarks/bench_compile.py's measurement, as a markdown table."""
    from benchmarks.bench_compile import BASELINE, SNIPPETS, compile_seconds, run_seconds

    base = min(run_seconds(BASELINE) for _ in range(2))
    out.write("| first call | no cache (compile) | second process (cache) |\n|---|---|---|\n")
    for name in ("ripser_maxdim1", "ripser_maxdim2"):
        times = [compile_seconds(SNIPPETS[name], base, tempfile.mkdtemp(prefix="topodim-rips-cache-"))
                 for _ in range(repeats)]
        cold, warm = np.median([t[0] for t in times]), np.median([t[1] for t in times])
        out.write(f"| {name} | {cold:.1f} s | {warm:.2f} s |\n")
    out.write(f"\nTimes above `{BASELINE}` ({base:.2f} s); medians of {repeats}.\n")


if __name__ == "__main__":
    if "--compile" in sys.argv:
        reps = 1
        if "--repeats" in sys.argv:
            reps = int(sys.argv[sys.argv.index("--repeats") + 1])
        compile_table(reps)
    else:
        cases = BASIC
        if "--structured" in sys.argv:
            sys.argv.remove("--structured")
            cases = STRUCTURED
        elif "--scaling" in sys.argv:
            sys.argv.remove("--scaling")
            cases = SCALING
        elif "--collapse" in sys.argv:
            sys.argv.remove("--collapse")
            cases = COLLAPSE
        harness.main(os.path.splitext(os.path.basename(__file__))[0], cases, TOOLS, skip=skip)
