"""``envbake keygen``: print a new random key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from envbake import keys


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="print a new random key",
        description=(
            "Print a new key: 32 random bytes as base64. Store it in a secret "
            "store; never commit it."
        ),
    )
    return parser


def main(options: argparse.Namespace) -> int:
    sys.stdout.write(keys.generate_key() + "\n")
    return 0
