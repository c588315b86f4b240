"""Write variables as text for other programs: JSON, shell, dotenv, Docker.

Each writer either returns text that its consumer reads back to exactly the
same names and values, or raises :class:`InputError` naming the first
variable it cannot express. No message contains a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import NoReturn

from envbake.errors import InputError

FORMATS = ("sh", "dotenv", "json", "docker")

_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Names that bash makes read-only (an export of them fails, which stops a
#: script under set -e), or recomputes on every use, or that change how the
#: script itself runs. From the "Shell Variables" section of the bash 5.2
#: manual and dash(1).
SHELL_SPECIAL_NAMES = frozenset(
    {
        "BASHOPTS",
        "BASHPID",
        "BASH_ARGC",
        "BASH_ARGV",
        "BASH_ARGV0",
        "BASH_COMMAND",
        "BASH_COMPAT",
        "BASH_LINENO",
        "BASH_SOURCE",
        "BASH_SUBSHELL",
        "BASH_VERSINFO",
        "BASH_XTRACEFD",
        "DIRSTACK",
        "EPOCHREALTIME",
        "EPOCHSECONDS",
        "EUID",
        "FUNCNAME",
        "GROUPS",
        "HISTCMD",
        "IFS",
        "LINENO",
        "OPTIND",
        "PPID",
        "RANDOM",
        "SECONDS",
        "SHELLOPTS",
        "SRANDOM",
        "UID",
        "_",
    }
)
# Node.js's dotenv reads names made of these characters only.
_DOTENV_NAME = re.compile(r"[A-Za-z0-9_.-]+")
# Inside double quotes python-dotenv decodes a backslash before one of
# these characters, and Node.js's dotenv decodes only \n and \r. So in a
# double-quoted value no backslash may come before one of them. A CR is
# written as the escape \r, which makes a backslash before a CR ambiguous.
_DOUBLE_QUOTE_ESCAPED = frozenset("\\'\"abfnrtv\r")
# Docker's env-file reader keeps lines of at most 64 KiB - 1 bytes plus the
# newline (bufio.MaxScanTokenSize in Go's standard library).
DOCKER_MAX_LINE = 64 * 1024 - 1


def to_json(variables: Mapping[str, str]) -> str:
    """Return the variables as one JSON object and a newline."""
    for name, value in variables.items():
        _check_text(name, value, "json")
    return json.dumps(dict(variables), ensure_ascii=False, indent=2) + "\n"


def to_sh(variables: Mapping[str, str]) -> str:
    """Return ``export NAME='value'`` lines that are safe to ``eval``.

    Inside POSIX single quotes every character is literal, so the only
    character to handle is the single quote itself, written as ``'\\''``.

    Raises:
        InputError: a name is not a valid shell variable name, or a value
            contains a NUL character, which no shell variable can hold.
    """
    lines = []
    for name, value in variables.items():
        _check_text(name, value, "sh")
        if not _SHELL_NAME.fullmatch(name):
            raise InputError(
                f"{name} is not a valid shell variable name, so the sh format "
                "cannot export it",
                "use envbake run, or the json format",
            )
        if name in SHELL_SPECIAL_NAMES:
            raise InputError(
                f"{name} is a variable that bash or dash set or protect "
                "themselves, so an export of it fails or does not hold",
                "rename the variable, or use envbake run, which passes it as it is",
            )
        _check_no_nul(name, value, "sh")
        quoted = value.replace("'", "'\\''")
        lines.append(f"export {name}='{quoted}'\n")
    return "".join(lines)


def to_dotenv(variables: Mapping[str, str]) -> str:
    """Return dotenv lines that python-dotenv and Node.js's dotenv read back
    to the same values.

    Each value is written in the first of three forms that both parsers
    read literally: single quotes, double quotes (a CR written as ``\\r``)
    or no quotes. python-dotenv must be called with ``interpolate=False``
    for values that contain ``${``, because it expands ``${NAME}`` in every
    form of value.

    Raises:
        InputError: a name or value has no spelling that both parsers read
            back the same.
    """
    lines = []
    for name, value in variables.items():
        _check_text(name, value, "dotenv")
        if not _DOTENV_NAME.fullmatch(name):
            raise InputError(
                f"{name} is not a name that dotenv parsers read (letters, digits, "
                "'_', '.' and '-'), so the dotenv format cannot write it",
                "use envbake run, or the json format",
            )
        _check_no_nul(name, value, "dotenv")
        lines.append(f"{name}={_dotenv_value(name, value)}\n")
    return "".join(lines)


def _dotenv_value(name: str, value: str) -> str:
    # Both parsers fold CR and CRLF line endings into LF before parsing, so
    # a literal CR survives only as the \r escape in double quotes.
    if "\r" not in value and _single_quote_literal(value):
        return f"'{value}'"
    if _double_quote_literal(value):
        return '"' + value.replace("\r", "\\r") + '"'
    if _unquoted_literal(value):
        return value
    raise InputError(
        f"the value of {name} cannot be written as dotenv that both python-dotenv "
        "and Node.js's dotenv read back the same",
        "use the json or sh format, or envbake run",
    )


def _single_quote_literal(value: str) -> bool:
    # python-dotenv decodes \\ and \' inside single quotes and reads a final
    # backslash as escaping the closing quote; Node.js's dotenv decodes none.
    return "'" not in value and "\\\\" not in value and not value.endswith("\\")


def _double_quote_literal(value: str) -> bool:
    if '"' in value or value.endswith("\\"):
        return False
    index = value.find("\\")
    while index != -1:
        if value[index + 1] in _DOUBLE_QUOTE_ESCAPED:
            return False
        index = value.find("\\", index + 1)
    return True


def _unquoted_literal(value: str) -> bool:
    # Without quotes both parsers strip surrounding white space, end the
    # value at a line break, and Node.js's dotenv ends it at any '#'. A
    # leading quote or backtick would start a quoted value instead.
    if not value:
        return True
    if "\n" in value or "\r" in value or "#" in value:
        return False
    if value[0] in "'\"`":
        return False
    return not (_is_space(value[0]) or _is_space(value[-1]))


def _is_space(character: str) -> bool:
    # Python's str.strip and JavaScript's String.prototype.trim disagree on
    # a few characters; a value starting or ending with any of them is
    # quoted instead.
    return character.isspace() or character in "\ufeff\u2028\u2029"


def to_docker(variables: Mapping[str, str]) -> str:
    """Return ``NAME=value`` lines for ``docker run --env-file``.

    Docker reads every value verbatim up to the end of its line, so a value
    cannot contain a line feed or end with a carriage return (dropped with
    the line ending). Docker CLI versions disagree on whether a value
    wrapped in matching quotes loses them (newer ones remove them), so such
    values are rejected too. A name cannot contain white space or ``=``,
    or start with ``#`` (a comment).

    Raises:
        InputError: a name or value cannot be expressed in that format.
    """
    lines = []
    for name, value in variables.items():
        _check_text(name, value, "docker")
        if not _docker_name(name):
            raise InputError(
                f"{name!r} is empty, starts with '#' or contains white space, '=' "
                "or NUL, so Docker's env-file format cannot express it",
                "rename the variable, or use envbake run",
            )
        _check_no_nul(name, value, "docker")
        if "\n" in value or value.endswith("\r"):
            reason = "a line break"
        elif len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            reason = "matching quotes at both ends, which some Docker versions remove"
        elif len(f"{name}={value}".encode()) > DOCKER_MAX_LINE:
            reason = f"more than {DOCKER_MAX_LINE} bytes on its line"
        else:
            lines.append(f"{name}={value}\n")
            continue
        raise InputError(
            f"the value of {name} has {reason}, so Docker's env-file format cannot "
            "express it",
            "use envbake run, or mount the value as a file",
        )
    return "".join(lines)


def _docker_name(name: str) -> bool:
    if not name or name[0] in "#\ufeff" or "=" in name or "\0" in name:
        return False
    return not any(character.isspace() for character in name)


def _check_text(name: str, value: str, format: str) -> None:
    if not _is_utf8(name):
        _reject_surrogate("a variable name", format)
    if not _is_utf8(value):
        _reject_surrogate(f"the value of {name}", format)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reject_surrogate(owner: str, format: str) -> NoReturn:
    raise InputError(
        f"{owner} contains a lone UTF-16 surrogate, which is not valid text, so "
        f"the {format} format cannot write it",
        "seal the value again as valid text",
    )


def _check_no_nul(name: str, value: str, format: str) -> None:
    if "\0" in value:
        raise InputError(
            f"the value of {name} contains a NUL character, which the {format} "
            "format cannot express",
            "use the json format",
        )


FORMATTERS: dict[str, Callable[[Mapping[str, str]], str]] = {
    "sh": to_sh,
    "dotenv": to_dotenv,
    "json": to_json,
    "docker": to_docker,
}
