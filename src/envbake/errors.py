"""The envbake exception hierarchy and the exit status of each kind.

Every error that envbake raises on purpose is an :class:`EnvbakeError`. The
command-line interface prints its message on one line and exits with its
``exit_status``, so the statuses below are part of the interface and are
listed in ``docs/troubleshooting.md``.

No message built here contains a variable's value or any key material:
messages name files, lines, variables and key ids only.
"""

from __future__ import annotations

#: Exit statuses, one per kind of failure. 1 is kept for ``envbake diff``
#: ("the files differ"), as ``diff`` does; 126 and 127 follow the shells.
EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_USAGE = 2
EXIT_NO_KEY = 3
EXIT_WRONG_KEY = 4
EXIT_DAMAGED = 5
EXIT_NOT_FOUND = 6
EXIT_UNSUPPORTED = 7
EXIT_INPUT = 8
EXIT_ENVIRONMENT_MISMATCH = 9
EXIT_ENVIRONMENT_TOO_LARGE = 10
EXIT_OUTPUT = 11
EXIT_INTERNAL = 70
EXIT_NOT_EXECUTABLE = 126
EXIT_COMMAND_NOT_FOUND = 127


class EnvbakeError(Exception):
    """Base class of every error envbake raises on purpose.

    Args:
        message: What failed and why, without any secret value.
        hint: What the user can do about it, or an empty string.
    """

    exit_status = EXIT_INTERNAL

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class UsageError(EnvbakeError):
    """The command line is invalid: an unknown option or a missing argument."""

    exit_status = EXIT_USAGE


class KeyMissingError(EnvbakeError):
    """No key was given where one is required."""

    exit_status = EXIT_NO_KEY


class DecryptionError(EnvbakeError):
    """A sealed file could not be opened; see the two subclasses."""

    exit_status = EXIT_DAMAGED


class WrongKeyError(DecryptionError):
    """The key given is not the key the file was sealed with.

    For v2 files this is decided from the key id in the header before any
    decryption is tried. A v1 file carries no key id, so a failed v1 MAC
    check raises this error too, with a message that names a modified file
    as the other possible cause.
    """

    exit_status = EXIT_WRONG_KEY


class DamagedFileError(DecryptionError):
    """The file is modified, truncated or otherwise not a valid sealed file.

    Once the key is known to be the right one, every later failure
    (authentication tag, compression, JSON) raises this same error, so the
    message does not reveal which check failed.
    """

    exit_status = EXIT_DAMAGED


class SealedFileNotFoundError(EnvbakeError):
    """An input or sealed file does not exist or cannot be read."""

    exit_status = EXIT_NOT_FOUND


class UnsupportedFormatError(EnvbakeError):
    """The file is in a format, version or mode this envbake does not read."""

    exit_status = EXIT_UNSUPPORTED


class InputError(EnvbakeError):
    """Invalid input: a dotenv line, a variable name or value, a key's text,
    or a setting."""

    exit_status = EXIT_INPUT


class InvalidKeyError(InputError):
    """A key's text is not a valid envbake key."""


class EnvironmentMismatchError(EnvbakeError):
    """The file was sealed for another environment than the one expected."""

    exit_status = EXIT_ENVIRONMENT_MISMATCH


class EnvironmentTooLargeError(EnvbakeError):
    """The environment is too large for the kernel to pass to a new process."""

    exit_status = EXIT_ENVIRONMENT_TOO_LARGE


class OutputError(EnvbakeError):
    """An output file or standard output cannot be written."""

    exit_status = EXIT_OUTPUT


class CommandError(EnvbakeError):
    """The command given to ``envbake run`` could not be started."""

    def __init__(self, message: str, hint: str = "", *, exit_status: int) -> None:
        super().__init__(message, hint)
        self.exit_status = exit_status
