"""``import topodim`` is light: submodules (and Numba) load on first use of a name."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str):
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_loads_no_kernel_module():
    out = _run("import json, sys, topodim; "
               "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
               "('numba', 'scipy', 'numpy', 'topodim'))))")
    assert out == ["topodim"]


def test_every_public_name_resolves_to_its_definition():
    import importlib

    import topodim

    for name, module in topodim._EXPORTS.items():
        assert getattr(topodim, name) is getattr(importlib.import_module(f"topodim.{module}"), name), name
    for name in topodim.__all__:
        assert getattr(topodim, name) is not None
    assert set(topodim.__all__) <= set(dir(topodim))
    assert set(topodim.__all__) == set(topodim._EXPORTS) | {
        "complexes", "datasets", "diagrams", "filtrations", "metrics", "reduction", "rips"}


@pytest.mark.parametrize("first", ["ripser", "mst", "ph0", "dimension", "star"])
def test_mst_is_the_function_whatever_loads_first(first):
    # the submodule topodim.mst shares its name with the function topodim.mst: whichever access
    # imports the submodule first, the package attribute is the function (as an eager import made it)
    touch = {"ripser": "topodim.ripser", "mst": "topodim.mst", "ph0": "from topodim.mst import ph0",
             "dimension": "import topodim.dimension", "star": "from topodim import *"}[first]
    out = _run("import json, topodim, types\n" + touch + "\n"
               "import topodim.mst as m\n"
               "print(json.dumps([callable(topodim.mst), isinstance(topodim.mst, types.ModuleType), "
               "topodim.mst is m, topodim.mst.__module__]))")
    assert out == [True, False, True, "topodim.mst"]


def test_unknown_attribute_raises_attribute_error():
    import topodim

    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        topodim.not_a_name  # noqa: B018
    assert not hasattr(topodim, "cuda") or "topodim.cuda" in sys.modules
