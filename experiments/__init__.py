"""Layer-topology experiments on CNNs and Transformers (the seed paper: Magai, arXiv 2306.03406).

Run ``python -m experiments <study> [options]`` from the repository's root (the package is not part
of topodim's wheel); ``python -m experiments --help`` lists the studies and options. Each study
writes JSON and CSV tables, PNG plots of each measure against relative depth and a markdown report.
Uses only topodim's public API plus torch, datasets, tokenizers, safetensors and matplotlib
(``pip install ".[experiments]"`` in the repository's root, torch==2.13.0 first).
"""

import os

# Numba's OpenMP threads spin after every parallel region (libgomp's default wait policy); in the
# same process as torch they then take the cores from torch's training loop (measured: one torch
# training step 15x slower after a single topodim call on 2 cores). Passive waiting leaves the
# cores to torch. Set before either runtime starts its thread pool; a user's own value wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__all__ = ["main"]


def main(argv=None):
    from .cli import main as _main

    return _main(argv)
