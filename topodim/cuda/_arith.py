"""Rounded arithmetic for the CUDA kernels: the canonical distance arithmetic of
:mod:`topodim.metrics`, bit for bit.

The CPU kernels compute every distance with one accumulator over the coordinates k = 0..d-1 in
order, rounding each product and each sum separately (no fused multiply-add). NVVM contracts
``a * b + c`` into an FMA by default, even with ``fastmath=False`` (numba-cuda passes no
``-fma=0``), and ptxas may fuse a plain ``mul`` followed by an ``add``. The functions here call
libdevice's ``__nv_{f,d}mul_rn`` / ``__nv_{f,d}add_rn``, which compile to ``mul.rn`` / ``add.rn``
PTX instructions: PTX forbids fusing instructions that carry an explicit rounding mode, so each
product and sum is rounded once, as on the CPU. ``math.sqrt`` compiles to ``sqrt.rn`` (correctly
rounded) as long as ``fastmath`` is off, which it is in every topodim kernel.

Under numba-cuda's simulator (``NUMBA_ENABLE_CUDASIM=1``) kernels run as Python on NumPy
scalars, whose ``*`` and ``+`` are already rounded once; the plain Python bodies below are what
runs there. ``tests/test_cuda.py`` compiles the real kernels to PTX (without a GPU, where libNVVM
is installed) and checks that no ``fma`` instruction and no unrounded float ``mul``/``add``
remains.
"""

from __future__ import annotations

from ._device import simulator_enabled

__all__ = ["mul_rn", "add_rn", "device_function"]


def device_function(fn):
    """``cuda.jit(device=True)``; under the simulator the plain Python function (the simulator
    would wrap every call in a context manager that rescans the module's globals, which makes
    small device functions in inner loops hundreds of times slower there)."""
    if simulator_enabled():
        return fn
    from numba import cuda  # noqa: PLC0415

    return cuda.jit(device=True)(fn)


def mul_rn(a, b):
    """``a * b`` rounded to nearest once (never fused into an FMA)."""
    return a * b


def add_rn(a, b):
    """``a + b`` rounded to nearest once (never fused into an FMA)."""
    return a + b


if not simulator_enabled():
    from numba.cuda import libdevice, types  # noqa: E402
    from numba.cuda.extending import overload  # noqa: E402

    @overload(mul_rn, target="cuda")
    def _mul_rn_cuda(a, b):
        if a == types.float32 and b == types.float32:
            return lambda a, b: libdevice.fmul_rn(a, b)
        if a == types.float64 and b == types.float64:
            return lambda a, b: libdevice.dmul_rn(a, b)
        return None

    @overload(add_rn, target="cuda")
    def _add_rn_cuda(a, b):
        if a == types.float32 and b == types.float32:
            return lambda a, b: libdevice.fadd_rn(a, b)
        if a == types.float64 and b == types.float64:
            return lambda a, b: libdevice.dadd_rn(a, b)
        return None
