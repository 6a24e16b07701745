"""Input validation for every public entry point.

Each public function calls one of the ``as_*`` / ``check_*`` helpers here exactly once, before any
compiled kernel runs. The helpers turn array-likes into C-contiguous float arrays of the compute
dtype and raise ``ValueError`` / ``TypeError`` with a one-line message that says what was wrong and
how to fix it. Nothing here allocates more than a copy of the input.

One concern per module; every name is re-exported here, so ``from topodim._validate import X``
is the way in:

* :mod:`~topodim._validate.arrays`: array-likes, point clouds, metric names, warnings that point
  at the user's line;
* :mod:`~topodim._validate.distances`: :class:`DistanceInput` (the canonical form of a finite
  metric space) and :func:`as_distance_input` for points, dense, condensed and sparse matrices;
* :mod:`~topodim._validate.scalars`: integers, positive numbers, random states, homology
  dimensions, prime fields, thresholds;
* :mod:`~topodim._validate.memory`: the room left for an allocation and :func:`check_memory`.
"""

from __future__ import annotations

from .arrays import (
    METRIC_ALIASES,
    NATIVE_METRICS,
    InputShapeWarning,
    as_dtype,
    as_float_array,
    as_points,
    canonical_metric,
    warn,
)
from .distances import DistanceInput, as_distance_input, check_estimate_args, condensed_size_to_n
from .memory import (
    ADDRESS_SPACE_SLACK,
    address_space_headroom,
    available_memory,
    cgroup_headroom,
    check_memory,
    format_bytes,
    memory_limit,
)
from .scalars import (
    MAX_DIMENSION,
    check_maxdim,
    check_nonnegative_int,
    check_positive,
    check_prime,
    check_random_state,
    check_threshold,
    is_prime,
)

__all__ = [
    "DistanceInput",
    "InputShapeWarning",
    "NATIVE_METRICS",
    "METRIC_ALIASES",
    "as_dtype",
    "as_float_array",
    "as_points",
    "as_distance_input",
    "canonical_metric",
    "check_memory",
    "check_maxdim",
    "check_positive",
    "check_random_state",
    "check_prime",
    "check_nonnegative_int",
    "check_threshold",
    "available_memory",
    "address_space_headroom",
    "cgroup_headroom",
    "memory_limit",
    # used across topodim, not meant for users
    "ADDRESS_SPACE_SLACK",
    "MAX_DIMENSION",
    "check_estimate_args",
    "condensed_size_to_n",
    "format_bytes",
    "is_prime",
    "warn",
]
