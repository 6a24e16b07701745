"""The scikit-learn estimator of Rips persistence diagrams, for single clouds and batches."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._base import ParamsMixin
from .._config import check_device
from .._parallel import resolve_n_threads
from .._validate import (
    as_dtype,
    as_points,
    check_memory,
    check_nonnegative_int,
    check_prime,
    check_threshold,
)

from ._driver import ripser
from ._stages import MAX_SIMPLEX_INDEX

__all__ = ["RipsPersistence"]


# ==========================================================================================
# batch transformer
# ==========================================================================================


#: GUDHI's ``input_type`` values and what topodim makes of them.
_INPUT_TYPES = ("point cloud", "full distance matrix", "lower distance matrix", "distance coo_matrix")


def _lower_to_full(L, dtype):
    """The symmetric matrix of a lower-triangular distance matrix: a square array (its upper part
    and diagonal ignored) or GUDHI's ragged rows, row i holding at least d(i, 0), ..., d(i, i-1)."""
    rows = list(L)
    n = len(rows)
    dt = as_dtype(dtype)
    check_memory(n * n * dt.itemsize, f"the {n}x{n} distance matrix of a lower distance matrix",
                 "pass the distances as a scipy.sparse matrix (input_type='distance coo_matrix')")
    D = np.zeros((n, n), dtype=dt)
    for i, row in enumerate(rows):
        try:
            r = np.asarray(row, dtype=np.float64).ravel()
        except (TypeError, ValueError) as exc:
            raise TypeError(f"row {i} of the lower distance matrix must hold numbers; {exc}") from None
        if r.shape[0] < i:
            raise ValueError(f"row {i} of the lower distance matrix has {r.shape[0]} entries; it needs "
                             f"at least {i} (the distances to points 0..{i - 1})")
        D[i, :i] = r[:i]
        D[:i, i] = r[:i]
    return D


#: Metrics a KD-tree answers (the Minkowski p of scipy's cKDTree).
_KDTREE_P = {"euclidean": 2.0, "manhattan": 1.0, "chebyshev": np.inf}


def _needs_components(n, maxdim, dt):
    """Whether a point cloud of n points is beyond :func:`ripser`'s direct path: simplex indices
    above 2^62 or an n x n matrix larger than the available memory."""
    from .._validate import available_memory  # noqa: PLC0415

    top = math.comb(n, min(maxdim, max(n - 2, 0)) + 2) if n >= 2 else 0
    avail = available_memory()
    return top >= MAX_SIMPLEX_INDEX or (avail > 0 and n * n * dt.itemsize > avail)


def _ripser_by_components(P, maxdim, thresh, metric, run):
    """Rips diagrams of a point cloud below a finite threshold, one connected component of the
    threshold graph at a time: below ``thresh`` the Rips complex is the disjoint union of the
    components' complexes, so its diagrams are the union of theirs. A KD-tree finds the edges
    (no n x n matrix); ``run(coo_matrix)`` computes one component. The bars come per dimension,
    H0 by death then its essential bars."""
    import scipy.sparse as sp  # noqa: PLC0415
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415
    from scipy.spatial import cKDTree  # noqa: PLC0415

    n = P.shape[0]
    p = _KDTREE_P[metric]
    pairs = cKDTree(P).query_pairs(thresh, p=p, output_type="ndarray")
    i, j = (pairs[:, 0], pairs[:, 1]) if pairs.size else (np.zeros(0, np.int64),) * 2
    d = np.linalg.norm(P[i] - P[j], ord=p, axis=1) if i.size else np.zeros(0)
    ncomp, labels = connected_components(sp.coo_matrix((d, (i, j)), shape=(n, n)), directed=False)
    order = np.argsort(labels, kind="stable")
    sizes = np.bincount(labels, minlength=ncomp)
    start = np.concatenate([[0], np.cumsum(sizes)])
    local = np.empty(n, dtype=np.int64)
    local[order] = np.arange(n) - start[labels[order]]
    eorder = np.argsort(labels[i], kind="stable")
    ecount = np.bincount(labels[i], minlength=ncomp)
    estart = np.concatenate([[0], np.cumsum(ecount)])
    parts = [[] for _ in range(maxdim + 1)]
    n_single = int(np.count_nonzero(sizes == 1))
    for c in np.flatnonzero(sizes >= 2):
        e = eorder[estart[c]:estart[c + 1]]
        m = int(sizes[c])
        A = sp.coo_matrix((d[e], (local[i[e]], local[j[e]])), shape=(m, m))
        for k, dgm in enumerate(run(A)):
            parts[k].append(dgm)
    dgms = []
    for k in range(maxdim + 1):
        ds = parts[k] + ([np.zeros((n_single, 2)) + [0.0, np.inf]] if k == 0 and n_single else [])
        dg = np.concatenate(ds) if ds else np.zeros((0, 2))
        if k == 0:
            dg = dg[np.argsort(dg[:, 1], kind="stable")]
        dgms.append(dg)
    return dgms


class RipsPersistence(ParamsMixin):
    """Vietoris–Rips persistence of a list of point clouds, scikit-learn style (no dependency).

    Accepts GUDHI's parameter names (``gudhi.sklearn.rips_persistence.RipsPersistence``) as well as
    topodim's; passing both names of one parameter with different values raises ValueError.

    Parameters
    ----------
    homology_dimensions : int or sequence of int, default (0, 1)
        Dimensions to return. An int gives one diagram per input, a sequence a list of diagrams.
    thresh, coeff, metric, distance_matrix, dtype, collapse_edges
        As in :func:`ripser`.
    n_jobs : int, optional
        Inputs computed at the same time, through :class:`joblib.Parallel` (threads by default;
        Numba kernels release the GIL). None defers to the active ``joblib.parallel_config``:
        ``with joblib.parallel_config(backend="dask"):`` sends one task per input to a Dask
        cluster (see :mod:`topodim.batch`). Each input then runs its parallel stages on
        ``n_threads`` threads.
    n_threads : int, optional
        Threads per input (default: all when the inputs run one at a time, else 1).
    device : {"cpu", "cuda", "auto"}, default "cpu"
        As in :func:`ripser`. On the GPU the inputs run one after another (``n_jobs`` is ignored).
    threshold : float, optional
        GUDHI's name for ``thresh``.
    input_type : {"point cloud", "full distance matrix", "lower distance matrix", \
"distance coo_matrix"}, optional
        GUDHI's way to say what the inputs are: points, square distance matrices, lower
        triangles (a square array whose upper part is ignored, or ragged rows where row i holds
        the distances to points 0..i-1) or scipy.sparse matrices. Unset: ``distance_matrix``
        decides.
    homology_coeff_field : int, optional
        GUDHI's name for ``coeff`` (GUDHI's default is 11, topodim's 2).
    num_collapses : int or "auto", optional
        GUDHI's edge-collapse setting: 0 is ``collapse_edges=False``, a positive count
        ``True`` (topodim collapses to a fixed point; the diagrams are the same), "auto" "auto".

    ``fit`` only checks the parameters; ``transform(Xs)`` returns the diagrams, a list (one entry
    per input), or with ``set_output(transform="pandas")`` a DataFrame with one row per input and
    the columns of :meth:`get_feature_names_out` ("H0", "H1", ...). An input of one point gives
    the single bar [0, inf) in H0 (GUDHI's and ripser.py's answer). A point cloud with a finite
    threshold and a euclidean / manhattan / chebyshev metric that is too large for
    :func:`ripser` at once (simplex indices above 2^62, or an n x n matrix above the available
    memory) is computed one connected component of its threshold graph at a time (a KD-tree
    finds the edges), as GUDHI does for large inputs.
    """

    def __init__(self, homology_dimensions=(0, 1), thresh=np.inf, coeff=2, metric="euclidean",
                 distance_matrix=False, dtype=np.float64, collapse_edges="auto", n_jobs=None,
                 n_threads=None, device="cpu", *, threshold=None, input_type=None,
                 homology_coeff_field=None, num_collapses=None):
        self.homology_dimensions = homology_dimensions
        self.thresh = thresh
        self.coeff = coeff
        self.metric = metric
        self.distance_matrix = distance_matrix
        self.dtype = dtype
        self.collapse_edges = collapse_edges
        self.n_jobs = n_jobs
        self.n_threads = n_threads
        self.device = device
        self.threshold = threshold
        self.input_type = input_type
        self.homology_coeff_field = homology_coeff_field
        self.num_collapses = num_collapses

    # get_params / set_params / repr (ParamsMixin) over these
    _param_names = ("homology_dimensions", "thresh", "coeff", "metric", "distance_matrix", "dtype",
                    "collapse_edges", "n_jobs", "n_threads", "device", "threshold", "input_type",
                    "homology_coeff_field", "num_collapses")

    def _dims(self):
        dims = self.homology_dimensions
        if isinstance(dims, numbers.Integral) and not isinstance(dims, bool):
            return [check_nonnegative_int(dims, "homology_dimensions")], True
        try:
            dims = [check_nonnegative_int(d, "homology_dimensions") for d in dims]
        except TypeError:
            raise TypeError("homology_dimensions must be an int or a sequence of ints") from None
        if not dims:
            raise ValueError("homology_dimensions is empty; pass e.g. (0, 1)")
        return dims, False

    def _resolved(self):
        """(thresh, coeff, distance_matrix, lower, collapse_edges) from either set of names."""
        thresh = check_threshold(self.thresh)
        if self.threshold is not None:
            t = check_threshold(self.threshold, "threshold")
            if thresh != math.inf and thresh != t:
                raise ValueError(f"thresh={self.thresh!r} and threshold={self.threshold!r} disagree; "
                                 "pass only one of them")
            thresh = t
        coeff = self.coeff
        if self.homology_coeff_field is not None:
            if coeff != 2 and coeff != self.homology_coeff_field:
                raise ValueError(f"coeff={coeff!r} and homology_coeff_field={self.homology_coeff_field!r} "
                                 "disagree; pass only one of them")
            coeff = self.homology_coeff_field
        coeff = check_prime(coeff, "homology_coeff_field" if self.homology_coeff_field is not None else "coeff")
        dm = self.distance_matrix
        if not isinstance(dm, (bool, np.bool_)):
            raise TypeError(f"distance_matrix must be True or False, got {dm!r}")
        lower = False
        if self.input_type is not None:
            if self.input_type not in _INPUT_TYPES:
                raise ValueError(f"input_type={self.input_type!r} is not one of "
                                 + ", ".join(repr(t) for t in _INPUT_TYPES))
            from_type = self.input_type != "point cloud"
            if dm and not from_type:
                raise ValueError("distance_matrix=True and input_type='point cloud' disagree; pass only one of them")
            dm = from_type
            lower = self.input_type == "lower distance matrix"
        collapse = self.collapse_edges
        if self.num_collapses is not None:
            nc = self.num_collapses
            if isinstance(nc, str) and nc == "auto":
                mapped = "auto"
            elif isinstance(nc, numbers.Integral) and not isinstance(nc, bool) and nc >= 0:
                mapped = bool(nc > 0)
            else:
                raise ValueError(f"num_collapses must be 'auto' or an integer >= 0, got {nc!r}")
            if collapse != "auto" and collapse != mapped:
                raise ValueError(f"collapse_edges={collapse!r} and num_collapses={nc!r} disagree; "
                                 "pass only one of them")
            collapse = mapped
        return thresh, coeff, bool(dm), lower, collapse

    def fit(self, X=None, y=None):
        self._dims()
        self._resolved()
        check_device(self.device)
        return self

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, ``["H<d>" for each homology dimension]`` (as GUDHI)."""
        dims, _ = self._dims()
        return [f"H{d}" for d in dims]

    def set_output(self, *, transform=None):
        """Choose the container of ``transform``'s result, as scikit-learn's ``set_output``:
        "default" (or None: unchanged) a list, "pandas" a DataFrame with one row per input and
        one column per homology dimension (each cell a diagram)."""
        if transform is not None and transform not in ("default", "pandas"):
            raise ValueError(f"set_output(transform={transform!r}): use 'default' or 'pandas'")
        if transform is not None:
            self._output = transform
        return self

    def transform(self, X):
        dims, single = self._dims()
        thresh, coeff, dm, lower, collapse = self._resolved()
        maxdim = max(dims)
        Xs = list(X)
        # one device context at a time: GPU inputs run sequentially
        if self.n_jobs is not None:
            resolve_n_threads(self.n_jobs, "n_jobs")  # a clear message for 0 / non-integers
        jobs = 1 if check_device(self.device) != "cpu" else self.n_jobs
        dt = as_dtype(self.dtype)

        def one(x, threads):
            use_dm = dm
            if lower:
                x = _lower_to_full(x, dt)
            if not hasattr(x, "nnz") and np.ndim(x) == 2 and np.shape(x)[0] <= 1 and (
                    not use_dm or np.shape(x)[0] == np.shape(x)[1]):
                # 0 or 1 point: the trivial diagrams, through a 0x0 / 1x1 sparse matrix (the
                # diagonal of a 1x1 distance matrix is the vertex's birth)
                import scipy.sparse as sp  # noqa: PLC0415

                k = np.shape(x)[0]
                x = sp.coo_matrix(np.asarray(x, dtype=dt) if use_dm else np.zeros((k, k), dt))
                use_dm = True
            def run(y, is_dm):
                return ripser(y, maxdim=maxdim, thresh=thresh, coeff=coeff, metric=self.metric,
                              distance_matrix=is_dm, dtype=dt, collapse_edges=collapse,
                              n_threads=threads, keep_distances=False, device=self.device,
                              return_generators=False)["dgms"]

            if (not (use_dm or lower) and not hasattr(x, "nnz") and math.isfinite(thresh)
                    and isinstance(self.metric, str) and self.metric in _KDTREE_P):
                P = as_points(x, dtype=np.float64)
                if _needs_components(P.shape[0], maxdim, dt):
                    d = _ripser_by_components(P, maxdim, thresh, self.metric,
                                              lambda A: run(A, True))
                    d = [a.astype(dt, copy=False) for a in d]
                    return d[dims[0]] if single else [d[k] for k in dims]
            d = run(x, use_dm or lower)
            return d[dims[0]] if single else [d[k] for k in dims]

        from ..batch import map_clouds  # noqa: PLC0415 - joblib only for batches

        out = map_clouds(one, Xs, n_jobs=jobs, n_threads=self.n_threads)
        if getattr(self, "_output", "default") == "pandas":
            import pandas as pd  # noqa: PLC0415

            names = self.get_feature_names_out()
            rows = [[d] for d in out] if single else out
            return pd.DataFrame.from_records([tuple(r) for r in rows], columns=names)
        return out

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)
