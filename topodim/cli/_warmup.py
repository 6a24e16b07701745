"""``topodim warmup``: compile the Numba kernels ahead of time into the on-disk cache, by small
calls of every entry point (for container images and CI)."""

from __future__ import annotations

import numpy as np

from ._io import CLIError


def _rips_calls(rng, dtype):
    import scipy.sparse as sp  # noqa: PLC0415

    from ..metrics import pairwise_distances  # noqa: PLC0415
    from ..rips import ripser  # noqa: PLC0415
    from .._parallel import parallel_shells  # noqa: PLC0415

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

    from ..metrics import pairwise_distances  # noqa: PLC0415
    from ..mst import mst, ph0  # noqa: PLC0415

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
    from ..dimension import MLE, TwoNN, ph_dimension  # noqa: PLC0415
    from ..metrics import pairwise_distances  # noqa: PLC0415

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
    from ..compat import lower_star_img  # noqa: PLC0415
    from ..filtrations import filtration_persistence, image_filtration, rips_filtration  # noqa: PLC0415

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

    from .._config import CACHE  # noqa: PLC0415

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
