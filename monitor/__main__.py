"""`python -m monitor`: the command line."""

import sys

from monitor.cli import main

if __name__ == "__main__":  # guarded: the build's protection workers are spawned processes
    sys.exit(main())
