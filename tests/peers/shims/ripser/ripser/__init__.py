"""A renaming shim: ``import ripser`` resolves here and gets topodim's ripser.py-compatible names.

Nothing is emulated: every name is topodim's own object under ripser.py's name. A name ripser.py
exports that topodim lacks raises :class:`ShimGap` on access (neither ValueError nor
NotImplementedError, so no test can pass by catching it).
"""

import topodim

__version__ = "0.6.15"


class ShimGap(Exception):
    """ripser.py has this name; topodim has no counterpart."""


_NAMES = {
    "ripser": "ripser",
    "Rips": "Rips",
    "lower_star_img": "lower_star_img",
    "correlation_to_distance": "correlation_to_distance",
}

__all__ = ["Rips", "ripser", "lower_star_img", "__version__", "correlation_to_distance"]


def __getattr__(name):
    if name in _NAMES:
        target = _NAMES[name]
        if not hasattr(topodim, target):
            raise ShimGap(f"topodim has no {target!r} (ripser.{name})")
        return getattr(topodim, target)
    raise AttributeError(name)
