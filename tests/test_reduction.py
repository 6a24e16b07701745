"""The explicit reduction (topodim.reduction through topodim.complexes): textbook homology, agreement
of the three algorithms, persistent Betti numbers against an independent rank computation, the
Euler characteristic, representatives, and Vietoris–Rips diagrams against ripser.py, GUDHI and
topodim.ph0."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topodim
from topodim.complexes import Filtration, filtration_persistence, rips_filtration
from topodim.diagrams import betti_numbers, bottleneck_distance
from topodim.reduction import ALGORITHMS, reduce_boundary

PRIMES = [2, 3, 5, 7, 251]


# ------------------------------------------------------------------------------------------
# independent helpers (no topodim code)
# ------------------------------------------------------------------------------------------


def closure(maximal):
    faces = set()
    for s in maximal:
        s = tuple(sorted(s))
        for k in range(1, len(s) + 1):
            faces.update(itertools.combinations(s, k))
    return sorted(faces, key=lambda f: (len(f), f))


def rank_mod_p(M, p):
    """Rank of an integer matrix over Z/p by Gaussian elimination."""
    M = np.array(M, dtype=np.int64) % p
    if M.size == 0:
        return 0
    rows, cols = M.shape
    r = 0
    for c in range(cols):
        nz = np.flatnonzero(M[r:, c])
        if len(nz) == 0:
            continue
        piv = r + nz[0]
        M[[r, piv]] = M[[piv, r]]
        M[r] = (M[r] * pow(int(M[r, c]), p - 2, p)) % p
        others = np.flatnonzero(M[:, c])
        others = others[others != r]
        if len(others):
            M[others] = (M[others] - np.outer(M[others, c], M[r])) % p
        r += 1
        if r == rows:
            break
    return r


def boundary_dense(simplices, k, rows_subset, cols_subset):
    """Dense matrix of the boundary map C_k -> C_{k-1}, rows = (k-1)-simplices, columns = k-simplices."""
    index = {s: i for i, s in enumerate(rows_subset)}
    D = np.zeros((len(rows_subset), len(cols_subset)), dtype=np.int64)
    for j, s in enumerate(cols_subset):
        for i in range(len(s)):
            face = s[:i] + s[i + 1:]
            if face in index:
                D[index[face], j] += (-1) ** i
    return D


def persistent_betti(simplices, values, k, r, s, p):
    """dim of the image of H_k(K_r) -> H_k(K_s) over Z/p, from ranks only."""
    Kr = [x for x, v in zip(simplices, values) if v <= r]
    Ks = [x for x, v in zip(simplices, values) if v <= s]
    Ck_r = [x for x in Kr if len(x) == k + 1]
    Ckm_r = [x for x in Kr if len(x) == k]
    Ck_s = [x for x in Ks if len(x) == k + 1]
    Ckp_s = [x for x in Ks if len(x) == k + 2]
    z = len(Ck_r) - (rank_mod_p(boundary_dense(simplices, k, Ckm_r, Ck_r), p) if k > 0 else 0)
    D = boundary_dense(simplices, k + 1, Ck_s, Ckp_s)
    in_r = set(Ck_r)
    outside = [i for i, x in enumerate(Ck_s) if x not in in_r]
    b_in_r = rank_mod_p(D, p) - rank_mod_p(D[outside], p)
    return z - b_in_r


def check_cycle(rep, p):
    """Boundary of a representative (rows: vertices..., coefficient) mod p, as a dict."""
    bd = {}
    for row in rep:
        s, c = tuple(int(v) for v in row[:-1]), int(row[-1])
        assert 1 <= c < p
        if len(s) == 1:
            continue
        for i in range(len(s)):
            f = s[:i] + s[i + 1:]
            bd[f] = (bd.get(f, 0) + (-1) ** i * c) % p
    return {f: v for f, v in bd.items() if v}


# ------------------------------------------------------------------------------------------
# textbook complexes
# ------------------------------------------------------------------------------------------


def circle(n=6):
    return closure([(i, (i + 1) % n) for i in range(n)])


def octahedron():
    return closure(list(itertools.product((0, 1), (2, 3), (4, 5))))


def grid_surface(M, N, kind):
    """Triangulated square [0, M] x [0, N] with its sides identified (torus, Klein bottle)."""
    def vid(i, j):
        if kind == "klein" and j == N:
            i, j = (-i) % M, 0
        return (i % M) * N + (j % N)

    tris = []
    for i in range(M):
        for j in range(N):
            a, b, c, d = vid(i, j), vid(i + 1, j), vid(i, j + 1), vid(i + 1, j + 1)
            tris += [(a, b, d), (a, c, d)]
    return closure(tris)


def projective_plane():
    return closure([(0, 1, 2), (0, 2, 3), (0, 3, 4), (0, 4, 5), (0, 5, 1),
                    (1, 2, 4), (2, 3, 5), (3, 4, 1), (4, 5, 2), (5, 1, 3)])


def assert_closed_surface(cx, chi):
    tris = [s for s in cx if len(s) == 3]
    edges = [s for s in cx if len(s) == 2]
    assert len(set(tris)) == len(tris)
    count = {e: 0 for e in edges}
    for t in tris:
        for e in itertools.combinations(t, 2):
            count[e] += 1
    assert set(count.values()) == {2}, "every edge of a closed surface lies in two triangles"
    assert sum((-1) ** (len(s) - 1) for s in cx) == chi


TEXTBOOK = {
    # name: (complex, {p: betti numbers})
    "circle": (circle(), {2: [1, 1], 3: [1, 1], 5: [1, 1]}),
    "octahedron": (octahedron(), {2: [1, 0, 1], 3: [1, 0, 1], 7: [1, 0, 1]}),
    "torus": (grid_surface(3, 3, "torus"), {2: [1, 2, 1], 3: [1, 2, 1], 5: [1, 2, 1]}),
    "projective_plane": (projective_plane(), {2: [1, 1, 1], 3: [1, 0, 0], 5: [1, 0, 0], 251: [1, 0, 0]}),
    "klein_bottle": (grid_surface(4, 4, "klein"), {2: [1, 2, 1], 3: [1, 1, 0], 5: [1, 1, 0]}),
}


def test_textbook_complexes_are_valid_surfaces():
    assert_closed_surface(octahedron(), 2)
    assert_closed_surface(grid_surface(3, 3, "torus"), 0)
    assert_closed_surface(projective_plane(), 1)
    assert_closed_surface(grid_surface(4, 4, "klein"), 0)
    assert len([s for s in grid_surface(3, 3, "torus") if len(s) == 1]) == 9


def essential_betti(res):
    return [int(np.isinf(d[:, 1]).sum()) for d in res["dgms"]]


@pytest.mark.parametrize("name", list(TEXTBOOK))
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_textbook_betti_numbers(name, algorithm):
    cx, expected = TEXTBOOK[name]
    rng = np.random.default_rng(0)
    f = rng.integers(0, 4, size=1 + max(max(s) for s in cx)).astype(float)
    lower_star = [max(f[list(s)]) for s in cx]
    for p, betti in expected.items():
        for values in (np.zeros(len(cx)), lower_star, [len(s) - 1 for s in cx]):
            res = filtration_persistence(cx, values, coeff=p, algorithm=algorithm)
            assert essential_betti(res) == betti, (name, p, values)
            # with all values 0 every finite bar has length 0: only the homology is left
            if np.all(np.asarray(values) == 0):
                assert all(np.isinf(d[:, 1]).all() for d in res["dgms"])


def test_torus_cycles_generate_h1():
    cx, _ = TEXTBOOK["torus"]
    res = filtration_persistence(cx, np.zeros(len(cx)), representatives=True)
    assert len(res["representatives"][1]) == 2
    for rep in res["representatives"][1]:
        assert check_cycle(rep, 2) == {}


# ------------------------------------------------------------------------------------------
# random filtered complexes
# ------------------------------------------------------------------------------------------


@st.composite
def filtered_complexes(draw, max_vertices=7, max_simplex=4):
    n = draw(st.integers(1, max_vertices))
    maximal = draw(st.lists(st.sets(st.integers(0, n - 1), min_size=1, max_size=max_simplex),
                            min_size=1, max_size=8))
    cx = closure(maximal)
    raw = draw(st.lists(st.integers(0, 4), min_size=len(cx), max_size=len(cx)))
    value = {}
    for s, v in zip(cx, raw):  # cx is sorted by dimension: faces first
        faces = [s[:i] + s[i + 1:] for i in range(len(s))] if len(s) > 1 else []
        value[s] = max([float(v)] + [value[f] for f in faces])
    order = draw(st.permutations(range(len(cx))))
    return [cx[i] for i in order], [value[cx[i]] for i in order]


@given(filtered_complexes(), st.sampled_from(PRIMES))
def test_algorithms_give_identical_pairs(cxv, p):
    cx, values = cxv
    filt = Filtration.from_simplices(cx, values)
    indptr, indices, signs = filt.boundary_matrix()
    ref = None
    for alg in ALGORITHMS:
        res = reduce_boundary(indptr, indices, signs, filt.dims, coeff=p, algorithm=alg)
        got = (res.dims.tolist(), res.births.tolist(), res.deaths.tolist())
        if ref is None:
            ref = got
        assert got == ref, alg
    # each simplex is in exactly one pair (as creator or destroyer) or is essential
    used = ref[1] + [d for d in ref[2] if d >= 0]
    assert sorted(used) == list(range(len(filt)))


@given(filtered_complexes(), st.sampled_from([2, 3]))
def test_persistent_betti_numbers_match_ranks(cxv, p):
    cx, values = cxv
    filt = Filtration.from_simplices(cx, values)
    simplices, vals = filt.to_lists()
    res = filt.persistence(coeff=p, keep_zero=True)
    levels = sorted(set(vals.tolist()))
    for k, dgm in enumerate(res["dgms"]):
        for i, r in enumerate(levels):
            for s in levels[i:]:
                count = int(np.count_nonzero((dgm[:, 0] <= r) & (dgm[:, 1] > s)))
                assert count == persistent_betti(simplices, vals, k, r, s, p), (k, r, s)


@given(filtered_complexes(max_vertices=8), st.sampled_from(PRIMES))
def test_euler_characteristic_at_every_value(cxv, p):
    cx, values = cxv
    res = filtration_persistence(cx, values, coeff=p)
    for r in sorted(set(values)):
        chi = sum((-1) ** (len(s) - 1) for s, v in zip(cx, values) if v <= r)
        betti = betti_numbers(res["dgms"], r)
        assert chi == sum((-1) ** k * int(b) for k, b in enumerate(betti))
        assert chi == res["filtration"].euler_characteristic(r)


@given(filtered_complexes(), st.sampled_from([2, 3, 5]), st.sampled_from(["standard", "twist"]))
def test_representatives_are_cycles_born_at_birth(cxv, p, algorithm):
    cx, values = cxv
    filt = Filtration.from_simplices(cx, values)
    simplices, vals = filt.to_lists()
    value = dict(zip(simplices, vals.tolist()))
    res = filt.persistence(coeff=p, representatives=True, algorithm=algorithm, keep_zero=True)
    plain = filt.persistence(coeff=p, algorithm="cohomology", keep_zero=True)
    for k in range(len(res["dgms"])):
        np.testing.assert_array_equal(res["dgms"][k], plain["dgms"][k])
        for (birth, death), (gb, gd), rep in zip(res["dgms"][k], res["pairs"][k], res["representatives"][k]):
            assert rep.shape[1] == k + 2
            assert check_cycle(rep, p) == {}
            cells = [tuple(int(v) for v in row[:-1]) for row in rep]
            assert max(value[c] for c in cells) == birth
            creator = filt.simplex(gb)
            assert creator in cells and int(rep[cells.index(creator), -1]) == 1
            assert all(simplices.index(c) <= gb for c in cells)  # enters no later than the creator
            if gd >= 0:
                # a boundary once the destroying simplex is in, not just before
                z = np.zeros(len([s for s in simplices if len(s) == k + 1]), dtype=np.int64)
                ck = [s for s in simplices if len(s) == k + 1]
                for row, c in zip(rep, cells):
                    z[ck.index(c)] = row[-1]
                for upto, expect in ((gd + 1, True), (gd, False)):
                    ckp = [s for s in simplices[:upto] if len(s) == k + 2]
                    D = boundary_dense(simplices, k + 1, ck, ckp)
                    is_boundary = rank_mod_p(np.column_stack([D, z]), p) == rank_mod_p(D, p)
                    assert is_boundary == expect


def test_pinned_representative_of_a_square_with_a_diagonal():
    # square 0-1-2-3 enters at 1, diagonal 0-2 at 2 splits it, triangles fill it at 3 and 4
    cx = [(0,), (1,), (2,), (3,), (0, 1), (1, 2), (2, 3), (0, 3), (0, 2), (0, 1, 2), (0, 2, 3)]
    values = [0, 0, 0, 0, 1, 1, 1, 1, 2, 3, 4]
    res = filtration_persistence(cx, values, coeff=3, representatives=True)
    np.testing.assert_array_equal(res["dgms"][1], [[1, 4], [2, 3]])
    rep = res["representatives"][1][0]  # the square, born at 1, dies at 4
    assert check_cycle(rep, 3) == {}
    assert sorted(tuple(r[:-1]) for r in rep) == [(0, 1), (0, 3), (1, 2), (2, 3)]


# ------------------------------------------------------------------------------------------
# Vietoris–Rips: against ripser.py, GUDHI and topodim.ph0
# ------------------------------------------------------------------------------------------

ripser = pytest.importorskip("ripser")
gudhi = pytest.importorskip("gudhi")


def gudhi_rips(X, maxdim, p, distance_matrix=False):
    if distance_matrix:
        rc = gudhi.RipsComplex(distance_matrix=X)
    else:
        rc = gudhi.RipsComplex(points=X)
    st_ = rc.create_simplex_tree(max_dimension=maxdim + 1)
    st_.compute_persistence(homology_coeff_field=p, persistence_dim_max=True)
    return [st_.persistence_intervals_in_dimension(k).reshape(-1, 2) for k in range(maxdim + 1)]


@settings(max_examples=15)
@given(st.integers(4, 9), st.integers(1, 3), st.sampled_from([2, 3]), st.integers(0, 2**32 - 1))
def test_rips_diagrams_match_ripser_and_gudhi(n, d, p, seed):
    X = np.random.default_rng(seed).random((n, d))
    res = rips_filtration(X, skeleton=3).persistence(coeff=p, maxdim=2)
    rp = ripser.ripser(X, maxdim=2, coeff=p)["dgms"]
    gd = gudhi_rips(X, 2, p)
    for k in range(3):
        # ripser.py computes in float32: equal up to its rounding
        assert bottleneck_distance(res["dgms"][k], rp[k]) <= 1e-6
        assert bottleneck_distance(res["dgms"][k], gd[k]) <= 1e-12


@given(st.integers(4, 9), st.sampled_from([2, 3]), st.integers(0, 2**32 - 1))
def test_rips_on_integer_distances_equals_exactly(n, p, seed):
    rng = np.random.default_rng(seed)
    D = rng.integers(1, 6, size=(n, n)).astype(float)
    D = np.minimum(D, D.T)
    np.fill_diagonal(D, 0)
    res = rips_filtration(D, skeleton=3, distance_matrix=True).persistence(coeff=p, maxdim=2)
    rp = ripser.ripser(D, maxdim=2, coeff=p, distance_matrix=True)["dgms"]
    gd = gudhi_rips(D, 2, p, distance_matrix=True)
    for k in range(3):
        mine = res["dgms"][k]
        np.testing.assert_array_equal(mine, rp[k][np.lexsort((rp[k][:, 1], rp[k][:, 0]))])
        np.testing.assert_array_equal(mine, gd[k][np.lexsort((gd[k][:, 1], gd[k][:, 0]))])


@given(st.integers(2, 25), st.integers(1, 4), st.integers(0, 2**32 - 1), st.booleans())
def test_rips_h0_equals_mst_ph0(n, d, seed, grid):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 3, size=(n, d)).astype(float) if grid else rng.random((n, d))
    res = rips_filtration(X, skeleton=1).persistence(maxdim=0, keep_zero=True)
    h0 = res["dgms"][0]
    ref = topodim.ph0(X)
    ref = ref[np.lexsort((ref[:, 1], ref[:, 0]))]
    np.testing.assert_array_equal(h0, ref)  # bit-identical: the same distance kernel


def test_rips_h0_with_vertex_births_equals_ph0():
    D = np.array([[0.5, 2.0, 3.0, 4.0],
                  [2.0, 1.0, 1.5, 5.0],
                  [3.0, 1.5, 0.0, 2.5],
                  [4.0, 5.0, 2.5, 2.0]])
    res = rips_filtration(D, skeleton=1, distance_matrix=True).persistence(maxdim=0, keep_zero=True)
    ref = topodim.ph0(D, distance_matrix=True)
    np.testing.assert_array_equal(res["dgms"][0], ref[np.lexsort((ref[:, 1], ref[:, 0]))])
    rp = ripser.ripser(D, distance_matrix=True, maxdim=0)["dgms"][0]
    assert bottleneck_distance(res["dgms"][0][res["dgms"][0][:, 1] > res["dgms"][0][:, 0]], rp) == 0


def test_rips_circle_has_one_long_h1_bar():
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    X = np.column_stack([np.cos(t), np.sin(t)])
    res = rips_filtration(X, skeleton=2).persistence(maxdim=1, representatives=True)
    h1 = res["dgms"][1]
    assert len(h1) == 1
    assert h1[0, 0] == pytest.approx(2 * np.sin(np.pi / 24))  # the edge between neighbours
    assert h1[0, 1] > 1.7
    rep = res["representatives"][1][0]
    assert check_cycle(rep, 2) == {} and len(rep) == 24  # the whole 24-gon


@pytest.mark.parametrize("p", [2, 3])
def test_rips_maxdim_truncation_is_consistent(p):
    X = np.random.default_rng(3).random((10, 3))
    full = rips_filtration(X, skeleton=3).persistence(coeff=p, maxdim=2)
    low = rips_filtration(X, skeleton=3).persistence(coeff=p, maxdim=1)
    for k in range(2):
        np.testing.assert_array_equal(full["dgms"][k], low["dgms"][k])
    assert low["num_simplices"] == full["num_simplices"][:3]


def test_pairs_refer_to_the_full_filtration():
    X = np.random.default_rng(4).random((8, 2))
    filt = rips_filtration(X, skeleton=3)
    res = filt.persistence(maxdim=1)
    for k in range(2):
        for (b, d), (gb, gd) in zip(res["dgms"][k], res["pairs"][k]):
            assert len(filt.simplex(gb)) == k + 1 and filt.value(gb) == b
            if gd >= 0:
                assert len(filt.simplex(gd)) == k + 2 and filt.value(gd) == d
            else:
                assert np.isinf(d)


# ------------------------------------------------------------------------------------------
# reduce_boundary directly
# ------------------------------------------------------------------------------------------


def test_reduce_boundary_rejects_bad_matrices():
    dims = np.array([0, 0, 1])
    with pytest.raises(ValueError, match="precede"):
        reduce_boundary(np.array([0, 0, 0, 2]), np.array([0, 2]), np.array([-1, 1]), dims)
    with pytest.raises(ValueError, match="strictly increasing"):
        reduce_boundary(np.array([0, 0, 0, 2]), np.array([1, 0]), np.array([-1, 1]), dims)
    with pytest.raises(ValueError, match="k \\+ 1 facets"):
        reduce_boundary(np.array([0, 0, 0, 1]), np.array([0]), np.array([1]), dims)
    with pytest.raises(ValueError, match="algorithm"):
        reduce_boundary(np.array([0, 0, 0, 2]), np.array([0, 1]), np.array([-1, 1]), dims, algorithm="fast")
    with pytest.raises(ValueError, match="prime"):
        reduce_boundary(np.array([0, 0, 0, 2]), np.array([0, 1]), np.array([-1, 1]), dims, coeff=4)


def test_statistics_show_clearing_saves_work():
    X = np.random.default_rng(5).random((25, 2))
    filt = rips_filtration(X, skeleton=2)
    st_ = filt.persistence(maxdim=1, algorithm="standard")
    tw = filt.persistence(maxdim=1, algorithm="twist")
    co = filt.persistence(maxdim=1, algorithm="cohomology")
    assert tw["columns_reduced"] < st_["columns_reduced"]
    assert co["columns_reduced"] < tw["columns_reduced"]
    for k in range(2):
        np.testing.assert_array_equal(st_["dgms"][k], tw["dgms"][k])
        np.testing.assert_array_equal(st_["dgms"][k], co["dgms"][k])
