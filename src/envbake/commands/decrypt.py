"""``envbake decrypt``: write the decrypted variables to a file, atomically."""

from __future__ import annotations

import argparse
import os
from typing import Any

from envbake import _atomic, _output, loader
from envbake.commands import _common, export
from envbake.errors import UsageError


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="write the variables to a file (mode 0600)",
        description=(
            "Decrypt FILE and write its variables to PATH, for services that "
            "read a file. PATH is replaced atomically with a file of mode "
            "0600, a symbolic link at PATH is rejected rather than followed, "
            "and on any failure an existing PATH is left as it was. The "
            "default dotenv format reads back to the same values with "
            "python-dotenv (interpolate=False) and Node.js's dotenv."
        ),
    )
    _common.add_file_argument(parser)
    parser.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="the file to write"
    )
    export.add_format_arguments(parser, required=False)
    _common.add_run_key_arguments(parser)
    return parser


def main(options: argparse.Namespace) -> int:
    if options.output == "-":
        # Elsewhere "-" means standard input, so a file named "-" would
        # surprise; standard output is what export is for.
        raise UsageError(
            "decrypt -o - would write a file named '-'",
            "use envbake export to print the variables to standard output",
        )
    _reject_same_file(options)
    text = export.render(options)
    _atomic.write_atomic(options.output, text.encode("utf-8"), mode=0o600)
    _output.write_line(f"wrote {options.output} ({options.format})")
    return 0


def _reject_same_file(options: argparse.Namespace) -> None:
    """Raise :class:`InputError` if ``-o`` names the sealed file or the key file."""
    source = options.file or os.environ.get(loader.FILE_ENV) or loader.DEFAULT_FILE
    sources = [(source, "the sealed file")]
    _, key_file_env = _common.run_key_variables(options)
    key_file = options.key_file or os.environ.get(key_file_env)
    if key_file and key_file != "-":
        sources.append((key_file, "the key file"))
    _atomic.reject_overwriting(options.output, sources)
