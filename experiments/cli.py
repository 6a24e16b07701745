"""``python -m experiments <study> [options]``: run studies, write tables, plots and reports."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ._util import LOG, TORCH_PIP, ExperimentError, SweepError, default_cache_dir, require, setup_logging

STUDY_HELP = {
    "depth": "VGG / ResNet / MobileNetV2: measures vs relative depth, trained vs untrained and shuffled-label controls",
    "activations": "ResNet trained with ReLU, SiLU/Swish, Tanh, Sigmoid, ELU, ReLU6 over seeds (permutation test)",
    "generalization": ">= 12 ResNets of one width differing only in training: penultimate measures vs test accuracy",
    "adversarial": "FGSM at increasing step sizes on MobileNetV2: per-layer measures vs step size",
    "vit-cnn": "a small ViT and CNNs trained on the same images, against untrained twins",
    "text": "all-MiniLM-L6-v2 (pretrained) vs a Transformer encoder trained from scratch on sentences",
    "all": "the default study set: every study above, then one combined report",
}
ORDER = ("depth", "activations", "generalization", "adversarial", "vit-cnn", "text")


def _csv(kind, conv=str):
    def parse(s):
        try:
            return tuple(conv(x) for x in s.split(",") if x.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{kind} takes a comma-separated list, got {s!r}") from None
    return parse


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    epilog = "studies:\n" + "\n".join(f"  {k:<15} {v}" for k, v in STUDY_HELP.items()) + """

profiles: default (embedded MNIST-5k + Rotten Tomatoes snippets, 3 seeds, 12 generalization models;
within 15 min on 2 idle cores), paper (CIFAR-10 when it can be loaded, else MNIST-5k at 28x28 (said in
one line); 3,000 samples, 5 seeds, 40 generalization models), tiny (tests: a few dozen samples).
datasets: offline digits, mnist5k, rt-snippets; hub (online) mnist, fashion-mnist, cifar10, svhn,
rotten-tomatoes, sst2. models: vgg, resnet, mobilenetv2, vit, text-transformer, minilm.
activations: relu, silu (swish), tanh, sigmoid, elu, relu6.
Example: python -m experiments all --out experiments-report"""
    p = _Parser(prog="python -m experiments", description=__doc__.splitlines()[0],
                epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("studies", nargs="*", metavar="study", help="one or more of: " + ", ".join(STUDY_HELP))
    g = p.add_argument_group("run")
    g.add_argument("--profile", default="default", help="default | paper | tiny (default: default)")
    g.add_argument("--out", default="experiments-report", help="output folder (default: experiments-report)")
    g.add_argument("--cache-dir", default=None, help=f"cache of trained weights, activations and measures "
                   f"(default: $TOPODIM_EXPERIMENTS_CACHE or {default_cache_dir()})")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    g.add_argument("--seed", type=int, default=0, help="seed of the data split and measurement sample, and the "
                   "first model seed (default 0)")
    g.add_argument("--seeds", help="model seeds: a count N (seeds SEED..SEED+N-1) or a list like 0,1,2 "
                   "(default: 3; paper 5)")
    g.add_argument("--device", default="auto", help="cpu | cuda | auto (default auto: the GPU when torch sees "
                   "one, else the CPU)")
    g.add_argument("--threads", type=int, default=None, help="torch CPU threads of each unit of work (default 1: "
                   "a run parallelises across units with --workers; see experiments.sweep)")
    x = g.add_mutually_exclusive_group()
    x.add_argument("--workers", type=int, default=None, metavar="N", help="run the sweep's units as Dask tasks on a "
                   "LocalCluster of N worker processes (needs: pip install \"topodim[distributed]\")")
    x.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run the sweep's units on the Dask cluster "
                   "whose scheduler is at ADDRESS, e.g. tcp://10.0.0.5:8786")
    g.add_argument("--no-progress", action="store_true", help="no progress bars")
    g.add_argument("--quiet", action="store_true", help="log warnings only on stderr (run.log keeps everything)")
    g = p.add_argument_group("data")
    g.add_argument("--dataset", help="image dataset (default mnist5k)")
    g.add_argument("--text-dataset", help="text dataset (default rt-snippets)")
    g.add_argument("--max-train", type=int, help="cap on the training split of the image dataset")
    g.add_argument("--max-test", type=int, help="cap on the test split of the image dataset")
    g.add_argument("--downsample", type=int, help="average-pool images k x k before use (default 2: MNIST at "
                   "14x14; 1 = full resolution)")
    g.add_argument("--n-samples", type=int, help="images measured per layer (default 2000; paper 3000)")
    g.add_argument("--text-n-samples", type=int, help="sentences measured per layer (default 1300)")
    g = p.add_argument_group("models and training")
    g.add_argument("--models", type=_csv("models"), help="CNN families of the depth study (default vgg,resnet,mobilenetv2)")
    g.add_argument("--activation", help="activation of the depth study's CNNs (default: each family's own)")
    g.add_argument("--activation-family", help="CNN family of the activation study (default vgg)")
    g.add_argument("--activations", type=_csv("activations"), help="activations compared (default all six)")
    g.add_argument("--vit-cnns", type=_csv("vit-cnns"), help="CNNs compared with the ViT (default vgg,resnet)")
    g.add_argument("--n-models", type=int, help="models of the generalization study (default 12, paper 40, at least 3)")
    g.add_argument("--size", help="model size: tiny | small | medium")
    g.add_argument("--epochs", type=int, help="training epochs of the image models")
    g.add_argument("--text-epochs", type=int, help="training epochs of the text encoder (default 4)")
    g.add_argument("--vit-epochs", type=int, help="training epochs of the ViT (default 10)")
    g.add_argument("--batch-size", type=int)
    g.add_argument("--lr", type=float)
    g = p.add_argument_group("extraction and measures")
    g.add_argument("--layers", type=_csv("layers"), help="only these layers (names as the model lists them)")
    g.add_argument("--spatial-pooling", help="gap (global average, the paper) | flatten")
    g.add_argument("--token-pooling", help="mean (over non-padding tokens, default) | cls")
    g.add_argument("--no-minmax", dest="minmax", action="store_const", const=False,
                   help="no per-feature min-max scaling before total persistence / Betti numbers")
    g.add_argument("--measures", type=_csv("measures"), help="subset of phdim,h0,h1,twonn,mle,betti (default all)")
    g.add_argument("--phdim-schedule", help="magai (the paper: 500, 850, ... below N) | birdal (200..950 by 50)")
    g.add_argument("--phdim-sizes", type=_csv("phdim-sizes", int), help="explicit PH-dim sample sizes, e.g. 100,200,400")
    g.add_argument("--phdim-repeats", type=int, help="draws per sample size (paper: 1)")
    g.add_argument("--per-class-points", type=int, help="points per class for total persistence (paper: 250)")
    g.add_argument("--h1-points", type=int, help="points per class for H1 total persistence (default 120, paper 250)")
    g.add_argument("--betti-points", type=int, help="points of the Betti-number subsample (default 300)")
    g.add_argument("--betti-quantile", type=float, help="scale of the Betti numbers: this quantile of the "
                   "pairwise distances (default 0.05)")
    return p


SETTING_KEYS = ("seeds", "dataset", "text_dataset", "max_train", "max_test", "n_samples", "text_n_samples", "models",
                "activation", "activation_family", "activations", "vit_cnns", "n_models", "size", "epochs",
                "text_epochs", "vit_epochs", "batch_size", "lr", "layers", "spatial_pooling", "token_pooling", "minmax",
                "measures", "phdim_schedule", "phdim_sizes", "phdim_repeats", "per_class_points", "h1_points", "downsample",
                "betti_points",
                "betti_quantile")


def run(studies, s, out_dir: Path, cache_dir, seed=0, device="cpu", show_progress=True, executor=None):
    """Run the named studies with settings ``s``; write every study's files and ``report.md``.

    ``executor`` (e.g. :class:`experiments.distributed.DaskExecutor`) runs the studies' units;
    None runs them in this process. Returns (list of StudyResult, list of (study, error message))."""
    from .common import Context
    from .report import RunInfo, loadavg, write_run_report, write_study, write_table
    from .studies import STUDIES
    from .train import resolve_device

    device = str(resolve_device(device))
    ctx = Context(s, out_dir, cache_dir, device, seed, show_progress)
    ctx.executor = executor
    t0, c0 = time.perf_counter(), time.process_time()
    load0 = loadavg()
    results, failed = [], []
    for name in studies:
        LOG.info("study %s: start", name)
        try:
            res = STUDIES[name].run(ctx)
        except (ExperimentError, SweepError) as exc:
            if len(studies) == 1:
                raise
            LOG.error("study %s failed: %s", name, exc)
            failed.append((name, str(exc)))
            continue
        write_study(res, out_dir)
        results.append(res)
        LOG.info("study %s: done in %.0f s", name, res.seconds)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    findings = [dict(study=r.name, **f) for r in results for f in r.findings]
    write_table(findings, out_dir / "findings")
    command = " ".join(sys.argv[1:]) if sys.argv and "experiments" in " ".join(sys.argv) else " ".join(studies)
    run_info = RunInfo(command=command, profile=s["profile"], seed=seed, model_seeds=tuple(s["seeds"]),
                       device=device, seconds=total, cpu_seconds=cpu, load_start=load0, load_end=loadavg(),
                       profile_note=s.get("profile_note") or "")
    write_run_report(out_dir, results, failed, findings, run_info)
    LOG.info("report: %s (%.0f s wall, %.0f s CPU)", out_dir / "report.md", total, cpu)
    return results, failed


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    studies = args.studies or []
    if not studies:
        parser.print_help()
        return 0
    try:
        bad = [x for x in studies if x not in STUDY_HELP]
        if bad:
            raise ExperimentError(f"unknown study '{bad[0]}'; available: {', '.join(STUDY_HELP)}")
        if "all" in studies:
            studies = list(ORDER)
        studies = list(dict.fromkeys(studies))
        from .common import settings_for
        s = settings_for(args.profile, {**{k: getattr(args, k) for k in SETTING_KEYS}, "seed": args.seed})
        if s.get("profile_note"):
            print(s["profile_note"], file=sys.stderr)
        if s["n_models"] < 3:
            raise ExperimentError("--n-models must be at least 3 (a correlation needs 3 models; 8 or more give usable confidence intervals)")
        if s["size"] not in ("tiny", "small", "medium"):
            raise ExperimentError(f"unknown size '{s['size']}'; available: tiny, small, medium")
        if args.workers is not None and args.workers < 1:
            raise ExperimentError(f"--workers must be at least 1 (worker processes), got {args.workers}")
        if args.threads is not None and args.threads < 1:
            raise ExperimentError(f"--threads must be at least 1, got {args.threads}")
        s["threads"] = args.threads
        if args.threads:
            require("torch", TORCH_PIP, why="--threads").set_num_threads(args.threads)
        out = Path(args.out)
        setup_logging(out, verbose=not args.quiet)
        cache = None if args.no_cache else Path(args.cache_dir) if args.cache_dir else default_cache_dir()
        LOG.info("run: studies %s, profile %s, seed %d, out %s, cache %s", ",".join(studies), args.profile,
                 args.seed, out, cache)
        executor = None
        if args.workers is not None or args.scheduler is not None:
            from .distributed import make_executor
            executor = make_executor(args.workers, args.scheduler, show_progress=not args.no_progress)
        try:
            results, failed = run(studies, s, out, cache, args.seed, args.device, not args.no_progress, executor)
        finally:
            if executor is not None:
                executor.close()
    except SweepError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ExperimentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report written: {Path(args.out) / 'report.md'}")
    return 1 if failed else 0
