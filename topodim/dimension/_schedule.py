"""Sample-size schedules of the PH-dimension and the random subsamples drawn for them.

A :class:`Schedule` lists the sample sizes and how many subsamples of each size one repeat uses
(:func:`resolve_schedule`). :func:`draw_subsamples` draws every subsample of every repeat from one
``numpy.random.Generator`` before any computation, so that results do not depend on the thread
count or on the engine: with ``sampling="nested"`` each subsample slot of a repeat is one random
ordering (a uniform random subset of the largest size, in random order) whose prefixes are the
subsamples of the schedule's sizes; with ``"independent"`` every size, repeat and subsample gets a
fresh random subset.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["DEFAULT_REPEATS", "SCHEDULES", "Draws", "Schedule", "draw_subsamples", "resolve_schedule"]


#: Schedule names understood by :func:`resolve_schedule`.
SCHEDULES = ("geometric", "magai", "birdal", "gptid")
#: Default number of repeats of the whole schedule.
DEFAULT_REPEATS = 5
#: Sizes of the "geometric" schedule.
GEOMETRIC_SIZES = 16
#: Smallest subsample of the "geometric" schedule, as a fraction of its largest.
GEOMETRIC_LOW = 0.1
#: Largest subsample of the "geometric" schedule (the cost of one repeat grows as its square).
GEOMETRIC_MAX = 10000


@dataclass(frozen=True)
class Schedule:
    """Sample sizes and how many subsamples of each size one repeat draws.

    Attributes
    ----------
    name : str
        The schedule's name, or "explicit" for a user's list.
    sizes : ndarray of int64
        Strictly increasing sample sizes, each at least 2 and at most the number of points.
    n_subsamples : int
        Subsamples per size and repeat; their E values are combined by ``aggregate``.
    aggregate : {"mean", "median"}
        How the subsamples of one size and repeat are combined (before taking logs).
    """

    name: str
    sizes: np.ndarray
    n_subsamples: int
    aggregate: str


def _check_sizes(sizes, n_points: int, name: str) -> np.ndarray:
    arr = np.asarray(sizes)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"schedule must be a schedule name ({', '.join(SCHEDULES)}) or a 1-D list of sample sizes, got {sizes!r}")
    if not (np.issubdtype(arr.dtype, np.integer) or (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)))):
        raise TypeError(f"sample sizes must be integers, got {arr!r}")
    arr = arr.astype(np.int64)
    if arr.size < 2:
        raise ValueError(f"a schedule needs at least 2 sample sizes to fit a slope, got {arr.tolist()}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"sample sizes must be strictly increasing, got {arr.tolist()}")
    if arr[0] < 2:
        raise ValueError(f"sample sizes must be at least 2 (one MST edge), got {int(arr[0])}")
    if arr[-1] > n_points:
        raise ValueError(
            f"schedule {name!r} needs subsamples of up to {int(arr[-1])} points but X has {n_points}; "
            "pass more points, smaller sizes (schedule=[...]) or schedule='geometric' (adapts to the data)"
        )
    return arr


def resolve_schedule(schedule, n_points: int, n_subsamples=None, aggregate=None) -> Schedule:
    """The sample sizes a schedule gives for ``n_points`` points.

    Parameters
    ----------
    schedule : str or sequence of int
        ``"geometric"`` (topodim's default): 16 sizes spaced geometrically from
        ``ceil(0.1 * M)`` (at least 3) to M = min(N, 10000), rounded and deduplicated. (One repeat
        costs about one MST of M points; pass explicit sizes to go beyond 10,000.)
        ``"magai"``: 500, 850, ..., every size below N in steps of 350 (Magai & Ayzenberg's code;
        one subsample per size).
        ``"birdal"``: 200, 250, ..., 950 (``range(200, 1000, 50)``, Birdal et al. and Dupuis et
        al.); needs N >= 950.
        ``"gptid"``: 50, 90, ..., 490 (GPTID's ``range(50, 512, 40)``, sizes above N dropped),
        7 subsamples per size combined by their median. (GPTID itself draws only 3 when
        n >= N / 2 to save time; topodim draws 7 at every size.)
        A sequence: explicit, strictly increasing sizes between 2 and N.
    n_points : int
        N, the number of points.
    n_subsamples : int, optional
        Override the schedule's subsamples per size (default: 7 for "gptid", else 1).
    aggregate : {"mean", "median"}, optional
        Override how subsamples of one size are combined (default: "median" for "gptid", else
        "mean").
    """
    n = int(n_points)
    default_sub, default_agg = 1, "mean"
    if isinstance(schedule, str):
        name = schedule.strip().lower()
        if name == "geometric":
            if n < 4:
                raise ValueError(f"the 'geometric' schedule needs at least 4 points, X has {n}")
            hi = min(n, GEOMETRIC_MAX)
            lo = max(3, int(math.ceil(GEOMETRIC_LOW * hi)))
            sizes = np.unique(np.round(np.geomspace(min(lo, hi - 1), hi, GEOMETRIC_SIZES)).astype(np.int64))
        elif name == "magai":
            sizes = np.arange(500, n, 350, dtype=np.int64)
            if sizes.size < 2:
                raise ValueError(
                    f"schedule 'magai' (500, 850, ... below N) needs more than 850 points, X has {n}; "
                    "use schedule='geometric' or an explicit list of sizes"
                )
        elif name == "birdal":
            sizes = np.arange(200, 1000, 50, dtype=np.int64)
            if n < 950:
                raise ValueError(
                    f"schedule 'birdal' (200, 250, ..., 950) needs at least 950 points, X has {n}; "
                    "use schedule='geometric' or an explicit list of sizes"
                )
        elif name == "gptid":
            sizes = np.arange(50, 512, 40, dtype=np.int64)
            sizes = sizes[sizes <= n]
            default_sub, default_agg = 7, "median"
            if sizes.size < 2:
                raise ValueError(f"schedule 'gptid' (50, 90, ..., 490) needs at least 90 points, X has {n}")
        else:
            raise ValueError(f"unknown schedule {schedule!r}; use one of {', '.join(SCHEDULES)} or a list of sizes")
    else:
        name = "explicit"
        sizes = schedule
    sizes = _check_sizes(sizes, n, name)
    if n_subsamples is None:
        n_subsamples = default_sub
    if isinstance(n_subsamples, bool) or not isinstance(n_subsamples, numbers.Integral) or n_subsamples < 1:
        raise ValueError(f"n_subsamples must be a positive integer, got {n_subsamples!r}")
    if aggregate is None:
        aggregate = default_agg
    if aggregate not in ("mean", "median"):
        raise ValueError(f"aggregate must be 'mean' or 'median', got {aggregate!r}")
    return Schedule(name, sizes, int(n_subsamples), aggregate)


@dataclass
class Draws:
    """The subsamples of a PH-dimension run: orderings (chains) of point indices, the sizes at
    which each chain reports (its prefixes of those sizes are subsamples), and where each report
    goes.

    Attributes
    ----------
    ids : ndarray of int64
        The point indices of all chains, concatenated.
    offs : ndarray of int64
        Chain ``c`` is ``ids[offs[c]:offs[c + 1]]``.
    reports : ndarray of int64
        The report sizes of all chains, concatenated.
    roffs : ndarray of int64
        Chain ``c`` reports at the sizes ``reports[roffs[c]:roffs[c + 1]]``.
    slots : ndarray of int64, shape (n_reports, 3)
        ``(size index, repeat, subsample)`` of each report.
    """

    ids: np.ndarray
    offs: np.ndarray
    reports: np.ndarray
    roffs: np.ndarray
    slots: np.ndarray

    def subsamples(self) -> list[np.ndarray]:
        """The point indices of every subsample, one array per report, in the order of
        :attr:`slots` (chain by chain, each chain's prefixes by increasing size)."""
        out = []
        for c in range(len(self.offs) - 1):
            chain = self.ids[self.offs[c]:self.offs[c + 1]]
            out.extend(chain[:size] for size in self.reports[self.roffs[c]:self.roffs[c + 1]])
        return out


def draw_subsamples(rng, N, sched: Schedule, n_repeats: int, sampling: str) -> Draws:
    """Draw every subsample of every repeat of a schedule before any computation.

    :func:`topodim.dimension.ph_dimension` draws its subsamples with this function, before it
    uses its random generator for anything else (``numpy.random.default_rng(seed)`` for an int
    ``random_state``); calling it the same way gives the very subsets it measures (to run another
    tool on them, for instance).

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness; it is advanced.
    N : int
        The number of points to draw from.
    sched : Schedule
        Sizes and subsamples per size (from :func:`resolve_schedule`).
    n_repeats : int
        Repeats of the whole schedule.
    sampling : {"nested", "independent"}
        ``"nested"``: one random ordering per repeat and subsample slot, whose prefixes are the
        subsamples of the schedule's sizes; ``"independent"``: a fresh random subset for every
        size, repeat and subsample.

    Returns
    -------
    Draws
        The chains and their reports; :meth:`Draws.subsamples` lists the index sets.
    """
    K, S = len(sched.sizes), sched.n_subsamples
    nmax = int(sched.sizes[-1])
    ids, offs, reports, roffs, slots = [], [0], [], [0], []
    if sampling == "nested":
        for r in range(n_repeats):
            for s in range(S):
                ids.append(rng.permutation(N)[:nmax])
                offs.append(offs[-1] + nmax)
                reports.append(sched.sizes)
                roffs.append(roffs[-1] + K)
                slots.extend((k, r, s) for k in range(K))
    else:
        for r in range(n_repeats):
            for k, n in enumerate(sched.sizes):
                for s in range(S):
                    ids.append(rng.choice(N, size=int(n), replace=False))
                    offs.append(offs[-1] + int(n))
                    reports.append(np.array([n]))
                    roffs.append(roffs[-1] + 1)
                    slots.append((k, r, s))
    return Draws(
        np.ascontiguousarray(np.concatenate(ids), dtype=np.int64),
        np.asarray(offs, dtype=np.int64),
        np.ascontiguousarray(np.concatenate(reports), dtype=np.int64),
        np.asarray(roffs, dtype=np.int64),
        np.asarray(slots, dtype=np.int64).reshape(-1, 3),
    )
