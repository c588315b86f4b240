"""Write variables as text for other programs: JSON, shell and dotenv."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from envbake.errors import InputError

FORMATS = ("json", "sh", "dotenv")

_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def to_json(variables: Mapping[str, str]) -> str:
    """Return the variables as one JSON object and a newline."""
    return json.dumps(dict(variables), ensure_ascii=False, indent=2) + "\n"


def to_sh(variables: Mapping[str, str]) -> str:
    """Return ``export NAME='value'`` lines that are safe to ``eval``.

    Inside POSIX single quotes every character is literal, so the only
    character to handle is the single quote itself, written as ``'\\''``.

    Raises:
        InputError: a name is not a valid shell variable name.
    """
    lines = []
    for name, value in variables.items():
        if not _SHELL_NAME.fullmatch(name):
            raise InputError(
                f"{name} is not a valid shell variable name, so the sh format "
                "cannot export it",
                "use envbake run, or the json format",
            )
        quoted = value.replace("'", "'\\''")
        lines.append(f"export {name}='{quoted}'\n")
    return "".join(lines)


def to_dotenv(variables: Mapping[str, str]) -> str:
    """Return dotenv lines that python-dotenv and Node.js's dotenv read back
    to the same values.

    Single quotes keep a value literal in both parsers unless it contains a
    single quote, two backslashes in a row or a final backslash. Double
    quotes keep it literal when it has no backslash and no double quote.
    Other values have no spelling that both parsers read the same way.

    Raises:
        InputError: a value cannot be written so that both parsers agree.
    """
    lines = []
    for name, value in variables.items():
        if _single_quote_literal(value):
            lines.append(f"{name}='{value}'\n")
        elif "\\" not in value and '"' not in value:
            lines.append(f'{name}="{value}"\n')
        else:
            raise InputError(
                f"the value of {name} cannot be written as dotenv that every "
                "dotenv parser reads back the same",
                "use the json or sh format",
            )
    return "".join(lines)


def _single_quote_literal(value: str) -> bool:
    # python-dotenv decodes \\ and \' inside single quotes; any other
    # backslash is kept as written, as in Node.js's dotenv.
    return "'" not in value and "\\\\" not in value and not value.endswith("\\")


FORMATTERS = {"json": to_json, "sh": to_sh, "dotenv": to_dotenv}
