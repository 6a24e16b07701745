"""Peak memory of topodim.ripser against topodim.estimate_memory, each case in a fresh process.

    python bench/memory_peak.py                       # the table of bench/README.md
    python bench/memory_peak.py 2500 2 float64 --stages

Each case runs in a subprocess that imports topodim, warms the kernels on a tiny input (so that
compilation and the thread pool are part of the baseline), reads its resident set, runs
``ripser(random points in R^3)`` and reports the peak resident set above that baseline
(VmHWM, which ``resource.getrusage`` also reports as ru_maxrss). ``--stages`` samples the resident
set every few milliseconds and prints the largest value seen during each progress stage.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, sys, threading, time
import numpy as np
import topodim

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0

n, maxdim, dtype, stages = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
rng = np.random.default_rng(0)
topodim.ripser(rng.random((60, 3)), maxdim=maxdim, dtype=dtype)
X = rng.random((n, 3))
est = topodim.estimate_memory(X, maxdim=maxdim, dtype=dtype)
# reset the high-water mark to the current resident set (Linux >= 4.0)
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
except OSError:
    pass
base = status("VmRSS")
peaks = {}
cur = ["start"]
stop = False

def sampler():
    while not stop:
        r = status("VmRSS")
        if r > peaks.get(cur[0], 0):
            peaks[cur[0]] = r
        time.sleep(0.002)

th = threading.Thread(target=sampler, daemon=True)
if stages:
    th.start()

def prog(stage, done, total):
    cur[0] = stage

t0 = time.perf_counter()
topodim.ripser(X, maxdim=maxdim, dtype=dtype, progress=prog if stages else None)
secs = time.perf_counter() - t0
stop = True
print(json.dumps({"n": n, "maxdim": maxdim, "dtype": dtype, "estimate": est,
                  "peak": status("VmHWM") - base, "seconds": secs,
                  "stages": {k: v - base for k, v in peaks.items()}}))
"""


def measure(n, maxdim, dtype, stages=False):
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(maxdim), dtype,
                          "1" if stages else "0"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


CASES = [(1000, 1, "float64"), (2500, 1, "float64"), (6000, 1, "float32"),
         (1000, 2, "float64"), (2500, 2, "float64"), (4000, 2, "float64"), (6000, 2, "float32")]


def main(argv):
    stages = "--stages" in argv
    argv = [a for a in argv if a != "--stages"]
    cases = [(int(argv[0]), int(argv[1]), argv[2])] if argv else CASES
    mib = 1 << 20
    print("| n | maxdim | dtype | estimate (MiB) | measured peak above baseline (MiB) | estimate / measured |")
    print("|---|---|---|---|---|---|")
    for n, maxdim, dtype in cases:
        r = measure(n, maxdim, dtype, stages)
        print(f"| {n:,} | {maxdim} | {dtype} | {r['estimate'] / mib:.0f} | {r['peak'] / mib:.0f} | "
              f"{r['estimate'] / max(r['peak'], 1):.2f} |", flush=True)
        if stages:
            for k, v in r["stages"].items():
                print(f"    {k:<22} {v / mib:8.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
