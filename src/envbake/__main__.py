"""Allow ``python -m envbake``."""

import sys

from envbake.cli import main

sys.exit(main())
