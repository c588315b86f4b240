"""Helpers for tests that start ``envbake run`` as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from envbake import sealed
from tests.conftest import TEST_KEY, run_envbake

#: A command that writes the environment it was started with, byte for
#: byte, to the file named by its argument. It reads /proc/self/environ
#: rather than os.environ, which Python itself may have changed.
DUMP_ENVIRONMENT = [
    sys.executable,
    "-c",
    "import sys; open(sys.argv[1], 'wb').write(open('/proc/self/environ', 'rb').read())",
]

#: The environment every run starts from: enough to find programs, and no
#: locale, so that Python's locale coercion would show if it leaked.
BASE_ENVIRONMENT = {"PATH": os.environ["PATH"], "INHERITED": "from-the-caller"}


def start_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the base environment with ``extra`` added."""
    return {**BASE_ENVIRONMENT, **(extra or {})}


def run_envbake_exactly(
    arguments: list[str],
    environment: Mapping[str, str],
    *,
    cwd: Path | None = None,
    input: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m envbake ARGUMENTS`` with exactly ``environment``."""
    return run_envbake(
        *arguments,
        env=environment,
        cwd=cwd,
        input=input,
        timeout=timeout,
        inherit=False,
    )


def read_dumped_environment(path: Path) -> dict[str, str]:
    """Decode a file written by :data:`DUMP_ENVIRONMENT`."""
    environment: dict[str, str] = {}
    for entry in path.read_bytes().split(b"\0"):
        if entry:
            name, _, value = entry.partition(b"=")
            environment[os.fsdecode(name)] = os.fsdecode(value)
    return environment


def seal_file(
    path: Path,
    variables: Mapping[str, str],
    *,
    key: str = TEST_KEY,
    environment: str = "",
    format: str = "v2",
) -> Path:
    """Seal ``variables`` into ``path`` with the library and return it."""
    path.write_text(
        sealed.seal(variables, key, environment=environment, format=format),
        encoding="ascii",
    )
    return path


def error_line(stderr: str) -> str:
    """Return the only line of ``stderr``, failing if there are more."""
    lines = stderr.splitlines()
    assert 1 == len(lines), stderr
    assert lines[0].startswith("envbake: "), lines[0]
    return lines[0]
