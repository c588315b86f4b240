"""The command line end to end, in real processes: sealing dotenv files,
starting a command with them, and one exit status per kind of failure."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from envbake import errors, keys
from tests.conftest import OTHER_KEY, TEST_KEY, run_envbake

PRINT_ENVIRONMENT = [
    sys.executable,
    "-c",
    "import json, os, sys; json.dump(dict(os.environ), sys.stdout)",
]

A_ENV = """\
# regular settings
LOG_LEVEL=info
export API_URL=https://api.example.invalid/v1
GREETING="hello world"
OVERRIDDEN=from-a
PRIVATE_KEY="-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCplaceholder
-----END PRIVATE KEY-----"
"""
B_ENV = """\
OVERRIDDEN=from-b
PASSWORD='p@ss"word#1 = x'
JSON={"a": [1, 2], "b": "c"}
HASH="value # with hash"
ESCAPES="tab\\there\\nnewline"
"""


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    a = tmp_path / "a.env"
    b = tmp_path / "b.env"
    a.write_text(A_ENV, encoding="utf-8")
    b.write_text(B_ENV, encoding="utf-8")
    return a, b


def _seal(tmp_path: Path, *files: Path, extra: tuple[str, ...] = ()) -> Path:
    output = tmp_path / "x.encrypted"
    arguments = ["seal", "-o", str(output), *extra]
    for file in files:
        arguments += ["--input", str(file)]
    result = run_envbake(*arguments, env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY})
    assert 0 == result.returncode, result.stderr
    return output


def test_run_gives_command_exactly_the_parsed_values(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    sealed_file = _seal(tmp_path, *inputs)
    expected = {**dotenv_values(inputs[0]), **dotenv_values(inputs[1])}

    result = run_envbake(
        "run", str(sealed_file), "--", *PRINT_ENVIRONMENT, env={"ENVBAKE_KEY": TEST_KEY}
    )

    assert 0 == result.returncode, result.stderr
    received = json.loads(result.stdout)
    for name, value in expected.items():
        assert value == received[name], name
    assert "ENVBAKE_KEY" not in received
    assert f"loaded {len(expected)} variables" in result.stderr


def test_run_plain_env_command_output(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    sealed_file = _seal(tmp_path, *inputs)

    result = run_envbake(
        "run", str(sealed_file), "--", "env", env={"ENVBAKE_KEY": TEST_KEY}
    )

    assert 0 == result.returncode
    assert "OVERRIDDEN=from-b\n" in result.stdout
    assert "GREETING=hello world\n" in result.stdout
    assert "ENVBAKE_KEY=" not in result.stdout


def test_run_inherited_variable_wins_without_override(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    sealed_file = _seal(tmp_path, *inputs)
    environ = {"ENVBAKE_KEY": TEST_KEY, "LOG_LEVEL": "debug"}

    kept = run_envbake("run", str(sealed_file), "--", *PRINT_ENVIRONMENT, env=environ)
    overridden = run_envbake(
        "run", "--override", str(sealed_file), "--", *PRINT_ENVIRONMENT, env=environ
    )

    assert "debug" == json.loads(kept.stdout)["LOG_LEVEL"]
    assert "info" == json.loads(overridden.stdout)["LOG_LEVEL"]


def test_run_exit_status_is_command_status(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    sealed_file = _seal(tmp_path, *inputs)

    result = run_envbake(
        "run",
        str(sealed_file),
        "--",
        "sh",
        "-c",
        "exit 42",
        env={"ENVBAKE_KEY": TEST_KEY},
    )

    assert 42 == result.returncode


def test_seal_twice_is_byte_identical(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    first = _seal(tmp_path, *inputs).read_bytes()
    second = _seal(tmp_path, *inputs).read_bytes()

    assert first == second


def test_export_json_v2_and_v1(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    expected = {**dotenv_values(inputs[0]), **dotenv_values(inputs[1])}
    for file_format in ("v2", "v1"):
        sealed_file = _seal(tmp_path, *inputs, extra=("--format", file_format))

        result = run_envbake(
            "export",
            "--format",
            "json",
            str(sealed_file),
            env={"ENVBAKE_KEY": TEST_KEY},
        )

        assert 0 == result.returncode, result.stderr
        assert expected == json.loads(result.stdout)


def test_key_file_from_standard_input(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    sealed_file = _seal(tmp_path, *inputs)

    result = run_envbake(
        "verify", "--key-file", "-", str(sealed_file), input=TEST_KEY + "\n"
    )

    assert 0 == result.returncode
    assert "9 variables" in result.stdout


def test_key_file_variable(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    sealed_file = _seal(tmp_path, *inputs)
    key_file = tmp_path / "key"
    key_file.write_text(TEST_KEY + "\n", encoding="ascii")

    result = run_envbake(
        "verify", str(sealed_file), env={"ENVBAKE_KEY_FILE": str(key_file)}
    )

    assert 0 == result.returncode


def test_key_id_prints_the_build_key_id() -> None:
    result = run_envbake("key-id", env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY})

    assert keys.key_id(keys.parse_key(TEST_KEY)) + "\n" == result.stdout


def test_seal_leaves_out_the_encryption_key(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.env"
    leaky.write_text(
        f"A=1\nENVBAKE_ENCRYPT_KEY={TEST_KEY}\nCOPY={TEST_KEY}\n", encoding="ascii"
    )
    output = tmp_path / "x.encrypted"

    sealed_run = run_envbake(
        "seal",
        "--input",
        str(leaky),
        "-o",
        str(output),
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )
    exported = run_envbake(
        "export", "--format", "json", str(output), env={"ENVBAKE_KEY": TEST_KEY}
    )

    assert 0 == sealed_run.returncode
    assert "ENVBAKE_ENCRYPT_KEY" in sealed_run.stderr
    assert "COPY" in sealed_run.stderr
    assert TEST_KEY not in sealed_run.stderr
    assert {"A": "1"} == json.loads(exported.stdout)


def test_seal_writes_metadata_without_values(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    sealed_file = _seal(tmp_path, *inputs, extra=("--environment", "staging"))

    info = json.loads(Path(str(sealed_file) + ".info").read_text(encoding="utf-8"))

    assert "staging" == info["environment"]
    assert 9 == info["variables"]
    assert keys.key_id(keys.parse_key(TEST_KEY)) == info["key_id"]
    assert "p@ss" not in json.dumps(info)


# One row per documented exit status that a user can cause.
def _status_cases(
    tmp_path: Path, sealed_file: Path
) -> list[tuple[str, list[str], dict[str, str], int]]:
    damaged = tmp_path / "damaged.encrypted"
    text = sealed_file.read_text(encoding="ascii")
    middle = len(text) - 20
    damaged.write_text(
        text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1 :],
        encoding="ascii",
    )
    future = tmp_path / "future.encrypted"
    future.write_text(text.replace("envbake:v2:", "envbake:v9:"), encoding="ascii")
    bad_input = tmp_path / "bad.env"
    bad_input.write_text('A=1\nB="unterminated\n', encoding="ascii")
    run_ok = {"ENVBAKE_KEY": TEST_KEY}
    return [
        ("usage", ["run", str(sealed_file), "true"], run_ok, errors.EXIT_USAGE),
        ("no key", ["run", str(sealed_file), "--", "true"], {}, errors.EXIT_NO_KEY),
        (
            "wrong key",
            ["run", str(sealed_file), "--", "true"],
            {"ENVBAKE_KEY": OTHER_KEY},
            errors.EXIT_WRONG_KEY,
        ),
        ("damaged", ["run", str(damaged), "--", "true"], run_ok, errors.EXIT_DAMAGED),
        (
            "not found",
            ["run", str(tmp_path / "missing"), "--", "true"],
            run_ok,
            errors.EXIT_NOT_FOUND,
        ),
        (
            "unsupported",
            ["run", str(future), "--", "true"],
            run_ok,
            errors.EXIT_UNSUPPORTED,
        ),
        (
            "bad input",
            ["seal", "--input", str(bad_input), "-o", str(tmp_path / "o")],
            {"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
            errors.EXIT_INPUT,
        ),
        (
            "invalid key",
            ["run", str(sealed_file), "--", "true"],
            {"ENVBAKE_KEY": "not a key"},
            errors.EXIT_INPUT,
        ),
        (
            "other environment",
            ["run", "--environment", "production", str(sealed_file), "--", "true"],
            run_ok,
            errors.EXIT_ENVIRONMENT_MISMATCH,
        ),
        (
            "command not found",
            ["run", str(sealed_file), "--", "envbake-no-such-command"],
            run_ok,
            errors.EXIT_COMMAND_NOT_FOUND,
        ),
    ]


def test_each_failure_kind_has_its_exit_status(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    sealed_file = _seal(tmp_path, *inputs, extra=("--environment", "staging"))
    secret_values = [value for value in dotenv_values(inputs[1]).values() if value]

    for name, arguments, environ, status in _status_cases(tmp_path, sealed_file):
        result = run_envbake(*arguments, env=environ)

        assert status == result.returncode, (name, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert lines, name
        assert lines[-1].startswith("envbake: ") or name == "usage", (name, lines)
        assert "Traceback" not in result.stderr, name
        assert TEST_KEY not in result.stderr, name
        assert OTHER_KEY not in result.stderr, name
        for value in secret_values:
            assert value not in result.stderr, name


def test_exit_statuses_are_distinct() -> None:
    statuses = [
        errors.EXIT_USAGE,
        errors.EXIT_NO_KEY,
        errors.EXIT_WRONG_KEY,
        errors.EXIT_DAMAGED,
        errors.EXIT_NOT_FOUND,
        errors.EXIT_UNSUPPORTED,
        errors.EXIT_INPUT,
        errors.EXIT_ENVIRONMENT_MISMATCH,
        errors.EXIT_ENVIRONMENT_TOO_LARGE,
        errors.EXIT_INTERNAL,
        errors.EXIT_NOT_EXECUTABLE,
        errors.EXIT_COMMAND_NOT_FOUND,
    ]

    assert len(statuses) == len(set(statuses))


def test_no_command_takes_a_key_argument() -> None:
    """Keys come from variables and files only, never from argv.

    --key-env and --key-file-env take the name of a variable, not a key.
    """
    from envbake.cli import build_parser

    parser = build_parser()
    subparsers = next(action for action in parser._actions if action.dest == "command")
    for name, subparser in subparsers.choices.items():  # type: ignore[attr-defined]
        for action in subparser._actions:
            for option in action.option_strings:
                # --key-env, --key-file-env and the --...-key-variable flags
                # take the name of a variable, not a key.
                assert (
                    option in ("--key-file", "--key-env", "--key-file-env")
                    or option.endswith("-key-variable")
                    or "key" not in option.replace("key-file", "")
                ), (name, option)


def test_key_id_prints_age_recipient_tags() -> None:
    from envbake import _age

    identity = run_envbake("keygen", "--age")
    recipient = identity.stderr.split("Public key: ")[1].strip()

    result = run_envbake("key-id", env={"ENVBAKE_KEY": identity.stdout})

    assert result.returncode == 0, result.stderr
    assert _age.recipient_tag(recipient) + "\n" == result.stdout


def test_help_lists_every_exit_status() -> None:
    from envbake import cli

    epilog = cli.build_parser().epilog or ""
    statuses = {
        value
        for name, value in vars(errors).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }

    for status in sorted(statuses):
        assert f"{status} " in epilog, status


@pytest.mark.parametrize("columns", [None, "", "0", "-5", "wide", "60", "200"])
def test_help_width_matches_shutil(monkeypatch, columns: str | None) -> None:
    import shutil

    from envbake import _parser

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)

    assert _parser.terminal_columns() == shutil.get_terminal_size().columns


def test_help_wraps_at_columns() -> None:
    result = run_envbake("seal", "--help", env={"COLUMNS": "50"})

    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 48
    assert "usage: envbake seal" in result.stdout
