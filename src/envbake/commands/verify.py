"""``envbake verify``: check that a file opens with the run-time key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from envbake import _output, sealed
from envbake.commands import _common


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="decrypt and check a file, print its variable count",
        description=(
            "Decrypt FILE with the run-time key and check every variable, "
            "without starting anything. Exits 0 if the file opens."
        ),
    )
    _common.add_file_argument(parser)
    parser.add_argument(
        "--environment", metavar="NAME", help="also check the file's environment"
    )
    _common.add_run_key_arguments(parser)
    return parser


def main(options: argparse.Namespace) -> int:
    path, opened = _common.open_with_run_key(
        options.file,
        key_file=options.key_file,
        variables=_common.run_key_variables(options),
        max_size=options.max_size,
        expected_environment=options.environment,
    )
    # A file that opens but could not start a command does not pass.
    sealed.check_variables(opened.variables)
    count = _output.count(len(opened.variables), "variable")
    sys.stdout.write(f"{path}: {count} ({opened.describe()})\n")
    return 0
