"""topodim.datasets: shapes, supports, seeds, distributions, embeddings, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from topodim import datasets as ds


ALL = [
    (ds.cube, {"d": 3}, 3),
    (ds.ball, {"d": 4}, 4),
    (ds.sphere, {"k": 2}, 3),
    (ds.flat_torus, {}, 4),
    (ds.torus, {}, 3),
    (ds.swiss_roll, {}, 3),
    (ds.sierpinski_triangle, {}, 2),
    (ds.sierpinski_carpet, {}, 2),
    (ds.menger_sponge, {}, 3),
    (ds.cantor_set, {}, 1),
    (ds.cantor_dust, {"d": 2}, 2),
]


@pytest.mark.parametrize("sampler, kwargs, ambient", ALL, ids=[f[0].__name__ for f in ALL])
def test_shape_dtype_seed(sampler, kwargs, ambient):
    a = sampler(300, random_state=7, **kwargs)
    b = sampler(300, random_state=7, **kwargs)
    c = sampler(300, random_state=8, **kwargs)
    assert a.shape == (300, ambient) and a.dtype == np.float64 and a.flags.c_contiguous
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.all(np.isfinite(a))
    # a Generator and a SeedSequence are accepted too
    g = sampler(5, random_state=np.random.default_rng(1), **kwargs)
    s = sampler(5, random_state=np.random.SeedSequence(1), **kwargs)
    assert g.shape == s.shape == (5, ambient)


def test_supports():
    X = ds.cube(2000, 3, random_state=0)
    assert X.min() >= 0 and X.max() < 1
    B = ds.ball(2000, 3, random_state=0)
    assert np.all(np.linalg.norm(B, axis=1) <= 1 + 1e-12)
    S = ds.sphere(2000, 3, random_state=0)
    assert np.allclose(np.linalg.norm(S, axis=1), 1.0)
    F = ds.flat_torus(500, random_state=0) * 2 * np.pi
    assert np.allclose(F[:, 0] ** 2 + F[:, 1] ** 2, 1) and np.allclose(F[:, 2] ** 2 + F[:, 3] ** 2, 1)
    T = ds.torus(2000, R=3.0, r=1.0, random_state=0)
    rho = np.hypot(T[:, 0], T[:, 1])
    assert np.allclose((rho - 3.0) ** 2 + T[:, 2] ** 2, 1.0)


def test_ball_radius_law():
    # uniform in the unit d-ball: P(|x| <= t) = t^d
    d = 3
    r = np.linalg.norm(ds.ball(4000, d, random_state=3), axis=1)
    assert stats.kstest(r ** d, "uniform").pvalue > 1e-3


def test_torus_is_area_uniform():
    # area element of the ring torus is proportional to R + r cos(theta): the fraction of points on the
    # outer half (cos theta > 0) is (pi R + 2 r) / (2 pi R)
    R, r = 2.0, 1.0
    T = ds.torus(20000, R=R, r=r, random_state=5)
    outer = np.hypot(T[:, 0], T[:, 1]) > R
    expected = (math.pi * R + 2 * r) / (2 * math.pi * R)
    assert abs(outer.mean() - expected) < 0.015


def test_fractal_self_similarity_exact():
    # Sierpinski triangle: each point lies in one of the three half-size corner triangles
    X = ds.sierpinski_triangle(3000, random_state=1)
    v = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, math.sqrt(3) / 2]])
    # barycentric coordinates: all >= 0 (inside the big triangle) and one of them >= 1/2
    A = np.column_stack([v[1] - v[0], v[2] - v[0]])
    lam = np.linalg.solve(A, (X - v[0]).T).T
    bary = np.column_stack([1 - lam.sum(1), lam])
    assert bary.min() > -1e-9
    assert np.all(bary.max(axis=1) >= 0.5 - 1e-9)
    # Cantor set: no point in the removed middle third (1/3, 2/3), nor in (1/9, 2/9)
    C = ds.cantor_set(5000, random_state=2).ravel()
    assert not np.any((C > 1 / 3 + 1e-12) & (C < 2 / 3 - 1e-12))
    assert not np.any((C > 1 / 9 + 1e-12) & (C < 2 / 9 - 1e-12))
    # the Cantor measure is symmetric with mean 1/2 and variance 1/8
    assert abs(C.mean() - 0.5) < 0.02 and abs(C.var() - 0.125) < 0.01
    # carpet: no point in the open middle square; sponge: no point in the open central cube
    K = ds.sierpinski_carpet(5000, random_state=3)
    assert not np.any(np.all((K > 1 / 3 + 1e-12) & (K < 2 / 3 - 1e-12), axis=1))
    M = ds.menger_sponge(5000, random_state=3)
    inside = (M > 1 / 3 + 1e-12) & (M < 2 / 3 - 1e-12)
    assert not np.any(inside.sum(axis=1) >= 2)


@given(seed=st.integers(0, 2**32 - 1), D=st.integers(3, 40))
def test_isometric_embedding_preserves_distances(seed, D):
    from scipy.spatial.distance import pdist

    X = ds.cube(30, 3, random_state=seed)
    Y = ds.embed(X, D, random_state=seed)
    assert Y.shape == (30, D)
    assert np.allclose(pdist(X), pdist(Y), rtol=1e-12, atol=1e-12)


def test_embedding_pinned_and_noise():
    from scipy.spatial.distance import pdist

    X = ds.sphere(200, 2, random_state=0)
    Y = ds.embed(X, 20, random_state=4)
    assert np.allclose(pdist(X), pdist(Y), atol=1e-12)
    Z = ds.embed(X, 20, noise=0.1, random_state=4)
    resid = Z - Y
    assert abs(resid.std() - 0.1) < 0.005 and abs(resid.mean()) < 0.005
    G = ds.embed(X, 20, isometric=False, random_state=4)
    assert G.shape == (200, 20) and not np.allclose(pdist(X), pdist(G))
    # same seed, same embedding
    assert np.array_equal(ds.embed(X, 20, noise=0.1, random_state=4), Z)


def test_reference_sets():
    assert set(ds.REFERENCE_SETS) >= {"cube2", "cube3", "cube5", "cube10", "sphere2", "sierpinski_triangle",
                                      "cantor_set", "cantor_dust", "sierpinski_carpet", "swiss_roll"}
    assert abs(ds.REFERENCE_SETS["sierpinski_triangle"].dimension - 1.5849625) < 1e-6
    assert abs(ds.REFERENCE_SETS["cantor_set"].dimension - 0.6309298) < 1e-6
    assert abs(ds.REFERENCE_SETS["sierpinski_carpet"].dimension - 1.8927893) < 1e-6
    assert abs(ds.REFERENCE_SETS["cantor_dust"].dimension - 1.2618595) < 1e-6
    X = ds.sample("sphere2", 10, random_state=0)
    assert np.array_equal(X, ds.sphere(10, 2, random_state=0))
    with pytest.raises(ValueError, match="unknown reference set"):
        ds.sample("nope", 10)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: ds.cube(0, 2), ValueError, "n must be >= 1"),
    (lambda: ds.cube(10.5, 2), TypeError, "n must be an integer"),
    (lambda: ds.cube(10, 0), ValueError, "d must be >= 1"),
    (lambda: ds.sphere(10, True), TypeError, "k must be an integer"),
    (lambda: ds.torus(10, R=1.0, r=2.0), ValueError, "r < R"),
    (lambda: ds.swiss_roll(10, height=-1), ValueError, "height"),
    (lambda: ds.cube(10, 2, random_state="x"), TypeError, "random_state"),
    (lambda: ds.cube(10, 2, random_state=-1), ValueError, "random_state"),
    (lambda: ds.embed(np.zeros((5, 3)), 2), ValueError, "ambient_dim"),
    (lambda: ds.embed(np.zeros(5), 4), ValueError, "2-D"),
    (lambda: ds.embed(np.zeros((5, 3)), 4, noise=-1), ValueError, "noise"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
