"""The v2 format in siv mode: round trips, determinism, and that every
change to a sealed file is refused with a documented error."""

from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envbake import _v2, keys, sealed
from envbake.errors import (
    DamagedFileError,
    EnvbakeError,
    EnvironmentMismatchError,
    InputError,
    UnsupportedFormatError,
    WrongKeyError,
)
from tests.conftest import OTHER_KEY, TEST_KEY

VARIABLES = {
    "DATABASE_URL": "postgres://app:secret-password@db.internal:5432/app",
    "PEM": "-----BEGIN KEY-----\nline one\nline two\n-----END KEY-----\n",
    "QUOTES": 'it\'s "quoted" # not a comment = still value',
    "UNICODE": "héllo ✓",
    "EMPTY": "",
}

names = st.text(
    st.characters(blacklist_characters="=\0", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
)
values = st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)))


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(names, values, max_size=8), st.sampled_from(["", "prod", "a.b_c-1"])
)
def test_seal_then_open_returns_same_variables(
    variables: dict[str, str], environment: str
) -> None:
    text = sealed.seal(variables, TEST_KEY, environment=environment)

    opened = sealed.open_text(text, TEST_KEY)

    assert variables == opened.variables
    assert environment == opened.environment
    assert keys.key_id(keys.parse_key(TEST_KEY)) == opened.key_id


def test_seal_is_byte_identical_for_same_input() -> None:
    first = sealed.seal(VARIABLES, TEST_KEY, environment="production")
    second = sealed.seal(
        dict(reversed(VARIABLES.items())), TEST_KEY, environment="production"
    )

    assert first == second


def test_seal_random_nonce_differs_and_opens() -> None:
    first = sealed.seal(VARIABLES, TEST_KEY, random_nonce=True)
    second = sealed.seal(VARIABLES, TEST_KEY, random_nonce=True)

    assert first != second
    assert VARIABLES == sealed.open_text(first, TEST_KEY).variables
    assert VARIABLES == sealed.open_text(second, TEST_KEY).variables


def test_sealed_text_is_one_ascii_line() -> None:
    text = sealed.seal(VARIABLES, TEST_KEY, environment="staging")

    assert text.isascii()
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert text.startswith(
        f"envbake:v2:siv:{keys.key_id(keys.parse_key(TEST_KEY))}:staging:"
    )


def test_sealed_text_contains_no_value_or_key() -> None:
    text = sealed.seal(VARIABLES, TEST_KEY)

    assert TEST_KEY not in text
    for value in VARIABLES.values():
        if value:
            assert value not in text


def test_open_wrong_key_names_both_key_ids() -> None:
    text = sealed.seal(VARIABLES, TEST_KEY)

    with pytest.raises(WrongKeyError) as caught:
        sealed.open_text(text, OTHER_KEY, key_source="ENVBAKE_KEY")

    message = str(caught.value)
    assert keys.key_id(keys.parse_key(TEST_KEY)) in message
    assert keys.key_id(keys.parse_key(OTHER_KEY)) in message
    assert "ENVBAKE_KEY" in message
    assert OTHER_KEY not in message


def test_open_refuses_every_single_bit_change() -> None:
    """Flip each bit of a whole file: no change is ever accepted, and each
    is reported as one of the documented decryption or format errors."""
    text = sealed.seal(
        {"TOKEN": "placeholder-token", "A": "1"}, TEST_KEY, environment="prod"
    )
    data = text.encode("ascii")
    allowed = (DamagedFileError, WrongKeyError, UnsupportedFormatError)

    for index in range(len(data)):
        for bit in range(8):
            changed = bytearray(data)
            changed[index] ^= 1 << bit
            changed_text = bytes(changed).decode("utf-8", "replace")
            if changed_text == text[:-1]:
                continue  # only the trailing newline was removed: same file
            with pytest.raises(allowed) as caught:
                sealed.open_text(changed_text, TEST_KEY)
            assert "placeholder-token" not in str(caught.value)


def test_open_refuses_every_truncation() -> None:
    text = sealed.seal({"TOKEN": "placeholder-token"}, TEST_KEY)
    body = text.rstrip("\n")

    for length in range(len(body)):
        with pytest.raises((DamagedFileError, WrongKeyError, UnsupportedFormatError)):
            sealed.open_text(body[:length], TEST_KEY)


def test_open_accepts_missing_trailing_newline() -> None:
    text = sealed.seal(VARIABLES, TEST_KEY)

    assert VARIABLES == sealed.open_text(text.rstrip("\n"), TEST_KEY).variables


def test_open_refuses_non_canonical_base64() -> None:
    """A payload whose unused final bits are set decodes to the same bytes,
    but it is not what envbake wrote, so it counts as a change."""
    text = sealed.seal({"A": "1"}, TEST_KEY).rstrip("\n")
    header, payload = text.rsplit(":", 1)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    unused_bits = {2: 4, 3: 2}[len(payload) % 4]
    last = alphabet.index(payload[-1])
    variant = payload[:-1] + alphabet[last | ((1 << unused_bits) - 1)]
    assert variant != payload

    with pytest.raises(DamagedFileError):
        sealed.open_text(f"{header}:{variant}", TEST_KEY)


def test_open_refuses_padded_payload() -> None:
    text = sealed.seal({"A": "1"}, TEST_KEY).rstrip("\n")

    with pytest.raises(DamagedFileError):
        sealed.open_text(text + "=", TEST_KEY)


def test_open_refuses_changed_environment_field() -> None:
    text = sealed.seal({"A": "1"}, TEST_KEY, environment="staging")

    with pytest.raises(DamagedFileError):
        sealed.open_text(text.replace(":staging:", ":production:"), TEST_KEY)


def test_open_expected_environment_mismatch() -> None:
    text = sealed.seal({"A": "1"}, TEST_KEY, environment="staging")

    with pytest.raises(EnvironmentMismatchError) as caught:
        sealed.open_text(text, TEST_KEY, expected_environment="production")

    assert "staging" in str(caught.value)
    assert "production" in str(caught.value)


def test_open_expected_environment_match() -> None:
    text = sealed.seal({"A": "1"}, TEST_KEY, environment="staging")

    assert {"A": "1"} == sealed.open_text(
        text, TEST_KEY, expected_environment="staging"
    ).variables


def test_open_other_version_is_unsupported() -> None:
    text = sealed.seal({"A": "1"}, TEST_KEY)

    with pytest.raises(UnsupportedFormatError) as caught:
        sealed.open_text(text.replace("envbake:v2:", "envbake:v3:"), TEST_KEY)

    assert "v3" in str(caught.value)


def test_open_unknown_mode_is_unsupported() -> None:
    text = sealed.seal({"A": "1"}, TEST_KEY)

    with pytest.raises(UnsupportedFormatError):
        sealed.open_text(text.replace(":siv:", ":xyz:"), TEST_KEY)


def _seal_document(document: dict[str, object], *, environment: str = "") -> str:
    """Seal an arbitrary plaintext document, as only a key holder could."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    key = keys.parse_key(TEST_KEY)
    header = _v2.build_header("siv", keys.key_id(key), environment)
    plaintext = zlib.compress(json.dumps(document).encode("utf-8"))
    cipher = AESSIV(keys.derive(key, keys.SIV_KEY_INFO, 64))
    payload = b"\0" + cipher.encrypt(plaintext, [header.encode("ascii")])
    return header + _v2.encode_payload(payload) + "\n"


def test_open_refuses_plaintext_with_other_environment() -> None:
    """The environment is repeated inside the plaintext and compared."""
    text = _seal_document(
        {"environment": "staging", "mode": "siv", "variables": {"A": "1"}},
        environment="production",
    )

    with pytest.raises(DamagedFileError):
        sealed.open_text(text, TEST_KEY)


def test_open_refuses_non_string_values() -> None:
    text = _seal_document({"environment": "", "mode": "siv", "variables": {"A": 1}})

    with pytest.raises(DamagedFileError):
        sealed.open_text(text, TEST_KEY)


def test_open_bounds_decompression() -> None:
    big = {"A": "x" * 100_000}
    text = sealed.seal(big, TEST_KEY)

    with pytest.raises(DamagedFileError) as caught:
        sealed.open_text(text, TEST_KEY, max_size=10_000)

    assert "10000" in str(caught.value)
    assert "--max-size" in str(caught.value)
    assert big == sealed.open_text(text, TEST_KEY, max_size=200_000).variables


@pytest.mark.parametrize(
    ("variables", "name"),
    [
        ({"": "x"}, "''"),
        ({"A=B": "x"}, "A=B"),
        ({"A\0": "x"}, "A"),
        ({"A": "x\0y"}, "A"),
    ],
)
def test_seal_rejects_invalid_variables(variables: dict[str, str], name: str) -> None:
    with pytest.raises(InputError) as caught:
        sealed.seal(variables, TEST_KEY)

    assert name in str(caught.value)
    assert "x\0y" not in str(caught.value)


def test_seal_rejects_invalid_environment_name() -> None:
    with pytest.raises(InputError):
        sealed.seal({"A": "1"}, TEST_KEY, environment="bad:name")


def test_errors_are_one_hierarchy() -> None:
    for error in (DamagedFileError, WrongKeyError, InputError, UnsupportedFormatError):
        assert issubclass(error, EnvbakeError)


def test_open_known_file_from_this_version() -> None:
    """A file sealed by envbake 0.1.0 keeps opening in later versions."""
    from tests.conftest import REPOSITORY

    path = REPOSITORY / "tests" / "data" / "v2-siv-known.encrypted"
    key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # bytes 0..31

    opened = sealed.open_text(path.read_text(encoding="ascii"), key)

    assert {
        "DATABASE_URL": "postgres://app:pw@db/app",
        "MULTI": "a\nb",
        "UNICODE": "✓",
    } == opened.variables
    assert "production" == opened.environment
