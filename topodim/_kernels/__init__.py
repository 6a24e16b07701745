"""Numba kernels shared by several layers (union–find, CSR lookup, growable arrays, modular
arithmetic, bit tricks, heaps, condensed indices), one data structure per module, imported openly.

Layer rule: modules here import only numpy and numba, never another topodim module outside
``topodim._kernels``.
"""
