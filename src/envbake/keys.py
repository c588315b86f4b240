"""Symmetric keys of the v2 format: parsing, key ids and generation.

A key is 32 random bytes, written as base64 (standard or URL-safe alphabet,
with or without padding) or as 64 hexadecimal digits. Everything the v2
format needs is derived from those bytes with HKDF-SHA256 under labels of
envbake's own. So the key id shown to users reveals nothing about the key,
and the cipher key is never the same bytes as anything else.
"""

from __future__ import annotations

import binascii
import os
import re

from envbake.errors import InvalidKeyError

KEY_SIZE = 32
KEY_ID_INFO = b"envbake v2 key id"
SIV_KEY_INFO = b"envbake v2 aes-siv key"

_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")
_BASE64_KEY = re.compile(r"[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]={0,1}")
_BASE64URL_KEY = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]={0,1}")

KEYGEN_HINT = "make one with: envbake keygen"
#: The start of an age identity (a private key), in upper case.
IDENTITY_PREFIX = "AGE-SECRET-KEY-1"


def generate_key() -> str:
    """Return a new random key as standard padded base64 (44 characters)."""
    return binascii.b2a_base64(os.urandom(KEY_SIZE), newline=False).decode("ascii")


def parse_key(text: str, *, source: str = "the key") -> bytes:
    """Decode a key's text into its 32 bytes.

    Surrounding white space (such as the newline at the end of a key file)
    is ignored. Pass phrases and keys of another length are rejected: v2
    keys must be random, so a weak pass phrase cannot be guessed quickly.

    Args:
        text: The key as base64, base64url or 64 hex digits.
        source: Where the key came from, for the error message.

    Raises:
        InvalidKeyError: ``text`` is not such a key.
    """
    stripped = text.strip()
    if _HEX_KEY.fullmatch(stripped):
        return bytes.fromhex(stripped)
    if _BASE64_KEY.fullmatch(stripped):
        return binascii.a2b_base64(_pad(stripped))
    if _BASE64URL_KEY.fullmatch(stripped):
        standard = stripped.replace("-", "+").replace("_", "/")
        return binascii.a2b_base64(_pad(standard))
    if "AGE-SECRET-KEY-" in stripped.upper():
        raise InvalidKeyError(
            f"{source} is an age identity, but this file is sealed with a "
            "symmetric key",
            "give the symmetric key the file was sealed with",
        )
    raise InvalidKeyError(
        f"{source} is not a valid envbake key: expected 32 bytes as base64 "
        "(44 characters) or as 64 hex digits",
        KEYGEN_HINT,
    )


def is_identity_text(text: str) -> bool:
    """Return whether key text contains age identities rather than a symmetric key.

    It is here rather than in the age module so that a command can tell
    the two apart without loading pyrage's wrapper.
    """
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.upper().startswith(IDENTITY_PREFIX)
    return False


def looks_like_key(text: str) -> bool:
    """Return whether ``text`` has the form of an envbake key or age identity.

    Messages that would quote a path or a name use this to avoid printing
    a key that was put in the wrong variable. A base64 form counts only
    with both upper and lower case letters, which a random key has all but
    certainly and a variable name or a lower-case path does not.
    """
    stripped = text.strip()
    if _HEX_KEY.fullmatch(stripped) or "AGE-SECRET-KEY-" in stripped.upper():
        return True
    return bool(
        (_BASE64_KEY.fullmatch(stripped) or _BASE64URL_KEY.fullmatch(stripped))
        and not stripped.isupper()
        and not stripped.islower()
    )


def _pad(text: str) -> str:
    return text + "=" * (-len(text) % 4)


def derive(key: bytes, info: bytes, length: int) -> bytes:
    """Derive ``length`` bytes from ``key`` with HKDF-SHA256 and label ``info``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), length, salt=None, info=info).derive(key)


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 digest of ``data`` in hex.

    It uses cryptography, which envbake loads anyway, because
    :mod:`hashlib` would load the system's OpenSSL library too, about 3 ms
    of every seal.
    """
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SHA256())
    digest.update(data)
    return digest.finalize().hex()


def key_id(key: bytes) -> str:
    """Return the 16-hex-digit id of ``key``: not secret, safe to print."""
    return derive(key, KEY_ID_INFO, 8).hex()
