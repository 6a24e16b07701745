"""The import layers of topodim: every import points down the stack written in docs/architecture.md.

The check parses every module under ``topodim/`` (imports inside functions included, so a cycle
cannot hide behind a deferred import) and reports

- an import of a module in a higher layer than the importer's, and
- ``from topodim.x import _name`` across concerns: a private name is used only inside its own
  concern (one module, or one package with its private modules).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "topodim"

#: The Rips package's kernels and graph type: below the GPU session, which reuses them; the
#: driver (the rest of :mod:`topodim.rips`) sits above it.
RIPS_KERNEL_MODULES = ("_combinatorics", "_state", "_sorting", "_heap", "_coboundary", "_reduce",
                       "_reduce_batched", "_edges", "_assemble", "_generators", "_graph")

#: Bottom to top. A module belongs to the first entry that equals its name or is a package prefix
#: of it. Modules of one layer may import each other; nothing imports upward.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("topodim._kernels",),
    ("topodim._config", "topodim._parallel", "topodim._tuning"),
    ("topodim._validate", "topodim._base", "topodim.batch"),  # _validate/: arrays, distances, scalars, memory
    ("topodim.metrics", "topodim.diagrams", "topodim.datasets", "topodim.sampling", "topodim.weighted"),
    ("topodim._mst", "topodim.reduction", "topodim.filtrations._hashing", "topodim.filtrations._cliques",
     *(f"topodim.rips.{m}" for m in RIPS_KERNEL_MODULES)),
    ("topodim.cuda._device", "topodim.cuda._arith", "topodim.cuda.distances", "topodim.cuda.mst",
     "topodim.cuda.rips", "topodim.cuda.phdim"),
    ("topodim.cuda",),
    ("topodim.mst", "topodim.collapse", "topodim.rips._collapse", "topodim.rips._collapse_dense"),
    ("topodim.rips",),
    ("topodim.filtrations", "topodim.complexes", "topodim.dimension"),
    ("topodim.compat", "topodim.demo"),
    ("topodim.cli", "topodim.__main__", "topodim"),  # cli/: _io, _commands, _warmup
)

#: The concern a private name may not leave: the first two components of a module's name, with
#: the Rips kernels, collapse and driver forming one concern.
CONCERN_ALIASES = {"topodim.collapse": "topodim.rips",
                   "topodim._mst": "topodim.mst"}


def module_name(path: Path, root: Path) -> str:
    parts = (root.name,) + path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str, layers=LAYERS) -> int:
    best, best_len = None, -1
    for i, group in enumerate(layers):
        for prefix in group:
            # the root package is a layer of its own, not a prefix of every module
            is_prefix = module.startswith(prefix + ".") and "." in prefix
            if (module == prefix or is_prefix) and len(prefix) > best_len:
                best, best_len = i, len(prefix)
    if best is None:
        raise KeyError(f"{module} is in no layer: add it to LAYERS and docs/architecture.md")
    return best


def concern_of(module: str) -> str:
    head = ".".join(module.split(".")[:2])
    return CONCERN_ALIASES.get(head, head)


def imports_of(path: Path, module: str, is_package: bool):
    """(line, imported module, imported names) of every topodim import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if is_package else module.rsplit(".", 1)[0]
    top = module.split(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != top:
                continue
            names = [a.name for a in node.names]
            if node.module is None:                       # from . import a, b: each a module
                for name in names:
                    yield node.lineno, f"{target}.{name}", []
            else:
                yield node.lineno, target, names
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == top:
                    yield node.lineno, alias.name, []


def violations(root: Path = ROOT, layers=LAYERS) -> list[str]:
    files = sorted(root.rglob("*.py"))
    modules = {module_name(p, root): p for p in files}
    found = []
    for module, path in modules.items():
        own = layer_of(module, layers)
        for line, target, names in imports_of(path, module, path.name == "__init__.py"):
            where = f"{path.relative_to(root.parent)}:{line}"
            # the parent package's __init__ is not a dependency of its own submodules
            if module.startswith(target + ".") and target != module:
                pass
            elif target != module and layer_of(target, layers) > own:
                found.append(f"{where}: {module} (layer {own}) imports {target} "
                             f"(layer {layer_of(target, layers)}), an upward import")
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and concern_of(target) != concern_of(module):
                found.append(f"{where}: {module} imports private {', '.join(private)} from {target}, "
                             f"another concern")
    return found


def test_every_module_has_a_layer():
    for path in ROOT.rglob("*.py"):
        layer_of(module_name(path, ROOT))


def test_imports_point_down():
    assert violations() == []


def _tree(tmp_path, files):
    pkg = tmp_path / "topodim"
    for rel, text in files.items():
        p = pkg / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return pkg


def test_upward_import_is_caught(tmp_path):
    # metrics (layer 3) importing rips (layer 8), even deferred inside a function
    pkg = _tree(tmp_path, {
        "__init__.py": "",
        "metrics.py": "def f():\n    from .rips import ripser\n    return ripser\n",
        "rips.py": "from .metrics import f\n",
    })
    found = violations(pkg)
    assert len(found) == 1 and "topodim.metrics (layer 3) imports topodim.rips" in found[0]


def test_private_import_across_concerns_is_caught(tmp_path):
    pkg = _tree(tmp_path, {
        "__init__.py": "",
        "mst.py": "def _find():\n    pass\n",
        "reduction.py": "from .mst import _find\n",
        "dimension/__init__.py": "from ._schedule import Schedule\n",
        "dimension/_schedule.py": "from . import phdim\nfrom .phdim import _fit\nclass Schedule: pass\n",
        "dimension/phdim.py": "def _fit(): pass\n",
    })
    found = violations(pkg)
    # reduction -> mst is downward in layers but reaches a private name of another concern;
    # dimension's modules share private names freely
    assert len(found) == 2, found
    assert any("imports private _find from topodim.mst" in f for f in found)
    assert any("topodim.reduction (layer 4) imports topodim.mst (layer 7)" in f for f in found)


def test_unknown_module_is_an_error(tmp_path):
    pkg = _tree(tmp_path, {"__init__.py": "", "newthing.py": ""})
    with pytest.raises(KeyError, match="topodim.newthing is in no layer"):
        violations(pkg)
