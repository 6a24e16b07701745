"""Scalar checks: integers, positive numbers, random states, homology dimensions, prime fields and
thresholds. One check of each kind, shared by every entry point."""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "check_nonnegative_int",
    "check_positive",
    "check_random_state",
    "MAX_DIMENSION",
    "check_maxdim",
    "is_prime",
    "check_prime",
    "check_threshold",
]


def check_nonnegative_int(value, name: str, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum`` (bools are not integers here); TypeError / ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_positive(value, name: str) -> float:
    """``value`` as a finite float > 0 (bools are refused); TypeError / ValueError."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number > 0, got a bool")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number > 0, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def check_random_state(random_state) -> np.random.Generator:
    """A ``numpy.random.Generator`` from None, a non-negative int, a SeedSequence, a Generator
    (returned as it is) or a legacy RandomState (which seeds a new Generator by one draw)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, bool):
        raise TypeError("random_state must be None, an int, a SeedSequence or a Generator, got a bool")
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(random_state, numbers.Integral) and random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got {random_state}")
        return np.random.default_rng(random_state)
    raise TypeError(
        f"random_state must be None, an int, a numpy SeedSequence or Generator, got {type(random_state).__name__}"
    )


#: The largest ``maxdim`` accepted. A complex on n vertices has homology only up to dimension
#: n - 2 (a Rips complex) or its own dimension, and the simplex indices of dimension k need
#: C(n, k + 1) < 2**62; the diagrams above that are empty but one is still returned per dimension
#: (as ripser.py does), so an absurd maxdim would only allocate millions of empty diagrams.
MAX_DIMENSION = 10_000


def check_maxdim(value, name: str = "maxdim") -> int:
    """A homology dimension in 0..:data:`MAX_DIMENSION`."""
    value = check_nonnegative_int(value, name)
    if value > MAX_DIMENSION:
        raise ValueError(
            f"{name}={value} is above {MAX_DIMENSION:,}; homology of a complex on n vertices stops "
            f"at dimension n - 2 (or the complex's own dimension): pass a {name} of at most that"
        )
    return value


def is_prime(p: int) -> bool:
    if p < 2:
        return False
    if p < 4:
        return True
    if p % 2 == 0:
        return False
    k = 3
    while k * k <= p:
        if p % k == 0:
            return False
        k += 2
    return True


def check_prime(coeff, name: str = "coeff", maximum: int = 32749) -> int:
    """A prime field characteristic p with 2 <= p <= maximum."""
    if isinstance(coeff, bool) or not isinstance(coeff, numbers.Integral):
        raise TypeError(f"{name} must be a prime integer, got {coeff!r}")
    p = int(coeff)
    if not is_prime(p):
        raise ValueError(f"{name} must be a prime (coefficients in Z/p), got {p}")
    if p > maximum:
        raise ValueError(f"{name} = {p} is above the largest supported prime field size {maximum}")
    return p


def check_threshold(thresh, name: str = "thresh", allow_negative: bool = False) -> float:
    """A non-negative threshold (any real with ``allow_negative``); ``np.inf`` (no threshold)
    allowed, NaN and -inf not."""
    if thresh is None:
        return math.inf
    try:
        t = float(thresh)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a number, got {thresh!r}") from exc
    if math.isnan(t):
        raise ValueError(f"{name} is NaN; pass a number >= 0 or np.inf")
    if t == -math.inf:
        raise ValueError(f"{name} is -inf; pass a number or np.inf")
    if t < 0 and not allow_negative:
        raise ValueError(f"{name} must be >= 0, got {t}")
    return t
