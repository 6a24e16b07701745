"""The computing subcommands of ``topodim``: ``ph0``, ``mst``, ``filtration``, ``ph``, ``dim`` and
``demo``. Each is a pair ``_add_<name>(subparsers)`` / ``_run_<name>(args)``; a run imports the
modules it computes with only when it is called, so that parsing arguments stays light."""

from __future__ import annotations

import os
import sys

import numpy as np

from ._io import CLIError, add_input_options, append_chains, bars_table, read_array, thread_count, write_table


def _add_ph0(sub):
    p = sub.add_parser("ph0", help="0-dimensional persistence diagram (Vietoris-Rips) via the MST",
                       description="H0 diagram of a point cloud or distance matrix: one (birth, death) row per point.")
    add_input_options(p)
    p.add_argument("--thresh", type=float, default=np.inf, help="largest edge length (default: no limit)")
    p.add_argument("--method", default="auto", choices=["auto", "prim", "boruvka", "kruskal"])
    return p


def _run_ph0(args):
    from ..mst import ph0  # noqa: PLC0415

    X = read_array(args.file, args.key)
    dgm = ph0(X, metric=args.metric, distance_matrix=args.distance_matrix, thresh=args.thresh,
              method=args.method, dtype=args.dtype, n_threads=thread_count(args), device=args.device)
    write_table(dgm, args.output, ["birth", "death"], name="diagram")


def _add_mst(sub):
    p = sub.add_parser("mst", help="minimum spanning tree (edges and lengths)",
                       description="Minimum spanning tree: one (u, v, length) row per edge, sorted by length.")
    add_input_options(p)
    p.add_argument("--method", default="auto", choices=["auto", "prim", "boruvka", "kruskal"])
    return p


def _run_mst(args):
    from ..mst import mst  # noqa: PLC0415

    X = read_array(args.file, args.key)
    tree = mst(X, metric=args.metric, distance_matrix=args.distance_matrix, method=args.method,
               dtype=args.dtype, n_threads=thread_count(args), device=args.device)
    table = np.empty((len(tree.lengths), 3), dtype=object)
    table[:, 0] = tree.edges[:, 0]
    table[:, 1] = tree.edges[:, 1]
    table[:, 2] = tree.lengths
    if args.output and os.path.splitext(args.output)[1].lower() == ".npy":
        table = np.column_stack([tree.edges.astype(tree.lengths.dtype), tree.lengths])
    write_table(table, args.output, ["u", "v", "length"], name="edges")


def _add_demo(sub):
    p = sub.add_parser("demo", help="PH0 statistics of built-in example clouds (a quick check of the install)")
    p.add_argument("-n", type=int, default=20000, help="points per cloud (default 20000)")
    p.add_argument("--seed", type=int, default=0)
    return p


def _run_demo(args):
    from ..demo import run_demo  # noqa: PLC0415

    if args.n < 2:
        raise CLIError("-n must be at least 2")
    run_demo(n=args.n, seed=args.seed, out=sys.stdout)


def _add_filtration(sub):
    p = sub.add_parser("filtration", help="persistence diagrams of a filtered simplicial complex (text file)",
                       description="Persistent homology over Z/p of a filtered simplicial complex given as text: "
                                   "one simplex per line, its vertex ids then its filtration value (every face "
                                   "listed, with a value not above its cofaces'). Writes one (dim, birth, death) "
                                   "row per bar; death inf for essential classes.")
    p.add_argument("file", help="text file, one simplex per line: vertex ids then value ('-' for stdin)")
    p.add_argument("--coeff", type=int, default=2, help="prime p of the coefficient field Z/p (default 2)")
    p.add_argument("--maxdim", type=int, default=None, help="largest homology dimension (default: all)")
    p.add_argument("--algorithm", default="auto", choices=["auto", "standard", "twist", "cohomology"])
    p.add_argument("--keep-zero", action="store_true", help="keep bars with death == birth (dropped by default)")
    p.add_argument("--representatives", action="store_true",
                   help="also write a representative cycle per bar (in .json output, or as # lines in text)")
    p.add_argument("-o", "--output", default=None, help="output file (.npy, .csv, .json, .txt); default stdout")
    return p


def _run_filtration(args):
    from ..filtrations import filtration_persistence  # noqa: PLC0415
    from ..filtrations.io import read_simplices  # noqa: PLC0415

    if args.file != "-":
        if os.path.isdir(args.file):
            raise CLIError(f"{args.file} is a directory; pass a text file of simplices")
        if not os.path.isfile(args.file):
            raise CLIError(f"no such file: {args.file}")
    ext = os.path.splitext(args.output)[1].lower() if args.output and args.output != "-" else ""
    if args.representatives and ext in (".npy", ".csv", ".tsv"):
        raise CLIError("--representatives needs .json or text (.txt / stdout) output")
    try:
        simplices, values = read_simplices(sys.stdin if args.file == "-" else args.file)
    except UnicodeDecodeError as exc:
        raise CLIError(f"{args.file if args.file != '-' else 'stdin'} is not a text file ({exc.reason} at byte "
                       f"{exc.start}); pass one simplex per line: vertex ids then a value") from None
    res = filtration_persistence(simplices, values, coeff=args.coeff, maxdim=args.maxdim,
                                 algorithm=args.algorithm, keep_zero=args.keep_zero,
                                 representatives=args.representatives)
    table = bars_table(res["dgms"], ext)
    extra = None
    if args.representatives:
        reps = [[rep.tolist() for rep in per_dim] for per_dim in res["representatives"]]
        extra = {"representatives": [r for per_dim in reps for r in per_dim],
                 "representatives_note": "per bar, rows of vertex ids then a coefficient mod coeff",
                 "coeff": res["coeff"]}
    write_table(table, args.output, ["dim", "birth", "death"], name="bars", extra=extra)
    if args.representatives and ext != ".json":
        append_chains([rep for per_dim in res["representatives"] for rep in per_dim], args.output)


def _add_ph(sub):
    p = sub.add_parser("ph", help="Vietoris-Rips persistence diagrams (H0..Hk), like ripser",
                       description="Vietoris-Rips persistent homology of a point cloud or distance matrix "
                                   "(topodim.ripser). Writes one (dim, birth, death) row per bar; death inf "
                                   "for essential classes; bars of zero length are left out.")
    add_input_options(p)
    p.add_argument("--maxdim", type=int, default=1, help="largest homology dimension (default 1)")
    p.add_argument("--thresh", type=float, default=np.inf,
                   help="largest diameter (default: the enclosing radius, same diagrams)")
    p.add_argument("--coeff", type=int, default=2, help="prime p of the coefficient field Z/p (default 2)")
    p.add_argument("--n-perm", type=int, default=None, help="greedy subsample of this many points")
    p.add_argument("--cocycles", action="store_true",
                   help="also write a representative cocycle per bar (in .json output, or as # lines in text)")
    p.add_argument("--progress", action="store_true", help="draw a progress bar on stderr")
    return p


def _run_ph(args):
    from ..rips import ripser  # noqa: PLC0415

    ext = os.path.splitext(args.output)[1].lower() if args.output and args.output != "-" else ""
    if args.cocycles and ext in (".npy", ".csv", ".tsv"):
        raise CLIError("--cocycles needs .json or text (.txt / stdout) output")
    X = read_array(args.file, args.key)
    res = ripser(X, maxdim=args.maxdim, thresh=args.thresh, coeff=args.coeff,
                 distance_matrix=args.distance_matrix, metric=args.metric, do_cocycles=args.cocycles,
                 n_perm=args.n_perm, dtype=args.dtype, n_threads=thread_count(args), progress=args.progress,
                 device=args.device,
                 keep_distances=False)
    table = bars_table(res["dgms"], ext)
    # H0 has no cocycles (as ripser.py): one empty list per H0 bar keeps them aligned with rows
    cocycles = [c.tolist() for k, per_dim in enumerate(res["cocycles"])
                for c in (per_dim if k else [np.zeros((0, 2), np.int64)] * len(res["dgms"][0]))]
    extra = {"thresh": res["thresh"], "num_edges": res["num_edges"]}
    if args.cocycles:
        extra.update({"cocycles": cocycles, "cocycles_note": "per bar, rows of vertex ids then a value mod coeff",
                      "coeff": args.coeff})
    write_table(table, args.output, ["dim", "birth", "death"], name="bars", extra=extra)
    if args.cocycles and ext != ".json":
        append_chains(cocycles, args.output)


def _add_dim(sub):
    p = sub.add_parser(
        "dim", help="intrinsic dimension: PH-dimension, TwoNN or MLE",
        description="Dimension estimate of a point cloud or distance matrix. phdim: the persistent-homology "
                    "dimension alpha / (1 - slope of log E_alpha against log n) with a bootstrap interval; "
                    "twonn: Facco et al.; mle: Levina-Bickel with MacKay-Ghahramani averaging over k.")
    add_input_options(p)
    p.add_argument("--method", default="phdim", choices=["phdim", "twonn", "mle"], help="estimator (default phdim)")
    g = p.add_argument_group("phdim")
    g.add_argument("--alpha", type=float, default=1.0, help="exponent of the bar lengths (default 1; needs alpha < d)")
    g.add_argument("--hom-dim", type=int, default=0, help="homology degree (default 0: minimum spanning trees)")
    g.add_argument("--schedule", default="geometric",
                   help="geometric (default), magai, birdal, gptid, or comma-separated sample sizes")
    g.add_argument("--repeats", type=int, default=None, help="repeats of the schedule (default 5)")
    g.add_argument("--subsamples", type=int, default=None, help="subsamples per size (default: the schedule's)")
    g.add_argument("--aggregate", choices=["mean", "median"], default=None, help="combine subsamples of one size")
    g.add_argument("--sampling", choices=["nested", "independent"], default="nested",
                   help="subsamples as prefixes of one random ordering per repeat (default) or independent")
    g.add_argument("--engine", choices=["auto", "incremental", "prim", "boruvka"], default="auto",
                   help="MST engine for --hom-dim 0")
    g.add_argument("--seed", type=int, default=None, help="random seed (default: fresh entropy)")
    g.add_argument("--confidence", type=float, default=0.95, help="level of the interval (default 0.95)")
    g.add_argument("--values", action="store_true",
                   help="output the table of E_alpha per size (rows) and repeat (columns) instead of the summary")
    g = p.add_argument_group("twonn / mle")
    g.add_argument("--fraction", type=float, default=0.9, help="twonn: fraction of the sorted ratios fitted (0.9)")
    g.add_argument("--k1", type=int, default=10, help="mle: smallest k (default 10)")
    g.add_argument("--k2", type=int, default=20, help="mle: largest k (default 20)")
    return p


def _jsonable(x):
    a = np.asarray(x, dtype=float)
    return [None if not np.isfinite(v) else float(v) for v in a.ravel()] if a.ndim else (
        None if not np.isfinite(a) else float(a))


def _run_dim(args):
    from .. import dimension  # noqa: PLC0415

    X = read_array(args.file, args.key)
    threads = thread_count(args)
    if args.device != "cpu" and args.method != "phdim":
        raise CLIError(f"--device {args.device} applies to --method phdim only ({args.method} runs on the CPU)")
    if args.method == "phdim":
        schedule = args.schedule
        if "," in schedule or schedule.strip().isdigit():
            try:
                schedule = [int(v) for v in schedule.split(",") if v.strip()]
            except ValueError:
                raise CLIError(f"--schedule must be a name or comma-separated integers, got {args.schedule!r}") from None
        res = dimension.ph_dimension(
            X, hom_dim=args.hom_dim, alpha=args.alpha, schedule=schedule,
            n_repeats=dimension.DEFAULT_REPEATS if args.repeats is None else args.repeats,
            random_state=args.seed, metric=args.metric, distance_matrix=args.distance_matrix, n_threads=threads,
            sampling=args.sampling, n_subsamples=args.subsamples, aggregate=args.aggregate, method=args.engine,
            dtype=args.dtype, confidence=args.confidence, device=args.device)
        extra = {"sizes": res.sizes.tolist(), "values": [_jsonable(r) for r in res.values],
                 "repeat_estimates": _jsonable(res.repeat_estimates), "warnings": list(res.warnings),
                 "schedule": res.schedule, "sampling": res.sampling, "engine": res.method,
                 "interval_kind": res.interval_kind}
        if args.values:
            table = np.column_stack([res.sizes.astype(float), res.values])
            header = ["size"] + [f"E_repeat{r + 1}" for r in range(res.values.shape[1])]
            write_table(table, args.output, header, name="values", extra=extra)
            return
        table = np.array([[res.dimension, res.interval[0], res.interval[1], res.slope, res.intercept, res.r2,
                           res.alpha, float(res.hom_dim), float(res.n_points)]])
        write_table(table, args.output, ["dimension", "low", "high", "slope", "intercept", "r2", "alpha",
                                         "hom_dim", "n_points"], name="estimate", extra=extra)
        return
    metric = args.metric
    if args.distance_matrix:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            from scipy.spatial.distance import squareform  # noqa: PLC0415

            X = squareform(X, checks=False)
        metric = "precomputed"
    if args.method == "twonn":
        est = dimension.TwoNN(fraction=args.fraction, metric=metric, n_threads=threads).fit(X)
        table = np.array([[est.dimension_, est.r2_, float(len(est.x_)), float(est.n_discarded_)]])
        write_table(table, args.output, ["dimension", "r2", "n_fitted", "n_discarded"], name="estimate")
        return
    est = dimension.MLE(k1=args.k1, k2=args.k2, metric=metric, n_threads=threads).fit(X)
    table = np.array([[est.dimension_, float(est.ks_[0]), float(est.ks_[-1]), float(est.n_discarded_)]])
    write_table(table, args.output, ["dimension", "k1", "k2", "n_discarded"], name="estimate",
                extra={"dimension_k": _jsonable(est.dimension_k_)})
