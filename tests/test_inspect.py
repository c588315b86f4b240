"""``envbake inspect``: the facts readable without a key, the names listed
with one, and never a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyrage import x25519

import envbake
from envbake import errors
from tests.conftest import OTHER_KEY, TEST_KEY, data_path, run_envbake

VARIABLES = {
    "DATABASE_URL": "postgres://app:inspect-secret@db/app",
    "API_TOKEN": "token-value-42",
}
VALUES = list(VARIABLES.values())


@pytest.fixture
def sealed_siv(tmp_path: Path) -> Path:
    dotenv = tmp_path / "app.env"
    dotenv.write_text("".join(f"{name}={value}\n" for name, value in VARIABLES.items()))
    output = tmp_path / "env.encrypted"
    result = run_envbake(
        "seal",
        "-i",
        str(dotenv),
        "--environment",
        "staging",
        "-o",
        str(output),
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )
    assert result.returncode == 0, result.stderr
    return output


def _no_values(text: str) -> None:
    for value in VALUES:
        assert value not in text


def test_without_key_text(sealed_siv: Path) -> None:
    result = run_envbake("inspect", str(sealed_siv))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    key_id = envbake.key_id(envbake.parse_key(TEST_KEY))
    assert "format: v2" in lines
    assert "mode: siv" in lines
    assert f"key_id: {key_id}" in lines
    assert "environment: staging" in lines
    assert "info.variables: 2" in lines
    assert f"info.key_id: {key_id}" in lines
    assert "names:" not in lines
    assert "DATABASE_URL" not in result.stdout
    _no_values(result.stdout)


def test_without_key_json(sealed_siv: Path) -> None:
    result = run_envbake("inspect", str(sealed_siv), "--format", "json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["format"] == "v2"
    assert facts["mode"] == "siv"
    assert facts["environment"] == "staging"
    assert facts["size"] == sealed_siv.stat().st_size
    assert facts["payload_size"] > 0
    assert facts["info"]["environment"] == "staging"
    assert "names" not in facts
    assert "verified" not in facts


def test_with_key_lists_names(sealed_siv: Path) -> None:
    result = run_envbake(
        "inspect", str(sealed_siv), "--format", "json", env={"ENVBAKE_KEY": TEST_KEY}
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["names"] == sorted(VARIABLES)
    assert facts["variables"] == 2
    assert facts["verified"] is True
    _no_values(result.stdout)
    _no_values(result.stderr)


def test_with_key_text_names(tmp_path: Path, sealed_siv: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(TEST_KEY)
    result = run_envbake("inspect", str(sealed_siv), "--key-file", str(key_file))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-3:] == ["names:", "  API_TOKEN", "  DATABASE_URL"]
    _no_values(result.stdout)


def test_wrong_key_still_shows_facts(sealed_siv: Path) -> None:
    result = run_envbake("inspect", str(sealed_siv), env={"ENVBAKE_KEY": OTHER_KEY})
    assert result.returncode == errors.EXIT_WRONG_KEY
    assert "format: v2" in result.stdout.splitlines()
    assert "names:" not in result.stdout
    assert "wrong key" in result.stderr


def test_age_recipients(tmp_path: Path) -> None:
    identities = [x25519.Identity.generate() for _ in range(3)]
    path = tmp_path / "age.encrypted"
    path.write_text(
        envbake.seal(
            VARIABLES,
            recipients=[str(i.to_public()) for i in identities],
            environment="prod",
        )
    )
    result = run_envbake("inspect", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["mode"] == "age"
    assert facts["recipients"] == 3
    assert len(facts["recipient_tags"]) == 3
    assert "key_id" not in facts
    assert "info" not in facts
    with_key = run_envbake(
        "inspect", str(path), env={"ENVBAKE_KEY": str(identities[2])}
    )
    assert with_key.returncode == 0, with_key.stderr
    assert "  API_TOKEN" in with_key.stdout.splitlines()
    _no_values(with_key.stdout)


def test_v1_file(tmp_path: Path) -> None:
    with open(data_path("vectors", "seed-v1.json"), encoding="utf-8") as handle:
        case = json.load(handle)["cases"][0]
    path = tmp_path / "v1.encrypted"
    path.write_text(case["blob"])
    result = run_envbake("inspect", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["format"] == "v1"
    assert "environment" not in facts
    with_key = run_envbake(
        "inspect", str(path), "--format", "json", env={"ENVBAKE_KEY": case["key"]}
    )
    assert with_key.returncode == 0, with_key.stderr
    assert json.loads(with_key.stdout)["names"] == sorted(case["env"])
    for value in case["env"].values():
        assert value not in with_key.stdout


def test_missing_file(tmp_path: Path) -> None:
    result = run_envbake("inspect", str(tmp_path / "absent"))
    assert result.returncode == errors.EXIT_NOT_FOUND


def test_unusual_name_quoted(tmp_path: Path) -> None:
    path = tmp_path / "odd.encrypted"
    path.write_text(envbake.seal({"LINE\nBREAK": "v"}, TEST_KEY))
    result = run_envbake("inspect", str(path), env={"ENVBAKE_KEY": TEST_KEY})
    assert result.returncode == 0, result.stderr
    assert "  'LINE\\nBREAK'" in result.stdout.splitlines()
