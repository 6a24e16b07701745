import sys

from .cli import main

# guarded: Dask's worker processes start by spawn, which imports the main module again
if __name__ == "__main__":
    sys.exit(main())
