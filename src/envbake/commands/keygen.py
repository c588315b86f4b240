"""``envbake keygen``: print a new random key or age identity.

With ``--age``, the identity (the private key) goes to standard output and
its recipient (the public key) to standard error as ``Public key: age1...``,
as ``age-keygen`` prints them. ``-o`` writes the key or identity to a new
file with mode 0600 instead, and ``--recipient-output`` writes the
recipient to a file of its own for the build.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from envbake import _atomic, _output, keys
from envbake.errors import InputError, UsageError


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="print a new random key, or an age identity and its recipient",
        description=(
            "Print a new key: 32 random bytes as base64. With --age, print a "
            "new age X25519 identity (the private key, for the hosts) to "
            "standard output and its recipient (the public key, for the "
            "build) to standard error. Store keys and identities in a secret "
            "store; never commit them."
        ),
    )
    parser.add_argument(
        "--age",
        action="store_true",
        help="make an age identity and recipient instead of a symmetric key",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=(
            "write the key or identity to PATH, a new file with mode 0600, "
            "instead of standard output; an existing file is never replaced"
        ),
    )
    parser.add_argument(
        "--recipient-output",
        metavar="PATH",
        help="with --age, also write the recipient to PATH (mode 0644)",
    )
    return parser


def main(options: argparse.Namespace) -> int:
    if options.recipient_output and not options.age:
        raise UsageError("--recipient-output needs --age")
    if not options.age:
        secret = keys.generate_key() + "\n"
        if options.output:
            _write_new_file(options.output, secret, mode=0o600)
        else:
            sys.stdout.write(secret)
        return 0
    from pyrage import x25519

    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    if options.output:
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        _write_new_file(
            options.output,
            f"# created: {created}\n# public key: {recipient}\n{identity}\n",
            mode=0o600,
        )
    else:
        sys.stdout.write(f"{identity}\n")
    if options.recipient_output:
        _write_new_file(options.recipient_output, recipient + "\n", mode=0o644)
    # In the form age-keygen prints, so that scripts written for it work.
    _output.write_text(f"Public key: {recipient}\n")
    return 0


def _write_new_file(path: str, text: str, *, mode: int) -> None:
    """Create ``path`` with ``mode`` and write ``text``; never replace a file.

    A private key is never readable by others, not even for a moment, and
    a failed write leaves no file (see :func:`envbake._atomic.write_new`).
    """
    try:
        _atomic.write_new(path, text.encode("ascii"), mode=mode)
    except FileExistsError:
        raise InputError(
            f"{path} already exists; envbake keygen never replaces a file",
            "give a new path, or move the old file away first",
        ) from None
