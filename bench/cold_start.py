"""Cold start of topodim: import time, first calls, and where Numba's compile time goes.

Every measurement runs in a fresh Python subprocess, with the CPU time (``time.process_time``, all
threads of the process) and the wall time of each step:

* **cold**: each step in its own process with an empty ``NUMBA_CACHE_DIR``, so every kernel the
  step reaches is compiled (and written to that cache);
* **cached**: each step again in a fresh process, with a cache that one earlier process filled by
  running every step, so kernels are loaded from disk.

Steps: ``import topodim``; the first ``ripser`` with maxdim 1 and with maxdim 2; the first
``ripser`` maxdim 2 with the parallel kernels taken (the prange shells and the batch-parallel
reduction, which a first call on a large input compiles instead of their serial twins); the first ``ph0``;
the first ``ph_dimension`` (small Gaussian clouds, see ``STEPS``). A step's time is that of its call
alone (which includes loading the submodules it needs: ``import topodim`` loads them lazily); the
last column adds the ``import topodim`` of the same process. Then one more cold process runs
every step in turn with a listener on Numba's ``"numba:compile"`` event and ranks the kernels by
the CPU time their own compilation took (the time of kernels compiled inside it, inlined callees
typed during the caller's compilation, subtracted; Numba's own overloads compiled inside a kernel
counted in that kernel), with the number of specialisations (distinct argument-type signatures)
each got.

Usage (from the repository root; a few minutes, most of it compiling)::

    python bench/cold_start.py                 # markdown tables on stdout
    python bench/cold_start.py --steps ripser1 ph0 --top 20 --json out.json

CPU time is the number to compare between commits on a shared machine: wall time includes waiting
for cores that other processes hold.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: step -> the code of its first call (``topodim`` and ``np`` are imported; ``X`` is set by DATA)
STEPS = {
    "import": None,
    "ripser1": "topodim.ripser(X(100, 3), maxdim=1)",
    "ripser2": "topodim.ripser(X(60, 3), maxdim=2)",
    "ripser2_parallel": ("__import__('topodim._parallel', fromlist=['_']).parallel_shells("
                         "lambda: topodim.ripser(X(60, 3), maxdim=2))"),
    "ph0": "topodim.ph0(X(500, 3))",
    "ph_dimension": "topodim.ph_dimension(X(1000, 3), random_state=0)",
}
LABELS = {
    "import": "`import topodim`",
    "ripser1": "first `ripser` maxdim 1 (100 points in R^3)",
    "ripser2": "first `ripser` maxdim 2 (60 points in R^3)",
    "ripser2_parallel": "first `ripser` maxdim 2 on the parallel kernels (as a large input takes them)",
    "ph0": "first `ph0` (500 points in R^3)",
    "ph_dimension": "first `ph_dimension` (1000 points in R^3)",
}

# The child: times `import topodim`, then each requested step; optionally records every compile.
CHILD = r"""
import json, sys, time
t0, w0 = time.process_time(), time.perf_counter()
import topodim
out = {"import": [time.process_time() - t0, time.perf_counter() - w0], "numba_at_import": "numba" in sys.modules}
import numpy as np
def X(n, d):
    return np.random.default_rng(0).standard_normal((n, d))
record = sys.argv[1] == "1"
compiles = []
if record:
    from numba.core import event
    class Rec(event.Listener):
        def __init__(self):
            self.stack = []
        def on_start(self, ev):
            self.stack.append([time.process_time(), 0.0])
        def on_end(self, ev):
            start, inner = self.stack.pop()
            total = time.process_time() - start
            f = ev.data["dispatcher"].py_func
            if not f.__module__.startswith("topodim"):
                return  # Numba's own overloads, typed inside a kernel: counted in that kernel's time
            if self.stack:
                self.stack[-1][1] += total
            compiles.append({"kernel": f"{f.__module__}.{f.__qualname__}", "sig": str(tuple(ev.data["args"])),
                             "self": total - inner, "total": total})
    event.register("numba:compile", Rec())
for step, code in json.loads(sys.argv[2]):
    c0, w0 = time.process_time(), time.perf_counter()
    eval(code)
    out[step] = [time.process_time() - c0, time.perf_counter() - w0]
out["compiles"] = compiles
print("RESULT" + json.dumps(out))
"""


def run_child(steps, cache_dir, record=False):
    """Run CHILD in a fresh interpreter with NUMBA_CACHE_DIR=cache_dir; return its result dict."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    env.pop("TOPODIM_NUMBA_CACHE", None)
    code = json.dumps([(s, STEPS[s]) for s in steps if STEPS[s]])
    proc = subprocess.run([sys.executable, "-c", CHILD, "1" if record else "0", code], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({steps}):\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def measure(steps, top):
    """Cold and cached CPU / wall seconds of each step, and the kernel ranking of a cold run."""
    rows = {}
    with tempfile.TemporaryDirectory(prefix="topodim-cold-") as tmp:
        for s in steps:
            res = run_child([s], Path(tmp) / f"cold-{s}", record=True)
            rows[s] = {"cold": res[s], "cold_with_import": res["import"][0] + res[s][0],
                       "cold_compile": sum(c["self"] for c in res["compiles"]),
                       "numba_at_import": res["numba_at_import"]}
        shared = Path(tmp) / "shared"
        full = run_child(steps, shared, record=True)
        for s in steps:
            res = run_child([s], shared)
            rows[s]["cached"] = res[s]
            rows[s]["cached_with_import"] = res["import"][0] + res[s][0]
    kernels = {}
    for c in full["compiles"]:
        k = kernels.setdefault(c["kernel"], {"kernel": c["kernel"], "self": 0.0, "sigs": set()})
        k["self"] += c["self"]
        k["sigs"].add(c["sig"])
    ranking = sorted(kernels.values(), key=lambda k: -k["self"])
    total = sum(k["self"] for k in ranking)
    for k in ranking:
        sigs = sorted(k.pop("sigs"))
        k["n_sigs"] = len(sigs)
        k["sigs"] = sigs if len(sigs) > 1 else []
    return {"steps": rows, "kernels": ranking[:top], "multi": [k for k in ranking if k["sigs"]],
            "n_kernels": len(ranking),
            "n_compiles": len(full["compiles"]), "compile_cpu": total}


def markdown(res) -> str:
    lines = ["| step | cold CPU s | cold wall s | compile CPU s (cold) | cached CPU s | cached wall s | "
             "import + step CPU s, cold / cached |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for s, r in res["steps"].items():
        both = "" if s == "import" else f"{r['cold_with_import']:.2f} / {r['cached_with_import']:.2f}"
        lines.append(f"| {LABELS[s]} | {r['cold'][0]:.2f} | {r['cold'][1]:.2f} | {r['cold_compile']:.2f} | "
                     f"{r['cached'][0]:.2f} | {r['cached'][1]:.2f} | {both} |")
    if "import" in res["steps"]:
        lines += ["", f"numba imported by `import topodim`: {res['steps']['import']['numba_at_import']}"]
    lines += ["", f"Kernels compiled by one cold process running every step: {res['n_kernels']} kernels, "
              f"{res['n_compiles']} specialisations, {res['compile_cpu']:.1f} CPU s of compilation.", "",
              "| # | kernel | compile CPU s (own) | share | specialisations |", "|---:|---|---:|---:|---:|"]
    for i, k in enumerate(res["kernels"], 1):
        share = k["self"] / res["compile_cpu"] if res["compile_cpu"] else 0.0
        lines.append(f"| {i} | `{k['kernel']}` | {k['self']:.2f} | {share:.0%} | {k['n_sigs']} |")
    if res["multi"]:
        lines += ["", "Kernels compiled for more than one signature (own compile CPU s):", ""]
        for k in res["multi"]:
            lines += [f"- `{k['kernel']}` ({k['self']:.2f}):"] + [f"    - `{sig}`" for sig in k["sigs"]]
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", nargs="+", choices=list(STEPS), default=list(STEPS), help="steps to measure")
    p.add_argument("--top", type=int, default=15, help="kernels listed (default 15)")
    p.add_argument("--json", help="also write the raw numbers to this file")
    args = p.parse_args(argv)
    res = measure(args.steps, args.top)
    print(markdown(res))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
