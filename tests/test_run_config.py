"""``envbake run`` reading its settings from the ``[run]`` table of a
settings file, and the order in which options, variables and the file
apply."""

from __future__ import annotations

import sys
from pathlib import Path

from envbake import errors
from tests.conftest import TEST_KEY
from tests.run_helpers import (
    DUMP_ENVIRONMENT,
    read_dumped_environment,
    run_envbake_exactly,
    seal_file,
    start_environment,
)

VARIABLES = {"API_URL": "https://api.example.invalid", "TOKEN": "placeholder-token"}

FLEET_SETTINGS = """\
[run]
file = "sealed/env.encrypted"
key_env = "EMP_ENV_DECRYPT_KEY"
disable_env = "DISABLE_ENV_ENCRYPTION"
service_type_env = "SERVICE_TYPE"
service_type = "machine"
"""


def _run(
    folder: Path, environment: dict[str, str], *options: str
) -> tuple[int, str, dict[str, str] | None]:
    output = folder / "received.env"
    result = run_envbake_exactly(
        ["run", *options, "--", *DUMP_ENVIRONMENT, str(output)],
        start_environment(environment),
        cwd=folder,
    )
    received = read_dumped_environment(output) if output.exists() else None
    return result.returncode, result.stderr, received


def _fleet_project(folder: Path) -> None:
    (folder / "sealed").mkdir()
    seal_file(folder / "sealed" / "env.encrypted", VARIABLES, environment="production")
    (folder / "envbake.toml").write_text(FLEET_SETTINGS, encoding="utf-8")


def test_run_reads_run_table_in_current_folder(tmp_path: Path) -> None:
    _fleet_project(tmp_path)

    status, stderr, received = _run(
        tmp_path, {"EMP_ENV_DECRYPT_KEY": TEST_KEY, "SERVICE_TYPE": "machine"}
    )

    assert 0 == status, stderr
    assert received is not None
    assert VARIABLES["TOKEN"] == received["TOKEN"]
    assert "EMP_ENV_DECRYPT_KEY" not in received
    assert "sealed/env.encrypted" in stderr


def test_run_table_gate_skips_other_types(tmp_path: Path) -> None:
    _fleet_project(tmp_path)

    status, stderr, received = _run(
        tmp_path, {"EMP_ENV_DECRYPT_KEY": TEST_KEY, "SERVICE_TYPE": "api"}
    )

    assert 0 == status, stderr
    assert received is not None
    assert "TOKEN" not in received
    assert "SERVICE_TYPE is not 'machine'" in stderr


def test_run_table_switch_variable(tmp_path: Path) -> None:
    _fleet_project(tmp_path)

    status, stderr, received = _run(
        tmp_path, {"DISABLE_ENV_ENCRYPTION": "true", "SERVICE_TYPE": "machine"}
    )

    assert 0 == status, stderr
    assert received is not None
    assert "TOKEN" not in received
    assert "DISABLE_ENV_ENCRYPTION=true" in stderr


def test_run_option_beats_variable_beats_table(tmp_path: Path) -> None:
    _fleet_project(tmp_path)
    environment = {
        "EMP_ENV_DECRYPT_KEY": "not a key",
        "FROM_VARIABLE": TEST_KEY,
        "ENVBAKE_KEY_ENV": "FROM_VARIABLE",
        "SERVICE_TYPE": "machine",
    }

    by_variable = _run(tmp_path, environment)
    by_option = _run(
        tmp_path, {**environment, "FROM_OPTION": TEST_KEY}, "--key-env", "FROM_OPTION"
    )

    assert 0 == by_variable[0], by_variable[1]
    assert 0 == by_option[0], by_option[1]
    assert by_option[2] is not None
    assert "FROM_OPTION" not in by_option[2]


def test_run_config_variable_names_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _fleet_project(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings = project / "envbake.toml"

    status, stderr, received = _run(
        elsewhere,
        {
            "ENVBAKE_CONFIG": str(settings),
            "EMP_ENV_DECRYPT_KEY": TEST_KEY,
            "SERVICE_TYPE": "machine",
        },
    )

    assert 0 == status, stderr
    assert received is not None
    assert VARIABLES["API_URL"] == received["API_URL"]


def test_run_table_unknown_setting_is_input_error(tmp_path: Path) -> None:
    seal_file(tmp_path / "env.encrypted", VARIABLES)
    (tmp_path / "envbake.toml").write_text('[run]\nkey_envv = "X"\n', encoding="utf-8")

    status, stderr, _ = _run(tmp_path, {"ENVBAKE_KEY": TEST_KEY})

    assert errors.EXIT_INPUT == status
    assert "key_envv" in stderr


def test_run_top_level_key_variable_is_fallback(tmp_path: Path) -> None:
    seal_file(tmp_path / "env.encrypted", VARIABLES)
    (tmp_path / "envbake.toml").write_text(
        'key_variable = "APP_KEY"\n', encoding="utf-8"
    )

    status, stderr, received = _run(tmp_path, {"APP_KEY": TEST_KEY})

    assert 0 == status, stderr
    assert received is not None
    assert "APP_KEY" not in received


def test_run_without_settings_file_imports_no_parser(tmp_path: Path) -> None:
    seal_file(tmp_path / "env.encrypted", VARIABLES)
    result = run_envbake_exactly(
        ["run", "-q", "--", sys.executable, "-c", "pass"],
        start_environment({"ENVBAKE_KEY": TEST_KEY, "PYTHONPROFILEIMPORTTIME": "1"}),
        cwd=tmp_path,
    )

    assert 0 == result.returncode, result.stderr
    imported = result.stderr
    assert "envbake.commands.run" in imported
    for module in ("envbake.config", "tomllib", "tomli", "argparse", "dotenv"):
        assert f" {module}\n" not in imported, module
