"""The shared kernel layer (topodim._kernels) against plain-Python oracles, and its layer rule."""

import ast
import pathlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist, squareform

from topodim._kernels.condensed import condensed_index, condensed_row_offset
from topodim._kernels.csr import csr_position, csr_value
from topodim._kernels.growable import grow
from topodim._kernels.modp import mod_inverses
from topodim._kernels.unionfind import find

KERNELS = pathlib.Path(__file__).resolve().parents[1] / "topodim" / "_kernels"


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 30), data=st.data())
def test_condensed_index_is_scipy_pdist_order(n, data):
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1).filter(lambda v: v != i))
    X = np.arange(n, dtype=np.float64)[:, None] ** 2  # distinct distances identify the pair
    v = pdist(X)
    assert v[condensed_index(i, j, n)] == squareform(v)[i, j]
    assert condensed_index(i, j, n) == condensed_index(j, i, n)
    a, b = min(i, j), max(i, j)
    assert condensed_row_offset(a, n) + b == condensed_index(a, b, n)


def test_condensed_index_pinned():
    # n = 4: (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
    assert [condensed_index(i, j, 4) for i, j in ((0, 1), (0, 3), (1, 2), (2, 3), (3, 2))] == [0, 2, 3, 5, 5]


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.sets(st.integers(0, 40), max_size=12), min_size=1, max_size=8), probe=st.integers(0, 40))
def test_csr_lookup_equals_a_dict(rows, probe):
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indices, data, table = [], [], {}
    for r, cols in enumerate(rows):
        for c in sorted(cols):
            table[(r, c)] = (len(indices), float(r * 100 + c) / 7)
            indices.append(c)
            data.append(table[(r, c)][1])
        indptr[r + 1] = len(indices)
    indices = np.asarray(indices, dtype=np.int64)
    data = np.asarray(data, dtype=np.float64)
    for r in range(len(rows)):
        pos, val = table.get((r, probe), (-1, np.inf))
        assert csr_position(indptr, indices, r, probe) == pos
        assert csr_value(indptr, indices, data, r, probe) == val


@given(n=st.integers(0, 50), need=st.integers(0, 200))
def test_grow_keeps_the_prefix_and_fits(n, need):
    a = np.arange(n, dtype=np.int64)
    b = grow(a, need)
    assert b.dtype == a.dtype and b.shape[0] >= max(need, n)
    np.testing.assert_array_equal(b[:n], a)
    if need <= n:
        assert b is a


def test_mod_inverses_against_pow():
    for p in (2, 3, 5, 7, 11, 13, 251, 65521):
        inv = mod_inverses(p)
        a = np.arange(1, p)
        assert np.all(inv[1:] * a % p == 1)
        assert inv[p - 1] == pow(p - 1, p - 2, p)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_find_gives_the_components_of_the_unions(n, data):
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    parent = np.arange(n)
    naive = list(range(n))  # label propagation oracle
    for a, b in pairs:
        ra, rb = find(parent, a), find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        la, lb = naive[a], naive[b]
        naive = [la if x == lb else x for x in naive]
    roots = [find(parent, x) for x in range(n)]
    for x in range(n):
        for y in range(n):
            assert (roots[x] == roots[y]) == (naive[x] == naive[y])
    assert all(parent[x] == roots[x] or parent[parent[x]] == roots[x] for x in range(n))


def _topodim_imports(path):
    """Modules of topodim a file imports (absolute names), from its syntax tree."""
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                out.append("topodim._kernels." + (node.module or ""))
            elif node.level >= 2:
                out.append("topodim." + (node.module or ""))
            elif node.module and node.module.startswith("topodim"):
                out.append(node.module)
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("topodim")]
    return out


def test_kernels_import_nothing_above_them():
    for path in KERNELS.glob("*.py"):
        for name in _topodim_imports(path):
            assert name.startswith("topodim._kernels"), f"{path.name} imports {name}"


def test_layer_check_catches_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ..mst import MSTResult\nfrom .csr import csr_value\n")
    assert _topodim_imports(bad) == ["topodim.mst", "topodim._kernels.csr"]
