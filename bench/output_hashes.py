"""Hash a fixed set of topodim's outputs, to show that a refactoring changed no result.

Run it at two commits and compare the printed lines (``diff`` of the two outputs is empty when
every diagram, tree, dimension estimate and experiment table is bit-identical)::

    python bench/output_hashes.py > before.txt      # at the old commit
    python bench/output_hashes.py > after.txt       # at the new commit
    diff before.txt after.txt

Each line is ``<case> <sha256 prefix>`` of the exact bytes of the output arrays (dtype, shape and
values), so a difference in the last bit of one death time shows. ``--experiments DIR`` also runs
the experiments' ``tiny`` profile of the depth and text studies into DIR and hashes their CSV
tables, wall-time columns left out (needs the ``experiments`` extra; a few minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

# the topodim of the checkout this script sits in, not an installed one
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        if a is None:
            h.update(b"None")
            continue
        a = np.ascontiguousarray(np.asarray(a))
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def clouds():
    rng = np.random.default_rng(20261201)
    t = rng.uniform(0, 2 * np.pi, 300)
    circle = np.c_[np.cos(t), np.sin(t)] + rng.normal(0, 0.1, (300, 2))
    a, b = rng.uniform(0, 2 * np.pi, (2, 250))
    torus = np.c_[(2 + np.cos(a)) * np.cos(b), (2 + np.cos(a)) * np.sin(b), np.sin(a)]
    blobs = np.concatenate([rng.normal(c, 0.3, (60, 4)) for c in rng.uniform(-3, 3, (4, 4))])
    gauss = rng.standard_normal((200, 5))
    grid = np.round(rng.random((120, 3)) * 4) / 4          # ties in the filtration
    return {"circle": circle, "torus": torus, "blobs": blobs, "gauss": gauss, "grid": grid}


def rips_cases(data):
    import topodim
    from scipy.spatial.distance import pdist, squareform

    for name, X in data.items():
        for maxdim, coeff in ((1, 2), (2, 2), (1, 3)):
            if name in ("circle",) and maxdim == 2:
                continue
            r = topodim.ripser(X, maxdim=maxdim, coeff=coeff)
            yield f"ripser/{name}/maxdim{maxdim}/p{coeff}", digest(*r["dgms"])
        for collapse in (True, False):
            r = topodim.ripser(X, maxdim=2, collapse_edges=collapse)
            yield f"ripser/{name}/collapse={collapse}", digest(*r["dgms"])
    X = data["gauss"]
    D = squareform(pdist(X))
    r = topodim.ripser(D, distance_matrix=True, maxdim=2, thresh=2.0)
    yield "ripser/gauss/matrix/thresh2", digest(*r["dgms"])
    r = topodim.ripser(X, maxdim=1, do_cocycles=True)
    yield "ripser/gauss/cocycles", digest(*r["dgms"], *r["cocycles"][1])
    r = topodim.ripser(X, maxdim=1, metric="manhattan", n_perm=80)
    yield "ripser/gauss/manhattan/n_perm80", digest(*r["dgms"], r["idx_perm"])
    r = topodim.ripser(data["circle"], maxdim=1, return_generators=True)
    yield "ripser/circle/generators", digest(*r["dgms"], *r["gens"][1]) if r.get("gens") else "none"


def mst_cases(data):
    import topodim

    for name, X in data.items():
        for method in ("auto", "prim", "boruvka", "kruskal"):
            try:
                t = topodim.mst(X, method=method)
            except ValueError:
                continue
            yield f"mst/{name}/{method}", digest(t.edges, t.lengths)
        yield f"ph0/{name}", digest(topodim.ph0(X))


def dimension_cases(data):
    import topodim

    sources = dict(data)
    sources["sphere3000"] = topodim.datasets.sphere(3000, 2, random_state=0)
    for name, X in sources.items():
        for schedule in ("geometric", "magai") if len(X) > 1000 else ("geometric",):
            r = topodim.ph_dimension(X, schedule=schedule, random_state=0)
            yield f"phdim/{name}/{schedule}", digest(np.float64(r.dimension), r.sizes, r.raw_values)
        yield f"twonn/{name}", digest(np.float64(topodim.TwoNN().fit(X).dimension_))
        yield f"mle/{name}", digest(np.float64(topodim.MLE().fit(X).dimension_))
        yield f"phdim1/{name}", digest(np.float64(topodim.PHDim(hom_dim=1, random_state=0).fit(X[:150]).dimension_))


def filtration_cases(data):
    import topodim

    X = data["gauss"][:60]
    f = topodim.rips_filtration(X, skeleton=2)
    for coeff in (2, 3):
        res = topodim.filtration_persistence(f, coeff=coeff, representatives=True)
        dgms = res["dgms"] if isinstance(res, dict) else res
        yield f"filtration/rips/p{coeff}", digest(*dgms)
    img = np.random.default_rng(1).random((20, 20))
    res = topodim.filtration_persistence(topodim.image_filtration(img))
    yield "filtration/image", digest(*(res["dgms"] if isinstance(res, dict) else res))
    yield "lower_star_img", digest(topodim.lower_star_img(img))


#: Columns of the experiment tables that hold wall times, left out of the hash.
WALL_TIME_COLUMNS = {"seconds", "train_seconds"}


def experiment_cases(out: Path):
    cmd = [sys.executable, "-m", "experiments", "depth", "text", "--profile", "tiny", "--no-cache",
           "--no-progress", "--quiet", "--out", str(out)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)   # only the hashes go to stdout
    import csv

    for path in sorted(out.rglob("*.csv")):
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        # wall-clock columns differ on every run; every other cell must match exactly
        keep = [i for i, name in enumerate(rows[0]) if name not in WALL_TIME_COLUMNS] if rows else []
        text = "\n".join(",".join(row[i] for i in keep if i < len(row)) for row in rows)
        yield f"experiments/{path.relative_to(out)}", hashlib.sha256(text.encode()).hexdigest()[:16]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--experiments", metavar="DIR", help="also run the tiny experiments into DIR and hash their tables")
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")   # estimator diagnostics; only the values matter here
    data = clouds()
    for gen in (rips_cases(data), mst_cases(data), dimension_cases(data), filtration_cases(data)):
        for case, h in gen:
            print(case, h, flush=True)
    if args.experiments:
        for case, h in experiment_cases(Path(args.experiments)):
            print(case, h, flush=True)


if __name__ == "__main__":
    main()
