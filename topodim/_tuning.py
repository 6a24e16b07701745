"""Tuned constants: the fixed work thresholds and engine limits the kernels choose by.

Each constant says what it decides and where the measurement that set it lives (an asv benchmark
under ``bench/benchmarks``; ``bench/README.md`` records the runs). Changing one never changes a
result, only which engine or how many threads compute it.
"""

from __future__ import annotations

__all__ = ["PRIM_PARALLEL_WORK", "PRIM_BATCHES", "BORUVKA_MAX_DIM", "BORUVKA_MIN_POINTS",
           "BORUVKA_LEAF_SIZE", "SERIAL_WORK", "BATCHES",
           "REDUCTION_PARALLEL_COLUMNS", "REDUCTION_PARALLEL_PUSHES",
           "REDUCTION_SLOTS_PER_THREAD"]

#: Work of one Prim step (active points x features) from which the step's scan runs on several
#: threads; below it the parallel region's barrier costs more than the threads save.
#: Provenance: bench_ph0.PH0Threads.time_prim (n = 10,000 in R^50, n_threads 1 and 2).
PRIM_PARALLEL_WORK = 1 << 20

#: Batches of Prim steps the opt-in adaptive mode times (it picks per batch the faster of one
#: thread and all; see :mod:`topodim._parallel`). Provenance: bench_ph0.PH0Threads.time_prim.
PRIM_BATCHES = 128

#: Largest dimension for which ``method="auto"`` takes the KD-tree Borůvka engine over Prim.
#: Provenance: bench_ph0.PH0Points.time_ph0, method "auto" against "prim" over dim.
BORUVKA_MAX_DIM = 8

#: Smallest number of points for which ``method="auto"`` takes the KD-tree Borůvka engine.
#: Provenance: bench_ph0.PH0Points.time_ph0, method "auto" against "prim" over n.
BORUVKA_MIN_POINTS = 512

#: Points per KD-tree leaf in the Borůvka engine.
#: Provenance: bench_ph0.PH0Large.time_ph0 (10^6 points in R^3).
BORUVKA_LEAF_SIZE = 16

#: Work (pairs, edges or simplices) below which a batched parallel stage runs on one thread.
#: Provenance: bench_rips.RipsThreads and RipsStructured (n_threads 1 and 2).
SERIAL_WORK = 1 << 18

#: Batches of equal weight a batched parallel stage is cut into (:func:`topodim._parallel.run_batches`).
#: Provenance: bench_rips.RipsThreads and RipsStructured (n_threads 1 and 2).
BATCHES = 16

#: Columns of one dimension from which the Rips reduction runs batch-parallel on several threads
#: (:mod:`topodim.rips._reduce_batched`); below it, serially.
#: Provenance: bench_rips.RipsStructured and RipsThreads (n_threads 1 and 2).
REDUCTION_PARALLEL_COLUMNS = 1 << 12

#: Mean heap pushes per column, over the columns of a dimension reduced so far (serially), from
#: which the rest of its columns are reduced batch-parallel. Columns of ~10 pushes (the H2 of
#: 2,000 uniform points in the cube, collapsed) cost ~13 us each and lose in batches; columns of
#: 35-70 (torus and 10-d Gaussian H2) gain 1.1-1.4x on 2 threads.
#: Provenance: bench/reduction_threads.py.
REDUCTION_PARALLEL_PUSHES = 24

#: Working columns per thread in a batch of the batch-parallel Rips reduction: more keep the
#: threads busy when columns differ in length, fewer leave fewer pivots for a column to meet
#: unsettled (each such meeting sends the rest of its work to the serial phase).
#: Provenance: bench/reduction_threads.py.
REDUCTION_SLOTS_PER_THREAD = 8
