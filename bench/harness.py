"""Side-by-side timing of topodim against its peers, one process per measurement.

A comparison script defines

* ``CASES``: ``{case_name: make_data}`` where ``make_data(small: bool)`` returns the input, seeded
  (``small=True`` gives a tiny input of the same kind, used to warm up JIT compilers);
* ``TOOLS``: ``{tool_name: run}`` where ``run(data)`` computes the result (the return value is
  ignored; a peer that is not installed raises ImportError and is reported as "n/a");
* optionally ``SKIP``: a function ``(case_name, tool_name) -> reason or None`` for pairs known to
  exceed time or memory (reported as "–" with the reason in a footnote).

and calls ``main(__name__, CASES, TOOLS)``. Each measurement runs in a fresh Python process: the
tool is warmed up on the small input, the peak-RSS counter is reset (Linux ``clear_refs``), the
tool runs once on the real input, and the process reports its wall time and its peak resident
memory above the resident memory just before the run (so the input itself is not counted). Tools
alternate within each repeat (A, B, C, A, B, C, ...), so load on this shared machine hits them
alike; the table gives medians and the ratio of each peer's median to topodim's.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _worker(module_name: str, case: str, tool: str) -> dict:
    sys.path.insert(0, HERE)
    mod = importlib.import_module(module_name)
    make = mod.CASES[case]
    run = mod.TOOLS[tool]
    try:
        t0 = time.perf_counter()
        run(make(True))
        warm = time.perf_counter() - t0
    except ImportError as exc:
        return {"status": "n/a", "reason": str(exc)}
    data = make(False)
    base = _rss_bytes()
    reset = _reset_peak()
    t0 = time.perf_counter()
    run(data)
    seconds = time.perf_counter() - t0
    peak = _peak_bytes() - base if reset else None
    return {"status": "ok", "seconds": seconds, "peak_bytes": peak, "warmup_seconds": warm}


def measure(module_name: str, case: str, tool: str, timeout: float, threads: int | None = None) -> dict:
    """One measurement in a fresh process."""
    env = dict(os.environ)
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", module_name, case, tool]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "reason": f"over {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in proc.stderr or proc.returncode in (-9, 137):
            return {"status": "oom", "reason": tail}
        return {"status": "error", "reason": tail}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_seconds(s: float) -> str:
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 0.1:
        return f"{s:.2f} s"
    return f"{s * 1000:.1f} ms"


def compare(module_name, cases, tools, repeats=3, timeout=120.0, skip=None, reference="topodim",
            out=sys.stdout, log=sys.stderr):
    """Run every (case, tool) ``repeats`` times, alternating tools; print a markdown table."""
    results = {(c, t): [] for c in cases for t in tools}
    notes = {}
    for case in cases:
        for r in range(repeats):
            for tool in tools:
                reason = skip(case, tool) if skip else None
                if reason:
                    notes[(case, tool)] = reason
                    continue
                prev = results[(case, tool)]
                if prev and prev[-1]["status"] != "ok":
                    continue  # failed once: do not retry every repeat
                res = measure(module_name, case, tool, timeout)
                prev.append(res)
                if res["status"] == "ok":
                    mb = res["peak_bytes"] / 2**20 if res["peak_bytes"] is not None else float("nan")
                    print(f"[{case}] {tool} run {r + 1}: {res['seconds']:.3f} s, peak +{mb:.0f} MB", file=log, flush=True)
                else:
                    print(f"[{case}] {tool}: {res['status']} ({res.get('reason', '')})", file=log, flush=True)
    tool_names = list(tools)
    header = ["case"] + [f"{t}" for t in tool_names]
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "---|" * len(header) + "\n")
    summary = {}
    for case in cases:
        # the reference may not be among the tools run (--tools with peers only): no ratios then
        ref_runs = [x["seconds"] for x in results.get((case, reference), []) if x["status"] == "ok"]
        ref = statistics.median(ref_runs) if ref_runs else None
        cells = [case]
        for tool in tool_names:
            runs = results[(case, tool)]
            ok = [x for x in runs if x["status"] == "ok"]
            if (case, tool) in notes:
                cells.append(f"– ({notes[(case, tool)]})")
                continue
            if not ok:
                status = runs[-1]["status"] if runs else "skipped"
                cells.append("n/a" if status == "n/a" else f"– ({status})")
                continue
            med = statistics.median(x["seconds"] for x in ok)
            peaks = [x["peak_bytes"] for x in ok if x["peak_bytes"] is not None]
            mem = f", {statistics.median(peaks) / 2**20:.0f} MB" if peaks else ""
            ratio = ""
            if ref and tool != reference:
                ratio = f" (×{med / ref:.1f})"
            cells.append(f"{_fmt_seconds(med)}{mem}{ratio}")
            summary[(case, tool)] = med
        out.write("| " + " | ".join(cells) + " |\n")
    ratios = f"; (×r) is the tool's median time over {reference}'s" if reference in tools else ""
    out.write(f"\nMedians of {repeats} runs in fresh processes after warm-up; memory is the peak resident "
              f"memory above the input{ratios}.\n")
    return results


def main(module_name, cases, tools, skip=None, argv=None):
    parser = argparse.ArgumentParser(description=f"peer comparison: {module_name}")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--cases", nargs="*", help="subset of cases (default all)")
    parser.add_argument("--tools", nargs="*", help="subset of tools (default all)")
    parser.add_argument("--list", action="store_true", help="list cases and tools")
    args = parser.parse_args(argv)
    if args.list:
        print("cases:", ", ".join(cases))
        print("tools:", ", ".join(tools))
        return
    for kind, chosen, known in (("case", args.cases, cases), ("tool", args.tools, tools)):
        unknown = [x for x in chosen or [] if x not in known]
        if unknown:
            parser.error(f"unknown {kind} {unknown[0]!r}; choose from: {', '.join(known)}")
    cs = {c: cases[c] for c in (args.cases or cases)}
    ts = {t: tools[t] for t in (args.tools or tools)}
    compare(module_name, cs, ts, repeats=args.repeats, timeout=args.timeout, skip=skip)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        print("run a comparison script, e.g. python bench/compare_ph0.py", file=sys.stderr)
        sys.exit(2)
