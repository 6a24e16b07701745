"""Helpers on persistence diagrams.

Conventions used everywhere in topodim:

* a diagram is a float array of shape (k, 2) holding (birth, death) rows, birth <= death;
* an essential (never dying) class has death ``np.inf``; no diagram ever holds NaN;
* a list of diagrams is indexed by homology dimension (``dgms[0]`` is H0), as in ripser.py;
* filtration values of Vietoris–Rips diagrams are diameters (edge lengths), not radii.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_diagram",
    "finite",
    "essential",
    "split",
    "lifetimes",
    "total_persistence",
    "betti_numbers",
    "betti_curve",
]


def as_diagram(dgm, name: str = "dgm") -> np.ndarray:
    """Validate a diagram: a float (k, 2) array without NaN, births finite, birth <= death."""
    try:
        arr = np.asarray(dgm, dtype=float) if not isinstance(dgm, np.ndarray) or dgm.dtype.kind not in "f" else dgm
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a (k, 2) array of (birth, death) pairs") from exc
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (k, 2) with (birth, death) rows, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; diagrams hold finite births and finite or inf deaths")
    if not np.isfinite(arr[:, 0]).all():
        raise ValueError(f"{name} has a non-finite birth; births must be finite")
    if (arr[:, 1] < arr[:, 0]).any():
        k = int(np.argmax(arr[:, 1] < arr[:, 0]))
        raise ValueError(f"{name} row {k} dies before it is born: {arr[k].tolist()}")
    return arr


def finite(dgm) -> np.ndarray:
    """The bars with a finite death."""
    arr = as_diagram(dgm)
    return arr[np.isfinite(arr[:, 1])]


def essential(dgm) -> np.ndarray:
    """The essential bars (death ``inf``)."""
    arr = as_diagram(dgm)
    return arr[~np.isfinite(arr[:, 1])]


def split(dgm):
    """``(finite(dgm), essential(dgm))``."""
    arr = as_diagram(dgm)
    mask = np.isfinite(arr[:, 1])
    return arr[mask], arr[~mask]


def lifetimes(dgm) -> np.ndarray:
    """Death minus birth of the finite bars."""
    f = finite(dgm)
    return f[:, 1] - f[:, 0]


def total_persistence(dgm, alpha: float = 1.0) -> float:
    """Total persistence E_alpha = sum over finite bars of (death - birth) ** alpha.

    This is the "lifespans sum" of Magai & Ayzenberg (arXiv 2204.08624) and Magai (arXiv
    2306.03406) and the quantity E^i_alpha whose growth with the sample size defines the
    PH-dimension. Essential bars are left out. Note: the papers' code multiplies the sum by 0.5
    (``0.5 * sum(...)``); topodim does not, so multiply by 0.5 to compare with their numbers
    (the PH-dimension, a slope in log–log, is unaffected).

    Parameters
    ----------
    dgm : (k, 2) array
    alpha : float > 0, default 1

    Returns
    -------
    float
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a positive number, got {alpha!r}")
    if not alpha > 0 or not np.isfinite(alpha):
        raise ValueError(f"alpha must be a positive finite number, got {alpha}")
    life = lifetimes(dgm)
    if alpha == 1:
        return float(life.sum())
    return float(np.power(life, alpha).sum())


def _as_diagram_list(dgms):
    if isinstance(dgms, np.ndarray) and dgms.ndim == 2:
        return [dgms]
    return list(dgms)


def betti_numbers(dgms, r: float) -> np.ndarray:
    """Betti numbers at filtration value r: the bars with birth <= r < death, per dimension.

    Parameters
    ----------
    dgms : list of (k, 2) arrays, or one diagram
    r : float

    Returns
    -------
    ndarray of int64, one entry per diagram
    """
    r = float(r)
    if np.isnan(r):
        raise ValueError("r is NaN; pass a filtration value")
    out = []
    for dgm in _as_diagram_list(dgms):
        arr = as_diagram(dgm)
        out.append(int(np.count_nonzero((arr[:, 0] <= r) & (r < arr[:, 1]))))
    return np.asarray(out, dtype=np.int64)


def betti_curve(dgm, grid) -> np.ndarray:
    """The Betti curve of one diagram: ``betti_numbers(dgm, r)`` for every r in ``grid``.

    Computed with two sorted searches (O((k + m) log k)), not a loop over the grid.
    """
    arr = as_diagram(dgm)
    g = np.asarray(grid, dtype=float)
    if g.ndim != 1:
        raise ValueError(f"grid must be 1-D, got shape {g.shape}")
    if np.isnan(g).any():
        raise ValueError("grid contains NaN")
    births = np.sort(arr[:, 0])
    deaths = np.sort(arr[:, 1])
    born = np.searchsorted(births, g, side="right")  # birth <= r
    dead = np.searchsorted(deaths, g, side="right")  # death <= r
    return (born - dead).astype(np.int64)
