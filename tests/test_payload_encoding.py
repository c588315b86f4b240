"""The base64url payload of v2 files: only the canonical encoding opens."""

from __future__ import annotations

import base64
import os

import pytest

from envbake import _v2
from envbake.errors import DamagedFileError

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.mark.parametrize("length", range(0, 40))
def test_payload_round_trip(length: int) -> None:
    payload = os.urandom(length)
    text = _v2.encode_payload(payload)

    assert text == base64.urlsafe_b64encode(payload).decode().rstrip("=")
    assert _v2.decode_payload(text, source="f") == payload


@pytest.mark.parametrize("length", [1, 2, 4, 5, 31, 32])
def test_payload_rejects_nonzero_unused_bits(length: int) -> None:
    text = _v2.encode_payload(os.urandom(length))
    unused_bits = {0: 0, 2: 4, 3: 2}[len(text) % 4]
    last = ALPHABET.index(text[-1])
    for bit in range(unused_bits):
        changed = text[:-1] + ALPHABET[last ^ (1 << bit)]

        with pytest.raises(DamagedFileError):
            _v2.decode_payload(changed, source="f")


@pytest.mark.parametrize(
    "text",
    ["QUJD=", "QUJD+w", "QUJD/w", "QU JD", "QUJDé", "QUJDR", "QUJD\n", "QUJDQ==="],
)
def test_payload_rejects_invalid_text(text: str) -> None:
    with pytest.raises(DamagedFileError):
        _v2.decode_payload(text, source="f")
