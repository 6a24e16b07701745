"""``python -m topodim`` is the ``topodim`` command."""

import sys

from .cli import main

sys.exit(main())
