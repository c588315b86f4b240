"""argparse's parser with a help formatter that does not import shutil.

argparse makes a help formatter for each argument added, to check its
metavar, and the stock formatter imports :mod:`shutil` (with ``bz2``,
``lzma`` and ``fnmatch``) to read the terminal width. That import took
about 2 ms of every command, so the width is read here with :mod:`os`.
"""

import argparse
import os
import sys
from typing import Any

#: The width used when neither COLUMNS nor the terminal gives one, as in
#: :func:`shutil.get_terminal_size`.
DEFAULT_COLUMNS = 80


def terminal_columns() -> int:
    """Return the terminal width as :func:`shutil.get_terminal_size` does:
    COLUMNS if it is a positive number, else the width of the terminal on
    standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (ValueError, OSError):
            columns = 0
    return columns if columns > 0 else DEFAULT_COLUMNS


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, given the width that it would compute itself."""

    def __init__(self, prog: str, **options: Any) -> None:
        # argparse keeps two columns free at the right edge.
        options.setdefault("width", terminal_columns() - 2)
        super().__init__(prog, **options)


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser with :class:`HelpFormatter` as its default, which
    its subparsers inherit because argparse makes them of the same class."""

    def __init__(self, *arguments: Any, **options: Any) -> None:
        options.setdefault("formatter_class", HelpFormatter)
        super().__init__(*arguments, **options)
