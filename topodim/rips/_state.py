"""The conventions and kernel state types of the Rips engine (Numba-typed namedtuples).

The kernels are written from the Ripser algorithm (U. Bauer, "Ripser: efficient computation of
Vietoris–Rips persistence barcodes", JACT 2021), with emergent and apparent pairs, clearing and a
diameter-capped working column.

Conventions shared by every Rips kernel
---------------------------------------
* A k-simplex with vertices ``v_k > ... > v_0`` has the colexicographic index
  ``sum_i C(v_i, i + 1)``; ``B[k, v] = C(v, k)`` is the binomial table. Vertex arrays are kept in
  *decreasing* order (``vs[0]`` is the largest vertex).
* The filtration order is (diameter ascending, index descending). Cohomology columns are reduced
  in the reverse order: (diameter descending, index ascending). The pivot of a coboundary column
  is its entry of smallest diameter and, on ties, largest index.
* A graph is given either densely (``dense=True``: an (n, n) matrix ``D`` with zero diagonal,
  entries above ``thresh`` are not edges) or sparsely (``dense=False``: symmetric CSR arrays
  ``indptr, indices, data`` with column indices sorted ascending, no diagonal, absent = no edge).
  Kernels take both as one :data:`Graph` (the unused one empty) so that each kernel compiles
  once per dtype, not once per representation.
* Coefficients are in Z/p, stored as int64 in 1..p-1 (p = 2 works through the same code).
  The coefficient of a cofacet tau = sigma + {w} in the coboundary of sigma is (-1)^k where k is
  the number of vertices of sigma below w.
* Diameters are never recomputed differently on different paths: a simplex's diameter is the
  maximum of the stored edge values of its vertex pairs.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np


#: A graph as the kernels take it (see the conventions above): ``dense`` (bool), the value
#: matrix ``D`` ((0, 0) when absent), the symmetric CSR arrays ``indptr, indices, data`` and the
#: number of vertices ``n``. Numba types a namedtuple of fixed field types as one type, so the
#: kernels taking it still compile once per dtype.
Graph = namedtuple("Graph", ["dense", "D", "indptr", "indices", "data", "n"])

def kernel_graph(dense, D, indptr, indices, data, n):
    """The :data:`Graph` of these arrays, with the field types every kernel is compiled for
    (``dense`` a bool, ``n`` an int64)."""
    return Graph(bool(dense), D, indptr, indices, data, np.int64(n))


#: The columns to reduce, in reduction order: simplex indices and diameters.
Columns = namedtuple("Columns", ["idx", "diam"])

#: The coefficient field Z/p: the prime ``p`` and the table ``inv`` of inverses mod p.
Field = namedtuple("Field", ["p", "inv"])

#: The fixed-size state of one dimension's reduction, carried between calls of
#: :func:`reduce_columns` (see its docstring): the pivot map ``pivots``, ``colinfo``, the bars
#: ``bars_d`` / ``bars_i``, the cocycle pointers ``cc_ptr``, the ``counters`` (COUNT_*), the
#: statistics ``stats`` (STAT_*), whether to keep cocycles (``do_cc``), the heap-push
#: ``budget`` of the whole reduction and the ``column_budget`` of any one column (-1: none).
Reduction = namedtuple("Reduction", ["pivots", "colinfo", "bars_d", "bars_i", "cc_ptr",
                                     "counters", "stats", "do_cc", "budget", "column_budget"])

#: The growable arrays of a reduction, returned (maybe reallocated) by :func:`reduce_columns`:
#: the reduction matrix V (``vst_i``: index, coefficient per entry; ``vst_d``: diameters) and the
#: cocycle entries ``cc_st`` (index, coefficient).
Store = namedtuple("Store", ["vst_i", "vst_d", "cc_st"])

#: The working reduction column V_work of :func:`reduce_columns`: simplex indices, diameters,
#: coefficients.
WorkColumn = namedtuple("WorkColumn", ["i", "d", "c"])

#: What every column of one dimension's reduction is reduced on: the dimension ``dim``, the
#: ``cols`` (a :data:`Columns`), the ``graph`` (a :data:`Graph`), the threshold ``thresh``, the
#: binomial table ``B``, the ``field`` (a :data:`Field`) and the edge codes ``eflags`` of the flat
#: pass (may be empty).
ReductionInput = namedtuple("ReductionInput", ["dim", "cols", "graph", "thresh", "B", "field",
                                               "eflags"])

#: The buffers of one working column, kept while its reduction is paused: the heap (diameters
#: ``hd``, indices ``hi``, coefficients ``hc``), the working reduction column V_work (``wi, wd,
#: wc``) and the cofacets of the next diameter collected by its first pass (``nl_i, nl_s``).
ColumnBuffers = namedtuple("ColumnBuffers", ["hd", "hi", "hc", "wi", "wd", "wc", "nl_i", "nl_s"])

#: Per-thread temporaries of a column step: the coboundary output (``out_i, out_d, out_s``), the
#: vertices of a simplex (``es``), row pointers (``ptrs``) and a :data:`Scratch`.
ColumnTemp = namedtuple("ColumnTemp", ["out_i", "out_d", "out_s", "es", "ptrs", "scratch"])

#: The temporaries of :data:`ColumnTemp` for several threads, one padded row per thread (its
#: ColumnTemp is row t, see :func:`topodim.rips._reduce.lane_temp`): ``out_i, out_d, out_s``,
#: ``es``, ``ptrs`` and the Scratch's ``us, fv, pv, sptrs``.
LaneTemps = namedtuple("LaneTemps", ["out_i", "out_d", "out_s", "es", "ptrs", "us", "fv", "pv",
                                     "sptrs"])

#: Scratch buffers of the apparent-facet search: vertices of tau (``us``) and of its facet
#: (``fv``), pairwise values (``pv``) and row pointers (``ptrs``).
Scratch = namedtuple("Scratch", ["us", "fv", "pv", "ptrs"])

#: The output buffers of :func:`coboundary`: cofacet indices, diameters and coefficient
#: parities (``i, d, s``), and the indices and parities of the cofacets of the next diameter
#: (``nl_i, nl_s``).
CobOut = namedtuple("CobOut", ["i", "d", "s", "nl_i", "nl_s"])



#: The fixed inputs of one call of :func:`topodim.rips._assemble.assemble`: the adjacency
#: bitsets ``A`` ((0, 0) when absent), the binomial table ``B``, the threshold ``thresh``, the
#: pivot keys ``pkeys`` of the dimension below (a hash map), the edge codes ``eflags`` of the
#: flat pass (may be empty) and the De Bruijn ``table`` of :func:`topodim._kernels.bits.msb`.
Assembly = namedtuple("Assembly", ["A", "B", "thresh", "pkeys", "eflags", "table"])

#: Where :func:`topodim.rips._assemble.assemble` writes: per generating simplex ``counts`` (in the
#: counting pass) and ``offsets`` (``offsets[q] - base``: where its simplices go), then the
#: generated simplices' indices ``i``, diameters ``d`` and classes ``f``.
Generated = namedtuple("Generated", ["counts", "offsets", "base", "i", "d", "f"])
