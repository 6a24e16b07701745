"""Memory checks made before large allocations: the room left in available memory, under the
address-space limit (``ulimit -v``) and in the memory cgroup, and a ``MemoryError`` that says
what did not fit and what to do instead."""

from __future__ import annotations

import os

from .._parallel import address_space_headroom

__all__ = [
    "available_memory",
    "format_bytes",
    "ADDRESS_SPACE_SLACK",
    "address_space_headroom",
    "cgroup_headroom",
    "memory_limit",
    "check_memory",
]


def available_memory() -> int:
    """Bytes of memory available to this process (MemAvailable on Linux), or 0 when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 0


def format_bytes(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(nbytes) < 1024 or unit == "TB":
            return f"{nbytes:.1f} {unit}" if unit != "B" else f"{int(nbytes)} B"
        nbytes /= 1024
    return f"{nbytes:.1f} TB"  # pragma: no cover


#: Address space left free beyond an allocation that is checked against an address-space limit
#: (``ulimit -v``): small allocations made later (C++ containers of the thread pool, Python
#: objects) must still succeed, since one failing there aborts the process.
ADDRESS_SPACE_SLACK = 64 << 20

_UNLIMITED_CGROUP = 1 << 60


def _read_int(path: str) -> int | None:
    try:
        with open(path) as fh:
            text = fh.read().strip()
    except OSError:
        return None
    if text == "max":
        return None
    try:
        v = int(text)
    except ValueError:
        return None
    return None if v >= _UNLIMITED_CGROUP else v


def cgroup_headroom(proc_cgroup: str = "/proc/self/cgroup", root: str = "/sys/fs/cgroup") -> int | None:
    """Bytes the memory cgroup of this process may still charge: ``memory.max`` minus
    ``memory.current`` (cgroup v2) or ``memory.limit_in_bytes`` minus ``memory.usage_in_bytes``
    (v1), the smallest over the cgroup and its ancestors; None without a limit. The paths are
    parameters for tests."""
    try:
        with open(proc_cgroup) as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    best = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _hid, controllers, path = parts
        if controllers == "":
            top, lim_name, use_name = root, "memory.max", "memory.current"
        elif "memory" in controllers.split(","):
            top, lim_name, use_name = os.path.join(root, "memory"), "memory.limit_in_bytes", "memory.usage_in_bytes"
        else:
            continue
        rel = path.strip("/")
        while True:
            d = os.path.join(top, rel) if rel else top
            lim = _read_int(os.path.join(d, lim_name))
            if lim is not None:
                use = _read_int(os.path.join(d, use_name)) or 0
                room = max(lim - use, 0)
                best = room if best is None else min(best, room)
            if not rel:
                break
            rel = os.path.dirname(rel)
    return best


def memory_limit() -> tuple[int, str]:
    """``(bytes, source)``: what one more allocation may take, the smallest of

    * available memory: ``TOPODIM_MEMORY_LIMIT`` (bytes, :data:`topodim._config.MEMORY_LIMIT`)
      when set, else /proc/meminfo's MemAvailable;
    * the address space left under RLIMIT_AS (``ulimit -v``), less a slack for small
      allocations (:data:`ADDRESS_SPACE_SLACK`; the thread pool is started before that by
      :func:`topodim._parallel.thread_limit`);
    * the room left in the memory cgroup (``memory.max`` / ``memory.limit_in_bytes``).

    ``bytes`` is 0 when nothing is known (no check)."""
    from .. import _config  # noqa: PLC0415  (the module, so that its MEMORY_LIMIT is read now)

    if _config.MEMORY_LIMIT is not None:
        best, source = _config.MEMORY_LIMIT, "TOPODIM_MEMORY_LIMIT"
    else:
        best, source = available_memory(), "available memory"
    known = best > 0  # 0: MemAvailable unknown (nothing to compare with)
    room = address_space_headroom()
    if room is not None:
        room = max(room - ADDRESS_SPACE_SLACK, 0)
        if not known or room < best:
            best, source, known = room, "the address-space limit (ulimit -v)", True
    cg = cgroup_headroom()
    if cg is not None and (not known or cg < best):
        best, source = cg, "the memory cgroup limit"
    return max(int(best), 0), source


def check_memory(nbytes: int, what: str, way_out: str) -> None:
    """Raise ``MemoryError`` before allocating ``nbytes`` if it would not fit.

    The room is the smallest of the available memory, the address space left under
    ``ulimit -v`` (RLIMIT_AS) and the room left in the memory cgroup (see :func:`memory_limit`).
    ``TOPODIM_MEMORY_LIMIT`` (bytes; read once, at import, into
    :data:`topodim._config.MEMORY_LIMIT`) replaces the detected available memory, for tests and
    for users who share a machine; the address-space and cgroup limits still apply.
    """
    limit, source = memory_limit()
    if nbytes > limit and (limit > 0 or source not in ("available memory", "TOPODIM_MEMORY_LIMIT")):
        raise MemoryError(
            f"{what} needs {format_bytes(nbytes)} but only {format_bytes(limit)} is available "
            f"({source}); {way_out}"
        )
