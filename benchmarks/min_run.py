"""Minimal decrypt-and-exec for a v2 ``siv`` file: the benchmark's floor.

Usage: min_run.py FILE DERIVED_KEY_FILE -- COMMAND [ARG...]
       min_run.py FILE DERIVED_KEY_FILE --print

It imports only the compiled AES binding of ``cryptography`` and the
standard library, and does the least work the format allows: check the
key id, decrypt, decompress, parse, exec. To skip HKDF, it reads the key
id and the derived 64-byte AES-SIV key, as hex, from DERIVED_KEY_FILE,
which the benchmark writes at set-up time. ``--print`` writes the
variables as JSON to standard output instead of running a command.
"""

import binascii
import json
import os
import sys
import zlib

from cryptography.hazmat.bindings._rust import openssl


def main() -> None:
    path, key_path = sys.argv[1], sys.argv[2]
    with open(key_path) as key_file:
        key_id, cipher_key = key_file.read().split()
    with open(path, "rb") as blob_file:
        text = blob_file.read().rstrip(b"\n")

    header, _, payload_text = text.rpartition(b":")
    header += b":"
    if header.split(b":")[3].decode() != key_id:
        sys.exit("min_run: the file needs another key")
    padding = b"=" * (-len(payload_text) % 4)
    payload = binascii.a2b_base64(
        payload_text.replace(b"-", b"+").replace(b"_", b"/") + padding
    )

    aead = openssl.aead.AESSIV(bytes.fromhex(cipher_key))
    if payload[0] == 0:
        plaintext = aead.decrypt(payload[1:], [header])
    else:
        plaintext = aead.decrypt(payload[17:], [header, payload[1:17]])
    variables = json.loads(zlib.decompress(plaintext))["variables"]

    if sys.argv[3] == "--print":
        json.dump(variables, sys.stdout)
        return
    command = sys.argv[4:]
    environ = dict(variables)
    environ.update(os.environ)
    try:
        os.execvpe(command[0], command, environ)
    except OSError as error:
        sys.exit(f"min_run: exec {command[0]} failed: {error.strerror}")


main()
