"""``envbake inspect``: describe a sealed file, without its key if need be.

Without a key, the facts come from the header and the metadata file
(``FILE.info``) only, and neither is verified: the header is authenticated
only when the file is opened. With the run-time key (``--key-file``,
``ENVBAKE_KEY`` or ``ENVBAKE_KEY_FILE``), the file is opened as well and
the variable names are listed. Values are never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from envbake import _keysource, _v1, _v2, sealed
from envbake.commands import _common
from envbake.errors import EnvbakeError

FORMATS = ("text", "json")


#: The largest metadata file read; envbake writes well under 4 KiB.
MAX_INFO_SIZE = 1024 * 1024


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="show a file's format, mode, key id or recipients and sizes",
        description=(
            "Describe a sealed file from its header and its metadata file "
            "(FILE.info), without decrypting anything. If the run-time key "
            f"is set (--key-file, ${_keysource.KEY_ENV} or "
            f"${_keysource.KEY_FILE_ENV}), also open the file and list the "
            "variable names; values are never shown."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the sealed file")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (one 'field: value' line each, the default) or json",
    )
    _common.add_run_key_arguments(parser)
    return parser


def describe(path: str, *, max_size: int = sealed.DEFAULT_MAX_SIZE) -> dict[str, Any]:
    """Return what can be read from a sealed file without its key.

    Raises:
        SealedFileNotFoundError: the file cannot be read.
        DamagedFileError, UnsupportedFormatError: the header is invalid.
    """
    text = sealed.read_sealed_file(path, max_size=max_size)
    facts: dict[str, Any] = {"file": path, "size": len(text.encode("utf-8"))}
    if _v2.is_v2(text):
        header = _v2.parse_header(text, source=path)
        facts.update(format="v2", mode=header.mode, environment=header.environment)
        if header.mode == "siv":
            facts["key_id"] = header.key_field
        elif header.mode == "age":
            from envbake import _age

            tags = _age.header_tags(header, source=path)
            facts["recipients"] = len(tags)
            facts["recipient_tags"] = list(tags)
        facts["payload_size"] = len(
            _v2.decode_payload(header.payload_text, source=path)
        )
    else:
        facts.update(format="v1", payload_size=len(_v1.node_base64_decode(text)))
    info_path = path + ".info"
    # The metadata file is found by its name, not given, so only a regular
    # file of a plausible size is read: never a FIFO or /dev/zero.
    if os.path.isfile(info_path):
        try:
            with open(info_path, "rb") as handle:
                data = handle.read(MAX_INFO_SIZE + 1)
            if len(data) > MAX_INFO_SIZE:
                raise ValueError("too large")
            facts["info"] = json.loads(data.decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            facts["info"] = "unreadable"
    return facts


def main(options: argparse.Namespace) -> int:
    facts = describe(options.file, max_size=options.max_size)
    found = _keysource.find_key(
        os.environ,
        key_file=options.key_file,
        variables=_common.run_key_variables(options),
    )
    error: EnvbakeError | None = None
    if found is not None:
        try:
            opened = sealed.open_text(
                sealed.read_sealed_file(options.file, max_size=options.max_size),
                found.text,
                max_size=options.max_size,
                source=options.file,
                key_source=found.source,
            )
        except EnvbakeError as caught:
            # The facts read without the key are still printed first.
            error = caught
        else:
            facts["verified"] = True
            facts["variables"] = len(opened.variables)
            facts["names"] = sorted(opened.variables)
    if options.format == "json":
        sys.stdout.write(json.dumps(facts, indent=2, ensure_ascii=True) + "\n")
    else:
        sys.stdout.write(format_text(facts))
    if error is not None:
        raise error
    return 0


def format_text(facts: dict[str, Any]) -> str:
    """Return one ``field: value`` line a fact; names one a line at the end."""
    lines = []
    for name, value in facts.items():
        if name == "names":
            continue
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                lines.append(
                    f"info.{show_name(str(inner))}: {_format_value(inner_value)}"
                )
        else:
            lines.append(f"{name}: {_format_value(value)}")
    if "names" in facts:
        lines.append("names:")
        lines.extend(f"  {show_name(variable)}" for variable in facts["names"])
    return "".join(line + "\n" for line in lines)


def show_name(name: str) -> str:
    """Return a variable name for one output line, quoted if not printable."""
    return name if name.isprintable() else repr(name)


def _format_value(value: Any) -> str:
    # The metadata file is not authenticated, so its text is quoted when it
    # could break a line or send terminal control codes.
    if isinstance(value, list):
        return ", ".join(show_name(str(item)) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return show_name(str(value))
