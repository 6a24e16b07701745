"""The explicit persistence engine side by side with GUDHI's SimplexTree (and ripser.py for Rips).

    python bench/compare_reduction.py [--repeats 3] [--cases ...] [--tools ...]

Cases
    * the full Vietoris–Rips 2-skeleton (no threshold) of n uniform points in [0,1]³, H0 and H1,
      coefficients Z/2: every tool builds the complex and computes the diagrams;
    * the lower-star filtration of a random 256×256 image on its Freudenthal triangulation (H0..H2):
      topodim builds it with ``image_filtration``; GUDHI gets the same vertices, edges and
      triangles with their values through ``SimplexTree.insert_batch`` (timed, as its build).

Tools
    topodim (cohomology, the default), topodim twist (image only: on full Rips skeletons the
    homology algorithms need tens of millions of column additions), GUDHI RipsComplex +
    SimplexTree + compute_persistence, and ripser.py (implicit complex, float32, for scale only).

One fresh process per measurement, tools alternating, after a warm-up call on a small input of
the same kind (see harness.py); memory is the peak RSS above the input.
"""

import os

import numpy as np

import harness
from benchmarks.common import cloud


def _rips_case(n):
    return lambda small: cloud(20 if small else n, 3)


def _image_case(size):
    return lambda small: ("image", np.random.default_rng(0).random((8, 8) if small else (size, size)))


CASES = {
    "Rips 2-skeleton, n=100": _rips_case(100),
    "Rips 2-skeleton, n=200": _rips_case(200),
    "Rips 2-skeleton, n=300": _rips_case(300),
    "image 256×256 lower-star": _image_case(256),
}


def _freudenthal(img):
    H, W = img.shape
    ids = np.arange(H * W).reshape(H, W)
    f = img.ravel()
    E = np.concatenate([
        np.stack([ids[:, :-1].ravel(), ids[:, 1:].ravel()], 1),
        np.stack([ids[:-1, :].ravel(), ids[1:, :].ravel()], 1),
        np.stack([ids[:-1, :-1].ravel(), ids[1:, 1:].ravel()], 1),
    ])
    a = ids[:-1, :-1].ravel()
    T = np.concatenate([np.stack([a, a + 1, a + W + 1], 1), np.stack([a, a + W, a + W + 1], 1)])
    return f, E, T


def run_topodim(data):
    import topodim

    if isinstance(data, tuple):
        return topodim.image_filtration(data[1]).persistence()
    return topodim.rips_filtration(data, skeleton=2).persistence(maxdim=1)


def run_topodim_twist(data):
    import topodim

    if not isinstance(data, tuple):
        raise ImportError("homology algorithm not run on full Rips skeletons (too slow)")
    return topodim.image_filtration(data[1]).persistence(algorithm="twist")


def run_gudhi(data):
    import gudhi

    if isinstance(data, tuple):
        f, E, T = _freudenthal(data[1])
        st = gudhi.SimplexTree()
        st.insert_batch(np.arange(len(f)).reshape(1, -1), f)
        st.insert_batch(E.T.copy(), f[E].max(axis=1))
        st.insert_batch(T.T.copy(), f[T].max(axis=1))
    else:
        st = gudhi.RipsComplex(points=data).create_simplex_tree(max_dimension=2)
    st.compute_persistence(homology_coeff_field=2)
    return st


def run_ripser(data):
    from ripser import ripser

    if isinstance(data, tuple):
        raise ImportError("ripser.py computes Rips filtrations only")
    return ripser(data, maxdim=1)


TOOLS = {
    "topodim": run_topodim,
    "topodim twist": run_topodim_twist,
    "GUDHI SimplexTree": run_gudhi,
    "ripser.py": run_ripser,
}


if __name__ == "__main__":
    harness.main(os.path.splitext(os.path.basename(__file__))[0], CASES, TOOLS)
