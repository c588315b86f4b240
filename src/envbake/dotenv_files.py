"""Read dotenv files with python-dotenv's parser, keeping file and line.

python-dotenv decides the syntax: quoting, escapes, multi-line quoted
values, ``export`` prefixes and comments follow its documented rules. This
module adds what envbake needs on top of it: the line each variable came
from, whether its value was single-quoted (and so literal), section header
lines such as ``[production]``, and errors for lines python-dotenv would
skip in silence. A UTF-8 byte-order mark is dropped and CRLF or CR line
endings are read as LF, as Node.js's dotenv does, so that no value ends
with a stray carriage return.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

import io
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import IO, TYPE_CHECKING, NamedTuple

from envbake.errors import InputError, SealedFileNotFoundError

if TYPE_CHECKING:
    from dotenv.parser import Binding

#: The name under which python-dotenv's parser module is loaded on its own.
_PARSER_MODULE = "envbake._dotenv_parser"

#: The largest dotenv file read, in bytes: the default limit on a sealed
#: plaintext, which no single input can usefully exceed.
MAX_INPUT_SIZE = 64 * 1024 * 1024

_SECTION = re.compile(r"\[([A-Za-z0-9._-]+)\]")
#: C0 and C1 control characters and DEL, which no variable name needs and
#: which would let a name forge or hide lines in a log.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: A section header line: ``[name]``, optionally followed by a comment.
_SECTION_LINE = re.compile(r"\[([A-Za-z0-9._-]+)\][^\S\n]*(?:#[^\n]*)?\n?")
_VALUE_QUOTE = re.compile(
    r"(?:export[^\S\r\n]+)?(?:'[^']+'|[^=#\s]+)[^\S\r\n]*=[^\S\r\n]*(['\"])?"
)
#: The start of a line that is not plain. A plain line is ``NAME=value``
#: with a value of no quote or white space, a ``#`` comment, a ``[section]``
#: header or empty. For these lines python-dotenv's rules leave nothing to
#: decide, because the value is the text after the first ``=``, unchanged.
#: A search for this keeps no state from one line to the next, so its memory
#: does not grow with the file, as one match of a repeated group's would.
_NOT_PLAIN_LINE = re.compile(
    r"^(?!(?:[A-Za-z_][A-Za-z0-9_]*=[^\s'\"]*|#[^\r\n]*|\[[A-Za-z0-9._-]+\])?$)",
    re.MULTILINE,
)
#: An assignment or a section header, in a file whose lines are all plain.
_PLAIN_ITEM = re.compile(r"^(?:([A-Za-z_][A-Za-z0-9_]*)=(.*)|\[(.+)\])$", re.MULTILINE)


class Entry(NamedTuple):
    """One variable assignment in a dotenv file.

    Attributes:
        name: The variable's name.
        value: The value as python-dotenv decodes it, before interpolation.
        path: The file it was read from.
        line: The 1-based line the assignment starts on.
        section: The name of its ``[section]``, or ``"default"``.
        literal: Whether the value was single-quoted, so that ``${...}``
            in it is plain text.
    """

    name: str
    value: str
    path: str
    line: int
    section: str
    literal: bool


class SectionHeader(NamedTuple):
    """A ``[name]`` line that starts a section."""

    name: str
    path: str
    line: int


class DotenvFile(NamedTuple):
    """The assignments and section headers of one dotenv file, in file order."""

    path: str
    entries: list[Entry]
    sections: list[SectionHeader]


def read_text(path: str) -> str:
    """Read a dotenv file as UTF-8 with normalised line endings.

    Raises:
        SealedFileNotFoundError: the file does not exist or cannot be read.
        InputError: the file is not valid UTF-8 (the message gives the line).
    """
    try:
        mode = os.stat(path).st_mode
        # A pipe is allowed so that process substitution works, as in
        # --input <(sops -d secrets.env); the size limit below ends a read
        # from a device that never ends.
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise InputError(
                f"{path} is not a regular file", "give the path of a dotenv file"
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_SIZE + 1)
    except FileNotFoundError:
        raise SealedFileNotFoundError(
            f"{path} not found", "check the path of the dotenv file"
        ) from None
    except OSError as error:
        raise SealedFileNotFoundError(f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_INPUT_SIZE:
        raise InputError(f"{path} is larger than {MAX_INPUT_SIZE} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: the file is not valid UTF-8",
            "save the file as UTF-8",
        ) from None
    return normalise(text)


def normalise(text: str) -> str:
    """Drop a leading byte-order mark and turn CRLF and CR into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str, *, path: str) -> list[Entry]:
    """Parse dotenv ``text`` into entries, in file order; see :func:`parse_file`."""
    return parse_file(text, path=path).entries


def _parse_stream_function() -> "Callable[[IO[str]], Iterator[Binding]]":
    """Return python-dotenv's ``parse_stream``, loading its parser module alone.

    ``import dotenv.parser`` runs the package's ``__init__`` first, which
    imports logging, tempfile and the rest of python-dotenv's file and
    command-line helpers: about as long as parsing 1,000 lines. The parser
    module itself imports only codecs, re and typing, so it is loaded from
    its file under a private name. Any failure falls back to the import.
    """
    module = sys.modules.get("dotenv.parser") or sys.modules.get(_PARSER_MODULE)
    if module is None:
        try:
            module = _load_parser_module()
        except (ImportError, OSError):
            import dotenv.parser

            module = dotenv.parser
    parse_stream: Callable[[IO[str]], Iterator[Binding]] = module.parse_stream
    return parse_stream


def _load_parser_module() -> ModuleType:
    import importlib.util

    package = importlib.util.find_spec("dotenv")
    if package is None or not package.submodule_search_locations:
        raise ImportError("python-dotenv is not installed")
    folder = next(iter(package.submodule_search_locations))
    spec = importlib.util.spec_from_file_location(
        _PARSER_MODULE, os.path.join(folder, "parser.py")
    )
    if spec is None or spec.loader is None:
        raise ImportError("python-dotenv's parser module was not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[_PARSER_MODULE] = module
    return module


def parse_file(text: str, *, path: str) -> DotenvFile:
    """Parse dotenv ``text`` into entries and section headers, in file order.

    A line ``[NAME]`` (a comment may follow it) starts a section; entries
    before the first one are in the ``default`` section.

    Raises:
        InputError: a line cannot be parsed, or names a variable without
            ``=``. The message gives the file and line, never the content.
    """
    plain = parse_plain_file(text, path=path)
    if plain is not None:
        return plain
    return parse_with_python_dotenv(text, path=path)


def parse_plain_file(text: str, *, path: str) -> DotenvFile | None:
    """Parse ``text`` if all its lines are plain, else return None.

    python-dotenv's parser took about 20 microseconds a line on the
    development machine, most of a seal of 1,000 variables, and many
    environments contain only lines such as ``PORT=8080``. One search finds
    any line that is not plain (see ``_NOT_PLAIN_LINE``). If there is none,
    each assignment splits at its first ``=``, and otherwise, for a quote,
    a space or ``export`` for instance, the whole file goes to python-dotenv.
    The tests check that both give the same result.

    NOTE: both readings were compared with python-dotenv 1.0.0 and 1.2.4
    only. A later release that reads unquoted values differently would
    differ from this reader until the tests are run against it.
    """
    if _NOT_PLAIN_LINE.search(text):
        return None
    entries: list[Entry] = []
    sections: list[SectionHeader] = []
    section = "default"
    line = 1
    counted = 0
    # Empty and comment lines are skipped in C, between two matches.
    for match in _PLAIN_ITEM.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        name, value, header = match.groups()
        if header is not None:
            section = header
            sections.append(SectionHeader(section, path, line))
        else:
            entries.append(Entry(name, value, path, line, section, False))
    return DotenvFile(path, entries, sections)


def parse_with_python_dotenv(text: str, *, path: str) -> DotenvFile:
    """Parse ``text`` with python-dotenv's parser; see :func:`parse_file`."""
    parse_stream = _parse_stream_function()
    entries: list[Entry] = []
    sections: list[SectionHeader] = []
    section = "default"
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original.string
        stripped = original.lstrip()
        line = binding.original.line + original[: len(original) - len(stripped)].count(
            "\n"
        )
        if binding.error:
            raise InputError(
                f"{path}:{line}: cannot parse this line",
                "write NAME=value, with a name of letters, digits and '_', and "
                "end a quoted value with the same quote",
            )
        if binding.key is None:
            continue
        if binding.value is None:
            header = _SECTION_LINE.fullmatch(stripped)
            if header and _SECTION.fullmatch(binding.key):
                section = header.group(1)
                sections.append(SectionHeader(section, path, line))
                continue
            # The text could be a secret pasted on a line of its own, so the
            # message does not quote it.
            raise InputError(
                f"{path}:{line}: this line has no '=' and is not a [section] header",
                "write NAME=value, or NAME= for an empty value",
            )
        if _CONTROL_CHARACTER.search(binding.key):
            # A quoted name may span lines, and those lines could hold
            # secrets, so the name is not quoted either.
            raise InputError(
                f"{path}:{line}: a variable name contains a line break or "
                "another control character",
                "check for a quote that does not end before the '='",
            )
        quote = _VALUE_QUOTE.match(stripped)
        literal = bool(quote and quote.group(1) == "'")
        entries.append(Entry(binding.key, binding.value, path, line, section, literal))
    return DotenvFile(path, entries, sections)


def read_entries(path: str) -> list[Entry]:
    """Read and parse one dotenv file; see :func:`parse`."""
    return parse(read_text(path), path=path)


def read_file(path: str) -> DotenvFile:
    """Read and parse one dotenv file; see :func:`parse_file`."""
    return parse_file(read_text(path), path=path)
