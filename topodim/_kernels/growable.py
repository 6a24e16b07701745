"""Arrays that grow by doubling inside kernels (amortised O(1) per appended element)."""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = ["grow"]


@njit
def grow(a, need):
    """``a`` itself when it holds at least ``need`` elements, else a new array of the same dtype
    with capacity ``max(need, 2 * len(a), 16)`` whose first ``len(a)`` elements are ``a``'s (the
    rest uninitialised). Callers keep their own length and rebind: ``a = grow(a, n + k)``."""
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0], 16), dtype=a.dtype)
    # an explicit loop: a slice assignment would compile Numba's general array setitem for
    # every dtype, seconds of compile time for a copy
    for k in range(a.shape[0]):
        b[k] = a[k]
    return b
