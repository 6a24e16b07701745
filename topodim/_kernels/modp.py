"""Arithmetic in Z/p (p prime): the table of modular inverses."""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = ["mod_inverses"]


@njit
def mod_inverses(p):
    """``inv`` of length p with ``inv[a] * a = 1 (mod p)`` for a in 1..p-1 (``inv[0]`` is 0).

    Uses the recurrence inv(a) = -(p // a) * inv(p mod a) mod p: O(p), no exponentiation.
    Callable from Python and from kernels.
    """
    inv = np.zeros(p, dtype=np.int64)
    if p > 1:
        inv[1] = 1
    for a in range(2, p):
        inv[a] = (p - (p // a) * inv[p % a] % p) % p
    return inv
