"""The ``envbake`` command line: dispatch, error reporting, exit statuses.

``envbake run`` is on every container's start-up path, so it is parsed by
hand and dispatched before argparse is imported; every other command goes
through argparse. Each command lives in its own module under
:mod:`envbake.commands` with an ``add_parser`` and a ``main`` function.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from envbake.errors import EXIT_INTERNAL, EnvbakeError

if TYPE_CHECKING:
    import argparse

#: The commands, in the order ``envbake --help`` lists them.
COMMANDS = {
    "keygen": "envbake.commands.keygen",
    "key-id": "envbake.commands.key_id",
    "compose": "envbake.commands.compose",
    "seal": "envbake.commands.seal",
    "run": "envbake.commands.run",
    "export": "envbake.commands.export",
    "verify": "envbake.commands.verify",
    "inspect": "envbake.commands.inspect",
    "rotate": "envbake.commands.rotate",
    "diff": "envbake.commands.diff",
}

DEBUG_ENV = "ENVBAKE_DEBUG"


def main(argv: Sequence[str] | None = None) -> int:
    """Run envbake with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status. ``envbake run`` does not return when it succeeds:
        the command replaces envbake's process.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["run"] and not _wants_help(arguments[1:]):
            from envbake.commands import run

            return run.main_fast(arguments[1:])
        return _main_argparse(arguments)
    except EnvbakeError as error:
        report_error(error)
        return error.exit_status
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get(DEBUG_ENV):
            raise
        # The exception's text could quote input, so only its type is shown.
        print_line(
            f"internal error ({type(error).__name__}); set {DEBUG_ENV}=1 to see "
            "the traceback"
        )
        return EXIT_INTERNAL


def print_line(message: str) -> None:
    """Write one ``envbake: ...`` line to standard error."""
    sys.stderr.write(f"envbake: {message}\n")
    sys.stderr.flush()


def report_error(error: EnvbakeError) -> None:
    """Print an error and its hint as one line on standard error."""
    print_line(str(error))


def _wants_help(arguments: list[str]) -> bool:
    before_command = (
        arguments[: arguments.index("--")] if "--" in arguments else arguments
    )
    return "-h" in before_command or "--help" in before_command


def build_parser() -> argparse.ArgumentParser:
    """Return the argparse parser with every command's subparser."""
    import argparse

    from envbake import __version__

    parser = argparse.ArgumentParser(
        prog="envbake",
        description=(
            "Seal an application's environment into an encrypted file and "
            "start a command with it, from one key."
        ),
        epilog="Exit statuses are listed in docs/troubleshooting.md.",
    )
    parser.add_argument("--version", action="version", version=f"envbake {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        subparser = module.add_parser(subparsers, name)
        subparser.set_defaults(handler=module.main)
    return parser


def _main_argparse(arguments: list[str]) -> int:
    parser = build_parser()
    options = parser.parse_args(arguments)
    status: int = options.handler(options)
    return status
