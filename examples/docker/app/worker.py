"""A stand-in for the service an image runs.

It prints how many variables it received and the names of the settings it
needs that are missing, never a value, and exits with status 1 if any is
missing or if a key variable reached it.
"""

from __future__ import annotations

import os
import sys

#: Settings this stand-in needs; a real service reads its own.
REQUIRED = ("APP_NAME", "DATABASE_URL", "LOG_LEVEL")
#: envbake removes these before starting the service; seeing one is a bug.
KEY_VARIABLES = (
    "ENVBAKE_KEY",
    "ENVBAKE_KEY_FILE",
    "ENVBAKE_ENCRYPT_KEY",
    "ENVBAKE_ENCRYPT_KEY_FILE",
)


def main() -> int:
    missing = [name for name in REQUIRED if name not in os.environ]
    visible_keys = [name for name in KEY_VARIABLES if name in os.environ]
    print(f"worker: started with {len(os.environ)} variables", flush=True)
    if visible_keys:
        print(f"worker: key variables visible: {', '.join(visible_keys)}")
        return 1
    if missing:
        print(f"worker: missing variables: {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
