"""The ``envbake`` command line: dispatch, error reporting, exit statuses.

``envbake run`` is on every container's start-up path, so it is parsed by
hand and dispatched before argparse is imported; every other command goes
through argparse. Each command lives in its own module under
:mod:`envbake.commands` with an ``add_parser`` and a ``main`` function.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from envbake import _output
from envbake.errors import EXIT_INTERNAL, EXIT_OUTPUT, EnvbakeError

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
    "decrypt": "envbake.commands.decrypt",
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
        _use_utf8_stdout()
        status = _main_argparse(arguments)
        sys.stdout.flush()
        return status
    except EnvbakeError as error:
        report_error(error)
        return error.exit_status
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        if error.filename is not None:
            return _internal_error(error)
        # Standard output is closed, full or a broken pipe. Python would
        # report the failed flush again at exit, so stdout is pointed at
        # /dev/null first.
        _discard_stdout()
        print_line(f"cannot write the output: {error.strerror or 'write failed'}")
        return EXIT_OUTPUT
    except Exception as error:
        return _internal_error(error)


def _internal_error(error: Exception) -> int:
    if os.environ.get(DEBUG_ENV):
        raise error
    # The exception's text could quote input, so only its type is shown.
    print_line(
        f"internal error ({type(error).__name__}); set {DEBUG_ENV}=1 to see "
        "the traceback"
    )
    return EXIT_INTERNAL


def print_line(message: str) -> None:
    """Write one ``envbake: ...`` line to standard error."""
    _output.write_line(message)


def report_error(error: EnvbakeError) -> None:
    """Print an error and its hint as one line on standard error."""
    print_line(str(error))


def _wants_help(arguments: list[str]) -> bool:
    before_command = (
        arguments[: arguments.index("--")] if "--" in arguments else arguments
    )
    return "-h" in before_command or "--help" in before_command


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Return the argparse parser with every command's subparser.

    Args:
        only: Build the subparser of this command alone. Each command's
            module imports what the command needs (pyrage, python-dotenv),
            so one command does not pay for importing the others.
    """
    import importlib

    from envbake import __version__, _parser

    parser = _parser.ArgumentParser(
        prog="envbake",
        description=(
            "Seal an application's environment into an encrypted file and "
            "start a command with it, from one key."
        ),
        epilog=(
            "Exit statuses: 0 success, 1 diff found differences, 2 usage, "
            "3 no key, 4 wrong key, 5 damaged file, 6 not found, "
            "7 unsupported format, 8 invalid input, 9 environment mismatch, "
            "10 environment too large, 11 output not writable, 70 internal "
            "error; for run, 126 and 127 as in shells."
        ),
    )
    parser.add_argument("--version", action="version", version=f"envbake {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = importlib.import_module(module_name)
        subparser = module.add_parser(subparsers, name)
        subparser.set_defaults(handler=module.main)
    return parser


def _main_argparse(arguments: list[str]) -> int:
    command = arguments[0] if arguments and arguments[0] in COMMANDS else None
    parser = build_parser(command)
    options = parser.parse_args(arguments)
    status: int = options.handler(options)
    return status


def _use_utf8_stdout() -> None:
    """Switch standard output to UTF-8, whatever the locale.

    The output is dotenv, shell or JSON text, which its readers decode as
    UTF-8, and a value outside an ASCII locale must not stop the output.
    """
    if sys.stdout is None:
        # Started with standard output closed (>&-): a command that writes
        # there fails with exit status 11, one that does not is unaffected.
        sys.stdout = _ClosedOutput()
        return
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8")


class _ClosedOutput(io.TextIOBase):
    """Standard output when the process started without one."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass


def _discard_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
