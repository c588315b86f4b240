"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
#: The Node.js implementation's v1 files (vectors/) and the input cases
#: that other tools of this kind got wrong (cases/); see tests/data/README.md.
DATA = REPOSITORY / "tests" / "data"

#: Fixed test keys: never used outside tests.
TEST_KEY = "+vG2poVpPjn9sgkddDqxsC+9VSBMNPBP/vROmt5AGC4="
OTHER_KEY = "sUzyZLfiOBN5QPiqzHdv4a/CYNGN7Ptj+rl6v0lELME="


def data_path(*parts: str) -> Path:
    """Return a path under tests/data, failing the test if it is missing."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing from the checkout")
    return path


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return a minimal environment without any ENVBAKE_ variable."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("ENVBAKE_") and name not in ("SOURCE_DATE_EPOCH",)
    }
    environ.update(extra or {})
    return environ


def run_envbake(
    *arguments: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    input: str | None = None,
    timeout: float = 60,
    inherit: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run the envbake command line in a new process and capture its output.

    With ``inherit=False`` the process gets exactly ``env`` and nothing of
    this process's environment.
    """
    return subprocess.run(
        [sys.executable, "-m", "envbake", *arguments],
        env=clean_environ(env) if inherit else dict(env or {}),
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
