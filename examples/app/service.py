"""A stand-in for the service in an image: it reports which variables it
received, without printing any secret value.

It checks the names assigned in app.env and secrets.env beside it and exits
with status 1 if any is missing, so that the example shows in one run
whether envbake gave the service its whole environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dotenv import dotenv_values

HERE = Path(__file__).resolve().parent
# Names whose values are not secret and may be printed.
PUBLIC_FILE = HERE / "app.env"
SECRET_FILE = HERE / "secrets.env"


def names_in(path: Path) -> list[str]:
    """Return the variable names that ``path`` assigns."""
    return list(dotenv_values(path, interpolate=False))


def main() -> int:
    public = names_in(PUBLIC_FILE)
    secret = names_in(SECRET_FILE)
    missing = [name for name in public + secret if name not in os.environ]
    print(f"service: {os.environ.get('APP_NAME', '?')} starting")
    for name in public:
        if name in os.environ:
            print(f"  {name}={os.environ[name]}")
    for name in secret:
        if name in os.environ:
            value = os.environ[name]
            lines = value.count("\n") + 1
            print(
                f"  {name}: set, {len(value)} characters, {lines} line(s), value hidden"
            )
    leaked = [
        name for name in os.environ if name.startswith("ENVBAKE_") and "KEY" in name
    ]
    if leaked:
        print(f"service: key variables visible to the service: {', '.join(leaked)}")
        return 1
    if missing:
        print(f"service: missing variables: {', '.join(missing)}")
        return 1
    print(
        f"service: all {len(public) + len(secret)} variables received; no key variable visible"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
