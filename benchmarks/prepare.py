"""Set-up steps that need ``cryptography``; run with the benchmark's Python.

Usage:
  prepare.py derive            read a base64 key on stdin; print the v2
                               key id and the hex AES-SIV key derived from it
  prepare.py v1 JSON OUT       read a base64 key on stdin; write the
                               variables in JSON file JSON to OUT in v1 format
  prepare.py age-keygen        print a new age identity and its recipient

None of these steps is timed. The derivations follow the v2 format: the
key id is HKDF-SHA256(key, info "envbake v2 key id", 8 bytes) and the
AES-SIV key HKDF-SHA256(key, info "envbake v2 aes-siv key", 64 bytes),
both without salt.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import sys

from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _read_key() -> bytes:
    key = base64.b64decode(sys.stdin.read().strip(), validate=True)
    if len(key) != 32:
        raise SystemExit("prepare.py: the key must be 32 bytes of base64")
    return key


def _hkdf(key: bytes, info: bytes, length: int) -> bytes:
    return HKDF(hashes.SHA256(), length, None, info).derive(key)


def derive() -> None:
    key = _read_key()
    key_id = _hkdf(key, b"envbake v2 key id", 8).hex()
    cipher_key = _hkdf(key, b"envbake v2 aes-siv key", 64).hex()
    print(key_id, cipher_key)


def write_v1(json_path: str, output: str) -> None:
    key = _read_key()
    with open(json_path, encoding="utf-8") as source:
        variables = json.load(source)
    # The v1 writer used JSON.stringify: no spaces, non-ASCII kept as is.
    text = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    iv = hashlib.sha256(text.encode()).digest()[:16]
    padder = padding.PKCS7(128).padder()
    padded = padder.update(gzip.compress(text.encode())) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(iv + ciphertext)
    blob = iv + ciphertext + mac.finalize()
    with open(output, "w", encoding="ascii") as out:
        out.write(base64.b64encode(blob).decode())


def age_keygen() -> None:
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    print(identity, identity.to_public())


def main() -> None:
    command = sys.argv[1]
    if command == "derive":
        derive()
    elif command == "v1":
        write_v1(sys.argv[2], sys.argv[3])
    elif command == "age-keygen":
        age_keygen()
    else:
        raise SystemExit(f"prepare.py: unknown command {command!r}")


main()
