"""The shell-only entrypoint example, run by dash as a container would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from envbake import errors
from tests.conftest import OTHER_KEY, REPOSITORY, TEST_KEY
from tests.run_helpers import (
    DUMP_ENVIRONMENT,
    read_dumped_environment,
    seal_file,
    start_environment,
)

ENTRYPOINT = REPOSITORY / "examples" / "entrypoint" / "entrypoint.sh"
VARIABLES = {"DATABASE_URL": "postgres://app:placeholder@db/app", "Q": "it's $x `y`"}


def _run_entrypoint(
    tmp_path: Path, key: str, extra: dict[str, str] | None = None
) -> tuple[int, dict[str, str] | None]:
    dash = shutil.which("dash")
    if dash is None:
        pytest.fail("dash is not installed; scripts/test installs it")
    sealed_file = seal_file(tmp_path / "env.encrypted", VARIABLES)
    output = tmp_path / "received.env"
    # envbake must be on the PATH, as in an image: the venv's bin folder.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    environment = start_environment(
        {
            "PATH": path,
            "ENVBAKE_KEY": key,
            "ENVBAKE_FILE": str(sealed_file),
            **(extra or {}),
        }
    )
    result = subprocess.run(
        [dash, str(ENTRYPOINT), *DUMP_ENVIRONMENT, str(output)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    received = read_dumped_environment(output) if output.exists() else None
    return result.returncode, received


def test_entrypoint_example_starts_service(tmp_path: Path) -> None:
    status, received = _run_entrypoint(tmp_path, TEST_KEY)

    assert 0 == status
    assert received is not None
    for name, value in VARIABLES.items():
        assert value == received[name]
    assert "ENVBAKE_KEY" not in received
    assert "exports" not in received


def test_entrypoint_example_stops_on_wrong_key(tmp_path: Path) -> None:
    status, received = _run_entrypoint(tmp_path, OTHER_KEY)

    assert errors.EXIT_WRONG_KEY == status
    assert received is None


def test_entrypoint_example_switched_off_starts_without_key(tmp_path: Path) -> None:
    status, received = _run_entrypoint(tmp_path, "", {"ENVBAKE_DISABLE": "true"})

    assert 0 == status
    assert received is not None
    assert "DATABASE_URL" not in received
    assert "true" == received["ENVBAKE_DISABLE"]
