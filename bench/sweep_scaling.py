"""Sweep timings: threads under load, and the scaling of a small sweep with Dask workers.

    python bench/sweep_scaling.py load      # one unit idle / beside two busy processes, torch 1 vs 2 threads
    python bench/sweep_scaling.py scaling   # a sweep of 4 units in process, on 1 and on 2 Dask workers
    python bench/sweep_scaling.py paper     # one paper-profile unit (VGG, one epoch; 10 extrapolated)

A unit trains (one epoch) and measures one small CNN of the default profile on the embedded
MNIST-5k (``experiments.common.Context.run_image_model``; unit function in tests/_sweep_units.py).
Prints a markdown table with the load average at the start and end of each run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def settings(threads=None, **kw):
    from experiments.common import settings_for

    s = settings_for("default", {"epochs": 1, "n_samples": 1000, "phdim_sizes": (400, 600, 800, 1000), "measures": ("phdim", "h0", "h1", "twonn", "mle")})
    s.update(seed=0, device="cpu", cache_dir=None, threads=threads, **kw)
    return s


def units(families=("vgg",), trained=(True,)):
    from experiments.sweep import Unit

    return [Unit(f"{f}/{t}", "_sweep_units:tiny_model", {"family": f, "trained": t}) for f in families for t in trained]


def load():
    return f"{os.getloadavg()[0]:.1f}"


def one_unit(threads):
    """Child process: time one unit (after a warm-up unit that loads data and compiled kernels)."""
    from experiments.sweep import run_in_process

    s = settings(int(threads))
    run_in_process(s, units(trained=(False,)))  # warm-up: imports, data, Numba cache
    t0 = time.perf_counter()
    run_in_process(s, units())
    print(f"{time.perf_counter() - t0:.1f}")


def part_load():
    rows = []
    for busy in (0, 2):
        hogs = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(busy)]
        try:
            for threads in (1, 2):
                l0 = load()
                out = subprocess.run([sys.executable, __file__, "one", str(threads)], capture_output=True, text=True,
                                     timeout=900)
                secs = out.stdout.strip().splitlines()[-1] if out.returncode == 0 else f"failed: {out.stderr[-300:]}"
                rows.append((busy, threads, secs, l0, load()))
                print(rows[-1], flush=True)
        finally:
            for h in hogs:
                h.kill()
                h.wait()
    print("| busy processes beside | torch threads per unit | seconds (train + measure one unit) | load at start | at end |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(map(str, r)) + " |")


def part_scaling():
    from experiments.distributed import DaskExecutor
    from experiments.sweep import run_in_process

    s = settings()
    us = units(("vgg", "resnet"), (True, False))
    rows = []
    run_in_process(s, us[:1])  # warm-up of this process
    l0, t0 = load(), time.perf_counter()
    ref = run_in_process(s, us)
    rows.append(("in process", time.perf_counter() - t0, l0, load()))
    for w in (1, 2):
        with DaskExecutor(workers=w, show_progress=False) as ex:
            # warm-up of every worker (imports, data, compiled kernels): one untrained unit each
            from experiments.sweep import Unit
            ex(s, [Unit(f"warm/{i}", "_sweep_units:tiny_model", {"family": "mobilenetv2", "trained": False})
                   for i in range(w)])
            l0, t0 = load(), time.perf_counter()
            got = ex(s, us)
            rows.append((f"{w} worker(s)", time.perf_counter() - t0, l0, load()))
        assert repr(got) == repr(ref), "results differ from the in-process run"
    print(f"| executor | sweep of {len(us)} units (s) | per unit (s) | load at start | at end |")
    print("|---|---|---|---|---|")
    for name, secs, a, b in rows:
        print(f"| {name} | {secs:.1f} | {secs / len(us):.1f} | {a} | {b} |")


def part_paper(family="vgg"):
    from experiments.common import Context, settings_for
    from experiments.sweep import torch_threads

    s = settings_for("paper", {"models": (family,), "epochs": 1})
    s.update(seed=0, device="cpu", cache_dir=None, threads=None)
    ctx = Context(s, None, None, "cpu", 0, False)
    im = ctx.images()
    l0, t0 = load(), time.perf_counter()
    with torch_threads(1):
        rec, rows = ctx.run_image_model(family, None, family, trained=True)
    total = time.perf_counter() - t0
    train = rec["train_seconds"]
    print(f"paper profile, {family} medium, {len(im['Xtr'])} training images {im['shape']}, {len(rows)} layers "
          f"measured on {len(im['idx'])} points: one epoch {train:.1f} s, extraction + measures {total - train:.1f} s; "
          f"with the profile's {settings_for('paper', {})['epochs']} epochs about "
          f"{10 * train + total - train:.0f} s per unit (load {l0} -> {load()})")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "load"
    if what == "one":
        one_unit(sys.argv[2])
    elif what == "load":
        part_load()
    elif what == "paper":
        part_paper()
    else:
        part_scaling()
