"""Parsing v2 keys, key ids and key generation."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from envbake import keys
from envbake.errors import InvalidKeyError


@given(st.binary(min_size=32, max_size=32))
def test_parse_key_accepts_every_spelling(raw: bytes) -> None:
    standard = base64.b64encode(raw).decode()
    urlsafe = base64.urlsafe_b64encode(raw).decode()
    spellings = [
        standard,
        standard.rstrip("="),
        urlsafe,
        urlsafe.rstrip("="),
        raw.hex(),
        raw.hex().upper(),
        f"  {standard}\n",
    ]

    for spelling in spellings:
        assert raw == keys.parse_key(spelling)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "correct horse battery staple",
        "9f1c2d3e-4b5a-4c6d-8e7f-a0b1c2d3e4f5",
        base64.b64encode(b"x" * 31).decode(),
        base64.b64encode(b"x" * 33).decode(),
        "ab" * 31,
        "+/" * 21 + "-_",
    ],
)
def test_parse_key_rejects_non_keys(text: str) -> None:
    with pytest.raises(InvalidKeyError) as caught:
        keys.parse_key(text, source="ENVBAKE_KEY")

    assert "ENVBAKE_KEY" in str(caught.value)
    assert "envbake keygen" in str(caught.value)
    if text:
        assert text not in str(caught.value)


def test_generate_key_is_a_valid_random_key() -> None:
    first = keys.generate_key()
    second = keys.generate_key()

    assert len(first) == 44
    assert len(keys.parse_key(first)) == 32
    assert first != second


def test_key_id_is_stable_and_distinct() -> None:
    one = keys.parse_key(keys.generate_key())
    two = keys.parse_key(keys.generate_key())

    assert keys.key_id(one) == keys.key_id(one)
    assert keys.key_id(one) != keys.key_id(two)
    assert len(keys.key_id(one)) == 16
    assert one.hex()[:16] != keys.key_id(one)


def _hkdf_sha256(key: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA256 with an empty salt, written from RFC 5869 with the
    standard library to check envbake's use of cryptography's HKDF."""
    pseudo_random_key = hmac.new(bytes(32), key, hashlib.sha256).digest()
    output, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(
            pseudo_random_key, block + info + bytes([counter]), hashlib.sha256
        ).digest()
        output += block
    return output[:length]


def test_key_id_is_hkdf_of_key() -> None:
    """Pins the HKDF labels, so that files sealed today open tomorrow."""
    key = bytes(range(32))

    assert _hkdf_sha256(key, b"envbake v2 key id", 8).hex() == keys.key_id(key)
    assert _hkdf_sha256(key, b"envbake v2 aes-siv key", 64) == keys.derive(
        key, keys.SIV_KEY_INFO, 64
    )
