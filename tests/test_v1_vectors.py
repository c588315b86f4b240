"""The earlier Node.js implementation's files, read straight from its
conformance vectors: every "ok" blob opens to exactly its variables and
every other case fails with the kind of error its outcome calls for."""

from __future__ import annotations

import json
from typing import Any

import pytest

from envbake import _v1, sealed
from envbake.errors import (
    DamagedFileError,
    DecryptionError,
    InputError,
    WrongKeyError,
)
from tests.conftest import data_path


def _load_cases() -> list[dict[str, Any]]:
    with open(data_path("vectors", "seed-v1.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    assert document["format"] == "env-encrypted-conformance-vectors"
    assert document["version"] == 1
    cases: list[dict[str, Any]] = document["cases"]
    return cases


CASES = _load_cases()
OK_CASES = [case for case in CASES if case["expect"] == "ok"]
FAILING_CASES = [case for case in CASES if case["expect"] != "ok"]
# One authentic blob was made with an IV other than the content hash, to
# show that readers never check the IV; it cannot serve the IV test.
# envbake refuses to seal a NUL character, which no process environment
# can carry, though Node.js sealed one; such cases serve only for opening.
SEALABLE_CASES = [
    case
    for case in OK_CASES
    if not any("\0" in name + value for name, value in case["env"].items())
]
CONTENT_HASH_IV_CASES = [
    case for case in SEALABLE_CASES if "IV is not" not in case.get("note", "")
]

# v1 has no key id: a MAC that does not match means a wrong key or a
# modified file, and envbake reports it as WrongKeyError with a message
# that names both causes. Failures found before the MAC check (a length
# that is no v1 file's) and failures after it are DamagedFileError.
EXPECTED_ERRORS: dict[str, tuple[type[DecryptionError], ...]] = {
    "wrong-key": (WrongKeyError,),
    "tampered": (WrongKeyError, DamagedFileError),
    "truncated": (DamagedFileError, WrongKeyError),
    "malformed": (DamagedFileError,),
}


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["name"] for case in cases]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_v1_key_derivation_matches_node(case: dict[str, Any]) -> None:
    key, mode = _v1.derive_key(case["key"])

    assert case["derived_key"] == key.hex()
    assert case["key_mode"] == mode


@pytest.mark.parametrize("case", OK_CASES, ids=_ids(OK_CASES))
def test_v1_ok_blob_opens_to_its_variables(case: dict[str, Any]) -> None:
    opened = sealed.open_text(case["blob"], case["key"])

    assert case["env"] == opened.variables
    assert opened.format == "v1"
    assert opened.environment is None


@pytest.mark.parametrize("case", OK_CASES, ids=_ids(OK_CASES))
def test_v1_env_file_text_matches_node(case: dict[str, Any]) -> None:
    opened = sealed.open_text(case["blob"], case["key"])

    assert case["env_file"] == _v1.env_file_text(opened.variables)


@pytest.mark.parametrize("case", FAILING_CASES, ids=_ids(FAILING_CASES))
def test_v1_failing_blob_raises_its_kind(case: dict[str, Any]) -> None:
    with pytest.raises(DecryptionError) as caught:
        sealed.open_text(case["blob"], case["key"])

    assert isinstance(caught.value, EXPECTED_ERRORS[case["expect"]])
    assert case["key"] not in str(caught.value)


def test_v1_length_stage_failures_are_damaged() -> None:
    """Blobs Node.js rejected before its MAC check are reported as damaged,
    not as a wrong key."""
    length_cases = [
        case for case in FAILING_CASES if case["node"].get("stage") == "length"
    ]
    assert length_cases

    for case in length_cases:
        with pytest.raises(DamagedFileError):
            sealed.open_text(case["blob"], case["key"])


@pytest.mark.parametrize("case", SEALABLE_CASES, ids=_ids(SEALABLE_CASES))
def test_v1_seal_opens_with_decrypt_key(case: dict[str, Any]) -> None:
    text = sealed.seal(case["env"], case.get("encrypt_key", case["key"]), format="v1")

    assert case["env"] == sealed.open_text(text, case["key"]).variables


@pytest.mark.parametrize("case", CONTENT_HASH_IV_CASES, ids=_ids(CONTENT_HASH_IV_CASES))
def test_v1_seal_iv_is_node_content_hash(case: dict[str, Any]) -> None:
    """The IV is SHA-256 of JSON.stringify's text, so envbake writes the
    same IV as Node.js for the same variables (key order included)."""
    text = sealed.seal(case["env"], case.get("encrypt_key", case["key"]), format="v1")

    assert (
        _v1.node_base64_decode(case["blob"])[:16] == _v1.node_base64_decode(text)[:16]
    )


def test_v1_seal_is_deterministic() -> None:
    case = OK_CASES[0]

    first = sealed.seal(case["env"], case["key"], format="v1")
    second = sealed.seal(case["env"], case["key"], format="v1")

    assert first == second


def test_v1_seal_rejects_nul_values() -> None:
    nul_cases = [case for case in OK_CASES if case not in SEALABLE_CASES]
    assert nul_cases

    for case in nul_cases:
        with pytest.raises(InputError) as caught:
            sealed.seal(case["env"], case["key"], format="v1")
        assert "NUL" in str(caught.value)
