"""Shared test configuration.

Hypothesis profiles: "ci" (selected when CI or TOPODIM_CI is set) is derandomized so that CI runs
are reproducible, with a modest number of examples; "dev" (default) explores more. No deadline:
the first example of a test includes Numba compilation.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if (os.environ.get("CI") or os.environ.get("TOPODIM_CI")) else "dev")
)
