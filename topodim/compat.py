"""ripser.py's other public names: the ``Rips`` transformer, ``lower_star_img`` and
``correlation_to_distance``, on topodim's engine.

Together with :func:`topodim.ripser` these make ``from topodim import ripser, Rips,
lower_star_img, correlation_to_distance`` a replacement for the same import from ripser.py
(0.6.15): same parameters, defaults, attributes, result conventions and the key phrases of its
warnings and errors. Differences are stated where they occur (``Rips`` prints nothing; values are
not rounded to float32).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._base import ParamsMixin
from ._validate import as_float_array
from .rips import ripser

__all__ = ["Rips", "lower_star_img", "correlation_to_distance"]


# ==========================================================================================
# correlation matrices
# ==========================================================================================


def correlation_to_distance(C, check_input=True):
    """The chordal distance ``D = sqrt(2 (1 - C))`` of a correlation matrix, as ripser.py's.

    A Pearson or Spearman correlation matrix C is the Gram matrix of unit vectors (the
    standardised variables), and ``sqrt(2 (1 - C_ij))`` is the Euclidean distance between the
    two unit vectors: a metric (triangle inequality included) with values in [0, 2].

    Parameters
    ----------
    C : array-like (n, n)
        A symmetric correlation matrix with values in [-1, 1].
    check_input : bool, default True
        Validate C first: 2-D, square, symmetric (``np.allclose(C, C.T, rtol=1e-5, atol=1e-5)``),
        values within [-1.05, 1.05]. Values slightly outside [-1, 1] are clipped with a
        ``RuntimeWarning``; a diagonal farther than 1e-3 from 1 gives a ``RuntimeWarning``.
        ``False`` skips every check (values are still clipped to [-1, 1]).

    Returns
    -------
    D : ndarray (n, n), float64
        Distances in [0, 2], diagonal exactly 0.

    Raises
    ------
    ValueError
        (with ``check_input``) C is not 2-D, not square, not symmetric, holds NaN, or has values
        outside [-1.05, 1.05] (a covariance or raw data matrix, most likely).
    """
    C = np.asarray(C, dtype=float)
    if check_input:
        if C.ndim != 2:
            raise ValueError(f"Input must be a 2D matrix, got a {C.ndim}D array instead; pass the (n, n) correlation matrix")
        if C.shape[0] != C.shape[1]:
            raise ValueError(f"Matrix must be square (n x n), got shape {C.shape}; pass the (n, n) correlation matrix")
        if np.isnan(C).any():
            i, j = (int(v) for v in np.argwhere(np.isnan(C))[0])
            raise ValueError(f"C contains NaN (first at [{i}, {j}]); a correlation matrix holds numbers in [-1, 1]")
        if not np.allclose(C, C.T, rtol=1e-5, atol=1e-5):
            raise ValueError("Matrix must be symmetric; C_ij must equal C_ji (pass (C + C.T) / 2)")
        if np.any((C < -1.05) | (C > 1.05)):
            raise ValueError(
                "Values are significantly outside the valid correlation bounds [-1,1]. Ensure you are "
                "passing a correlation matrix, not a covariance or raw data matrix (np.corrcoef)."
            )
        if np.any((C < -1.0) | (C > 1.0)):
            warnings.warn(
                "Some values are slightly outside the valid correlation bounds [-1,1]. For "
                "floating-point precision, these values have been clipped.",
                RuntimeWarning,
                stacklevel=2,
            )
        if not np.allclose(np.diagonal(C), 1.0, atol=1e-3):
            warnings.warn(
                "The matrix diagonal elements deviate from 1.0. Ensure this is a correlation matrix.",
                RuntimeWarning,
                stacklevel=2,
            )
    D = 2.0 * (1.0 - np.clip(C, -1.0, 1.0))
    np.sqrt(D, out=D)
    np.fill_diagonal(D, 0.0)
    return D


# ==========================================================================================
# images
# ==========================================================================================


def _image_graph(img: np.ndarray):
    """COO arrays (rows, cols, values) of the 8-neighbourhood graph of a pixel grid: the diagonal
    holds the pixel values (vertex births), each unordered pair of pixels adjacent horizontally,
    vertically or diagonally appears once (row < col) with the larger of the two values."""
    m, n = img.shape
    idx = np.arange(m * n, dtype=np.int64).reshape(m, n)
    rows = [idx.ravel()]
    cols = [idx.ravel()]
    vals = [img.ravel()]
    # the four "forward" neighbours of each pixel: right, down, down-right, down-left
    for a, b in (
        (np.s_[:, :-1], np.s_[:, 1:]),
        (np.s_[:-1, :], np.s_[1:, :]),
        (np.s_[:-1, :-1], np.s_[1:, 1:]),
        (np.s_[:-1, 1:], np.s_[1:, :-1]),
    ):
        p, q = idx[a].ravel(), idx[b].ravel()
        rows.append(np.minimum(p, q))
        cols.append(np.maximum(p, q))
        vals.append(np.maximum(img[a], img[b]).ravel())
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def lower_star_img(img):
    """The 0-dimensional persistence diagram of an image's sublevel sets, as ripser.py's.

    Each pixel is a vertex born at its value; each pair of pixels adjacent horizontally,
    vertically or diagonally (the 8-neighbourhood, ripser.py's convention) is an edge entering at
    the larger of the two values. The H0 diagram of this filtration is that of the sublevel sets
    ``{img <= t}`` with 8-connectivity. (:func:`topodim.image_filtration` triangulates the grid
    instead, with one diagonal per square, and also gives H1.)

    Parameters
    ----------
    img : array-like (M, N)
        A single-channel image of finite real values.

    Returns
    -------
    dgm : ndarray (K, 2), float64
        Bars (birth, death) by the elder rule: finite bars in increasing order of death, then the
        essential bar(s) with death ``np.inf`` (one per 8-connected component of the image, i.e.
        one). Bars of zero persistence are left out.
    """
    import scipy.sparse as sp  # noqa: PLC0415

    a = as_float_array(img, name="img")
    if a.ndim != 2:
        raise ValueError(f"img must be a 2-D single-channel image (M, N), got {a.ndim}-D shape {a.shape}; "
                         "convert colour images to one channel first")
    if a.size == 0:
        return np.zeros((0, 2), dtype=np.float64)
    if not np.isfinite(a).all():
        i, j = (int(v) for v in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"img has a non-finite pixel {a[i, j]!r} at [{i}, {j}]; replace NaN / inf values first")
    r, c, v = _image_graph(a)
    G = sp.coo_matrix((v, (r, c)), shape=(a.size, a.size))
    return ripser(G, maxdim=0, distance_matrix=True, keep_distances=False)["dgms"][0]


# ==========================================================================================
# the scikit-learn style transformer
# ==========================================================================================


class Rips(ParamsMixin):
    """ripser.py's scikit-learn style transformer: ``transform(X)`` returns the diagrams of
    :func:`topodim.ripser` and keeps the other results as attributes.

    Parameters
    ----------
    maxdim : int, default 1
        Largest homology dimension computed (H_0 .. H_maxdim).
    thresh : float, default inf
        Largest diameter in the filtration (inf: the whole filtration).
    coeff : int, default 2
        Prime p of the coefficient field Z/p.
    do_cocycles : bool, default False
        Compute representative cocycles into ``cocycles_``.
    n_perm : int, optional
        Greedy furthest-point subsample of this many points.
    verbose : bool, default True
        Accepted for compatibility. ripser.py prints the parameters when the object is built;
        topodim's constructor only stores them and nothing is printed.

    Attributes
    ----------
    Set by ``transform``, ``fit_transform`` and ``fit``.

    dgms_ : list of ndarray (k, 2)
        The diagrams, one per dimension 0..maxdim.
    cocycles_ : list of list of ndarray
        Representative cocycles per dimension (empty lists without ``do_cocycles``).
    dperm2all_ : ndarray (n, n) or (n_perm, n), or the scipy.sparse input
        The distance matrix used (see :func:`topodim.ripser`).
    num_edges_ : int
        Edges of the filtration, counted as ripser.py counts them.
    idx_perm_ : ndarray
        Indices of the points used (all of them without ``n_perm``).
    r_cover_ : float
        Covering radius of the subsample (0 without ``n_perm``).
    metric_ : str or callable
        The metric of the last transform (ripser.py leaves it None).

    Notes
    -----
    ripser.py's ``Rips`` sets the attributes to None in the constructor; here they exist only
    after a transform (scikit-learn's convention). ``get_params`` / ``set_params`` make the
    object work with ``sklearn.base.clone`` and pipelines.
    """

    _param_names = ("maxdim", "thresh", "coeff", "do_cocycles", "n_perm", "verbose")

    def __init__(self, maxdim=1, thresh=np.inf, coeff=2, do_cocycles=False, n_perm=None, verbose=True):
        self.maxdim = maxdim
        self.thresh = thresh
        self.coeff = coeff
        self.do_cocycles = do_cocycles
        self.n_perm = n_perm
        self.verbose = verbose

    # -- computation ---------------------------------------------------------------------------
    def transform(self, X, distance_matrix=False, metric="euclidean"):
        """Compute the persistence diagrams of X and return them (a list, one per dimension).

        ``distance_matrix`` and ``metric`` are as in :func:`topodim.ripser`."""
        result = ripser(X, maxdim=self.maxdim, thresh=self.thresh, coeff=self.coeff,
                        distance_matrix=distance_matrix, do_cocycles=self.do_cocycles,
                        metric=metric, n_perm=self.n_perm)
        self.dgms_ = result["dgms"]
        self.num_edges_ = result["num_edges"]
        self.dperm2all_ = result["dperm2all"]
        self.idx_perm_ = result["idx_perm"]
        self.cocycles_ = result["cocycles"]
        self.r_cover_ = result["r_cover"]
        self.metric_ = metric
        return self.dgms_

    def fit_transform(self, X, y=None, distance_matrix=False, metric="euclidean"):
        """Same as :meth:`transform` (``y`` is ignored). ripser.py's positional order
        ``fit_transform(X, distance_matrix, metric)`` is accepted: a bool in ``y`` is read as
        ``distance_matrix``."""
        if isinstance(y, (bool, np.bool_)):
            if isinstance(distance_matrix, str) or callable(distance_matrix):
                metric = distance_matrix
            distance_matrix = bool(y)
        return self.transform(X, distance_matrix=distance_matrix, metric=metric)

    def fit(self, X, y=None, distance_matrix=False, metric="euclidean"):
        """Compute the diagrams (as :meth:`transform`) and return self."""
        self.fit_transform(X, y, distance_matrix=distance_matrix, metric=metric)
        return self

    def plot(self, diagrams=None, *args, **kwargs):
        """Plot diagrams (default: ``dgms_``) with ``persim.plot_diagrams`` when persim is
        installed, else with a plain matplotlib scatter (keywords ``show``, ``title``, ``labels``,
        ``ax``, ``size``, ``legend``, ``plot_only``)."""
        if diagrams is None:
            if not hasattr(self, "dgms_"):
                raise ValueError("Rips.plot: no diagrams yet; call transform(X) or fit_transform(X) first, "
                                 "or pass diagrams=")
            diagrams = self.dgms_
        try:
            import persim  # noqa: PLC0415
        except ImportError:
            persim = None
        if persim is not None:
            return persim.plot_diagrams(diagrams, *args, **kwargs)
        return _plot_matplotlib(diagrams, *args, **kwargs)


_FALLBACK_KEYS = {"show", "title", "labels", "ax", "size", "legend", "plot_only"}


def _plot_matplotlib(diagrams, *args, **kwargs):
    if args:
        raise TypeError("without persim, Rips.plot takes only keyword options "
                        f"({', '.join(sorted(_FALLBACK_KEYS))}); pip install persim for the others")
    unknown = set(kwargs) - _FALLBACK_KEYS
    if unknown:
        raise TypeError(f"without persim, Rips.plot does not know {', '.join(sorted(unknown))}; "
                        "pip install persim for its plot_diagrams options")
    try:
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        raise ImportError("Rips.plot needs persim (pip install persim) or matplotlib (pip install matplotlib)") from None
    dgms = [diagrams] if isinstance(diagrams, np.ndarray) and diagrams.ndim == 2 else list(diagrams)
    dgms = [np.asarray(d, dtype=np.float64).reshape(-1, 2) for d in dgms]
    labels = kwargs.get("labels")
    if labels is None:
        labels = [f"$H_{k}$" for k in range(len(dgms))]
    elif isinstance(labels, str):
        labels = [labels]
    keep = kwargs.get("plot_only")
    which = list(range(len(dgms))) if keep is None else [int(k) for k in keep]
    ax = kwargs.get("ax") or plt.gca()
    finite = np.concatenate([d[np.isfinite(d)] for d in dgms]) if dgms else np.zeros(0)
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    pad = 0.05 * (hi - lo if hi > lo else 1.0)
    top = hi + 2 * pad  # essential bars are drawn on this line
    ax.plot([lo - pad, top], [lo - pad, top], "--", color="grey", linewidth=1)
    ax.axhline(top, color="grey", linewidth=0.5)
    for k in which:
        d = dgms[k]
        y = np.where(np.isinf(d[:, 1]), top, d[:, 1])
        ax.scatter(d[:, 0], y, s=kwargs.get("size", 20), label=labels[k] if k < len(labels) else None)
    ax.set_xlabel("Birth")
    ax.set_ylabel("Death")
    ax.set_xlim(lo - pad, top + pad)
    ax.set_ylim(lo - pad, top + pad)
    ax.set_aspect("equal", "box")
    if kwargs.get("title"):
        ax.set_title(kwargs["title"])
    if kwargs.get("legend", True):
        ax.legend(loc="lower right")
    if kwargs.get("show", False):
        plt.show()
    return ax
