"""Lines on standard error that never stop envbake from working.

A container may start envbake with standard error closed or pointing at
a full disk. A message that cannot be written must not keep the service
from starting, so these writes ignore such failures.
"""

from __future__ import annotations

import sys


def write_line(message: str) -> None:
    """Write ``envbake: message`` and a newline to standard error, if possible."""
    write_text(f"envbake: {message}\n")


def write_text(text: str) -> None:
    """Write ``text`` to standard error as it is, if possible."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


def count(number: int, noun: str) -> str:
    """Return ``"1 variable"`` or ``"2 variables"``: ``number`` and ``noun``,
    with an ``s`` unless ``number`` is one."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
