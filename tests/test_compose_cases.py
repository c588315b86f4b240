"""Input cases that other dotenv tools got wrong: parsing (multi-line PEM
values, CRLF, byte-order marks, escapes) and interpolation (literal ``$``,
undefined references, late binding across sections and secret files).

Each case folder contains input files and an ``expected.json`` with checks.
Every ``compose`` check runs twice: through ``envbake compose`` and through
``envbake seal`` followed by opening the sealed file, since both must give
the variables that would be sealed.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import envbake
from envbake.errors import EXIT_INPUT
from tests.conftest import TEST_KEY, data_path, run_envbake

CASES = (
    "BR-01-pem-multiline",
    "BR-04-crlf",
    "BR-05-utf8-bom",
    "BR-07-escapes-in-quotes",
    "BR-12-literal-dollar",
    "BR-16-undefined-reference",
    "BR-17-late-binding-composition",
)
ERROR_KINDS = {"input": EXIT_INPUT}


def _checks() -> list[Any]:
    params = []
    for case in CASES:
        expected = json.loads(
            data_path("cases", case, "expected.json").read_text(encoding="utf-8")
        )
        for check in expected["checks"]:
            params.append(pytest.param(case, check, id=f"{case}-{check['name']}"))
    return params


def _arguments(folder: Path, check: dict[str, Any]) -> list[str]:
    assert check["action"] == "compose", check["action"]
    if "files" in check:
        arguments = []
        for name in check["files"]:
            arguments += ["--input", str(folder / name)]
        return arguments
    environment = check["environment"]
    arguments = ["--env", environment, "--no-secrets"]
    for name in check["components"]:
        arguments += ["--component", str(folder / name)]
    if environment in check["secret_files"]:
        arguments[2:3] = ["--secrets", str(folder / check["secret_files"][environment])]
    return arguments


def _input_texts(folder: Path) -> list[str]:
    """Return every value-like text in the case's inputs, for leak checks."""
    texts = []
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "expected.json":
            for line in path.read_bytes().decode("utf-8", "replace").splitlines():
                _, _, value = line.partition("=")
                value = value.strip().strip("'\"")
                if len(value) >= 6:
                    texts.append(value)
    return texts


def _compose(folder: Path, check: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    result = run_envbake(
        "compose",
        *_arguments(folder, check),
        "--format",
        "json",
        "--show-values",
        cwd=tmp_path,
    )
    return _outcome(result, lambda: json.loads(result.stdout))


def _seal_and_open(
    folder: Path, check: dict[str, Any], tmp_path: Path
) -> dict[str, Any]:
    sealed_file = tmp_path / "env.encrypted"
    result = run_envbake(
        "seal",
        *_arguments(folder, check),
        "-o",
        str(sealed_file),
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
        cwd=tmp_path,
    )
    return _outcome(
        result,
        lambda: (
            envbake.open_text(
                sealed_file.read_text(encoding="ascii"), TEST_KEY
            ).variables
        ),
    )


def _outcome(
    result: subprocess.CompletedProcess[str], variables: Any
) -> dict[str, Any]:
    if result.returncode == 0:
        return {"status": "ok", "variables": variables(), "stderr": result.stderr}
    return {"status": "error", "exit": result.returncode, "stderr": result.stderr}


def _problems(outcome: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Return why ``outcome`` does not meet ``expect``; empty if it does."""
    if outcome["status"] != expect["status"]:
        return [
            f"status {outcome['status']}, expected {expect['status']}: {outcome['stderr']}"
        ]
    problems = []
    if expect["status"] == "error":
        kind = ERROR_KINDS[expect["error_kind"]]
        if outcome["exit"] != kind:
            problems.append(f"exit status {outcome['exit']}, expected {kind}")
        for text in expect["message_includes"]:
            if text not in outcome["stderr"]:
                problems.append(f"message lacks {text!r}")
        return problems
    variables = outcome["variables"]
    for name, value in expect["variables"].items():
        if variables.get(name) != value:
            problems.append(f"{name} differs")
    if expect.get("only") and set(variables) != set(expect["variables"]):
        problems.append(
            f"names {sorted(variables)}, expected {sorted(expect['variables'])}"
        )
    for name, wrong_values in expect.get("never_values", {}).items():
        if variables.get(name) in wrong_values:
            problems.append(f"{name} has a known wrong value")
    for name in expect.get("absent", []):
        if name in variables:
            problems.append(f"{name!r} is present")
    return problems


@pytest.mark.parametrize("how", ["compose", "seal"])
@pytest.mark.parametrize(("case", "check"), _checks())
def test_input_case(case: str, check: dict[str, Any], how: str, tmp_path: Path) -> None:
    folder = data_path("cases", case)
    run = _compose if how == "compose" else _seal_and_open
    outcome = run(folder, check, tmp_path)
    expect = check["expect"]
    alternatives = expect.get("accept_any_of", [expect])

    problems = [_problems(outcome, alternative) for alternative in alternatives]

    assert any(not found for found in problems), problems
    if outcome["status"] == "error":
        for text in _input_texts(folder):
            assert text not in outcome["stderr"], "an error message shows a value"
