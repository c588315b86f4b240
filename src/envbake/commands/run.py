"""``envbake run``: decrypt the environment and exec a command with it.

This is the container entrypoint, so its arguments are parsed by hand
(argparse alone costs about as much as the decryption) and nothing is
imported that the path taken does not use. ``add_parser`` describes the
same options for ``envbake run --help``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from envbake import _output, runtime, sealed
from envbake.errors import UsageError

DISABLE_ENV = "ENVBAKE_DISABLE"
PLAIN_FILE_ENV = "ENVBAKE_PLAIN_FILE"
ENVIRONMENT_ENV = "ENVBAKE_ENVIRONMENT"

USAGE = "usage: envbake run [OPTIONS] [FILE] -- COMMAND [ARG...]"


@dataclass
class RunOptions:
    """The options of ``envbake run``."""

    file: str | None = None
    command: list[str] = field(default_factory=list)
    override: bool = False
    environment: str | None = None
    key_file: str | None = None
    plain_file: str | None = None
    max_size: int = sealed.DEFAULT_MAX_SIZE
    verbose: bool = False
    quiet: bool = False


_VALUE_OPTIONS = {
    "--environment": "environment",
    "--key-file": "key_file",
    "--plain-file": "plain_file",
    "--max-size": "max_size",
}
_FLAG_OPTIONS = {
    "--override": "override",
    "-v": "verbose",
    "--verbose": "verbose",
    "-q": "quiet",
    "--quiet": "quiet",
}


def parse_arguments(arguments: list[str]) -> RunOptions:
    """Parse ``envbake run``'s arguments (those after ``run``).

    Raises:
        UsageError: an unknown option, a missing value, or no command.
    """
    options = RunOptions()
    if "--" not in arguments:
        raise UsageError("no command given", f"{USAGE}")
    split = arguments.index("--")
    own, options.command = arguments[:split], arguments[split + 1 :]
    if not options.command or not options.command[0]:
        raise UsageError("no command given after --", USAGE)
    index = 0
    while index < len(own):
        argument = own[index]
        name, has_value, inline = argument.partition("=")
        if name in _VALUE_OPTIONS:
            if has_value:
                value = inline
            elif index + 1 < len(own):
                index += 1
                value = own[index]
            else:
                raise UsageError(f"{name} needs a value", USAGE)
            _set_value(options, _VALUE_OPTIONS[name], value)
        elif argument in _FLAG_OPTIONS:
            setattr(options, _FLAG_OPTIONS[argument], True)
        elif argument.startswith("-") and argument != "-":
            raise UsageError(f"unknown option {argument} for run", USAGE)
        elif options.file is None:
            options.file = argument
        else:
            raise UsageError(f"unexpected argument {argument!r} before --", USAGE)
        index += 1
    return options


def _set_value(options: RunOptions, attribute: str, value: str) -> None:
    if attribute == "max_size":
        try:
            options.max_size = sealed.parse_max_size(value)
        except ValueError as error:
            raise UsageError(str(error), USAGE) from None
    else:
        setattr(options, attribute, value)


def main_fast(arguments: list[str]) -> int:
    """Parse the arguments and run; returns only on failure."""
    return execute(parse_arguments(arguments), os.environ)


def execute(options: RunOptions, environ: Mapping[str, str]) -> int:
    """Decrypt (unless switched off), then exec the command.

    Returns only by raising an :class:`envbake.errors.EnvbakeError`.
    """
    from envbake.commands import _common

    if environ.get(DISABLE_ENV, "").lower() == "true":
        variables = _plain_variables(options, environ)
        description = "decryption switched off"
    else:
        expected = options.environment or environ.get(ENVIRONMENT_ENV) or None
        path, opened = _common.open_with_run_key(
            options.file,
            key_file=options.key_file,
            max_size=options.max_size,
            expected_environment=expected,
            environ=environ,
        )
        variables = opened.variables
        description = f"from {path} ({opened.describe()})"
    merged = runtime.merge_environment(
        environ, variables, override=options.override, remove=_common.KEY_VARIABLES
    )
    runtime.check_exec_size(options.command, merged)
    if not options.quiet:
        _output.write_line(f"loaded {len(variables)} variables {description}")
    if options.verbose:
        names = ", ".join(sorted(variables))
        _output.write_line(f"variables: {names}")
    runtime.exec_command(options.command, merged)
    raise AssertionError("exec_command returned")  # pragma: no cover


def _plain_variables(options: RunOptions, environ: Mapping[str, str]) -> dict[str, str]:
    path = options.plain_file or environ.get(PLAIN_FILE_ENV)
    if not path or not os.path.exists(path):
        return {}
    from envbake import compose

    return compose.compose_files([path])


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="decrypt the environment and exec a command with it",
        description=(
            "Decrypt FILE with the run-time key and replace envbake with "
            "COMMAND, whose environment gets the variables. Variables "
            "already set win unless --override is given; the key "
            f"variables are removed. With {DISABLE_ENV}=true, decryption is "
            f"skipped and the plain dotenv file in {PLAIN_FILE_ENV} or "
            "--plain-file is loaded if it exists."
        ),
        usage=USAGE.removeprefix("usage: "),
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="the sealed file")
    parser.add_argument(
        "--override", action="store_true", help="let the file's values win"
    )
    parser.add_argument(
        "--environment",
        metavar="NAME",
        help=f"reject a file sealed for another environment (default: ${ENVIRONMENT_ENV})",
    )
    parser.add_argument(
        "--key-file",
        metavar="PATH",
        help="read the key from PATH ('-' for standard input); default: "
        "$ENVBAKE_KEY, or the file named by $ENVBAKE_KEY_FILE",
    )
    parser.add_argument(
        "--plain-file",
        metavar="PATH",
        help=f"the dotenv file to load when {DISABLE_ENV}=true (default: ${PLAIN_FILE_ENV})",
    )
    parser.add_argument(
        "--max-size",
        metavar="BYTES",
        help="the largest decompressed plaintext to accept (default: 64 MiB)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list the names loaded"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing on success"
    )
    return parser


def main(options: argparse.Namespace) -> int:
    raise UsageError("put -- before the command", USAGE)
