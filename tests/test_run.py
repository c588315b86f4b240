"""``envbake run`` end to end: each branch of the start-up sequence in a
real process, with the exit status, the message and the exact environment
the command received."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from envbake import errors, keys
from tests.conftest import OTHER_KEY, TEST_KEY, data_path
from tests.run_helpers import (
    DUMP_ENVIRONMENT,
    error_line,
    read_dumped_environment,
    run_envbake_exactly,
    seal_file,
    start_environment,
)

VARIABLES = {
    "DATABASE_URL": "postgres://app:placeholder@db:5432/app",
    "INHERITED": "from-the-file",
    "MULTI": "line one\nline two\n",
    "QUOTES": 'it\'s "quoted" $HOME `x` \\',
    "UNICODE": "héllo ✓",
}
KEY_ID = keys.key_id(keys.parse_key(TEST_KEY))
OTHER_KEY_ID = keys.key_id(keys.parse_key(OTHER_KEY))


def _run_and_dump(
    tmp_path: Path, arguments: list[str], environment: dict[str, str]
) -> tuple[int, str, dict[str, str] | None]:
    output = tmp_path / "received.env"
    if output.exists():
        output.unlink()
    result = run_envbake_exactly(
        ["run", *arguments, "--", *DUMP_ENVIRONMENT, str(output)],
        environment,
        cwd=tmp_path,
    )
    received = read_dumped_environment(output) if output.exists() else None
    return result.returncode, result.stderr, received


def _run_shell(sealed_file: Path, script: str, output: Path) -> int:
    """Run ``sh -c SCRIPT sh OUTPUT`` through envbake run; return the status."""
    result = run_envbake_exactly(
        ["run", "-q", str(sealed_file), "--", "sh", "-c", script, "sh", str(output)],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )
    assert "" == result.stderr
    return result.returncode


def _assert_no_secret(stderr: str) -> None:
    assert TEST_KEY not in stderr
    assert OTHER_KEY not in stderr
    assert "placeholder" not in stderr
    assert "Traceback" not in stderr


@pytest.fixture
def sealed_file(tmp_path: Path) -> Path:
    return seal_file(tmp_path / "env.encrypted", VARIABLES, environment="production")


def test_run_inherited_values_win(tmp_path: Path, sealed_file: Path) -> None:
    environment = start_environment({"ENVBAKE_KEY": TEST_KEY})

    status, stderr, received = _run_and_dump(tmp_path, [str(sealed_file)], environment)

    assert 0 == status, stderr
    expected = {
        **VARIABLES,
        "PATH": environment["PATH"],
        "INHERITED": "from-the-caller",
    }
    assert expected == received
    assert (
        f"envbake: loaded 5 variables from {sealed_file} (v2, key {KEY_ID})\n" == stderr
    )


def test_run_override_lets_file_win(tmp_path: Path, sealed_file: Path) -> None:
    environment = start_environment({"ENVBAKE_KEY": TEST_KEY})

    status, stderr, received = _run_and_dump(
        tmp_path, ["--override", str(sealed_file)], environment
    )

    assert 0 == status, stderr
    assert {**VARIABLES, "PATH": environment["PATH"]} == received


def test_run_default_file_and_variable(tmp_path: Path) -> None:
    seal_file(tmp_path / "env.encrypted", {"A": "1"})
    other = seal_file(tmp_path / "other.encrypted", {"B": "2"})

    status, _, from_default = _run_and_dump(
        tmp_path, [], start_environment({"ENVBAKE_KEY": TEST_KEY})
    )
    assert 0 == status
    assert from_default is not None
    assert "1" == from_default["A"]

    environment = start_environment(
        {"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_FILE": str(other)}
    )
    status, _, from_variable = _run_and_dump(tmp_path, [], environment)
    assert 0 == status
    assert from_variable is not None
    assert "2" == from_variable["B"]
    assert "A" not in from_variable


def test_run_removes_every_key_variable(tmp_path: Path) -> None:
    # The file itself sets a key variable, and --override is given: the
    # key variables are dropped whichever side set them.
    sealed_file = seal_file(
        tmp_path / "env.encrypted", {"A": "1", "ENVBAKE_ENCRYPT_KEY": "x"}
    )
    key_file = tmp_path / "key"
    key_file.write_text(TEST_KEY + "\n", encoding="ascii")
    environment = start_environment(
        {
            "ENVBAKE_KEY_FILE": str(key_file),
            "ENVBAKE_ENCRYPT_KEY_FILE": "/run/secrets/build",
            "ENVBAKE_KEY": "",
        }
    )

    status, stderr, received = _run_and_dump(
        tmp_path, ["--override", str(sealed_file)], environment
    )

    assert 0 == status, stderr
    assert {"A": "1", "PATH": environment["PATH"], "INHERITED": "from-the-caller"} == (
        received
    )


def test_run_key_file_option_and_stdin(tmp_path: Path, sealed_file: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(TEST_KEY + "\n", encoding="ascii")
    environment = start_environment()

    status, stderr, received = _run_and_dump(
        tmp_path, ["--key-file", str(key_file), str(sealed_file)], environment
    )
    assert 0 == status, stderr
    assert received is not None
    assert VARIABLES["MULTI"] == received["MULTI"]
    assert f"loaded 5 variables from {sealed_file}" in stderr

    output = tmp_path / "stdin.env"
    result = run_envbake_exactly(
        [
            "run",
            "--key-file",
            "-",
            str(sealed_file),
            "--",
            *DUMP_ENVIRONMENT,
            str(output),
        ],
        environment,
        input=TEST_KEY + "\n",
    )
    assert 0 == result.returncode, result.stderr
    assert VARIABLES["UNICODE"] == read_dumped_environment(output)["UNICODE"]


def test_run_missing_key_stops(tmp_path: Path, sealed_file: Path) -> None:
    status, stderr, received = _run_and_dump(
        tmp_path, [str(sealed_file)], start_environment({"ENVBAKE_KEY": ""})
    )

    assert errors.EXIT_NO_KEY == status
    assert received is None
    assert (
        "envbake: no key: ENVBAKE_KEY and ENVBAKE_KEY_FILE are not set or empty "
        "(set ENVBAKE_KEY to the key, or ENVBAKE_KEY_FILE to the path of a file "
        "that contains it; for local development without encryption set "
        "ENVBAKE_DISABLE=true)\n" == stderr
    )


def test_run_missing_key_file_stops(tmp_path: Path, sealed_file: Path) -> None:
    environment = start_environment({"ENVBAKE_KEY_FILE": str(tmp_path / "absent")})

    status, stderr, received = _run_and_dump(tmp_path, [str(sealed_file)], environment)

    assert errors.EXIT_NO_KEY == status
    assert received is None
    assert "the key file" in error_line(stderr)
    assert "does not exist" in stderr


def test_run_wrong_key_names_both_key_ids(tmp_path: Path, sealed_file: Path) -> None:
    environment = start_environment({"ENVBAKE_KEY": OTHER_KEY})

    status, stderr, received = _run_and_dump(tmp_path, [str(sealed_file)], environment)

    assert errors.EXIT_WRONG_KEY == status
    assert received is None
    assert (
        f"envbake: wrong key: {sealed_file} needs key {KEY_ID}; ENVBAKE_KEY is key "
        f"{OTHER_KEY_ID} (give the key this file was sealed with)\n" == stderr
    )
    _assert_no_secret(stderr)


def test_run_modified_file_stops(tmp_path: Path, sealed_file: Path) -> None:
    text = sealed_file.read_text(encoding="ascii")
    middle = len(text) // 2 + 20
    replacement = "B" if text[middle] == "A" else "A"
    sealed_file.write_text(
        text[:middle] + replacement + text[middle + 1 :], encoding="ascii"
    )

    status, stderr, received = _run_and_dump(
        tmp_path, [str(sealed_file)], start_environment({"ENVBAKE_KEY": TEST_KEY})
    )

    assert errors.EXIT_DAMAGED == status
    assert received is None
    assert f"{sealed_file} was modified or truncated" in error_line(stderr)
    _assert_no_secret(stderr)


def test_run_truncated_file_stops(tmp_path: Path, sealed_file: Path) -> None:
    text = sealed_file.read_text(encoding="ascii")
    sealed_file.write_text(text[: len(text) - 30], encoding="ascii")

    status, stderr, received = _run_and_dump(
        tmp_path, [str(sealed_file)], start_environment({"ENVBAKE_KEY": TEST_KEY})
    )

    assert errors.EXIT_DAMAGED == status
    assert received is None
    assert f"{sealed_file} is truncated or modified" in error_line(stderr)


def test_run_missing_file_stops(tmp_path: Path) -> None:
    missing = tmp_path / "absent.encrypted"

    status, stderr, received = _run_and_dump(
        tmp_path, [str(missing)], start_environment({"ENVBAKE_KEY": TEST_KEY})
    )

    assert errors.EXIT_NOT_FOUND == status
    assert received is None
    assert (
        f"envbake: {missing} not found (give the sealed file's path, or set "
        "ENVBAKE_FILE)\n" == stderr
    )


def test_run_wrong_environment_stops(tmp_path: Path, sealed_file: Path) -> None:
    for arguments, extra in (
        (["--environment", "staging"], {}),
        ([], {"ENVBAKE_ENVIRONMENT": "staging"}),
    ):
        environment = start_environment({"ENVBAKE_KEY": TEST_KEY, **extra})

        status, stderr, received = _run_and_dump(
            tmp_path, [*arguments, str(sealed_file)], environment
        )

        assert errors.EXIT_ENVIRONMENT_MISMATCH == status
        assert received is None
        assert (
            f"envbake: {sealed_file} was sealed for environment 'production', not "
            "for 'staging' (deploy the image built for this environment)\n" == stderr
        )


def test_run_expected_environment_passes(tmp_path: Path, sealed_file: Path) -> None:
    environment = start_environment(
        {"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENVIRONMENT": "production"}
    )

    status, stderr, received = _run_and_dump(tmp_path, [str(sealed_file)], environment)

    assert 0 == status, stderr
    assert received is not None
    assert VARIABLES["DATABASE_URL"] == received["DATABASE_URL"]


def test_run_disabled_loads_plain_file(tmp_path: Path) -> None:
    plain = tmp_path / ".env"
    plain.write_text('LOCAL=yes\nINHERITED=from-plain\nQUOTED="a b"\n', "utf-8")
    environment = start_environment(
        {"ENVBAKE_DISABLE": "TRUE", "ENVBAKE_KEY": TEST_KEY}
    )

    # No sealed file exists: with decryption off it is never read.
    status, stderr, received = _run_and_dump(
        tmp_path, ["--plain-file", str(plain)], environment
    )

    assert 0 == status, stderr
    assert {
        "PATH": environment["PATH"],
        "INHERITED": "from-the-caller",
        "ENVBAKE_DISABLE": "TRUE",
        "LOCAL": "yes",
        "QUOTED": "a b",
    } == received
    assert (
        "envbake: decryption switched off by ENVBAKE_DISABLE=true; loaded 3 "
        f"variables from the plain file {plain}\n" == stderr
    )


def test_run_disabled_without_plain_file(tmp_path: Path) -> None:
    environment = start_environment({"ENVBAKE_DISABLE": "true"})

    status, stderr, received = _run_and_dump(tmp_path, [], environment)

    assert 0 == status, stderr
    assert environment == received
    assert (
        "envbake: decryption switched off by ENVBAKE_DISABLE=true; no plain file "
        "configured\n" == stderr
    )

    absent = tmp_path / "absent.env"
    environment["ENVBAKE_PLAIN_FILE"] = str(absent)
    status, stderr, received = _run_and_dump(tmp_path, [], environment)

    assert 0 == status, stderr
    assert environment == received
    assert (
        "envbake: decryption switched off by ENVBAKE_DISABLE=true; the plain file "
        f"{absent} does not exist, so no variables were loaded\n" == stderr
    )


def test_run_disabled_plain_file_with_error(tmp_path: Path) -> None:
    plain = tmp_path / ".env"
    plain.write_text('A=1\nB="unterminated\n', "utf-8")
    environment = start_environment({"ENVBAKE_DISABLE": "true"})

    status, stderr, received = _run_and_dump(
        tmp_path, ["--plain-file", str(plain)], environment
    )

    assert errors.EXIT_INPUT == status
    assert received is None
    assert f"{plain}:2: cannot parse this line" in error_line(stderr)


def test_run_switch_other_value_keeps_decryption(
    tmp_path: Path, sealed_file: Path
) -> None:
    environment = start_environment({"ENVBAKE_DISABLE": "yes"})

    status, stderr, received = _run_and_dump(tmp_path, [str(sealed_file)], environment)

    assert errors.EXIT_NO_KEY == status
    assert received is None
    lines = stderr.splitlines()
    assert (
        "envbake: ENVBAKE_DISABLE is set but not to true, so decryption stays on"
        == lines[0]
    )
    assert lines[1].startswith("envbake: no key: ")


def test_run_gated_out_skips_decryption(tmp_path: Path) -> None:
    environment = start_environment({"SERVICE_TYPE": "web", "ENVBAKE_KEY": TEST_KEY})

    # The file does not exist and would fail if it were read.
    status, stderr, received = _run_and_dump(
        tmp_path, ["--service-type", "machine", "absent.encrypted"], environment
    )

    assert 0 == status, stderr
    assert {
        "PATH": environment["PATH"],
        "INHERITED": "from-the-caller",
        "SERVICE_TYPE": "web",
    } == received
    assert "envbake: decryption skipped: SERVICE_TYPE is not 'machine'\n" == stderr


def test_run_gated_in_decrypts(tmp_path: Path, sealed_file: Path) -> None:
    environment = start_environment(
        {
            "WORKLOAD": "machine",
            "ENVBAKE_KEY": TEST_KEY,
            "ENVBAKE_SERVICE_TYPE": "machine",
            "ENVBAKE_SERVICE_TYPE_ENV": "WORKLOAD",
        }
    )

    status, stderr, received = _run_and_dump(tmp_path, [str(sealed_file)], environment)

    assert 0 == status, stderr
    assert received is not None
    assert VARIABLES["QUOTES"] == received["QUOTES"]
    assert "machine" == received["WORKLOAD"]


def test_run_gate_without_type_is_rejected(tmp_path: Path, sealed_file: Path) -> None:
    status, stderr, received = _run_and_dump(
        tmp_path,
        ["--service-type-env", "WORKLOAD", str(sealed_file)],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )

    assert errors.EXIT_INPUT == status
    assert received is None
    assert "no service type to decrypt for" in error_line(stderr)


def test_run_quiet_and_verbose(tmp_path: Path, sealed_file: Path) -> None:
    environment = start_environment({"ENVBAKE_KEY": TEST_KEY})

    status, stderr, _ = _run_and_dump(tmp_path, ["-q", str(sealed_file)], environment)
    assert 0 == status
    assert "" == stderr

    status, stderr, _ = _run_and_dump(tmp_path, ["-v", str(sealed_file)], environment)
    assert 0 == status
    lines = stderr.splitlines()
    assert (
        "envbake: variables: DATABASE_URL, INHERITED, MULTI, QUOTES, UNICODE"
        == lines[1]
    )
    assert "envbake: already set, so not replaced: INHERITED" == lines[2]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["run", "x.encrypted", "true"], "no command given: put -- before the command"),
        (["run", "--"], "no command given after --"),
        (["run", "--bogus", "--", "true"], "unknown option --bogus for run"),
        (["run", "--key-env", "--", "true"], "--key-env needs a value"),
        (
            ["run", "--max-size", "lots", "--", "true"],
            "--max-size takes a whole number of bytes",
        ),
        (["run", "a", "b", "--", "true"], "unexpected argument 'b' before --"),
    ],
)
def test_run_usage_errors(arguments: list[str], message: str) -> None:
    result = run_envbake_exactly(arguments, start_environment())

    assert errors.EXIT_USAGE == result.returncode
    assert message in error_line(result.stderr)


def test_run_command_not_found_127(tmp_path: Path, sealed_file: Path) -> None:
    result = run_envbake_exactly(
        ["run", "-q", str(sealed_file), "--", "envbake-no-such-command"],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )

    assert errors.EXIT_COMMAND_NOT_FOUND == result.returncode
    assert (
        "envbake: command not found: envbake-no-such-command (check the command's "
        "name and the PATH)\n" == result.stderr
    )


def test_run_not_executable_126(tmp_path: Path, sealed_file: Path) -> None:
    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho hi\n", encoding="ascii")
    script.chmod(0o644)

    result = run_envbake_exactly(
        ["run", "-q", str(sealed_file), "--", str(script)],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )

    assert errors.EXIT_NOT_EXECUTABLE == result.returncode
    assert (
        f"envbake: cannot execute {script}: permission denied (make the file "
        "executable)\n" == result.stderr
    )


def test_run_command_status_comes_back(tmp_path: Path, sealed_file: Path) -> None:
    result = run_envbake_exactly(
        ["run", "-q", str(sealed_file), "--", "sh", "-c", "exit 42"],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )

    assert 42 == result.returncode


def test_run_command_gets_default_sigpipe(tmp_path: Path, sealed_file: Path) -> None:
    """Python ignores SIGPIPE; the command must not inherit that."""
    output = tmp_path / "status"

    status = _run_shell(sealed_file, 'grep SigIgn /proc/self/status > "$1"', output)

    assert 0 == status
    ignored = int(output.read_text().split()[1], 16)
    sigpipe_bit = 1 << (13 - 1)
    sigxfsz_bit = 1 << (25 - 1)
    assert 0 == ignored & sigpipe_bit
    assert 0 == ignored & sigxfsz_bit


def test_run_adds_no_locale_variable(tmp_path: Path, sealed_file: Path) -> None:
    """Python sets LC_CTYPE in its own environment under the C locale."""
    environment = start_environment({"ENVBAKE_KEY": TEST_KEY})
    assert not any(name.startswith(("LC_", "LANG")) for name in environment)

    status, stderr, received = _run_and_dump(tmp_path, [str(sealed_file)], environment)

    assert 0 == status, stderr
    assert received is not None
    assert "LC_CTYPE" not in received


def test_run_command_runs_in_same_process(tmp_path: Path, sealed_file: Path) -> None:
    output = tmp_path / "pid"

    status = _run_shell(sealed_file, 'echo "$PPID" > "$1"', output)

    assert 0 == status
    # The shell's parent is this test process: envbake exec'd into it.
    assert os.getpid() == int(output.read_text())


# BR-20: long values pass intact up to the kernel's per-string limit, and
# a longer one is reported with its size before exec.
def test_case_long_values(tmp_path: Path) -> None:
    case = data_path("cases", "BR-20-e2big-long-values")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    checks = {check["name"]: check for check in expected["checks"]}
    from envbake.compose import compose_files

    ok_check = checks["100k-value"]
    ok_file = seal_file(
        tmp_path / "ok.encrypted",
        compose_files([str(case / name) for name in ok_check["files"]]),
    )
    result = run_envbake_exactly(
        ["run", str(ok_file), "--", *ok_check["command"]],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )
    assert ok_check["expect"]["exit_status"] == result.returncode, result.stderr
    assert ok_check["expect"]["stdout_equals"] == result.stdout.strip()

    fail_check = checks["200k-value"]
    fail_file = seal_file(
        tmp_path / "fail.encrypted",
        compose_files([str(case / name) for name in fail_check["files"]]),
    )
    result = run_envbake_exactly(
        ["run", "-q", str(fail_file), "--", *fail_check["command"]],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
        timeout=fail_check["timeout_s"],
    )
    assert errors.EXIT_ENVIRONMENT_TOO_LARGE == result.returncode
    line = error_line(result.stderr)
    for text in fail_check["expect"]["message_includes"]:
        assert text in line
    for text in fail_check["expect"]["message_excludes"]:
        assert text not in result.stderr
    assert "file" in line


@pytest.mark.parametrize(("length", "passes"), [(131067, True), (131068, False)])
def test_run_per_variable_limit_boundary(
    tmp_path: Path, length: int, passes: bool
) -> None:
    """NAME=value plus its NUL may be 131072 bytes on Linux (MAX_ARG_STRLEN)."""
    sealed_file = seal_file(tmp_path / "big.encrypted", {"BIG": "a" * length})

    result = run_envbake_exactly(
        ["run", "-q", str(sealed_file), "--", "sh", "-c", 'printf %s "$BIG" | wc -c'],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )

    if passes:
        assert 0 == result.returncode, result.stderr
        assert str(length) == result.stdout.strip()
    else:
        assert errors.EXIT_ENVIRONMENT_TOO_LARGE == result.returncode
        assert "BIG is 131073 bytes as NAME=value" in error_line(result.stderr)


def test_run_total_size_limit(tmp_path: Path) -> None:
    from envbake.runtime import argument_space_limit

    count = argument_space_limit() // 100_000 + 2
    variables = {f"V{index:03d}": "a" * 100_000 for index in range(count)}
    sealed_file = seal_file(tmp_path / "many.encrypted", variables)

    result = run_envbake_exactly(
        ["run", "-q", str(sealed_file), "--", "true"],
        start_environment({"ENVBAKE_KEY": TEST_KEY}),
    )

    assert errors.EXIT_ENVIRONMENT_TOO_LARGE == result.returncode
    line = error_line(result.stderr)
    assert f"for {count + 2} variables and the arguments" in line
    assert "aaaa" not in line


def test_run_nul_in_v1_value_is_rejected(tmp_path: Path) -> None:
    sealed_file = seal_file(
        tmp_path / "v1.encrypted", {"A": "1"}, key="a pass phrase", format="v1"
    )
    # v1 files are opened without checking values, so a NUL is only found
    # when the command is about to start. Seal one with the v1 writer.
    from envbake import _v1

    sealed_file.write_text(
        _v1.seal({"BAD": "x\0y"}, "a pass phrase", max_size=1000), "ascii"
    )

    result = run_envbake_exactly(
        ["run", str(sealed_file), "--", "true"],
        start_environment({"ENVBAKE_KEY": "a pass phrase"}),
    )

    assert errors.EXIT_INPUT == result.returncode
    assert "the value of BAD contains a NUL character" in result.stderr.splitlines()[-1]


# BR-24: a wrong key never starts the service, prints "wrong key", and has an
# exit status of its own, stable across runs and distinct from a modified
# file's; a missing key names the variable.
def test_case_wrong_key_fails_closed(tmp_path: Path) -> None:
    case = data_path("cases", "BR-24-wrong-key-fails-closed")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    from envbake.compose import compose_files

    statuses: dict[str, list[int]] = {}
    for check in expected["checks"]:
        variables = compose_files([str(case / name) for name in check["files"]])
        sealed_file = seal_file(
            tmp_path / f"{check['name']}.encrypted", variables, key=check["seal_key"]
        )
        if check.get("mutate"):
            text = sealed_file.read_text(encoding="ascii")
            middle = len(text) - len(text) // 3
            replacement = "B" if text[middle] == "A" else "A"
            sealed_file.write_text(
                text[:middle] + replacement + text[middle + 1 :], "ascii"
            )
        marker_folder = tmp_path / check["name"]
        marker_folder.mkdir()
        environment = start_environment({"TMP": str(marker_folder)})
        if check["run_key"] is not None:
            environment["ENVBAKE_KEY"] = check["run_key"]

        for _ in range(2):
            result = run_envbake_exactly(
                ["run", str(sealed_file), "--", *check["command"]], environment
            )
            statuses.setdefault(check["name"], []).append(result.returncode)
            line = error_line(result.stderr)
            for path in check["expect"]["files_absent"]:
                assert not Path(path.replace("$TMP", str(marker_folder))).exists()
            for text in check["expect"].get("message_includes", []):
                assert text in line
            for text in check["expect"].get("message_excludes", []):
                assert text not in result.stderr
            _assert_no_secret(result.stderr)

    assert [errors.EXIT_WRONG_KEY] * 2 == statuses["wrong-key"]
    assert [errors.EXIT_DAMAGED] * 2 == statuses["tampered"]
    assert [errors.EXIT_NO_KEY] * 2 == statuses["missing-key"]


def test_run_keeps_sealed_file_mode(tmp_path: Path, sealed_file: Path) -> None:
    """run reads the sealed file and changes nothing on disk."""
    before = sealed_file.read_bytes()
    mode = stat.S_IMODE(sealed_file.stat().st_mode)

    _run_and_dump(
        tmp_path, [str(sealed_file)], start_environment({"ENVBAKE_KEY": TEST_KEY})
    )

    assert before == sealed_file.read_bytes()
    assert mode == stat.S_IMODE(sealed_file.stat().st_mode)
