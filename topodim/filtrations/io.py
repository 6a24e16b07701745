"""Reading filtered complexes from text files."""

from __future__ import annotations

import numpy as np

__all__ = ["read_simplices"]


def read_simplices(source):
    """Read a filtered complex from text: one simplex per line, its vertex ids then its value.

    Tokens are separated by spaces, tabs or commas; blank lines and lines starting with ``#`` are
    skipped. Example::

        # a triangle entering at 2
        0 0.0
        1 0.0
        2 0.5
        0 1 1.0
        1 2 1.0
        0 2 1.5
        0 1 2 2.0

    Parameters
    ----------
    source : str or file object
        A path, or an open text file (``sys.stdin``, say).

    Returns
    -------
    (simplices, values)
        A list of tuples of int and a float64 array, in file order, ready for
        :meth:`Filtration.from_simplices` (which validates them).
    """
    if isinstance(source, str):
        with open(source) as fh:
            lines = fh.readlines()
        name = source
    else:
        lines = source.readlines()
        name = getattr(source, "name", "input")
    simplices, values = [], []
    for lineno, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        tokens = text.replace(",", " ").split()
        if len(tokens) < 2:
            raise ValueError(f"{name}, line {lineno}: expected vertex ids then a value, got {text!r}")
        try:
            verts = tuple(int(t) for t in tokens[:-1])
        except ValueError:
            bad = next(t for t in tokens[:-1] if not t.lstrip("+-").isdigit())
            raise ValueError(f"{name}, line {lineno}: vertex {bad!r} is not an integer; a line holds "
                             "vertex ids then one value") from None
        try:
            value = float(tokens[-1])
        except ValueError:
            raise ValueError(f"{name}, line {lineno}: the value {tokens[-1]!r} is not a number") from None
        simplices.append(verts)
        values.append(value)
    if not simplices:
        raise ValueError(f"{name} holds no simplices; write one simplex per line: vertex ids then a value")
    return simplices, np.asarray(values, dtype=np.float64)
