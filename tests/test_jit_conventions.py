"""Compile-time conventions of the kernels: a kernel that only other kernels call is ``njit_inner``.

``njit`` compiles a Python wrapper and a C wrapper beside each kernel; a kernel that no Python code
calls does not need them (``njit_inner``), and a first call then compiles less. The check parses
topodim, tests, bench and experiments: an ``@njit`` function whose name is loaded only inside
jitted functions is reported (a name loaded anywhere else, as a call or as a value, keeps it
``njit``; so does a name defined in several modules).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JIT_DECORATORS = {"njit", "njit_parallel", "njit_inner"}


def _decorators(fn):
    names = set()
    for d in fn.decorator_list:
        x = d.func if isinstance(d, ast.Call) else d
        if isinstance(x, ast.Name):
            names.add(x.id)
        elif isinstance(x, ast.Attribute):
            names.add(x.attr)
    return names


def kernels_only_kernels_call(package_trees, other_trees):
    """Names of ``@njit`` functions of ``package_trees`` (defined once) that every tree loads only
    inside jitted functions. Trees: {label: ast.Module}."""
    defined = {}
    for label, tree in package_trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and "njit" in _decorators(node):
                defined.setdefault(node.name, []).append(label)
    outside = set()

    def visit(node, jitted):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, bool(_decorators(child) & JIT_DECORATORS))
                continue
            if isinstance(child, ast.Lambda):
                visit(child, False)
                continue
            name = None
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                name = child.id
            elif isinstance(child, ast.Attribute):
                name = child.attr
            if name in defined and not jitted:
                outside.add(name)
            visit(child, jitted)

    for tree in list(package_trees.values()) + list(other_trees.values()):
        visit(tree, False)
    return sorted(n for n, where in defined.items() if len(where) == 1 and n not in outside)


def _parse(paths):
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8")) for p in paths}


def test_kernels_that_only_kernels_call_have_no_python_wrapper():
    package = _parse(sorted((ROOT / "topodim").rglob("*.py")))
    others = _parse(sorted(p for d in ("tests", "bench", "experiments")
                           for p in (ROOT / d).rglob("*.py")))
    found = kernels_only_kernels_call(package, others)
    assert not found, f"use @njit_inner for kernels only other kernels call: {found}"


def test_the_check_tells_inner_kernels_from_kernels_python_calls():
    module = ast.parse(textwrap.dedent("""
        @njit
        def helper(x):
            return x + 1

        @njit
        def called_from_python(x):
            return helper(x)

        @njit_inner
        def already_inner(x):
            return x

        def python_entry(x):
            return called_from_python(x) + already_inner(x)
    """))
    assert kernels_only_kernels_call({"m": module}, {}) == ["helper"]
    # a load outside jitted code anywhere (here a test module passing it as a value) keeps njit
    user = ast.parse("run(helper)")
    assert kernels_only_kernels_call({"m": module}, {"t": user}) == []
