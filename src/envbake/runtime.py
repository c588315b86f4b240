"""Start a command with a decrypted environment: merge, check, exec."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterable, Mapping, Sequence

from envbake.errors import (
    EXIT_COMMAND_NOT_FOUND,
    EXIT_NOT_EXECUTABLE,
    CommandError,
    EnvironmentTooLargeError,
)

#: Linux rejects any one argument or ``NAME=value`` string longer than
#: this, NUL included (MAX_ARG_STRLEN, 32 pages of 4 KiB; see execve(2)).
MAX_ARG_STRLEN = 131072
#: Linux caps argument and environment space at 3/4 of the 8 MiB default
#: stack limit, whatever the stack limit is raised to (fs/exec.c).
_KERNEL_ARG_CAP = 6 * 1024 * 1024
_POINTER_SIZE = 8


def inherited_environment() -> dict[str, str]:
    """Return the environment this process was started with.

    ``os.environ`` is not always that: when the locale is C or POSIX,
    Python sets ``LC_CTYPE=C.UTF-8`` in its own environment at start-up
    (PEP 538), and a command exec'd with ``os.environ`` would inherit a
    variable that its caller never set. On Linux the original block is
    still readable in ``/proc/self/environ``; elsewhere, or if that file
    cannot be read, ``os.environ`` is used.
    """
    try:
        with open("/proc/self/environ", "rb") as handle:
            block = handle.read()
    except OSError:
        return dict(os.environ)
    environment: dict[str, str] = {}
    for entry in block.split(b"\0"):
        name, separator, value = entry.partition(b"=")
        if separator and name:
            # The first of two entries with one name wins, as in os.environ.
            environment.setdefault(os.fsdecode(name), os.fsdecode(value))
    return environment


def merge_environment(
    inherited: Mapping[str, str],
    variables: Mapping[str, str],
    *,
    override: bool,
    remove: Iterable[str] = (),
) -> dict[str, str]:
    """Return the environment a command starts with.

    Inherited variables win over ``variables`` unless ``override`` is set.
    The names in ``remove`` (the key variables) are dropped from the
    result whichever side set them.
    """
    merged = {**inherited, **variables} if override else {**variables, **inherited}
    for name in remove:
        merged.pop(name, None)
    return merged


def argument_space_limit() -> int:
    """Return the bytes the kernel allows for arguments and environment."""
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = MAX_ARG_STRLEN
    return min(limit, _KERNEL_ARG_CAP) if limit > 0 else _KERNEL_ARG_CAP


def check_exec_size(argv: Sequence[str], environment: Mapping[str, str]) -> None:
    """Raise before exec if the kernel would reject the environment (E2BIG).

    Raises:
        InputError: a name or value cannot be in a process environment.
        EnvironmentTooLargeError: a variable is longer than the kernel's
            limit for one string, or all of them together exceed the limit
            for the whole, with the sizes and the largest variables named.
    """
    total = _measure_all(environment)
    if total is None:
        total = _measure_each(environment)
    for argument in argv:
        total += _encoded_size(argument) + 1 + _POINTER_SIZE
    limit = argument_space_limit()
    if total > limit:
        raise EnvironmentTooLargeError(
            f"the environment is too large to start a command: {total} bytes "
            f"for {len(environment)} variables and the arguments, over the "
            f"kernel's limit of {limit} bytes "
            f"(largest: {', '.join(_largest(environment))})",
            "put large values in files, or raise the stack limit (ulimit -s)",
        )


def _measure_all(environment: Mapping[str, str]) -> int | None:
    """Return the bytes that ``environment`` takes in ``execve()``, or None
    if a variable may be invalid or too long, which :func:`_measure_each`
    then finds and names.

    Joining all names and all values lets C do the per-variable work, which
    at 10,000 variables is several times faster than a Python loop.
    """
    count = len(environment)
    if not count:
        return 0
    try:
        names = "=".join(environment)
        values = "=".join(environment.values())
    except TypeError:
        return None
    if (
        not all(environment)
        or names.count("=") != count - 1
        or "\0" in names
        or "\0" in values
    ):
        return None
    # A character takes at most 4 bytes in UTF-8, so only a long variable
    # needs its exact size.
    longest = max(map(len, environment)) + max(map(len, environment.values()))
    if 4 * longest + 2 > MAX_ARG_STRLEN:
        return None
    text_size = _encoded_size(names) + _encoded_size(values)
    # Each variable is NAME=value plus a NUL, and the two joins already put
    # one separator between neighbouring variables.
    return text_size - 2 * (count - 1) + 2 * count + count * _POINTER_SIZE


def _measure_each(environment: Mapping[str, str]) -> int:
    """Check and measure each variable; return the total bytes.

    Raises:
        InputError: a name or value cannot be in a process environment.
        EnvironmentTooLargeError: a variable is over the kernel's limit for
            one string.
    """
    total = 0
    for name, value in environment.items():
        if (
            type(name) is not str
            or type(value) is not str
            or not name
            or "=" in name
            or "\0" in name
            or "\0" in value
        ):
            # The full check names the variable and the rule it breaks.
            from envbake.sealed import check_variables

            check_variables({name: value})
        size = variable_size(name, value)
        if size > MAX_ARG_STRLEN:
            raise EnvironmentTooLargeError(
                f"the environment is too large to start a command: {name} is "
                f"{size} bytes as NAME=value, over the kernel's limit of "
                f"{MAX_ARG_STRLEN} bytes for one variable",
                "put large values in a file and pass its path in the variable",
            )
        total += size + _POINTER_SIZE
    return total


def _largest(environment: Mapping[str, str]) -> list[str]:
    return sorted(environment, key=lambda name: len(environment[name]), reverse=True)[
        :3
    ]


def variable_size(name: str, value: str) -> int:
    """Return the bytes that ``NAME=value`` and its NUL take in ``execve()``."""
    return _encoded_size(name) + 1 + _encoded_size(value) + 1


def _encoded_size(text: str) -> int:
    # ASCII text, nearly every name and value, takes one byte per character,
    # and str.isascii() does not scan the string in CPython.
    return len(text) if text.isascii() else len(os.fsencode(text))


def exec_command(argv: Sequence[str], environment: Mapping[str, str]) -> None:
    """Replace this process with ``argv``; return only by raising.

    The command is looked up in the new environment's ``PATH``, as
    ``execvpe`` does, but before the one ``execve`` call. ``execvpe``
    calls ``execve`` for each ``PATH`` entry in turn, and each call
    converts the whole environment again (about 2 ms for 10,000
    variables).

    Python ignores SIGPIPE and SIGXFSZ at start-up and an ignored signal
    stays ignored across exec, so both are set back to their default
    action first: a command writing to a closed pipe then stops as it
    would if started from a shell.

    Raises:
        CommandError: the command was not found (exit status 127) or
            could not be executed (126), as shells report them.
        EnvironmentTooLargeError: the kernel rejected the size.
    """
    for stream in (sys.stdout, sys.stderr):
        # A closed stream must not keep the command from starting.
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    # Imported here because seal also loads this module and sends no signal.
    import signal

    for name in ("SIGPIPE", "SIGXFSZ"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    program = argv[0]
    try:
        os.execve(find_program(program, environment), list(argv), dict(environment))
    except FileNotFoundError:
        raise CommandError(
            f"command not found: {program}",
            "check the command's name and the PATH",
            exit_status=EXIT_COMMAND_NOT_FOUND,
        ) from None
    except PermissionError:
        raise CommandError(
            f"cannot execute {program}: permission denied",
            "make the file executable",
            exit_status=EXIT_NOT_EXECUTABLE,
        ) from None
    except OSError as error:
        if error.errno == errno.E2BIG:
            raise EnvironmentTooLargeError(
                "the kernel rejected the environment as too large (E2BIG): "
                f"{len(environment)} variables, largest: "
                f"{', '.join(_largest(environment))}",
                "put large values in files",
            ) from None
        raise CommandError(
            f"cannot execute {program}: {error.strerror}",
            exit_status=EXIT_NOT_EXECUTABLE,
        ) from None


def find_program(program: str, environment: Mapping[str, str]) -> str:
    """Return the file that ``execvpe`` would run for ``program``.

    A name with a slash is used as it is; any other is searched for in
    the ``PATH`` of ``environment``, skipping files that cannot be
    executed, as ``execvpe`` does.

    Raises:
        FileNotFoundError: no such file in any ``PATH`` directory.
        PermissionError: only files that cannot be executed were found.
    """
    if os.sep in program:
        return program
    found_not_executable = False
    for directory in os.get_exec_path(environment):
        candidate = os.path.join(directory, program)
        if os.path.isfile(candidate):
            if os.access(candidate, os.X_OK):
                return candidate
            found_not_executable = True
    if found_not_executable:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), program)
    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), program)
