"""Arguments and steps that several commands share."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from envbake import _keysource, loader, sealed

if TYPE_CHECKING:
    # Only for annotations: envbake run uses this module and never
    # imports argparse.
    import argparse

RUN_KEY_VARIABLES = (_keysource.KEY_ENV, _keysource.KEY_FILE_ENV)
BUILD_KEY_VARIABLES = (_keysource.ENCRYPT_KEY_ENV, _keysource.ENCRYPT_KEY_FILE_ENV)
#: Every variable that can hold key material; none reaches a command.
KEY_VARIABLES = (*RUN_KEY_VARIABLES, *BUILD_KEY_VARIABLES)

BUILD_KEY_HINT = (
    f"set {_keysource.ENCRYPT_KEY_ENV} (make a key with: envbake keygen), or "
    f"{_keysource.ENCRYPT_KEY_FILE_ENV} or --key-file to a file holding it"
)


def add_run_key_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the run-time key options and ``--max-size`` for commands that
    open files."""
    parser.add_argument(
        "--key-file",
        metavar="PATH",
        help=(
            "read the key from PATH ('-' for standard input); default: "
            f"${_keysource.KEY_ENV}, or the file named by ${_keysource.KEY_FILE_ENV}"
        ),
    )
    parser.add_argument(
        "--key-env",
        metavar="NAME",
        help=(
            f"the variable that contains the key, as for envbake run (default: "
            f"${_keysource.KEY_ENV_SETTING}, else {_keysource.KEY_ENV})"
        ),
    )
    parser.add_argument(
        "--key-file-env",
        metavar="NAME",
        help=(
            "the variable that contains the path of a key file (default: "
            f"${_keysource.KEY_FILE_ENV_SETTING}, else the key variable's name "
            "with _FILE)"
        ),
    )
    parser.add_argument(
        "--max-size",
        type=max_size_argument,
        default=sealed.DEFAULT_MAX_SIZE,
        metavar="BYTES",
        help="the largest decompressed plaintext to accept (default: 64 MiB)",
    )


def add_build_key_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--key-file`` for commands that seal with the build key."""
    parser.add_argument(
        "--key-file",
        metavar="PATH",
        help=(
            "read the key from PATH ('-' for standard input); default: "
            f"${_keysource.ENCRYPT_KEY_ENV}, or the file named by "
            f"${_keysource.ENCRYPT_KEY_FILE_ENV}"
        ),
    )


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    """Add the optional sealed FILE argument."""
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=f"the sealed file (default: ${loader.FILE_ENV}, else {loader.DEFAULT_FILE})",
    )


def run_key_variables(options: argparse.Namespace) -> tuple[str, str]:
    """Return the names of the key variable and the key file variable.

    As in ``envbake run``, a flag beats ``ENVBAKE_KEY_ENV`` and
    ``ENVBAKE_KEY_FILE_ENV``, which beat the defaults, so that a fleet that
    keeps its key in another variable can use every command the same way.
    """
    key_env = (
        options.key_env
        or os.environ.get(_keysource.KEY_ENV_SETTING)
        or _keysource.KEY_ENV
    )
    key_file_env = (
        options.key_file_env
        or os.environ.get(_keysource.KEY_FILE_ENV_SETTING)
        or f"{key_env}_FILE"
    )
    _keysource.check_variable_name(
        key_env, "--key-env or " + _keysource.KEY_ENV_SETTING
    )
    _keysource.check_variable_name(
        key_file_env, "--key-file-env or " + _keysource.KEY_FILE_ENV_SETTING
    )
    return key_env, key_file_env


def open_with_run_key(
    path: str | None,
    *,
    key_file: str | None,
    variables: tuple[str, str] = RUN_KEY_VARIABLES,
    max_size: int = sealed.DEFAULT_MAX_SIZE,
    expected_environment: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, sealed.Opened]:
    """Open a sealed file with the run-time key.

    Returns:
        The file's path and its opened content.
    """
    source = os.environ if environ is None else environ
    file_path = path or source.get(loader.FILE_ENV) or loader.DEFAULT_FILE
    found = _keysource.require_key(
        source,
        key_file=key_file,
        variables=variables,
        hint=_keysource.run_key_hint(variables),
    )
    text = sealed.read_sealed_file(file_path, max_size=max_size)
    opened = sealed.open_text(
        text,
        found.text,
        max_size=max_size,
        expected_environment=expected_environment,
        source=file_path,
        key_source=found.source,
    )
    return file_path, opened


def max_size_argument(text: str) -> int:
    import argparse

    try:
        return sealed.parse_max_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
