"""``envbake export``: print the decrypted variables in a chosen format."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from envbake import exporting
from envbake.commands import _common


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="print the variables as json, sh or dotenv",
        description=(
            "Decrypt FILE and print its variables. The sh format is safe to "
            'eval in any POSIX shell: eval "$(envbake export --format sh)".'
        ),
    )
    _common.add_file_argument(parser)
    parser.add_argument(
        "--format", choices=exporting.FORMATS, required=True, help="the output format"
    )
    _common.add_run_key_arguments(parser)
    return parser


def main(options: argparse.Namespace) -> int:
    _, opened = _common.open_with_run_key(
        options.file, key_file=options.key_file, max_size=options.max_size
    )
    text = exporting.FORMATTERS[options.format](opened.variables)
    sys.stdout.write(text)
    return 0
