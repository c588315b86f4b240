"""Find the key for a command: a file given with a flag, a variable, or a
file named by a ``*_FILE`` variable (the Docker secrets convention).

Keys are never accepted as argument values, where every user of the
machine could read them in the process list.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

import os
import sys
from collections.abc import Mapping
from typing import NamedTuple

from envbake.errors import InputError, KeyMissingError
from envbake.keys import looks_like_key

#: The variable that contains the build-time key, and the one with its file.
ENCRYPT_KEY_ENV = "ENVBAKE_ENCRYPT_KEY"
ENCRYPT_KEY_FILE_ENV = "ENVBAKE_ENCRYPT_KEY_FILE"
#: The variable that contains the run-time key, and the one with its file.
KEY_ENV = "ENVBAKE_KEY"
KEY_FILE_ENV = "ENVBAKE_KEY_FILE"
#: The variables that name other run-time key variables, for every command
#: that opens a file (``--key-env`` and ``--key-file-env``).
KEY_ENV_SETTING = "ENVBAKE_KEY_ENV"
KEY_FILE_ENV_SETTING = "ENVBAKE_KEY_FILE_ENV"
#: The largest key file read, in bytes: far more than a key or a file of
#: age identities needs.
MAX_KEY_FILE_SIZE = 64 * 1024


class FoundKey(NamedTuple):
    """A key's text, where it came from (for messages) and the key file it
    was read from, if any."""

    text: str
    source: str
    path: str | None = None


def find_key(
    environ: Mapping[str, str],
    *,
    key_file: str | None,
    variables: tuple[str, str],
    option: str = "--key-file",
) -> FoundKey | None:
    """Return the key from ``key_file``, else from the variables, else None.

    Args:
        environ: The environment to read the variables from.
        key_file: A path given on the command line; ``-`` reads standard
            input.
        variables: The name of the variable that contains the key, and the
            name of the variable that contains the path of a key file.
        option: The command-line option that gave ``key_file``, for messages.

    Raises:
        KeyMissingError: a key file was named but cannot be read.
    """
    if key_file is not None:
        path = None if key_file == "-" else key_file
        return FoundKey(_read_key_file(key_file, option), _describe(key_file), path)
    value_name, file_name = variables
    value = environ.get(value_name)
    if value:
        return FoundKey(value, value_name)
    path = environ.get(file_name)
    if path:
        return FoundKey(
            _read_key_file(path, file_name), f"the key file in {file_name}", path
        )
    return None


def check_variable_name(name: str, option: str) -> None:
    """Raise :class:`InputError` if ``name``, given by ``option``, cannot name
    a variable.

    A key put where a variable's name belongs (or ``NAME=key``) is
    reported without being quoted, so that it does not reach a log.
    """
    if looks_like_key(name) or looks_like_key(name.partition("=")[2]):
        raise InputError(
            f"{option} contains a key, not the name of a variable",
            "give the name of the variable that contains the key, such as "
            f"{KEY_ENV}; the key itself goes into that variable",
        )
    if not name or "=" in name or "\0" in name:
        raise InputError(
            f"invalid variable name {name!r} for {option}",
            "a variable name cannot be empty or contain '=' or NUL",
        )


def run_key_hint(variables: tuple[str, str]) -> str:
    """Return what to do when neither run-time key variable is set."""
    key_env, key_file_env = variables
    return (
        f"set {key_env} to the key, or {key_file_env} to the path of a file "
        "that contains it, or give --key-file"
    )


def require_key(
    environ: Mapping[str, str],
    *,
    key_file: str | None,
    variables: tuple[str, str],
    hint: str,
    option: str = "--key-file",
) -> FoundKey:
    """Like :func:`find_key`, but raise :class:`KeyMissingError` if none is set."""
    found = find_key(environ, key_file=key_file, variables=variables, option=option)
    if found is None:
        value_name, file_name = variables
        raise KeyMissingError(
            f"no key: {value_name} and {file_name} are not set or empty", hint
        )
    return found


def _describe(key_file: str) -> str:
    return (
        "the key on standard input" if key_file == "-" else f"the key file {key_file}"
    )


def _read_key_file(path: str, origin: str) -> str:
    """Read a key file's text, less one final line ending.

    Files end with a newline by convention, while the Node.js
    implementation hashed v1 pass phrases exactly as given, so a final
    ``\n`` or ``\r\n`` is not part of the key. Reads stop at
    :data:`MAX_KEY_FILE_SIZE` bytes, so a path such as ``/dev/zero``
    cannot exhaust memory.
    """
    if path != "-" and not os.path.exists(path) and looks_like_key(path):
        # A key pasted into the path variable must not reach the log. The
        # path is not shown, and the message allows that it is a path.
        raise KeyMissingError(
            f"no key: the key file named in {origin} does not exist, and the "
            "name is not shown because it has the form of a key",
            f"if {origin} contains the key itself, put the key in the key "
            "variable instead; otherwise mount the key file there",
        )
    try:
        if path == "-":
            if sys.stdin is None:
                raise KeyMissingError(
                    "no key: --key-file - reads standard input, which is closed",
                    "pipe the key into envbake, or set the key variable instead",
                )
            data = sys.stdin.buffer.read(MAX_KEY_FILE_SIZE + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_KEY_FILE_SIZE + 1)
    except FileNotFoundError:
        raise KeyMissingError(
            f"no key: the key file {path} (from {origin}) does not exist",
            "mount the key file there, or set the key variable instead",
        ) from None
    except OSError as error:
        raise KeyMissingError(
            f"no key: cannot read the key file {path} (from {origin}): {error.strerror}"
        ) from None
    if len(data) > MAX_KEY_FILE_SIZE:
        raise KeyMissingError(
            f"no key: the key file {path} (from {origin}) is larger than "
            f"{MAX_KEY_FILE_SIZE} bytes, so it is not a key file"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyMissingError(
            f"no key: the key file {path} (from {origin}) is not UTF-8 text"
        ) from None
    # A byte-order mark, as some editors write, is not part of the key.
    text = text.removeprefix("\ufeff")
    if text.endswith("\r\n"):
        return text[:-2]
    return text.removesuffix("\n")
