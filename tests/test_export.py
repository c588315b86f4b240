"""Every export format read back by its real consumer, over arbitrary values:
dash and bash for sh, python-dotenv and Node.js's dotenv for dotenv, a
reader with Docker's env-file rules for docker, and json.

Each writer must either produce text that reads back to exactly the same
variables or reject the first variable it cannot express, by name."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envbake import exporting
from envbake.errors import InputError
from tests.conftest import REPOSITORY, TEST_KEY, data_path, run_envbake
from tests.run_helpers import seal_file

NODE_FOLDER = REPOSITORY / "tests" / "node"

# Characters that quoting rules care about, drawn often so that most
# examples contain several of them.
SPECIAL = [*"'\"\\$`!#=\n\r\t {}()*;&|<>~%", "${A}", "\\n", "\\'", "\r\n"]
# Any character a process environment can carry: no NUL, no lone
# surrogate (not valid text).
ANY_CHARACTER = st.characters(blacklist_categories=("Cs",), blacklist_characters="\0")
VALUES = st.lists(st.one_of(st.sampled_from(SPECIAL), ANY_CHARACTER), max_size=12).map(
    "".join
)
SHELL_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).map(
    lambda name: f"T_{name}"
)
DOTENV_NAMES = st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; scripts/test installs it")
    return path


def _read_with_shell(
    shell: str, text: str, names: list[str], folder: Path
) -> list[str]:
    script_file = folder / "exported.sh"
    script_file.write_text(text, encoding="utf-8")
    quoted_names = " ".join(f'"${name}"' for name in names)
    script = f'eval "$(cat "$1")"\nprintf \'%s\\0\' {quoted_names}\n'
    result = subprocess.run(
        [_require_tool(shell), "-c", script, shell, str(script_file)],
        capture_output=True,
        timeout=30,
        check=False,
        cwd=folder,
    )
    assert 0 == result.returncode, result.stderr
    assert b"" == result.stderr
    return [value.decode("utf-8") for value in result.stdout.split(b"\0")[:-1]]


def _read_with_node(paths: list[Path]) -> list[dict[str, str]]:
    if not (NODE_FOLDER / "node_modules" / "dotenv").is_dir():
        pytest.fail("the dotenv npm package is missing: run npm ci in tests/node")
    result = subprocess.run(
        [_require_tool("node"), str(NODE_FOLDER / "parse-dotenv.js"), *map(str, paths)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert 0 == result.returncode, result.stderr
    parsed: list[dict[str, str]] = json.loads(result.stdout.decode("utf-8"))
    return parsed


def read_docker_env_file(text: str, *, trim_quotes: bool) -> dict[str, str]:
    """Read env-file text by the rules of Docker CLI's kvfile package.

    Lines end at LF and lose one trailing CR; leading white space is
    dropped; empty lines and lines starting with '#' are skipped; the name
    ends at the first '='. Newer versions also remove one pair of matching
    quotes around the value (``trim_quotes``).
    """
    variables = {}
    for number, raw in enumerate(text.split("\n")[:-1], start=1):
        line = raw.removesuffix("\r")
        if number == 1:
            line = line.removeprefix("\ufeff")
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        name, separator, value = line.partition("=")
        assert separator, f"line {number} has no '='"
        assert name
        assert " " not in name
        assert "\t" not in name
        assert len(raw.encode("utf-8")) <= exporting.DOCKER_MAX_LINE
        if trim_quotes and len(value) >= 2 and value[0] == value[-1] in "'\"":
            value = value[1:-1]
        variables[name] = value
    return variables


def _assert_rejected_by_name(error: InputError, variables: Mapping[str, str]) -> None:
    message = str(error)
    assert any(name in message or repr(name) in message for name in variables)
    for value in variables.values():
        if len(value) > 3:
            assert value not in message


@SETTINGS
@given(st.dictionaries(SHELL_NAMES, VALUES, min_size=1, max_size=8))
def test_sh_round_trip_dash_and_bash(
    tmp_path_factory: pytest.TempPathFactory, variables: dict[str, str]
) -> None:
    folder = tmp_path_factory.mktemp("sh")
    text = exporting.to_sh(variables)

    for shell in ("dash", "bash"):
        values = _read_with_shell(shell, text, list(variables), folder)

        assert list(variables.values()) == values, shell
    # Nothing in a value was run: the folder holds only the script.
    assert ["exported.sh"] == [path.name for path in folder.iterdir()]


@pytest.mark.parametrize("name", ["A.B", "A-B", "1A", "É", "A B"])
def test_sh_rejects_unassignable_name(name: str) -> None:
    with pytest.raises(InputError) as raised:
        exporting.to_sh({"OK": "1", name: "secret-value"})

    assert f"{name} is not a valid shell variable name" in str(raised.value)
    assert "secret-value" not in str(raised.value)


def test_sh_rejects_nul_by_name() -> None:
    with pytest.raises(InputError, match="the value of CTRL contains a NUL"):
        exporting.to_sh({"CTRL": "a\0b"})


@SETTINGS
@given(st.dictionaries(DOTENV_NAMES, VALUES, max_size=8))
def test_dotenv_round_trip_both_parsers(
    tmp_path_factory: pytest.TempPathFactory, variables: dict[str, str]
) -> None:
    folder = tmp_path_factory.mktemp("dotenv")
    try:
        text = exporting.to_dotenv(variables)
    except InputError as error:
        _assert_rejected_by_name(error, variables)
        return
    path = folder / "exported.env"
    path.write_text(text, encoding="utf-8", newline="")

    assert variables == dotenv_values(path, interpolate=False)
    assert [variables] == _read_with_node([path])
    if not any("${" in value for value in variables.values()):
        assert variables == dotenv_values(path)


# Values that a naive writer gets wrong in at least one of the parsers; all
# of them have a spelling that both read back.
HARD_DOTENV_VALUES = {
    "TRAILING_BACKSLASH": "C:\\",
    "BOTH_QUOTES": 'it\'s "x"',
    "BACKSLASH_N": "a\\nb",
    "DOUBLE_BACKSLASH": "a\\\\b",
    "MULTILINE_APOSTROPHE": "it's\nhere",
    "CARRIAGE_RETURN": "a\rb",
    "CRLF": "a\r\nb",
    "HASH": "a #b",
    "PADDED": "  x  ",
    "EMPTY": "",
    "DOLLAR": "$HOME ${HOME}",
    "LEADING_QUOTE": "'x",
    "LINE_SEPARATOR": "a\u2028b",
}


def test_dotenv_hard_values_accepted(tmp_path: Path) -> None:
    text = exporting.to_dotenv(HARD_DOTENV_VALUES)
    path = tmp_path / "hard.env"
    path.write_text(text, encoding="utf-8", newline="")

    assert HARD_DOTENV_VALUES == dotenv_values(path, interpolate=False)
    assert [HARD_DOTENV_VALUES] == _read_with_node([path])


@pytest.mark.parametrize(
    "value",
    [
        'it\'s "x"\nnext line',
        "'both' \"quotes\" and a final \\",
        '"x"\r',
    ],
)
def test_dotenv_rejects_inexpressible_value(value: str) -> None:
    with pytest.raises(InputError) as raised:
        exporting.to_dotenv({"NAME_OK": "1", "BAD": value})

    assert "the value of BAD cannot be written as dotenv" in str(raised.value)


@pytest.mark.parametrize("name", ["A B", "A:B", "É", "A$"])
def test_dotenv_rejects_unreadable_name(name: str) -> None:
    with pytest.raises(InputError, match="is not a name that dotenv parsers read"):
        exporting.to_dotenv({name: "1"})


@SETTINGS
@given(
    st.dictionaries(
        st.text(ANY_CHARACTER, min_size=1, max_size=8).filter(lambda n: "=" not in n),
        VALUES,
        max_size=8,
    )
)
def test_docker_round_trip_both_rules(variables: dict[str, str]) -> None:
    try:
        text = exporting.to_docker(variables)
    except InputError as error:
        _assert_rejected_by_name(error, variables)
        return

    assert variables == read_docker_env_file(text, trim_quotes=False)
    assert variables == read_docker_env_file(text, trim_quotes=True)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MULTI": "a\nb"}, "the value of MULTI has a line break"),
        ({"CR": "a\r"}, "the value of CR has a line break"),
        ({"Q": "'quoted'"}, "the value of Q has matching quotes"),
        ({"LONG": "x" * 70_000}, "the value of LONG has more than 65535 bytes"),
        ({"#A": "1"}, "'#A' is empty, starts with '#'"),
        ({"A B": "1"}, "'A B' is empty, starts with '#'"),
    ],
)
def test_docker_rejects_by_name(variables: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as raised:
        exporting.to_docker(variables)

    assert message in str(raised.value)


@SETTINGS
@given(st.dictionaries(st.text(ANY_CHARACTER, max_size=8), VALUES, max_size=8))
def test_json_round_trip(variables: dict[str, str]) -> None:
    assert variables == json.loads(exporting.to_json(variables))


@pytest.mark.parametrize("format", exporting.FORMATS)
def test_lone_surrogate_rejected_by_name(format: str) -> None:
    with pytest.raises(InputError, match="the value of BAD contains a lone UTF-16"):
        exporting.FORMATTERS[format]({"BAD": "a\ud800"})


# BR-22: export --format sh output, eval'd in dash and bash, gives back the
# exact values and runs nothing; the same values through every format.
def test_case_export_sh_safety(tmp_path: Path) -> None:
    case = data_path("cases", "BR-22-export-sh-safety")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    check = expected["checks"][0]
    variables = json.loads((case / check["values_file"]).read_text(encoding="utf-8"))
    sealed_file = seal_file(tmp_path / "env.encrypted", variables)
    for path in check["expect"]["files_absent"]:
        Path(path).unlink(missing_ok=True)

    result = run_envbake(
        "export", str(sealed_file), "--format", "sh", env={"ENVBAKE_KEY": TEST_KEY}
    )
    assert 0 == result.returncode, result.stderr
    for shell in ("dash", "bash"):
        values = _read_with_shell(shell, result.stdout, list(variables), tmp_path)

        assert list(variables.values()) == values, shell
    for path in check["expect"]["files_absent"]:
        assert not Path(path).exists()


def test_case_values_through_every_format(tmp_path: Path) -> None:
    case = data_path("cases", "BR-22-export-sh-safety")
    variables = json.loads((case / "values.json").read_text(encoding="utf-8"))
    sealed_file = seal_file(tmp_path / "env.encrypted", variables)

    outputs = {}
    for format in exporting.FORMATS:
        result = run_envbake(
            "export",
            str(sealed_file),
            "--format",
            format,
            env={"ENVBAKE_KEY": TEST_KEY},
        )
        outputs[format] = result

    assert variables == json.loads(outputs["json"].stdout)
    dotenv_file = tmp_path / "values.env"
    dotenv_file.write_text(outputs["dotenv"].stdout, encoding="utf-8", newline="")
    assert variables == dotenv_values(dotenv_file, interpolate=False)
    assert [variables] == _read_with_node([dotenv_file])
    # MULTI has a line break, which Docker's format cannot carry.
    assert 8 == outputs["docker"].returncode
    assert "" == outputs["docker"].stdout
    assert (
        "envbake: the value of MULTI has a line break, so Docker's env-file format "
        "cannot express it (use envbake run, or mount the value as a file)\n"
        == outputs["docker"].stderr
    )
