"""Compose one environment's variables from dotenv files."""

from __future__ import annotations

from collections.abc import Sequence

from envbake import dotenv_files


def compose_files(paths: Sequence[str]) -> dict[str, str]:
    """Read plain dotenv files in order; a later file's value wins.

    Raises:
        envbake.errors.InputError: a line cannot be parsed.
        envbake.errors.SealedFileNotFoundError: a file is missing.
    """
    variables: dict[str, str] = {}
    for path in paths:
        for entry in dotenv_files.read_entries(path):
            variables[entry.name] = entry.value
    return variables
