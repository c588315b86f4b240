"""The v1 format of the earlier Node.js implementation, read and written.

A v1 file is the base64 text of ``IV || ciphertext || MAC``:

* key: the key text decoded as base64 by Node.js's lenient decoder if that
  gives exactly 32 bytes, else SHA-256 of the text's UTF-8 bytes;
* plaintext: ``JSON.stringify(variables)``, gzip-compressed;
* IV: the first 16 bytes of SHA-256 of the JSON text;
* cipher: AES-256-CBC with PKCS#7 padding;
* MAC: HMAC-SHA256 over ``IV || ciphertext`` with the same key (the MAC is
  checked before anything is decrypted).

The format is kept only so that fleets can move off it. It reuses one key
for encryption and MAC and hashes pass phrases once. It carries no version
or key id, so a wrong key and a modified file look the same.
"""

from __future__ import annotations

import binascii
import json
import re
import zlib
from collections.abc import Mapping

from envbake.errors import DamagedFileError, WrongKeyError

IV_SIZE = 16
MAC_SIZE = 32
BLOCK_SIZE = 16

# Node.js's base64 decoder accepts both alphabets and skips every other
# character: these tables map "-" and "_" to "+" and "/" and list the bytes
# to skip.
_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
_TO_STANDARD_ALPHABET = bytes.maketrans(b"-_", b"+/")
_NOT_BASE64 = bytes(byte for byte in range(256) if byte not in _BASE64_ALPHABET)
#: Node.js-made files hold one gzip member; more than this many is hostile.
MAX_GZIP_MEMBERS = 64

# ECMAScript orders integer-like property names (array indices, at most
# 2**32 - 2) before all others, ascending, in JSON.stringify output.
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]{0,9}")
_MAX_ARRAY_INDEX = 2**32 - 2


def node_base64_decode(text: str) -> bytes:
    """Decode ``text`` as Node.js's ``Buffer.from(text, 'base64')`` does.

    Each UTF-16 code unit is reduced to its low byte (as Node.js does for
    this encoding), characters outside both base64 alphabets are skipped,
    decoding stops at the first ``=``, and a final group of one character
    is dropped. No library offers these exact rules, so they are applied
    here before the standard library decodes what remains.
    """
    low_bytes = text.encode("utf-16-le", "surrogatepass")[0::2]
    low_bytes = low_bytes.split(b"=", 1)[0]
    kept = low_bytes.translate(_TO_STANDARD_ALPHABET, _NOT_BASE64)
    kept = kept[: len(kept) - (len(kept) % 4 == 1)]
    return binascii.a2b_base64(kept + b"=" * (-len(kept) % 4))


def derive_key(key_text: str) -> tuple[bytes, str]:
    """Turn a v1 key string into its 32 key bytes.

    Returns:
        The key bytes and how they were made: ``"base64"`` or ``"sha256"``.
    """
    decoded = node_base64_decode(key_text)
    if len(decoded) == 32:
        return decoded, "base64"
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SHA256())
    digest.update(key_text.encode("utf-8", "surrogatepass"))
    return digest.finalize(), "sha256"


def js_property_order(variables: Mapping[str, str]) -> dict[str, str]:
    """Reorder ``variables`` as a JavaScript object would enumerate them."""
    indices = sorted((name for name in variables if _is_array_index(name)), key=int)
    ordered = {name: variables[name] for name in indices}
    for name, value in variables.items():
        if name not in ordered:
            ordered[name] = value
    return ordered


def _is_array_index(name: str) -> bool:
    return bool(_ARRAY_INDEX.fullmatch(name)) and int(name) <= _MAX_ARRAY_INDEX


def json_stringify(variables: Mapping[str, str]) -> str:
    """Return the text ``JSON.stringify(variables)`` gives in Node.js."""
    return json.dumps(
        js_property_order(variables), ensure_ascii=False, separators=(",", ":")
    )


def env_file_text(variables: Mapping[str, str]) -> str:
    """Return the ``.env`` text the Node.js runtime wrote: unquoted lines."""
    return "".join(
        f"{name}={value}\n" for name, value in js_property_order(variables).items()
    )


def seal(variables: Mapping[str, str], key_text: str, *, max_size: int) -> str:
    """Encrypt ``variables`` into v1 file text (no trailing newline).

    Raises:
        InputError: the JSON text is over ``max_size`` bytes.
    """
    import gzip

    from cryptography.hazmat.primitives import hashes, hmac, padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from envbake._v2 import check_plaintext_size

    key, _ = derive_key(key_text)
    json_text = json_stringify(variables).encode("utf-8")
    check_plaintext_size(len(json_text), max_size)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(json_text)
    iv = digest.finalize()[:IV_SIZE]

    padder = padding.PKCS7(BLOCK_SIZE * 8).padder()
    padded = padder.update(gzip.compress(json_text, mtime=0)) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()

    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(iv + ciphertext)
    blob = iv + ciphertext + mac.finalize()

    import binascii

    return binascii.b2a_base64(blob, newline=False).decode("ascii")


def open_blob(
    text: str, key_text: str, *, max_size: int, source: str
) -> dict[str, str]:
    """Verify and decrypt v1 file text.

    Raises:
        WrongKeyError: the MAC does not match, so the key is wrong or the
            file was modified (v1 cannot tell these apart).
        DamagedFileError: the file is too short, or its authenticated
            content is not valid padded, gzipped JSON of string values.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, hmac

    blob = node_base64_decode(text)
    ciphertext_size = len(blob) - MAC_SIZE - IV_SIZE
    if ciphertext_size < BLOCK_SIZE or ciphertext_size % BLOCK_SIZE:
        raise DamagedFileError(
            f"{source} is truncated: its length is not that of a v1 file",
            "copy the file again from the image or the build output",
        )
    key, _ = derive_key(key_text)
    data, tag = blob[:-MAC_SIZE], blob[-MAC_SIZE:]
    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(data)
    try:
        mac.verify(tag)
    except InvalidSignature:
        raise WrongKeyError(
            f"{source} does not open with this key: the key is wrong or the "
            "file was modified (v1 files cannot tell these apart)",
            "check that the key is the one the file was sealed with",
        ) from None
    try:
        return _decrypt_authenticated(data, key, max_size=max_size)
    except PayloadTooLargeError:
        raise DamagedFileError(
            f"{source} decompresses to more than the limit of {max_size} bytes",
            "raise the limit with --max-size if the file is trusted",
        ) from None
    except (ValueError, zlib.error, UnicodeDecodeError, RecursionError):
        raise DamagedFileError(
            f"{source} is damaged: its content is not a valid v1 payload",
            "seal the environment again",
        ) from None


def _decrypt_authenticated(data: bytes, key: bytes, *, max_size: int) -> dict[str, str]:
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    iv, ciphertext = data[:IV_SIZE], data[IV_SIZE:]
    if len(ciphertext) % BLOCK_SIZE:
        raise ValueError("ciphertext is not a whole number of blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(BLOCK_SIZE * 8).unpadder()
    compressed = unpadder.update(padded) + unpadder.finalize()
    document = json.loads(gunzip_bounded(compressed, max_size).decode("utf-8"))
    if not isinstance(document, dict) or not all(
        isinstance(value, str) for value in document.values()
    ):
        raise ValueError("payload is not a JSON object of strings")
    return document


class PayloadTooLargeError(ValueError):
    """The payload decompresses to more than the limit."""


def gunzip_bounded(data: bytes, max_size: int) -> bytes:
    """Decompress the gzip members in ``data``, at most ``max_size`` bytes.

    Raises:
        PayloadTooLargeError: the output would exceed ``max_size`` bytes.
        ValueError: the data is not gzip, is incomplete, or has more than
            :data:`MAX_GZIP_MEMBERS` members.
    """
    out = bytearray()
    remaining = data
    for _ in range(MAX_GZIP_MEMBERS):
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out += decompressor.decompress(remaining, max_size + 1 - len(out))
        if len(out) > max_size:
            raise PayloadTooLargeError(max_size)
        if not decompressor.eof:
            raise ValueError("gzip data is incomplete")
        remaining = decompressor.unused_data
        if not remaining:
            return bytes(out)
    raise ValueError("too many gzip members")
