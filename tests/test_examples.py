"""The bundled example: its environment seals and its service starts with
every variable through envbake run."""

from __future__ import annotations

import sys
from pathlib import Path

from dotenv import dotenv_values

from tests.conftest import REPOSITORY, TEST_KEY, run_envbake

APP = REPOSITORY / "examples" / "app"


def test_example_app_has_a_realistic_environment() -> None:
    regular = dotenv_values(APP / "app.env", interpolate=False)
    secret = dotenv_values(APP / "secrets.env", interpolate=False)
    values = [value or "" for value in {**regular, **secret}.values()]

    assert 35 <= len(regular) + len(secret) <= 45
    assert any(
        value.startswith("-----BEGIN") and value.count("\n") >= 2 for value in values
    )
    assert any(value.startswith("{") and value.endswith("}") for value in values)
    for character in ("'", '"', "#", "=", " "):
        assert any(character in value for value in values), character


def test_example_service_receives_every_variable(tmp_path: Path) -> None:
    sealed_file = tmp_path / "env.encrypted"
    sealing = run_envbake(
        "seal",
        "--input",
        str(APP / "app.env"),
        "--input",
        str(APP / "secrets.env"),
        "--environment",
        "production",
        "-o",
        str(sealed_file),
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )
    assert sealing.returncode == 0, sealing.stderr

    result = run_envbake(
        "run",
        str(sealed_file),
        "--",
        sys.executable,
        str(APP / "service.py"),
        env={"ENVBAKE_KEY": TEST_KEY},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "all 39 variables received; no key variable visible" in result.stdout
    lines = result.stdout.splitlines()
    for name, value in dotenv_values(APP / "secrets.env", interpolate=False).items():
        assert value
        line = next(line for line in lines if line.strip().startswith(f"{name}:"))
        assert line.endswith("value hidden"), name
        assert value not in line, name
        if len(value) >= 8:
            assert value not in result.stdout, name
