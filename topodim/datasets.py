"""Samplers of sets whose dimension is known, for testing dimension estimators.

Every sampler takes the number of points ``n`` first and a ``random_state`` (``None``, an int, a
``numpy.random.SeedSequence`` or a ``numpy.random.Generator``) last, and returns a C-contiguous
float64 array of shape ``(n, ambient_dimension)``. The same seed gives the same points.

==========================  ================================  ===================  =================
sampler                     set                               ambient dimension    dimension
==========================  ================================  ===================  =================
``cube(n, d)``              uniform in [0, 1]^d               d                    d
``ball(n, d)``              uniform in the unit ball of R^d   d                    d
``sphere(n, k)``            uniform on the unit k-sphere      k + 1                k
``flat_torus(n)``           uniform on the Clifford torus     4                    2 (flat metric)
``torus(n, R, r)``          uniform (area) on a ring torus    3                    2
``swiss_roll(n)``           the swiss roll (sklearn's shape)  3                    2
``sierpinski_triangle(n)``  self-similar measure              2                    log 3 / log 2
``sierpinski_carpet(n)``    self-similar measure              2                    log 8 / log 3
``menger_sponge(n)``        self-similar measure              3                    log 20 / log 3
``cantor_set(n)``           middle-thirds Cantor measure      1                    log 2 / log 3
``cantor_dust(n, d)``       product of d Cantor sets          d                    d log 2 / log 3
==========================  ================================  ===================  =================

The fractals are sampled exactly from their natural self-similar measure: each point is a random
address of ``digits`` independent uniform digits (40 binary / 30 ternary digits by default, far
below float64 resolution), not by a chaos game (which needs a burn-in and gives correlated points).

:func:`embed` maps any of them linearly into a higher-dimensional space, optionally with
Gaussian noise; with ``isometric=True`` (default) the map has orthonormal columns, so distances
and therefore every distance-based dimension estimate are unchanged.

:data:`REFERENCE_SETS` names the sets used in topodim's accuracy tests and documentation table,
with their true dimensions; :func:`sample` draws one by name.
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import as_points, check_nonnegative_int, check_positive, check_random_state

__all__ = [
    "REFERENCE_SETS",
    "ReferenceSet",
    "ball",
    "cantor_dust",
    "cantor_set",
    "cube",
    "embed",
    "flat_torus",
    "menger_sponge",
    "sample",
    "sierpinski_carpet",
    "sierpinski_triangle",
    "sphere",
    "swiss_roll",
    "torus",
]


# ------------------------------------------------------------------------------------------
# manifolds
# ------------------------------------------------------------------------------------------


def cube(n, d=2, random_state=None) -> np.ndarray:
    """``n`` points uniform in the unit cube [0, 1]^d (dimension d)."""
    n = check_nonnegative_int(n, "n", 1)
    d = check_nonnegative_int(d, "d", 1)
    return np.ascontiguousarray(check_random_state(random_state).random((n, d)))


def ball(n, d=2, random_state=None) -> np.ndarray:
    """``n`` points uniform in the closed unit ball of R^d (dimension d).

    A uniform direction times a radius U^(1/d), U uniform in [0, 1].
    """
    n = check_nonnegative_int(n, "n", 1)
    d = check_nonnegative_int(d, "d", 1)
    rng = check_random_state(random_state)
    g = rng.standard_normal((n, d))
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    r = rng.random(n) ** (1.0 / d)
    return np.ascontiguousarray(g * r[:, None])


def sphere(n, k=2, random_state=None) -> np.ndarray:
    """``n`` points uniform on the unit k-sphere S^k in R^(k+1) (dimension k)."""
    n = check_nonnegative_int(n, "n", 1)
    k = check_nonnegative_int(k, "k", 1)
    g = check_random_state(random_state).standard_normal((n, k + 1))
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    return np.ascontiguousarray(g)


def flat_torus(n, random_state=None) -> np.ndarray:
    """``n`` points uniform on the flat (Clifford) torus in R^4 (dimension 2).

    (cos 2πu, sin 2πu, cos 2πv, sin 2πv) / (2π) with (u, v) uniform in [0, 1)²: the map is a local
    isometry of the flat torus R²/Z² (every small square keeps its area), so the uniform measure is
    2-Ahlfors regular. Distances are chordal (Euclidean in R^4).
    """
    n = check_nonnegative_int(n, "n", 1)
    uv = 2.0 * np.pi * check_random_state(random_state).random((n, 2))
    X = np.column_stack([np.cos(uv[:, 0]), np.sin(uv[:, 0]), np.cos(uv[:, 1]), np.sin(uv[:, 1])])
    return np.ascontiguousarray(X / (2.0 * np.pi))


def torus(n, R=2.0, r=1.0, random_state=None) -> np.ndarray:
    """``n`` points uniform (with respect to area) on the ring torus in R³ (dimension 2).

    Major radius ``R`` (centre of the tube to the axis), minor radius ``r`` < ``R``. The angle
    around the tube is drawn by rejection with acceptance (R + r cos θ) / (R + r), which makes the
    density uniform on the surface (not in the angles).
    """
    n = check_nonnegative_int(n, "n", 1)
    R = check_positive(R, "R")
    r = check_positive(r, "r")
    if r >= R:
        raise ValueError(f"torus needs r < R (a ring torus), got R={R}, r={r}")
    rng = check_random_state(random_state)
    theta = np.empty(0)
    while theta.size < n:
        t = 2.0 * np.pi * rng.random(2 * (n - theta.size) + 16)
        keep = rng.random(t.size) * (R + r) <= R + r * np.cos(t)
        theta = np.concatenate([theta, t[keep]])
    theta = theta[:n]
    phi = 2.0 * np.pi * rng.random(n)
    ring = R + r * np.cos(theta)
    X = np.column_stack([ring * np.cos(phi), ring * np.sin(phi), r * np.sin(theta)])
    return np.ascontiguousarray(X)


def swiss_roll(n, height=21.0, random_state=None) -> np.ndarray:
    """``n`` points on the swiss roll in R³ (dimension 2), the shape of sklearn's make_swiss_roll.

    t uniform in [1.5π, 4.5π], h uniform in [0, height]; the point is (t cos t, h, t sin t).
    The density is uniform in (t, h), not in area (area grows with t), which does not change
    the dimension.
    """
    n = check_nonnegative_int(n, "n", 1)
    height = check_positive(height, "height")
    rng = check_random_state(random_state)
    t = 1.5 * np.pi * (1.0 + 2.0 * rng.random(n))
    h = height * rng.random(n)
    return np.ascontiguousarray(np.column_stack([t * np.cos(t), h, t * np.sin(t)]))


# ------------------------------------------------------------------------------------------
# self-similar fractals (random addresses)
# ------------------------------------------------------------------------------------------


def _ifs_points(rng, n, maps, ratio, digits):
    """Σ_i ratio^i · offset[a_i] with a_i uniform over the offsets: the self-similar measure of the
    IFS x -> ratio·x + offset (no rotation), truncated after ``digits`` digits."""
    maps = np.asarray(maps, dtype=np.float64)
    X = np.zeros((n, maps.shape[1]))
    scale = 1.0
    for _ in range(digits):
        X += scale * maps[rng.integers(0, len(maps), size=n)]
        scale *= ratio
    return X


def sierpinski_triangle(n, digits=40, random_state=None) -> np.ndarray:
    """``n`` points of the Sierpinski triangle with vertices (0,0), (1,0), (1/2, √3/2).

    Exact samples of its natural (self-similar) measure: dimension log 3 / log 2 ≈ 1.585.
    """
    n = check_nonnegative_int(n, "n", 1)
    digits = check_nonnegative_int(digits, "digits", 1)
    vertices = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, math.sqrt(3.0) / 2.0]])
    return np.ascontiguousarray(_ifs_points(check_random_state(random_state), n, 0.5 * vertices, 0.5, digits))


def sierpinski_carpet(n, digits=30, random_state=None) -> np.ndarray:
    """``n`` points of the Sierpinski carpet in [0, 1]² (dimension log 8 / log 3 ≈ 1.893)."""
    n = check_nonnegative_int(n, "n", 1)
    digits = check_nonnegative_int(digits, "digits", 1)
    offsets = [(i / 3.0, j / 3.0) for i in range(3) for j in range(3) if not (i == 1 and j == 1)]
    return np.ascontiguousarray(_ifs_points(check_random_state(random_state), n, offsets, 1.0 / 3.0, digits))


def menger_sponge(n, digits=30, random_state=None) -> np.ndarray:
    """``n`` points of the Menger sponge in [0, 1]³ (dimension log 20 / log 3 ≈ 2.727)."""
    n = check_nonnegative_int(n, "n", 1)
    digits = check_nonnegative_int(digits, "digits", 1)
    offsets = [(i / 3.0, j / 3.0, k / 3.0) for i in range(3) for j in range(3) for k in range(3)
               if (i == 1) + (j == 1) + (k == 1) < 2]
    return np.ascontiguousarray(_ifs_points(check_random_state(random_state), n, offsets, 1.0 / 3.0, digits))


def cantor_set(n, digits=30, random_state=None) -> np.ndarray:
    """``n`` points of the middle-thirds Cantor set, shape (n, 1) (dimension log 2 / log 3 ≈ 0.631)."""
    return cantor_dust(n, d=1, digits=digits, random_state=random_state)


def cantor_dust(n, d=2, digits=30, random_state=None) -> np.ndarray:
    """``n`` points of the Cantor dust C^d in [0, 1]^d (dimension d · log 2 / log 3).

    Each coordinate is an independent Cantor-distributed number Σ 2 b_i 3^-i, b_i uniform in {0, 1}.
    """
    n = check_nonnegative_int(n, "n", 1)
    d = check_nonnegative_int(d, "d", 1)
    digits = check_nonnegative_int(digits, "digits", 1)
    rng = check_random_state(random_state)
    X = np.zeros((n, d))
    scale = 2.0 / 3.0
    for _ in range(digits):
        X += scale * rng.integers(0, 2, size=(n, d))
        scale /= 3.0
    return np.ascontiguousarray(X)


# ------------------------------------------------------------------------------------------
# embeddings
# ------------------------------------------------------------------------------------------


def embed(X, ambient_dim, noise=0.0, isometric=True, random_state=None) -> np.ndarray:
    """Map points linearly into R^ambient_dim, optionally adding Gaussian noise.

    Parameters
    ----------
    X : array-like, shape (n, d)
    ambient_dim : int
        The new dimension D >= d.
    noise : float, default 0
        Standard deviation of i.i.d. Gaussian noise added to every coordinate after the map.
    isometric : bool, default True
        True: the map has orthonormal columns (the first d columns of a random orthogonal matrix,
        from the QR decomposition of a Gaussian matrix with the signs fixed), so all Euclidean
        distances are preserved up to rounding. False: a Gaussian matrix with entries
        N(0, 1/D), a generic (bi-Lipschitz, not isometric) linear embedding.
    random_state : seed for the map and the noise.

    Returns
    -------
    ndarray, shape (n, ambient_dim), float64
    """
    X = as_points(X, dtype=np.float64, name="X", min_points=1, warn_shape=False)  # finite real numbers only
    n, d = X.shape
    D = check_nonnegative_int(ambient_dim, "ambient_dim", 1)
    if D < d:
        raise ValueError(f"ambient_dim={D} is below the dimension of X ({d}); an embedding needs ambient_dim >= {d}")
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise TypeError(f"noise must be a number, got {noise!r}") from None
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")
    rng = check_random_state(random_state)
    G = rng.standard_normal((D, d))
    if isometric:
        Q, Rm = np.linalg.qr(G)
        signs = np.sign(np.diag(Rm))
        signs[signs == 0] = 1.0
        A = Q * signs  # (D, d), orthonormal columns
    else:
        A = G / math.sqrt(D)
    Y = X @ A.T
    if noise > 0:
        Y += noise * rng.standard_normal(Y.shape)
    return np.ascontiguousarray(Y)


# ------------------------------------------------------------------------------------------
# reference sets
# ------------------------------------------------------------------------------------------


class ReferenceSet:
    """A named set with its sampler and true dimension (see :data:`REFERENCE_SETS`)."""

    __slots__ = ("name", "dimension", "sampler", "kwargs", "description")

    def __init__(self, name, dimension, sampler, kwargs, description):
        self.name = name
        self.dimension = float(dimension)
        self.sampler = sampler
        self.kwargs = dict(kwargs)
        self.description = description

    def sample(self, n, random_state=None) -> np.ndarray:
        return self.sampler(n, random_state=random_state, **self.kwargs)

    def __repr__(self) -> str:
        return f"ReferenceSet({self.name!r}, dimension={self.dimension:.4f})"


_LOG2, _LOG3 = math.log(2.0), math.log(3.0)

REFERENCE_SETS = {
    s.name: s
    for s in [
        ReferenceSet("cube2", 2, cube, {"d": 2}, "uniform [0,1]^2"),
        ReferenceSet("cube3", 3, cube, {"d": 3}, "uniform [0,1]^3"),
        ReferenceSet("cube5", 5, cube, {"d": 5}, "uniform [0,1]^5"),
        ReferenceSet("cube10", 10, cube, {"d": 10}, "uniform [0,1]^10"),
        ReferenceSet("ball3", 3, ball, {"d": 3}, "uniform unit ball in R^3"),
        ReferenceSet("sphere2", 2, sphere, {"k": 2}, "uniform S^2 in R^3"),
        ReferenceSet("flat_torus", 2, flat_torus, {}, "Clifford torus in R^4"),
        ReferenceSet("torus", 2, torus, {}, "ring torus in R^3 (R=2, r=1)"),
        ReferenceSet("swiss_roll", 2, swiss_roll, {}, "swiss roll in R^3"),
        ReferenceSet("sierpinski_triangle", _LOG3 / _LOG2, sierpinski_triangle, {}, "Sierpinski triangle"),
        ReferenceSet("sierpinski_carpet", math.log(8.0) / _LOG3, sierpinski_carpet, {}, "Sierpinski carpet"),
        ReferenceSet("menger_sponge", math.log(20.0) / _LOG3, menger_sponge, {}, "Menger sponge"),
        ReferenceSet("cantor_set", _LOG2 / _LOG3, cantor_set, {}, "middle-thirds Cantor set in R"),
        ReferenceSet("cantor_dust", 2 * _LOG2 / _LOG3, cantor_dust, {"d": 2}, "Cantor dust C x C in R^2"),
    ]
}


def sample(name, n, random_state=None) -> np.ndarray:
    """Draw ``n`` points of the reference set ``name`` (a key of :data:`REFERENCE_SETS`)."""
    try:
        ref = REFERENCE_SETS[name]
    except KeyError:
        raise ValueError(f"unknown reference set {name!r}; choose one of {', '.join(REFERENCE_SETS)}") from None
    return ref.sample(n, random_state=random_state)
