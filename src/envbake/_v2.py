"""envbake's own v2 format: the header and the ``siv`` mode.

A v2 file is one line of ASCII text and a newline::

    envbake:v2:<mode>:<key-id>:<environment>:<payload>

The header is everything up to and including the colon before the
payload. In ``siv`` mode the payload is base64url (no padding) of a flag
byte, an optional 16-byte nonce, and the AES-256-SIV (RFC 5297) encryption
of the compressed JSON plaintext, with the header as associated data. So
no field of the header can change without the file failing to open, while
the key id and environment stay readable without the key.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

import binascii
import json
import os
import re
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from envbake import keys
from envbake.errors import (
    DamagedFileError,
    InputError,
    UnsupportedFormatError,
    WrongKeyError,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

MAGIC = "envbake"
VERSION = "v2"
MODES = ("siv", "age")
NONCE_SIZE = 16
FLAG_DETERMINISTIC = 0
FLAG_NONCE = 1
#: Default limit on a decompressed plaintext, in bytes, for opening and
#: sealing alike (``envbake.sealed.DEFAULT_MAX_SIZE``).
DEFAULT_MAX_SIZE = 64 * 1024 * 1024

ENVIRONMENT_NAME = re.compile(r"[A-Za-z0-9._-]*")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_VERSION = re.compile(r"v[0-9]+")

DAMAGED_HINT = (
    "copy the file again from the image or the build output, or seal it again"
)


class Header(NamedTuple):
    """The readable fields of a v2 file, before anything is verified."""

    mode: str
    key_field: str
    environment: str
    header_text: str
    payload_text: str


def is_v2(text: str) -> bool:
    """Return whether ``text`` claims to be an envbake file of any version."""
    return text.startswith(MAGIC + ":")


def parse_header(text: str, *, source: str) -> Header:
    """Split v2 file text into its fields, checking their syntax only.

    Raises:
        UnsupportedFormatError: another version or an unknown mode.
        DamagedFileError: the text does not have the v2 shape.
    """
    # Line endings added by an editor or a copy are not part of the file.
    body = text.rstrip("\r\n")
    fields = body.split(":")
    if len(fields) >= 3 and _VERSION.fullmatch(fields[1]) and fields[1] != VERSION:
        raise UnsupportedFormatError(
            f"{source} is an envbake file of version {fields[1]!r}, which this "
            "envbake does not read",
            "upgrade envbake",
        )
    if len(fields) != 6 or fields[1] != VERSION:
        raise DamagedFileError(f"{source} is truncated or modified", DAMAGED_HINT)
    _, _, mode, key_field, environment, payload = fields
    if mode not in MODES:
        raise UnsupportedFormatError(
            f"{source} uses the mode {mode!r}, which this envbake does not read",
            "upgrade envbake",
        )
    if (
        not ENVIRONMENT_NAME.fullmatch(environment)
        or not payload
        or not is_base64url(payload)
    ):
        raise DamagedFileError(f"{source} is truncated or modified", DAMAGED_HINT)
    header_text = body[: len(body) - len(payload)]
    return Header(mode, key_field, environment, header_text, payload)


def build_header(mode: str, key_field: str, environment: str) -> str:
    """Return the header text that precedes the payload."""
    check_environment_name(environment)
    return f"{MAGIC}:{VERSION}:{mode}:{key_field}:{environment}:"


def check_environment_name(environment: str) -> None:
    """Raise :class:`InputError` unless ``environment`` is a valid name."""
    # "." and ".." would make the secret file pattern leave its folder.
    if not ENVIRONMENT_NAME.fullmatch(environment) or environment in (".", ".."):
        raise InputError(
            f"invalid environment name {environment!r}",
            "use only letters, digits, '.', '_' and '-', and not . or .. alone",
        )


def encode_payload(payload: bytes) -> str:
    """Encode payload bytes as base64url without padding."""
    encoded = binascii.b2a_base64(payload, newline=False).translate(_TO_URLSAFE)
    return encoded.rstrip(b"=").decode("ascii")


_BASE64URL_ALPHABET = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
#: Low bits of the last character that carry no data, by length mod 4.
#: A length of 1 mod 4 is not base64 at all.
_UNUSED_BITS = {0: 0, 2: 4, 3: 2}


def is_base64url(text: str) -> bool:
    """Return whether ``text`` contains only base64url characters."""
    return text.isascii() and not text.encode("ascii").translate(
        None, _BASE64URL_ALPHABET
    )


def decode_payload(text: str, *, source: str) -> bytes:
    """Decode base64url payload text, accepting only its canonical form.

    A payload whose unused trailing bits are not zero decodes to the same
    bytes as the canonical one, so it is treated as a modified file. The
    checks are made on the text, so the payload is not encoded again to
    compare: that would be a second pass over a file of any size.
    """
    unused_bits = _UNUSED_BITS.get(len(text) % 4)
    if unused_bits is None or not is_base64url(text):
        raise DamagedFileError(f"{source} is truncated or modified", DAMAGED_HINT)
    if text and _BASE64URL_ALPHABET.index(ord(text[-1])) & ((1 << unused_bits) - 1):
        raise DamagedFileError(f"{source} is truncated or modified", DAMAGED_HINT)
    standard = text.encode("ascii").translate(_FROM_URLSAFE)
    return binascii.a2b_base64(standard + b"=" * (-len(text) % 4))


def plaintext_document(
    variables: Mapping[str, str],
    *,
    mode: str,
    environment: str,
    key_field: str | None = None,
    max_size: int,
) -> bytes:
    """Serialise and compress the plaintext of a v2 file.

    Keys are sorted, so the same variables give the same bytes whatever
    order the inputs listed them in. ``key_field`` is repeated inside only
    in modes whose cipher does not authenticate the header (``age``).

    Raises:
        InputError: the serialised text is over ``max_size`` bytes, so
            opening the file with the same limit would fail.
    """
    document: dict[str, Any] = {
        "environment": environment,
        "mode": mode,
        "variables": dict(variables),
    }
    if key_field is not None:
        document["key_field"] = key_field
    text = json.dumps(
        document, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")
    check_plaintext_size(len(text), max_size)
    return zlib.compress(text)


def check_plaintext_size(size: int, max_size: int) -> None:
    """Raise :class:`InputError` if a plaintext of ``size`` bytes is over
    ``max_size``, the limit that opening the file will apply."""
    if size <= max_size:
        return
    which = (
        "the default limit that envbake run applies"
        if max_size == DEFAULT_MAX_SIZE
        else "the limit given"
    )
    raise InputError(
        f"the environment is {size} bytes as JSON, over {which}, {max_size} bytes",
        "move large values into files, or seal with a larger --max-size and "
        "give the same --max-size to every command that opens the file",
    )


def read_plaintext(
    compressed: bytes,
    *,
    header: Header,
    max_size: int,
    source: str,
    key_field: str | None = None,
) -> dict[str, str]:
    """Decompress and check an authenticated plaintext.

    The mode and environment repeated inside must equal the header's, and
    so must ``key_field`` if the mode repeats it (it is absent otherwise).

    Raises:
        DamagedFileError: the plaintext is not what envbake writes, or it
            decompresses to more than ``max_size`` bytes.
    """
    decompressor = zlib.decompressobj()
    try:
        text = decompressor.decompress(compressed, max_size + 1)
    except zlib.error:
        raise DamagedFileError(f"{source} is damaged", DAMAGED_HINT) from None
    if len(text) > max_size or decompressor.unconsumed_tail:
        raise DamagedFileError(
            f"{source} decompresses to more than the limit of {max_size} bytes",
            "raise the limit with --max-size if the file is trusted",
        )
    if not decompressor.eof or decompressor.unused_data:
        raise DamagedFileError(f"{source} is damaged", DAMAGED_HINT)
    try:
        document: Any = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DamagedFileError(f"{source} is damaged", DAMAGED_HINT) from None
    if (
        not isinstance(document, dict)
        or document.get("mode") != header.mode
        or document.get("environment") != header.environment
        or document.get("key_field") != key_field
        or not isinstance(document.get("variables"), dict)
        # The set of value types is built in C, which matters at 10,000
        # variables.
        or not set(map(type, document["variables"].values())) <= {str}
    ):
        raise DamagedFileError(f"{source} is damaged", DAMAGED_HINT)
    variables: dict[str, str] = document["variables"]
    return variables


def aes_siv_class() -> "type[AESSIV]":
    """Return cryptography's AES-SIV class.

    ``cryptography.hazmat.primitives.ciphers.aead.AESSIV`` is the class of
    cryptography's compiled binding, re-exported. Importing it from there
    first imports the whole ``ciphers`` package, about 2 ms of every
    ``envbake run``, so it is taken from the binding, and from the public
    module only if a future cryptography moves it.
    """
    try:
        from cryptography.hazmat.bindings._rust import openssl

        return openssl.aead.AESSIV
    except (ImportError, AttributeError):
        from cryptography.hazmat.primitives.ciphers.aead import AESSIV

        return AESSIV


def seal_siv(
    variables: Mapping[str, str],
    key: bytes,
    *,
    environment: str,
    random_nonce: bool = False,
    max_size: int = DEFAULT_MAX_SIZE,
) -> str:
    """Encrypt ``variables`` in ``siv`` mode and return the file text."""
    header = build_header("siv", keys.key_id(key), environment)
    plaintext = plaintext_document(
        variables, mode="siv", environment=environment, max_size=max_size
    )
    cipher = aes_siv_class()(keys.derive(key, keys.SIV_KEY_INFO, 64))
    associated = [header.encode("ascii")]
    if random_nonce:
        nonce = os.urandom(NONCE_SIZE)
        associated.append(nonce)
        payload = bytes([FLAG_NONCE]) + nonce + cipher.encrypt(plaintext, associated)
    else:
        payload = bytes([FLAG_DETERMINISTIC]) + cipher.encrypt(plaintext, associated)
    return header + encode_payload(payload) + "\n"


def open_siv(
    header: Header, key: bytes, *, max_size: int, source: str, key_source: str
) -> dict[str, str]:
    """Verify and decrypt a ``siv`` mode file.

    Raises:
        WrongKeyError: the key's id is not the one in the header.
        DamagedFileError: any later check failed.
    """
    given_id = keys.key_id(key)
    if not _KEY_ID.fullmatch(header.key_field):
        raise DamagedFileError(f"{source} is truncated or modified", DAMAGED_HINT)
    if given_id != header.key_field:
        raise WrongKeyError(
            f"wrong key: {source} needs key {header.key_field}; "
            f"{key_source} is key {given_id}",
            "give the key this file was sealed with",
        )
    from cryptography.exceptions import InvalidTag

    payload = decode_payload(header.payload_text, source=source)
    associated = [header.header_text.encode("ascii")]
    if payload[:1] == bytes([FLAG_NONCE]) and len(payload) > 1 + NONCE_SIZE:
        associated.append(payload[1 : 1 + NONCE_SIZE])
        ciphertext = payload[1 + NONCE_SIZE :]
    elif payload[:1] == bytes([FLAG_DETERMINISTIC]):
        ciphertext = payload[1:]
    else:
        raise DamagedFileError(f"{source} is truncated or modified", DAMAGED_HINT)
    cipher = aes_siv_class()(keys.derive(key, keys.SIV_KEY_INFO, 64))
    try:
        compressed = cipher.decrypt(ciphertext, associated)
    except (InvalidTag, ValueError):
        raise DamagedFileError(
            f"{source} was modified or truncated: it fails authentication",
            DAMAGED_HINT,
        ) from None
    return read_plaintext(compressed, header=header, max_size=max_size, source=source)
