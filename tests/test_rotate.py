"""``envbake rotate``: v2 to v2, v1 to v2, symmetric to age and age to age,
and failures that leave the file as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from pyrage import x25519

import envbake
from envbake import errors
from tests.conftest import OTHER_KEY, TEST_KEY, data_path, run_envbake

VARIABLES = {
    "DATABASE_URL": "postgres://app:rotate-me@db/app",
    "MULTI": "line one\nline two",
    "EMPTY": "",
}


def _v1_case(name: str) -> dict[str, Any]:
    with open(data_path("vectors", "seed-v1.json"), encoding="utf-8") as handle:
        cases = json.load(handle)["cases"]
    matches = [case for case in cases if case["name"] == name]
    assert len(matches) == 1, f"vector case {name} not found"
    case: dict[str, Any] = matches[0]
    assert case["expect"] == "ok"
    return case


def _sealed_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "env.encrypted"
    path.write_text(text)
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_v2_to_v2_in_place(tmp_path: Path) -> None:
    path = _sealed_file(
        tmp_path, envbake.seal(VARIABLES, TEST_KEY, environment="production")
    )
    result = run_envbake(
        "rotate",
        str(path),
        env={"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    opened = envbake.open_text(text, OTHER_KEY)
    assert opened.variables == VARIABLES
    assert opened.environment == "production"
    assert opened.key_id == envbake.key_id(envbake.parse_key(OTHER_KEY))
    with pytest.raises(errors.WrongKeyError):
        envbake.open_text(text, TEST_KEY)
    info = json.loads((tmp_path / "env.encrypted.info").read_text())
    assert info["key_id"] == opened.key_id
    assert info["variables"] == len(VARIABLES)
    assert TEST_KEY not in result.stderr
    assert OTHER_KEY not in result.stderr


def test_v2_to_v2_new_key_file(tmp_path: Path) -> None:
    path = _sealed_file(tmp_path, envbake.seal(VARIABLES, TEST_KEY))
    new_key_file = tmp_path / "new.key"
    new_key_file.write_text(OTHER_KEY + "\n")
    output = tmp_path / "rotated.encrypted"
    result = run_envbake(
        "rotate",
        str(path),
        "--new-key-file",
        str(new_key_file),
        "-o",
        str(output),
        env={"ENVBAKE_KEY": TEST_KEY},
    )
    assert result.returncode == 0, result.stderr
    assert envbake.open_text(output.read_text(), OTHER_KEY).variables == VARIABLES
    # With -o the original stays as it was.
    assert envbake.open_text(path.read_text(), TEST_KEY).variables == VARIABLES
    assert (tmp_path / "rotated.encrypted.info").exists()


@pytest.mark.parametrize(
    "case_name", ["b64-key-basic", "uuid-key", "multiline-values", "unicode-values"]
)
def test_v1_to_v2(tmp_path: Path, case_name: str) -> None:
    case = _v1_case(case_name)
    path = _sealed_file(tmp_path, case["blob"])
    result = run_envbake(
        "rotate",
        str(path),
        "--environment",
        "production",
        env={"ENVBAKE_KEY": case["key"], "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert text.startswith("envbake:v2:siv:")
    opened = envbake.open_text(text, OTHER_KEY)
    assert opened.variables == case["env"]
    assert opened.environment == "production"
    # The v1 key no longer opens the file: it is either the wrong key or,
    # for a pass phrase, not a key that v2 accepts at all.
    with pytest.raises((errors.WrongKeyError, errors.InvalidKeyError)):
        envbake.open_text(text, case["key"])


def test_v1_without_environment(tmp_path: Path) -> None:
    case = _v1_case("b64-key-basic")
    path = _sealed_file(tmp_path, case["blob"])
    result = run_envbake(
        "rotate",
        str(path),
        env={"ENVBAKE_KEY": case["key"], "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )
    assert result.returncode == 0, result.stderr
    assert envbake.open_text(path.read_text(), OTHER_KEY).environment == ""


def test_siv_to_age(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    path = _sealed_file(tmp_path, envbake.seal(VARIABLES, TEST_KEY, environment="prod"))
    result = run_envbake(
        "rotate",
        str(path),
        "--recipient",
        recipient,
        # The recipient wins over a build key left in the environment.
        env={"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert text.startswith("envbake:v2:age:")
    opened = envbake.open_text(text, str(identity))
    assert opened.variables == VARIABLES
    assert opened.environment == "prod"
    with pytest.raises(errors.WrongKeyError):
        envbake.open_text(text, TEST_KEY)
    info = json.loads((tmp_path / "env.encrypted.info").read_text())
    assert info["recipients"] == [recipient]
    assert "key_id" not in info


def test_age_revokes_one_recipient(tmp_path: Path) -> None:
    kept = x25519.Identity.generate()
    revoked = x25519.Identity.generate()
    path = _sealed_file(
        tmp_path,
        envbake.seal(
            VARIABLES, recipients=[str(kept.to_public()), str(revoked.to_public())]
        ),
    )
    assert envbake.open_text(path.read_text(), str(revoked)).variables == VARIABLES
    result = run_envbake(
        "rotate",
        str(path),
        "--recipient",
        str(kept.to_public()),
        env={"ENVBAKE_KEY": str(kept)},
    )
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert envbake.open_text(text, str(kept)).variables == VARIABLES
    with pytest.raises(errors.WrongKeyError):
        envbake.open_text(text, str(revoked))


def test_age_to_siv(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    path = _sealed_file(
        tmp_path, envbake.seal(VARIABLES, recipients=[str(identity.to_public())])
    )
    result = run_envbake(
        "rotate",
        str(path),
        env={"ENVBAKE_KEY": str(identity), "ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )
    assert result.returncode == 0, result.stderr
    assert envbake.open_text(path.read_text(), TEST_KEY).variables == VARIABLES


# Failures leave the file and its metadata file byte for byte as they were


@pytest.mark.parametrize(
    ("environ", "arguments", "status"),
    [
        pytest.param(
            {"ENVBAKE_KEY": OTHER_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
            [],
            errors.EXIT_WRONG_KEY,
            id="wrong-current-key",
        ),
        pytest.param(
            {"ENVBAKE_ENCRYPT_KEY": OTHER_KEY}, [], errors.EXIT_NO_KEY, id="no-key"
        ),
        pytest.param(
            {"ENVBAKE_KEY": TEST_KEY}, [], errors.EXIT_NO_KEY, id="no-new-key"
        ),
        pytest.param(
            {"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": TEST_KEY},
            [],
            errors.EXIT_INPUT,
            id="same-key",
        ),
        pytest.param(
            {"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": "a pass phrase"},
            [],
            errors.EXIT_INPUT,
            id="invalid-new-key",
        ),
        pytest.param(
            {"ENVBAKE_KEY": TEST_KEY},
            ["--recipient", "age1invalid"],
            errors.EXIT_INPUT,
            id="invalid-recipient",
        ),
        pytest.param(
            {"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
            ["--environment", "not valid!"],
            errors.EXIT_INPUT,
            id="invalid-environment",
        ),
    ],
)
def test_failure_leaves_file_untouched(
    tmp_path: Path, environ: dict[str, str], arguments: list[str], status: int
) -> None:
    dotenv = tmp_path / "app.env"
    dotenv.write_text("DATABASE_URL=postgres://app:rotate-me@db/app\n")
    sealed = run_envbake(
        "seal",
        "-i",
        str(dotenv),
        "-o",
        str(tmp_path / "env.encrypted"),
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )
    assert sealed.returncode == 0, sealed.stderr
    before = _snapshot(tmp_path)
    result = run_envbake(
        "rotate", str(tmp_path / "env.encrypted"), *arguments, env=environ
    )
    assert result.returncode == status, result.stderr
    assert _snapshot(tmp_path) == before
    assert "rotate-me" not in result.stdout + result.stderr


def test_damaged_file_not_rotated(tmp_path: Path) -> None:
    text = envbake.seal(VARIABLES, TEST_KEY)
    damaged = text[:-10] + ("A" if text[-10] != "A" else "B") + text[-9:]
    path = _sealed_file(tmp_path, damaged)
    before = path.read_bytes()
    result = run_envbake(
        "rotate",
        str(path),
        env={"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )
    assert result.returncode == errors.EXIT_DAMAGED
    assert path.read_bytes() == before


def test_unwritable_output_leaves_original(tmp_path: Path) -> None:
    path = _sealed_file(tmp_path, envbake.seal(VARIABLES, TEST_KEY))
    before = path.read_bytes()
    result = run_envbake(
        "rotate",
        str(path),
        "-o",
        str(tmp_path / "missing-folder" / "out"),
        env={"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )
    assert result.returncode == errors.EXIT_OUTPUT
    assert path.read_bytes() == before


def test_rotated_file_mode_is_readable(tmp_path: Path) -> None:
    path = _sealed_file(tmp_path, envbake.seal(VARIABLES, TEST_KEY))
    result = run_envbake(
        "rotate",
        str(path),
        env={"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )
    assert result.returncode == 0, result.stderr
    # The sealed file is copied into images, so it stays world-readable.
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_identity_as_new_key_rejected(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    path = _sealed_file(tmp_path, envbake.seal(VARIABLES, TEST_KEY))
    before = path.read_bytes()
    result = run_envbake(
        "rotate",
        str(path),
        env={"ENVBAKE_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": str(identity)},
    )
    assert result.returncode == errors.EXIT_INPUT
    assert str(identity.to_public()) in result.stderr
    assert str(identity) not in result.stderr
    assert path.read_bytes() == before
