"""The ``topodim`` command.

Subcommands read a point cloud or a distance matrix from a file (.npy, .npz, .csv, or
whitespace-separated text; a scipy.sparse .npz saved with ``scipy.sparse.save_npz`` is read as a
sparse distance matrix) and write the result as text to stdout, or to ``-o OUT`` with the format
given by its extension (.npy, .csv, .json, .txt).

User errors print one line, ``topodim: error: ...``, and exit with status 2; no traceback.
Each subcommand is a pair of functions, ``_add_<name>(subparsers)`` and ``_run_<name>(args)``,
registered in ``SUBCOMMANDS``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from ._config import DeviceUnavailableError

__all__ = ["main", "read_array", "write_table"]


class CLIError(Exception):
    """A user error with a one-line message."""


# ------------------------------------------------------------------------------------------
# input / output
# ------------------------------------------------------------------------------------------


def _load_text(path: str, delimiter):
    try:
        return np.loadtxt(path, delimiter=delimiter, ndmin=2)
    except ValueError:
        # maybe a header line
        try:
            return np.loadtxt(path, delimiter=delimiter, ndmin=2, skiprows=1)
        except ValueError as exc:
            raise CLIError(f"cannot read {path} as a table of numbers: {exc}") from None


def read_array(path: str, key: str | None = None):
    """Read a numeric array (or a scipy.sparse matrix) from .npy, .npz, .csv or text."""
    if path == "-":
        return np.loadtxt(sys.stdin, ndmin=2)
    if not os.path.exists(path):
        raise CLIError(f"no such file: {path}")
    if os.path.isdir(path):
        raise CLIError(f"{path} is a directory; pass a file")
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == ".npy":
            return np.load(path, allow_pickle=False)
        if ext == ".npz":
            with np.load(path, allow_pickle=False) as z:
                names = list(z.files)
                if {"indptr", "indices", "data", "shape", "format"} <= set(names) and key is None:
                    import scipy.sparse as sp  # noqa: PLC0415

                    return sp.load_npz(path)
                if key is not None:
                    if key not in names:
                        raise CLIError(f"{path} has no array {key!r}; it has: {', '.join(names)}")
                    return z[key]
                if len(names) != 1:
                    raise CLIError(f"{path} holds several arrays ({', '.join(names)}); choose one with --key")
                return z[names[0]]
        if ext == ".csv":
            return _load_text(path, ",")
        if ext == ".tsv":
            return _load_text(path, "\t")
        return _load_text(path, None)
    except CLIError:
        raise
    except (ValueError, OSError, EOFError) as exc:
        raise CLIError(f"cannot read {path}: {exc}") from None


def _fmt(x) -> str:
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def write_table(table: np.ndarray, out: str | None, header: list[str], name: str = "result",
                extra: dict | None = None) -> None:
    """Write a 2-D table to stdout (text) or to a .npy / .csv / .json / .txt file."""
    table = np.asarray(table)
    if out is None or out == "-":
        sys.stdout.write("# " + " ".join(header) + "\n")
        for row in table:
            sys.stdout.write(" ".join(_fmt(v) for v in row) + "\n")
        return
    ext = os.path.splitext(out)[1].lower()
    try:
        if ext == ".npy":
            np.save(out, table)
        elif ext == ".json":
            rows = [[None if (isinstance(v, float) and np.isinf(v)) else v for v in row]
                    for row in table.tolist()]
            doc = {"columns": header, name: rows, "note": "null means +inf"}
            if extra:
                doc.update(extra)
            with open(out, "w") as fh:
                json.dump(doc, fh, indent=1)
        elif ext in (".csv", ".txt", ".tsv", ""):
            sep = "," if ext == ".csv" else ("\t" if ext == ".tsv" else " ")
            with open(out, "w") as fh:
                fh.write(sep.join(header) + "\n")
                for row in table:
                    fh.write(sep.join(_fmt(v) for v in row) + "\n")
        else:
            raise CLIError(f"unknown output format {ext!r} for {out}; use .npy, .csv, .json or .txt")
    except OSError as exc:
        raise CLIError(f"cannot write {out}: {exc.strerror or exc}") from None


# ------------------------------------------------------------------------------------------
# shared options
# ------------------------------------------------------------------------------------------


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="input: .npy, .npz, .csv or whitespace text ('-' for stdin)")
    p.add_argument("--key", help="array name inside a .npz holding several arrays")
    p.add_argument("--distance-matrix", action="store_true",
                   help="the file holds a square, condensed or sparse distance matrix")
    p.add_argument("--metric", default="euclidean",
                   help="euclidean (default), sqeuclidean, manhattan, chebyshev, cosine, or a scipy metric name")
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"], help="compute dtype")
    p.add_argument("--threads", type=int, default=None, help="number of threads (default: all)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"],
                   help="cuda: run the GPU kernels (needs topodim[cuda] and an NVIDIA GPU); auto: the GPU "
                        "when usable, else the CPU with a warning (default cpu)")
    p.add_argument("-o", "--output", default=None, help="output file (.npy, .csv, .json, .txt); default stdout")


def _threads(args):
    if args.threads is not None and args.threads == 0:
        raise CLIError("--threads must be a positive integer or -1 (all threads)")
    return args.threads


# ------------------------------------------------------------------------------------------
# subcommands
# ------------------------------------------------------------------------------------------


def _add_ph0(sub):
    p = sub.add_parser("ph0", help="0-dimensional persistence diagram (Vietoris-Rips) via the MST",
                       description="H0 diagram of a point cloud or distance matrix: one (birth, death) row per point.")
    _add_input_options(p)
    p.add_argument("--thresh", type=float, default=np.inf, help="largest edge length (default: no limit)")
    p.add_argument("--method", default="auto", choices=["auto", "prim", "boruvka", "kruskal"])
    return p


def _run_ph0(args):
    from .mst import ph0  # noqa: PLC0415

    X = read_array(args.file, args.key)
    dgm = ph0(X, metric=args.metric, distance_matrix=args.distance_matrix, thresh=args.thresh,
              method=args.method, dtype=args.dtype, n_threads=_threads(args), device=args.device)
    write_table(dgm, args.output, ["birth", "death"], name="diagram")


def _add_mst(sub):
    p = sub.add_parser("mst", help="minimum spanning tree (edges and lengths)",
                       description="Minimum spanning tree: one (u, v, length) row per edge, sorted by length.")
    _add_input_options(p)
    p.add_argument("--method", default="auto", choices=["auto", "prim", "boruvka", "kruskal"])
    return p


def _run_mst(args):
    from .mst import mst  # noqa: PLC0415

    X = read_array(args.file, args.key)
    tree = mst(X, metric=args.metric, distance_matrix=args.distance_matrix, method=args.method,
               dtype=args.dtype, n_threads=_threads(args), device=args.device)
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
    from .demo import run_demo  # noqa: PLC0415

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
    from .filtrations import filtration_persistence  # noqa: PLC0415
    from .filtrations.io import read_simplices  # noqa: PLC0415

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
    table = _bars_table(res["dgms"], ext)
    extra = None
    if args.representatives:
        reps = [[rep.tolist() for rep in per_dim] for per_dim in res["representatives"]]
        extra = {"representatives": [r for per_dim in reps for r in per_dim],
                 "representatives_note": "per bar, rows of vertex ids then a coefficient mod coeff",
                 "coeff": res["coeff"]}
    write_table(table, args.output, ["dim", "birth", "death"], name="bars", extra=extra)
    if args.representatives and ext != ".json":
        _append_chains([rep for per_dim in res["representatives"] for rep in per_dim], args.output)


def _bars_table(dgms, ext):
    """Rows (dim, birth, death) of all diagrams: float for .npy, else dim kept an int."""
    rows = [(k, b, d) for k, dgm in enumerate(dgms) for b, d in dgm.tolist()]
    if ext == ".npy":
        return np.asarray(rows, dtype=float).reshape(-1, 3)
    table = np.empty((len(rows), 3), dtype=object)
    for i, row in enumerate(rows):
        table[i] = row
    return table


def _append_chains(chains, output):
    """Append "# bar i: c*[v0,v1,...] + ..." lines (one per bar with a non-empty chain; rows are
    vertex ids then the coefficient) after the bars, to stdout or to the text output file."""
    lines = [f"# bar {i}: " + " + ".join(f"{int(r[-1])}*[{','.join(str(int(v)) for v in r[:-1])}]" for r in c)
             + "\n" for i, c in enumerate(chains) if len(c)]
    if output is None or output == "-":
        sys.stdout.writelines(lines)
    else:
        with open(output, "a") as fh:
            fh.writelines(lines)


def _add_ph(sub):
    p = sub.add_parser("ph", help="Vietoris-Rips persistence diagrams (H0..Hk), like ripser",
                       description="Vietoris-Rips persistent homology of a point cloud or distance matrix "
                                   "(topodim.ripser). Writes one (dim, birth, death) row per bar; death inf "
                                   "for essential classes; bars of zero length are left out.")
    _add_input_options(p)
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
    from .rips import ripser  # noqa: PLC0415

    ext = os.path.splitext(args.output)[1].lower() if args.output and args.output != "-" else ""
    if args.cocycles and ext in (".npy", ".csv", ".tsv"):
        raise CLIError("--cocycles needs .json or text (.txt / stdout) output")
    X = read_array(args.file, args.key)
    res = ripser(X, maxdim=args.maxdim, thresh=args.thresh, coeff=args.coeff,
                 distance_matrix=args.distance_matrix, metric=args.metric, do_cocycles=args.cocycles,
                 n_perm=args.n_perm, dtype=args.dtype, n_threads=_threads(args), progress=args.progress,
                 device=args.device,
                 keep_distances=False)
    table = _bars_table(res["dgms"], ext)
    # H0 has no cocycles (as ripser.py): one empty list per H0 bar keeps them aligned with rows
    cocycles = [c.tolist() for k, per_dim in enumerate(res["cocycles"])
                for c in (per_dim if k else [np.zeros((0, 2), np.int64)] * len(res["dgms"][0]))]
    extra = {"thresh": res["thresh"], "num_edges": res["num_edges"]}
    if args.cocycles:
        extra.update({"cocycles": cocycles, "cocycles_note": "per bar, rows of vertex ids then a value mod coeff",
                      "coeff": args.coeff})
    write_table(table, args.output, ["dim", "birth", "death"], name="bars", extra=extra)
    if args.cocycles and ext != ".json":
        _append_chains(cocycles, args.output)


def _add_dim(sub):
    p = sub.add_parser(
        "dim", help="intrinsic dimension: PH-dimension, TwoNN or MLE",
        description="Dimension estimate of a point cloud or distance matrix. phdim: the persistent-homology "
                    "dimension alpha / (1 - slope of log E_alpha against log n) with a bootstrap interval; "
                    "twonn: Facco et al.; mle: Levina-Bickel with MacKay-Ghahramani averaging over k.")
    _add_input_options(p)
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
    from . import dimension  # noqa: PLC0415

    X = read_array(args.file, args.key)
    threads = _threads(args)
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


# ------------------------------------------------------------------------------------------
# warmup: compile ahead of time into Numba's on-disk cache
# ------------------------------------------------------------------------------------------


def _rips_calls(rng, dtype):
    import scipy.sparse as sp  # noqa: PLC0415

    from .metrics import pairwise_distances  # noqa: PLC0415
    from .rips import ripser  # noqa: PLC0415
    from .rips._edges import parallel_shells  # noqa: PLC0415

    X = rng.standard_normal((40, 3))
    D = pairwise_distances(X)
    S = sp.coo_matrix(np.where(D < np.quantile(D, 0.5), D, 0.0))
    for maxdim in (1, 2):
        for coeff in (2, 3):
            yield (f"ripser maxdim {maxdim} coeff {coeff}",
                   lambda maxdim=maxdim, coeff=coeff: ripser(X, maxdim=maxdim, coeff=coeff, dtype=dtype))
    yield "ripser maxdim 2 without edge collapse", lambda: ripser(X, maxdim=2, collapse_edges=False, dtype=dtype)
    yield "ripser dense distance matrix", lambda: ripser(D, distance_matrix=True, maxdim=2, dtype=dtype)
    yield "ripser sparse distance matrix", lambda: ripser(S, distance_matrix=True, maxdim=2, dtype=dtype)
    yield "ripser cocycles", lambda: ripser(X, maxdim=1, do_cocycles=True, dtype=dtype)
    yield "ripser n_perm", lambda: ripser(X, maxdim=1, n_perm=20, dtype=dtype)
    yield "ripser parallel kernels", lambda: parallel_shells(lambda: ripser(X, maxdim=3, dtype=dtype))
    yield "ripser generators", lambda: ripser(X, maxdim=1, return_generators=True, dtype=dtype)


def _ph0_calls(rng, dtype):
    import scipy.sparse as sp  # noqa: PLC0415

    from .metrics import pairwise_distances  # noqa: PLC0415
    from .mst import mst, ph0  # noqa: PLC0415

    X = rng.standard_normal((200, 3))
    D = pairwise_distances(X)
    S = sp.coo_matrix(np.where(D < np.quantile(D, 0.2), D, 0.0))
    yield "ph0", lambda: ph0(X, dtype=dtype)
    for method in ("prim", "boruvka"):
        yield f"mst {method}", lambda method=method: mst(X, method=method, dtype=dtype)
    yield "ph0 dense distance matrix", lambda: ph0(D, distance_matrix=True, dtype=dtype)
    yield "ph0 sparse distance matrix (kruskal)", lambda: ph0(S, distance_matrix=True, dtype=dtype)
    yield "ph0 thresh", lambda: ph0(X, thresh=0.5, dtype=dtype)


def _dimension_calls(rng, dtype):
    from .dimension import MLE, TwoNN, ph_dimension  # noqa: PLC0415
    from .metrics import pairwise_distances  # noqa: PLC0415

    X = rng.standard_normal((900, 3))
    D = pairwise_distances(X[:300])
    for method in ("incremental", "prim", "boruvka"):
        yield f"ph_dimension {method}", lambda method=method: ph_dimension(
            X, method=method, random_state=0, dtype=dtype)
    yield "ph_dimension independent draws", lambda: ph_dimension(X, sampling="independent", random_state=0,
                                                                  dtype=dtype)
    yield "ph_dimension schedule magai", lambda: ph_dimension(X, schedule="magai", random_state=0, dtype=dtype)
    yield "ph_dimension distance matrix", lambda: ph_dimension(D, distance_matrix=True, random_state=0,
                                                                dtype=dtype)
    yield "ph_dimension hom_dim 1", lambda: ph_dimension(X[:120], hom_dim=1, schedule=[40, 80, 120],
                                                         random_state=0, dtype=dtype)
    yield "TwoNN", lambda: TwoNN().fit(X.astype(dtype))
    yield "MLE", lambda: MLE().fit(X.astype(dtype))


def _filtration_calls(rng, dtype):
    from .compat import lower_star_img  # noqa: PLC0415
    from .filtrations import filtration_persistence, image_filtration, rips_filtration  # noqa: PLC0415

    X = rng.standard_normal((20, 3))
    img = rng.random((12, 12))
    for coeff in (2, 3):
        yield f"rips filtration coeff {coeff}", lambda coeff=coeff: filtration_persistence(
            rips_filtration(X, skeleton=2, dtype=dtype), coeff=coeff, representatives=True)
    yield "image filtration", lambda: filtration_persistence(image_filtration(img))
    yield "lower_star_img", lambda: lower_star_img(img)


#: warmup group -> generator of (label, call) over a seeded random generator and a dtype
WARMUP_GROUPS = {
    "rips": _rips_calls,
    "ph0": _ph0_calls,
    "dimension": _dimension_calls,
    "filtrations": _filtration_calls,
}


def _add_warmup(sub):
    p = sub.add_parser("warmup", help="compile the Numba kernels ahead of time into the on-disk cache",
                       description="Run small calls of every entry point (ripser maxdim 1 and 2 over Z/2 and "
                                   "Z/3, points, dense and sparse matrices; ph0 and mst by each method; "
                                   "ph_dimension, TwoNN and MLE; filtrations) so that their kernels compile "
                                   "now and later processes load them from Numba's cache (NUMBA_CACHE_DIR, "
                                   "else __pycache__ beside topodim's modules). For container images and "
                                   "CI. Inputs of other sizes may still reach a few size-dependent kernels "
                                   "on first use.")
    p.add_argument("--only", type=lambda s: [x.strip() for x in s.split(",") if x.strip()], default=None,
                   metavar="GROUPS", help=f"comma-separated subset of: {', '.join(WARMUP_GROUPS)} (default all)")
    p.add_argument("--dtypes", type=lambda s: [x.strip() for x in s.split(",") if x.strip()],
                   default=["float64"], metavar="DTYPES",
                   help="compute dtypes to compile for: float64 (default), float32 or float64,float32")
    p.add_argument("-v", "--verbose", action="store_true", help="list every kernel compiled")
    return p


class _CompileLog:
    """Counts the kernel specialisations Numba compiles (the "numba:compile" event) while active."""

    def __init__(self):
        self.compiled = []

    def __enter__(self):
        from numba.core import event  # noqa: PLC0415

        log = self

        class _Listener(event.Listener):
            def on_start(self, ev):
                pass

            def on_end(self, ev):
                f = ev.data["dispatcher"].py_func
                log.compiled.append((f"{f.__module__}.{f.__qualname__}", tuple(ev.data["args"])))

        self._listener = _Listener()
        self._cm = event.install_listener("numba:compile", self._listener)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def _run_warmup(args):
    import time  # noqa: PLC0415
    import warnings  # noqa: PLC0415

    from ._config import CACHE  # noqa: PLC0415

    groups = args.only or list(WARMUP_GROUPS)
    bad = [g for g in groups if g not in WARMUP_GROUPS]
    if bad:
        raise CLIError(f"unknown warmup group {bad[0]!r}; choose from: {', '.join(WARMUP_GROUPS)}")
    for d in args.dtypes:
        if d not in ("float64", "float32"):
            raise CLIError(f"unknown dtype {d!r} for --dtypes; use float64, float32 or float64,float32")
    if not CACHE:
        raise CLIError("the on-disk kernel cache is off (TOPODIM_NUMBA_CACHE=0), so a warmup would keep "
                       "nothing; unset TOPODIM_NUMBA_CACHE")
    import numba  # noqa: PLC0415

    where = numba.config.CACHE_DIR or "__pycache__ beside topodim's modules"
    print(f"topodim warmup: groups {', '.join(groups)}; dtypes {', '.join(args.dtypes)}; cache {where}")
    total_c, total_w, total_n = time.process_time(), time.perf_counter(), 0
    for group in groups:
        c0, w0 = time.process_time(), time.perf_counter()
        with _CompileLog() as log:
            for dtype in args.dtypes:
                rng = np.random.default_rng(0)
                for label, call in WARMUP_GROUPS[group](rng, np.dtype(dtype).type):
                    n0 = len(log.compiled)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # diagnostics about the toy inputs
                        call()
                    if args.verbose:
                        n = sum(k.startswith("topodim") for k, _ in log.compiled[n0:])
                        print(f"  {group} / {dtype} / {label}: {n} compiled")
        ours = [(k, sig) for k, sig in log.compiled if k.startswith("topodim")]
        kernels = sorted({k for k, _ in ours})
        total_n += len(ours)
        print(f"{group}: {len(ours)} specialisations of {len(kernels)} kernels compiled in "
              f"{time.perf_counter() - w0:.1f} s ({time.process_time() - c0:.1f} s CPU)")
        if args.verbose:
            for k in kernels:
                print(f"    {k}")
    print(f"total: {total_n} specialisations compiled in {time.perf_counter() - total_w:.1f} s "
          f"({time.process_time() - total_c:.1f} s CPU); 0 means every kernel was already in the cache")


SUBCOMMANDS = [
    ("ph0", _add_ph0, _run_ph0),
    ("mst", _add_mst, _run_mst),
    ("filtration", _add_filtration, _run_filtration),
    ("ph", _add_ph, _run_ph),
    ("dim", _add_dim, _run_dim),
    ("demo", _add_demo, _run_demo),
    ("warmup", _add_warmup, _run_warmup),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="topodim",
        description="Topological data analysis in pure Python: persistence diagrams, MSTs, PH-dimension.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for _name, add, _run in SUBCOMMANDS:
        add(sub)
    return parser


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    print(f"topodim: warning: {message}", file=sys.stderr)


def main(argv=None) -> int:
    import warnings  # noqa: PLC0415

    parser = build_parser()
    args = parser.parse_args(argv)
    runners = {name: run for name, _add, run in SUBCOMMANDS}
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _one_line_warning
        try:
            runners[args.command](args)
        except (CLIError, ValueError, TypeError, MemoryError, DeviceUnavailableError) as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"topodim: error: {msg}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("topodim: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
