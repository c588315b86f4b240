"""Minimal v2 ``siv`` encryptor: the benchmark's floor for sealing.

Usage: min_seal.py INPUT DERIVED_KEY_FILE ENVIRONMENT OUTPUT

INPUT contains unquoted ``NAME=value`` lines, as the benchmark generates
them, so a split on the first ``=`` parses it. Like min_run.py it imports
only the compiled AES binding and the standard library, and reads the key
id and the derived AES-SIV key as hex from DERIVED_KEY_FILE. The output
is written to a temporary file and renamed into place.
"""

import binascii
import json
import os
import sys
import zlib

from cryptography.hazmat.bindings._rust import openssl


def main() -> None:
    input_path, key_path, environment, output = sys.argv[1:5]
    with open(key_path) as key_file:
        key_id, cipher_key = key_file.read().split()
    variables = {}
    with open(input_path, encoding="utf-8") as dotenv:
        for line in dotenv:
            name, _, value = line.rstrip("\n").partition("=")
            variables[name] = value

    document = {"environment": environment, "mode": "siv", "variables": variables}
    plaintext = zlib.compress(
        json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    )
    header = f"envbake:v2:siv:{key_id}:{environment}:".encode()
    sealed = openssl.aead.AESSIV(bytes.fromhex(cipher_key)).encrypt(plaintext, [header])
    payload = binascii.b2a_base64(b"\x00" + sealed, newline=False)
    payload = payload.rstrip(b"=").replace(b"+", b"-").replace(b"/", b"_")

    temporary = f"{output}.tmp{os.getpid()}"
    with open(temporary, "wb") as out:
        out.write(header + payload + b"\n")
    os.replace(temporary, output)


main()
