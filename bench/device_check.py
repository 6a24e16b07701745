#!/usr/bin/env python
"""GPU check of topodim's CUDA paths: correctness against the CPU, and CPU vs GPU timings.

Run it once, on a machine with one NVIDIA GPU, from the repository root:

    pip install -e ".[cuda]" "numba-cuda[cu12]"     # or [cu13], matching the driver
    python bench/device_check.py                      # about 2-4 minutes, hard limit --budget

Cases:

    PH0 (topodim.ph0)            n = 10,000 and 100,000 Gaussian points in R^50, float64
    PH-dimension (ph_dimension)  3,000 points in R^512 (an 8-dimensional cube embedded
                                 isometrically), default schedule, 5 repeats, random_state=0
    Rips (topodim.rips.ripser)   maxdim 1 on 2,000 uniform points in [0, 1]^3

Each case is checked before it is timed: PH0 diagrams and Rips diagrams must be *identical* to the
CPU's (np.array_equal; bottleneck distance 0 for H1), PH-dimension values must agree to 1e-12
relative (same subsample draws, same lengths; only the float64 sum order differs). When the CPU
would not finish PH0 at n = 100,000 within the budget, its time is skipped and the GPU tree is
checked instead by a certificate: it spans the points and a random sample of 20,000 non-tree
pairs satisfies the cycle property (no pair is shorter than the longest tree edge on its path).
Device memory is checked too: no array alive after the calls, free memory back to its level.

Timings: "GPU first" is the first call (numba-cuda compiles the kernels: JIT), "GPU" the best of
the following calls, "CPU" the best of the CPU calls after a warm-up (Numba compiled first).
Output: progress lines, then a markdown table. Exit status 0 when every check passed, 1 when one
failed, 2 when no usable GPU was found, 3 when the time budget ran out (the table so far is
printed first).

``--tiny`` runs the same code on tiny inputs (for a dry run under numba-cuda's simulator:
``NUMBA_ENABLE_CUDASIM=1 python bench/device_check.py --tiny``).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

ROWS = []  # (case, cpu_s, gpu_s, gpu_first_s, check, note)
FAILED = []
T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:7.1f}s] {msg}", flush=True)


def fmt(x, digits=3):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:.{digits}f}" if x < 100 else f"{x:.1f}"


def table():
    lines = ["| case | CPU s | GPU s | GPU first call s (incl. JIT) | CPU / GPU | check | note |",
             "|---|---|---|---|---|---|---|"]
    for case, cpu, gpu, first, check, note in ROWS:
        ratio = f"{cpu / gpu:.1f}x" if (cpu and gpu) else "-"
        lines.append(f"| {case} | {fmt(cpu)} | {fmt(gpu)} | {fmt(first)} | {ratio} | {check} | {note} |")
    return "\n".join(lines)


def finish(code):
    print("\n## topodim device check\n", flush=True)
    print(table(), flush=True)
    if FAILED:
        print("\nFAILED checks:\n- " + "\n- ".join(FAILED), flush=True)
    print(f"\ntotal {time.monotonic() - T0:.1f} s; exit status {code}", flush=True)
    sys.stdout.flush()
    os._exit(code)


def watchdog(budget):
    def fire():
        log(f"TIME BUDGET of {budget:.0f} s EXCEEDED: stopping (the table holds the cases done so far)")
        finish(3)

    t = threading.Timer(budget, fire)
    t.daemon = True
    t.start()
    return t


def remaining(budget):
    return budget - (time.monotonic() - T0)


def timed(fn, repeat=1):
    """Best wall time of ``repeat`` calls (the result of the last call)."""
    best, out = None, None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, out


def check(case, ok, detail):
    mark = "ok" if ok else "FAIL"
    if not ok:
        FAILED.append(f"{case}: {detail}")
    log(f"  check {case}: {mark} ({detail})")
    return f"{mark}: {detail}"


def run_case(name, fn):
    """Run one case; an exception fails the case but not the script."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - report and go on with the other cases
        traceback.print_exc()
        FAILED.append(f"{name}: {type(exc).__name__}: {exc}")
        ROWS.append((name, None, None, None, f"FAIL: {type(exc).__name__}", str(exc)[:80]))


# ------------------------------------------------------------------------------------------
# an MST certificate for when the CPU is too slow to compare (numba, CPU)
# ------------------------------------------------------------------------------------------


def tree_certificate(X, edges, lengths, n_pairs, seed=0):
    """(spanning, violations) for a claimed MST of the euclidean points X: the tree must span,
    and for sampled pairs (i, j) the longest tree edge on the i-j path must be <= d(i, j)."""
    from numba import njit

    from topodim.metrics import point_distance

    @njit(cache=False)
    def root_tree(n, a, b, w):
        deg = np.zeros(n + 1, np.int64)
        for k in range(a.shape[0]):
            deg[a[k] + 1] += 1
            deg[b[k] + 1] += 1
        for i in range(n):
            deg[i + 1] += deg[i]
        adj = np.empty(2 * a.shape[0], np.int64)
        adw = np.empty(2 * a.shape[0], w.dtype)
        pos = deg[:-1].copy()
        for k in range(a.shape[0]):
            adj[pos[a[k]]] = b[k]
            adw[pos[a[k]]] = w[k]
            pos[a[k]] += 1
            adj[pos[b[k]]] = a[k]
            adw[pos[b[k]]] = w[k]
            pos[b[k]] += 1
        parent = np.full(n, -2, np.int64)
        pw = np.zeros(n, w.dtype)
        depth = np.zeros(n, np.int64)
        stack = np.empty(n, np.int64)
        parent[0] = -1
        stack[0] = 0
        top = 1
        seen = 1
        while top > 0:
            top -= 1
            u = stack[top]
            for q in range(deg[u], deg[u + 1]):
                v = adj[q]
                if parent[v] == -2:
                    parent[v] = u
                    pw[v] = adw[q]
                    depth[v] = depth[u] + 1
                    stack[top] = v
                    top += 1
                    seen += 1
        return parent, pw, depth, seen

    @njit(cache=False)
    def violations(X, parent, pw, depth, pi, pj):
        bad = 0
        for k in range(pi.shape[0]):
            i = pi[k]
            j = pj[k]
            d = point_distance(X, i, X, j, 0)
            m = 0.0
            while i != j:
                if depth[i] < depth[j]:
                    i, j = j, i
                if pw[i] > m:
                    m = pw[i]
                i = parent[i]
            if m > d:
                bad += 1
        return bad

    n = X.shape[0]
    a = np.ascontiguousarray(edges[:, 0])
    b = np.ascontiguousarray(edges[:, 1])
    parent, pw, depth, seen = root_tree(n, a, b, np.ascontiguousarray(lengths))
    spanning = edges.shape[0] == n - 1 and seen == n
    rng = np.random.default_rng(seed)
    pi = rng.integers(0, n, n_pairs)
    pj = rng.integers(0, n, n_pairs)
    keep = pi != pj
    bad = violations(X, parent, pw, depth, pi[keep], pj[keep]) if spanning else -1
    return spanning, int(bad)


# ------------------------------------------------------------------------------------------
# the cases
# ------------------------------------------------------------------------------------------


def device_free_bytes():
    """Free device memory in bytes, from numba-cuda (None under the simulator or when unknown)."""
    import topodim.cuda as gpu

    if gpu.simulator_enabled():
        return None
    try:
        from numba import cuda

        return int(cuda.current_context().get_memory_info()[0])
    except Exception:  # noqa: BLE001 - no context: the size is unknown
        return None


@dataclass
class Run:
    """What the cases share: the options, the sizes, one seeded generator drawn from in case order,
    the PH0 inputs and the CPU time of the small PH0 case (to estimate the large one's)."""

    args: argparse.Namespace
    tiny: bool
    n_small: int
    n_large: int
    d_ph0: int
    n_dim: int
    d_dim: int
    n_rips: int
    reps: int
    rng: np.random.Generator
    X: np.ndarray = None
    Xs: np.ndarray = None
    t_small: float = 1.0


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--budget", type=float, default=285.0, help="hard time limit in seconds (default 285)")
    ap.add_argument("--tiny", action="store_true", help="tiny inputs (a dry run, e.g. under the simulator)")
    ap.add_argument("--no-cpu-large", action="store_true", help="skip the CPU run of PH0 at n = 100,000")
    return ap.parse_args(argv)


def find_gpu():
    """Log the versions and the device; finish with status 2 when no GPU is usable."""
    import numba

    import topodim.cuda as gpu

    log(f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"CPU threads {numba.config.NUMBA_NUM_THREADS} ({os.cpu_count()} cores), {platform.machine()}")
    try:
        from importlib.metadata import version

        log(f"numba-cuda {version('numba-cuda')}")
    except Exception:  # noqa: BLE001
        log("numba-cuda: not installed")
    try:
        ok, why = gpu.cuda_status()
    except Exception as exc:  # noqa: BLE001
        ok, why = False, f"{type(exc).__name__}: {exc}"
    log(f"CUDA device: {why}")
    if not ok:
        log("no usable GPU: nothing to check. Install the CUDA libraries: pip install 'numba-cuda[cu12]'")
        ROWS.append(("(all)", None, None, None, "skipped", why[:120]))
        finish(2)
    free0 = device_free_bytes()
    if free0 is not None:
        log(f"device memory free: {free0 / 2**30:.1f} GiB")
    if gpu.simulator_enabled():
        sys.setswitchinterval(5e-5)  # the simulator polls its threads holding the GIL


def new_run(args):
    tiny = args.tiny
    n_small, n_large, d_ph0 = (24, 48, 5) if tiny else (10_000, 100_000, 50)
    n_dim, d_dim = (30, 24) if tiny else (3_000, 512)
    return Run(args=args, tiny=tiny, n_small=n_small, n_large=n_large, d_ph0=d_ph0, n_dim=n_dim,
               d_dim=d_dim, n_rips=16 if tiny else 2_000, reps=1 if tiny else 3, rng=np.random.default_rng(0))


def warm_up(run):
    """Compile the CPU (Numba) kernels before timing; the GPU's JIT is timed."""
    import topodim

    log("warm-up: compiling the CPU kernels (Numba) on small inputs ...")
    t = time.perf_counter()
    rng, tiny = run.rng, run.tiny
    topodim.ph0(rng.standard_normal((300 if not tiny else 30, run.d_ph0)))
    topodim.ph_dimension(rng.random((200 if not tiny else 40, run.d_dim)), random_state=0, n_repeats=2)
    topodim.ripser(rng.random((200 if not tiny else 20, 3)))
    log(f"  CPU compile + warm-up {time.perf_counter() - t:.1f} s")
    run.X = rng.standard_normal((run.n_large, run.d_ph0))
    run.Xs = np.ascontiguousarray(run.X[:run.n_small])


def case_ph0_small(run):
    """PH0 at n_small: the GPU diagram equals the CPU's."""
    import topodim

    Xs = run.Xs
    name = f"PH0 n={run.n_small:,} R^{run.d_ph0} float64"
    log(f"{name}: CPU ...")
    t_cpu, want = timed(lambda: topodim.ph0(Xs), repeat=2)
    log(f"  CPU {t_cpu:.3f} s; GPU first call (JIT) ...")
    t_first, got = timed(lambda: topodim.ph0(Xs, device="cuda"))
    same = bool(np.array_equal(got, want))
    t_gpu, got2 = timed(lambda: topodim.ph0(Xs, device="cuda"), repeat=run.reps)
    same = same and bool(np.array_equal(got2, want))
    c = check(name, same, "diagram identical to the CPU's" if same else
              f"max |diff| {np.max(np.abs(got2 - want)[np.isfinite(want)]):.3g}")
    ROWS.append((name, t_cpu, t_gpu, t_first, c, ""))
    run.t_small = t_cpu


def case_ph0_large(run):
    """PH0 at n_large: equal to the CPU's, or certified when the CPU would not finish in time."""
    import topodim

    X = run.X
    name = f"PH0 n={run.n_large:,} R^{run.d_ph0} float64"
    log(f"{name}: GPU ...")
    t_first, got = timed(lambda: topodim.ph0(X, device="cuda"))
    t_gpu, _ = timed(lambda: topodim.ph0(X, device="cuda"), repeat=1)
    t_gpu = min(t_gpu, t_first)
    est = run.t_small * (run.n_large / run.n_small) ** 2 * 1.5
    room = remaining(run.args.budget) - 75  # keep time for the other cases
    note = ""
    if run.args.no_cpu_large or est > room:
        note = ("CPU skipped (--no-cpu-large)" if run.args.no_cpu_large else
                f"CPU skipped (estimated {est:.0f} s, {max(room, 0):.0f} s left)")
        log(f"  {note}; checking the GPU tree by a certificate ...")
        tree = topodim.mst(X, device="cuda")
        spanning, bad = tree_certificate(X, tree.edges, tree.lengths, 20_000)
        ok = spanning and bad == 0 and np.array_equal(np.sort(got[:-1, 1]), tree.lengths)
        c = check(name, ok, f"spanning={spanning}, cycle-property violations {bad} of 20,000 pairs")
        ROWS.append((name, None, t_gpu, t_first, c, note))
        return
    log(f"  GPU {t_gpu:.3f} s; CPU (estimated {est:.0f} s) ...")
    t_cpu, want = timed(lambda: topodim.ph0(X))
    same = bool(np.array_equal(got, want))
    c = check(name, same, "diagram identical to the CPU's" if same else "diagrams differ")
    ROWS.append((name, t_cpu, t_gpu, t_first, c, note))


def case_phdim(run):
    """PH-dimension: the GPU's subsample values agree with the CPU's to 1e-12 relative."""
    import topodim

    name = f"PH-dim n={run.n_dim:,} R^{run.d_dim} (5 repeats x 16 sizes)"
    latent = run.rng.random((run.n_dim, 8))
    Q = np.linalg.qr(run.rng.standard_normal((run.d_dim, 8)))[0]
    Z = np.ascontiguousarray(latent @ Q.T)
    kw = dict(random_state=0)
    if run.tiny:
        kw.update(schedule=[8, 16, 30], n_repeats=2)
        name = f"PH-dim n={run.n_dim:,} R^{run.d_dim} (2 repeats x 3 sizes)"
    log(f"{name}: CPU ...")
    t_cpu, want = timed(lambda: topodim.ph_dimension(Z, **kw), repeat=1)
    log(f"  CPU {t_cpu:.2f} s (dimension {want.dimension:.4f}); GPU ...")
    t_first, got = timed(lambda: topodim.ph_dimension(Z, device="cuda", **kw))
    t_gpu, got = timed(lambda: topodim.ph_dimension(Z, device="cuda", **kw), repeat=min(run.reps, 2))
    rel = float(np.max(np.abs(got.raw_values / want.raw_values - 1)))
    ddim = abs(got.dimension - want.dimension)
    ok = got.method == "cuda" and rel <= 1e-12 and ddim <= 1e-9 * abs(want.dimension)
    c = check(name, ok, f"E rel. diff {rel:.1e}, dimension {got.dimension:.6f} vs {want.dimension:.6f}")
    ROWS.append((name, t_cpu, t_gpu, t_first, c, f"CPU engine {want.method}"))


def case_rips(run):
    """Rips maxdim 1: diagrams and reduction counts identical to the CPU's."""
    import topodim
    from topodim.diagrams import bottleneck_distance

    name = f"Rips maxdim 1 n={run.n_rips:,} [0,1]^3 float64"
    Y = run.rng.random((run.n_rips, 3))
    log(f"{name}: CPU ...")
    t_cpu, want = timed(lambda: topodim.ripser(Y), repeat=2)
    log(f"  CPU {t_cpu:.3f} s; GPU ...")
    t_first, got = timed(lambda: topodim.ripser(Y, device="cuda"))
    t_gpu, got = timed(lambda: topodim.ripser(Y, device="cuda"), repeat=run.reps)
    same = all(np.array_equal(a, b) for a, b in zip(got["dgms"], want["dgms"]))
    bd = bottleneck_distance(got["dgms"][1], want["dgms"][1])
    ok = same and bd == 0.0 and got["counts"][1] == want["counts"][1]
    c = check(name, ok, f"diagrams identical={same}, H1 bottleneck {bd}, "
                        f"{len(want['dgms'][1])} H1 bars")
    cnt = got["counts"][1]
    ROWS.append((name, t_cpu, t_gpu, t_first, c,
                 f"{cnt.get('apparent_pairs')} apparent, {cnt.get('columns')} columns reduced on the CPU"))


def case_ph0_f32(run):
    """PH0 in float32, when there is time left."""
    import topodim

    if remaining(run.args.budget) < 60:
        log("PH0 float32: skipped (little time left)")
        return
    name = f"PH0 n={run.n_small:,} R^{run.d_ph0} float32"
    X32 = run.Xs.astype(np.float32)
    t_cpu, want = timed(lambda: topodim.ph0(X32, dtype=np.float32), repeat=2)
    t_first, got = timed(lambda: topodim.ph0(X32, dtype=np.float32, device="cuda"))
    t_gpu, got = timed(lambda: topodim.ph0(X32, dtype=np.float32, device="cuda"), repeat=run.reps)
    same = bool(np.array_equal(got, want))
    c = check(name, same, "diagram identical to the CPU's" if same else "diagrams differ")
    ROWS.append((name, t_cpu, t_gpu, t_first, c, ""))


def case_memory(run):
    """No device array alive after repeated calls, free memory back to its level."""
    import topodim
    import topodim.cuda as gpu

    name = "device memory after repeated calls"
    stats = gpu.memory_stats()
    free1 = device_free_bytes()
    for _ in range(3):
        topodim.ph0(run.Xs, device="cuda")
    free2 = device_free_bytes()
    stats2 = gpu.memory_stats()
    ok = stats["live"] == 0 and stats2["live"] == 0
    detail = f"{stats2['allocated']} arrays allocated in {stats2['scopes']} calls, {stats2['live']} alive"
    if free1 is not None and free2 is not None:
        drift = (free1 - free2) / 2**20
        ok = ok and abs(drift) < 64
        detail += f"; free memory drift over 3 calls {drift:+.1f} MiB"
    c = check(name, ok, detail)
    ROWS.append((name, None, None, None, c, ""))


#: The cases in the order they run (they draw from one generator in this order).
CASES = [("PH0 small", case_ph0_small), ("PH0 large", case_ph0_large), ("PH-dim", case_phdim),
         ("Rips", case_rips), ("PH0 float32", case_ph0_f32), ("memory", case_memory)]


def main(argv=None):
    args = parse_args(argv)
    watchdog(args.budget)
    find_gpu()
    run = new_run(args)
    warm_up(run)
    for name, case in CASES:
        run_case(name, lambda case=case: case(run))
    finish(1 if FAILED else 0)


if __name__ == "__main__":
    main()
