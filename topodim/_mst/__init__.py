"""Minimum-spanning-tree kernels, one algorithm family per module; the public face is ``topodim.mst``."""
