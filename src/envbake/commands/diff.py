"""``envbake diff``: compare the variables of two sealed files.

Each file is opened with its own run-time key: ``--key-file-a`` and
``--key-file-b``, else ``--key-file`` for both, else ``ENVBAKE_KEY`` or
``ENVBAKE_KEY_FILE`` for both. The output lists the names added (only in
B), removed (only in A) and changed, one a line, and values only with
``--show-values``. As with ``diff``, the exit status is 0 when the
variables are equal, 1 when they differ, and higher for errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from envbake import _keysource, sealed
from envbake.commands import _common
from envbake.commands.inspect import show_name
from envbake.errors import EXIT_DIFFERENT, EXIT_OK

FORMATS = ("text", "json")


@dataclass
class Difference:
    """The names that differ between two sets of variables, each sorted."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def compare(before: Mapping[str, str], after: Mapping[str, str]) -> Difference:
    """Return the names added to, removed from and changed in ``after``."""
    return Difference(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=sorted(
            name for name in set(before) & set(after) if before[name] != after[name]
        ),
    )


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="list the variables added, removed and changed between two files",
        description=(
            "Open two sealed files and list the names added in B ('+'), "
            "removed from A ('-') and changed ('~'). Exits 0 if the variables "
            "are equal and 1 if they differ. Values are shown only with "
            "--show-values."
        ),
    )
    parser.add_argument("file_a", metavar="A", help="the first sealed file")
    parser.add_argument("file_b", metavar="B", help="the second sealed file")
    parser.add_argument(
        "--key-file-a",
        metavar="PATH",
        help="read A's key from PATH ('-' for standard input); default: as B's",
    )
    parser.add_argument(
        "--key-file-b",
        metavar="PATH",
        help="read B's key from PATH ('-' for standard input); default: as A's",
    )
    parser.add_argument(
        "--show-values",
        action="store_true",
        help="print the values of the variables that differ",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (one line a name, the default) or json",
    )
    _common.add_run_key_arguments(parser)
    return parser


def main(options: argparse.Namespace) -> int:
    key_file_a = options.key_file_a or options.key_file
    key_file_b = options.key_file_b or options.key_file
    variables = _common.run_key_variables(options)
    found_a = _require_run_key(key_file_a, variables)
    # Standard input can be read only once, so the same key file serves both.
    found_b = (
        found_a if key_file_b == key_file_a else _require_run_key(key_file_b, variables)
    )
    opened_a = _open(options.file_a, found_a, options.max_size)
    opened_b = _open(options.file_b, found_b, options.max_size)
    difference = compare(opened_a.variables, opened_b.variables)
    if options.format == "json":
        document = _json_document(
            difference, opened_a.variables, opened_b.variables, options.show_values
        )
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=True) + "\n")
    else:
        sys.stdout.write(
            format_text(
                difference,
                opened_a.variables,
                opened_b.variables,
                show_values=options.show_values,
            )
        )
    return EXIT_DIFFERENT if difference else EXIT_OK


def _require_run_key(
    key_file: str | None, variables: tuple[str, str]
) -> _keysource.FoundKey:
    return _keysource.require_key(
        os.environ,
        key_file=key_file,
        variables=variables,
        hint=_keysource.run_key_hint(variables)
        + "; or give --key-file-a and --key-file-b",
    )


def _open(path: str, found: _keysource.FoundKey, max_size: int) -> sealed.Opened:
    return sealed.open_text(
        sealed.read_sealed_file(path, max_size=max_size),
        found.text,
        max_size=max_size,
        source=path,
        key_source=found.source,
    )


def format_text(
    difference: Difference,
    before: Mapping[str, str],
    after: Mapping[str, str],
    *,
    show_values: bool,
) -> str:
    """Return one line a name: ``+ NAME``, ``- NAME`` or ``~ NAME``.

    With ``show_values``, each value follows as a JSON string, so that a
    multi-line value stays on its line.
    """
    lines = []
    for name in difference.removed:
        value = f"={_quote(before[name])}" if show_values else ""
        lines.append(f"- {show_name(name)}{value}")
    for name in difference.added:
        value = f"={_quote(after[name])}" if show_values else ""
        lines.append(f"+ {show_name(name)}{value}")
    for name in difference.changed:
        values = (
            f": {_quote(before[name])} -> {_quote(after[name])}" if show_values else ""
        )
        lines.append(f"~ {show_name(name)}{values}")
    return "".join(line + "\n" for line in lines)


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=True)


def _json_document(
    difference: Difference,
    before: Mapping[str, str],
    after: Mapping[str, str],
    show_values: bool,
) -> dict[str, Any]:
    if not show_values:
        return {
            "added": difference.added,
            "removed": difference.removed,
            "changed": difference.changed,
        }
    return {
        "added": {name: after[name] for name in difference.added},
        "removed": {name: before[name] for name in difference.removed},
        "changed": {
            name: {"a": before[name], "b": after[name]} for name in difference.changed
        },
    }
