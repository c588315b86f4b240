"""A fleet built for the Node.js implementation, started by ``envbake run``
with its own variable names: the key in EMP_ENV_DECRYPT_KEY, the switch
DISABLE_ENV_ENCRYPTION, decryption only when SERVICE_TYPE=machine, and the
file at a path of its own. Every decryptable v1 vector runs end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from envbake import errors
from tests.conftest import data_path
from tests.run_helpers import (
    DUMP_ENVIRONMENT,
    error_line,
    read_dumped_environment,
    run_envbake_exactly,
    start_environment,
)

#: The one-line entrypoint change for such a fleet.
V1_OPTIONS = [
    "--key-env",
    "EMP_ENV_DECRYPT_KEY",
    "--disable-env",
    "DISABLE_ENV_ENCRYPTION",
    "--service-type",
    "machine",
]
#: The same settings given as variables, for images that set them with ENV.
V1_VARIABLES = {
    "ENVBAKE_KEY_ENV": "EMP_ENV_DECRYPT_KEY",
    "ENVBAKE_DISABLE_ENV": "DISABLE_ENV_ENCRYPTION",
    "ENVBAKE_SERVICE_TYPE": "machine",
}


def _vectors() -> list[dict[str, Any]]:
    path = data_path("vectors", "seed-v1.json")
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


def _write_blob(tmp_path: Path, case: dict[str, Any]) -> Path:
    folder = tmp_path / "service-manager"
    folder.mkdir(exist_ok=True)
    path = folder / "env.encrypted"
    path.write_text(case["blob"], encoding="utf-8", newline="")
    return path


def _run(
    tmp_path: Path, arguments: list[str], environment: dict[str, str]
) -> tuple[int, str, dict[str, str] | None]:
    output = tmp_path / "received.env"
    output.unlink(missing_ok=True)
    result = run_envbake_exactly(
        ["run", *arguments, "--", *DUMP_ENVIRONMENT, str(output)], environment
    )
    received = read_dumped_environment(output) if output.exists() else None
    return result.returncode, result.stderr, received


def _can_be_environment(variables: dict[str, str]) -> bool:
    return all("\0" not in value for value in variables.values())


def test_v1_vectors_run_with_old_names(tmp_path: Path) -> None:
    ok_cases = [case for case in _vectors() if case["expect"] == "ok"]
    assert ok_cases

    for case in ok_cases:
        blob = _write_blob(tmp_path, case)
        environment = start_environment(
            {"EMP_ENV_DECRYPT_KEY": case["key"], "SERVICE_TYPE": "machine"}
        )

        status, stderr, received = _run(tmp_path, [*V1_OPTIONS, str(blob)], environment)

        if not _can_be_environment(case["env"]):
            assert errors.EXIT_INPUT == status, case["name"]
            assert received is None, case["name"]
            assert "contains a NUL character" in stderr.splitlines()[-1]
            continue
        assert 0 == status, (case["name"], stderr)
        expected = {
            **case["env"],
            "PATH": environment["PATH"],
            "INHERITED": "from-the-caller",
            "SERVICE_TYPE": "machine",
        }
        assert expected == received, case["name"]
        count = len(case["env"])
        noun = "variable" if count == 1 else "variables"
        assert f"loaded {count} {noun} from {blob} (v1)" in stderr
        assert case["key"] not in stderr


def test_v1_settings_from_variables(tmp_path: Path) -> None:
    case = next(case for case in _vectors() if case["name"] == "b64-key-basic")
    blob = _write_blob(tmp_path, case)
    environment = start_environment(
        {
            **V1_VARIABLES,
            "ENVBAKE_FILE": str(blob),
            "EMP_ENV_DECRYPT_KEY": case["key"],
            "SERVICE_TYPE": "machine",
        }
    )

    status, stderr, received = _run(tmp_path, [], environment)

    assert 0 == status, stderr
    assert received is not None
    assert "EMP_ENV_DECRYPT_KEY" not in received
    for name, value in case["env"].items():
        assert value == received[name]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"SERVICE_TYPE": "gpu-worker"},
            "envbake: decryption skipped: SERVICE_TYPE is not 'machine'",
        ),
        ({}, "envbake: decryption skipped: SERVICE_TYPE is not 'machine'"),
        (
            {"DISABLE_ENV_ENCRYPTION": "true", "SERVICE_TYPE": "machine"},
            "envbake: decryption switched off by DISABLE_ENV_ENCRYPTION=true; no "
            "plain file configured",
        ),
    ],
)
def test_v1_skips_decryption_with_old_names(
    tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    case = next(case for case in _vectors() if case["name"] == "b64-key-basic")
    blob = _write_blob(tmp_path, case)
    environment = start_environment({"EMP_ENV_DECRYPT_KEY": case["key"], **extra})

    status, stderr, received = _run(tmp_path, [*V1_OPTIONS, str(blob)], environment)

    assert 0 == status, stderr
    assert message == error_line(stderr)
    expected = {**environment}
    del expected["EMP_ENV_DECRYPT_KEY"]
    assert expected == received


def test_v1_missing_key_names_old_variables(tmp_path: Path) -> None:
    case = next(case for case in _vectors() if case["name"] == "b64-key-basic")
    blob = _write_blob(tmp_path, case)

    status, stderr, received = _run(
        tmp_path,
        [*V1_OPTIONS, str(blob)],
        start_environment({"SERVICE_TYPE": "machine"}),
    )

    assert errors.EXIT_NO_KEY == status
    assert received is None
    assert (
        "envbake: no key: EMP_ENV_DECRYPT_KEY and EMP_ENV_DECRYPT_KEY_FILE are not "
        "set or empty (set EMP_ENV_DECRYPT_KEY to the key, or "
        "EMP_ENV_DECRYPT_KEY_FILE to the path of a file that contains it; for local "
        "development without encryption set DISABLE_ENV_ENCRYPTION=true)"
        == error_line(stderr)
    )


def test_v1_failures_stop_before_command(tmp_path: Path) -> None:
    expected_status = {
        "wrong-key": errors.EXIT_WRONG_KEY,
        # v1 has one MAC over key and content, so a modified file reads as
        # a wrong key, with a message that names both causes. A blob too
        # short to hold a MAC is reported as truncated.
        "tampered": errors.EXIT_WRONG_KEY,
        "truncated": errors.EXIT_DAMAGED,
        "malformed": errors.EXIT_DAMAGED,
    }
    failing = [case for case in _vectors() if case["expect"] != "ok"]
    assert failing

    for case in failing:
        blob = _write_blob(tmp_path, case)
        environment = start_environment(
            {"EMP_ENV_DECRYPT_KEY": case["key"], "SERVICE_TYPE": "machine"}
        )

        status, stderr, received = _run(tmp_path, [*V1_OPTIONS, str(blob)], environment)

        assert received is None, case["name"]
        line = error_line(stderr)
        assert case["key"] not in line
        for value in case["env"].values():
            assert value not in line, case["name"]
        assert expected_status[case["expect"]] == status, case["name"]
