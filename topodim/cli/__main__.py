"""``python -m topodim.cli`` is the ``topodim`` command, as ``python -m topodim`` is."""

import sys

from . import main

sys.exit(main())
