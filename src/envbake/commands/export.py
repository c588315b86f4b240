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
        help="print the variables as sh, dotenv, json or docker env-file lines",
        description=(
            "Decrypt FILE and print its variables. The sh format is safe to "
            "eval in any POSIX shell. Assign it first so that a failure stops "
            'the script: exports=$(envbake export --format sh) || exit; eval "$exports". '
            "A variable that a format cannot express is rejected by name, "
            "and nothing is printed."
        ),
    )
    _common.add_file_argument(parser)
    add_format_arguments(parser, required=True)
    _common.add_run_key_arguments(parser)
    return parser


def add_format_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """Add ``--format`` and ``--environment``, shared with ``decrypt``."""
    parser.add_argument(
        "--format",
        choices=exporting.FORMATS,
        required=required,
        default=None if required else "dotenv",
        help="the output format" + ("" if required else " (default: dotenv)"),
    )
    parser.add_argument(
        "--environment",
        metavar="NAME",
        help="reject a file sealed for another environment",
    )


def render(options: argparse.Namespace) -> str:
    """Open the file named by the options and return it in their format."""
    _, opened = _common.open_with_run_key(
        options.file,
        key_file=options.key_file,
        variables=_common.run_key_variables(options),
        max_size=options.max_size,
        expected_environment=options.environment,
    )
    return exporting.FORMATTERS[options.format](opened.variables)


def main(options: argparse.Namespace) -> int:
    sys.stdout.write(render(options))
    return 0
