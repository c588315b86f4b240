"""Compose one environment's variables from component and secret files.

For environment ``E``, each component file gives its ``[default]`` section
and then its ``[E]`` section, in the order the components are listed. The
secret files follow in the same way. A file without section headers is all
``[default]``. Where two assignments set the same variable, the later one
wins. ``${NAME}`` references are resolved only after that, against the
final values (see :mod:`envbake.interpolation`). The result records, for
every variable, the assignment its value came from and the ones it
overrode.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from envbake import dotenv_files, interpolation
from envbake.dotenv_files import Entry
from envbake.errors import InputError, UsageError

DEFAULT_SECTION = "default"


class Variable(NamedTuple):
    """One composed variable and where its value came from.

    Attributes:
        name: The variable's name.
        value: The value after interpolation.
        source: The assignment that won.
        overridden: Earlier assignments of the same name, oldest first.
        references: The names whose values the value used, in order.
    """

    name: str
    value: str
    source: Entry
    overridden: tuple[Entry, ...]
    references: tuple[str, ...]


class Composition(NamedTuple):
    """The variables of one environment, in the order they were first set."""

    environment: str | None
    variables: dict[str, Variable]

    def values(self) -> dict[str, str]:
        """Return the names and final values."""
        return {name: variable.value for name, variable in self.variables.items()}


def compose(
    components: Sequence[str],
    secret_files: Sequence[str] = (),
    *,
    environment: str | None,
    environments: Sequence[str] = (),
    external: Mapping[str, str] | None = None,
    required: Sequence[str] = (),
    max_size: int = interpolation.MAX_VALUE_SIZE,
) -> Composition:
    """Compose an environment from files and resolve its references.

    Args:
        components: Dotenv files with optional sections, in order.
        secret_files: Dotenv files applied after every component.
        environment: The environment whose sections apply after
            ``[default]``, or None when the files must have no sections
            other than ``[default]``.
        environments: The valid environment names. When given, a section
            with another name is an error, since it is most likely a typo.
        external: Values that references may use when no file defines the
            name (see :func:`envbake.interpolation.resolve`).
        required: Names that must end up set and not empty.
        max_size: The maximum number of characters that references may
            expand to, in one value and in all.

    Raises:
        InputError: a file cannot be parsed, a section is unknown, a
            reference is invalid, undefined or part of a cycle, or required
            variables are missing (all listed at once).
        SealedFileNotFoundError: a file is missing.
    """
    history: dict[str, list[Entry]] = {}
    for path in [*components, *secret_files]:
        parsed = dotenv_files.read_file(path)
        _check_sections(parsed, environment, environments)
        for entry in _applicable(parsed.entries, environment):
            history.setdefault(entry.name, []).append(entry)

    definitions = [
        interpolation.Definition(
            name, entries[-1].value, entries[-1].literal, _location(entries[-1])
        )
        for name, entries in history.items()
    ]
    resolved = interpolation.resolve(definitions, external=external, max_size=max_size)
    variables = {
        name: Variable(
            name,
            resolved.values[name],
            entries[-1],
            tuple(entries[:-1]),
            resolved.references[name],
        )
        for name, entries in history.items()
    }
    composition = Composition(environment, variables)
    check_required(composition, required)
    return composition


def compose_files(
    paths: Sequence[str], *, environment: str | None = None
) -> dict[str, str]:
    """Read plain dotenv files in order (a later file's value wins) and
    resolve their references.

    Raises:
        envbake.errors.InputError: a line cannot be parsed, a reference
            cannot be resolved, or a file has sections and no environment
            was given.
        envbake.errors.SealedFileNotFoundError: a file is missing.
    """
    return compose(paths, environment=environment).values()


def check_environment(environment: str, environments: Sequence[str]) -> None:
    """Reject an environment name that is not in ``environments``.

    An empty ``environments`` accepts every name but ``default``, which
    is the name of the section every environment shares.

    Raises:
        UsageError: the name is not valid.
    """
    if environment == DEFAULT_SECTION:
        raise UsageError(
            "'default' is the section every environment shares, not an environment",
            "give the name of an environment, such as production",
        )
    if environments and environment not in environments:
        raise UsageError(
            f"unknown environment {environment!r}",
            "the environments are: " + ", ".join(environments),
        )


def check_required(composition: Composition, required: Iterable[str]) -> None:
    """Raise one error listing every required name that is unset or empty."""
    variables = composition.variables
    missing = [
        name
        for name in dict.fromkeys(required)
        if name not in variables or not variables[name].value
    ]
    if missing:
        where = f" for {composition.environment}" if composition.environment else ""
        raise InputError(
            f"missing required variables{where}: " + ", ".join(missing),
            "set each one to a non-empty value in a component or secret file",
        )


def location(entry: Entry) -> str:
    """Return ``file:line [section]`` for an assignment."""
    return f"{_location(entry)} [{entry.section}]"


def _location(entry: Entry) -> str:
    return f"{entry.path}:{entry.line}"


def _applicable(entries: Sequence[Entry], environment: str | None) -> list[Entry]:
    defaults = [entry for entry in entries if entry.section == DEFAULT_SECTION]
    if environment is None:
        return defaults
    return defaults + [entry for entry in entries if entry.section == environment]


def _check_sections(
    parsed: dotenv_files.DotenvFile,
    environment: str | None,
    environments: Sequence[str],
) -> None:
    for header in parsed.sections:
        if header.name == DEFAULT_SECTION:
            continue
        if environment is None:
            raise InputError(
                f"{header.path}:{header.line}: the file has a [{header.name}] "
                "section, but no environment was chosen",
                "choose the sections to apply with --environment NAME (or --env NAME)",
            )
        if environments and header.name not in environments:
            raise InputError(
                f"{header.path}:{header.line}: [{header.name}] is not a known "
                "environment",
                "the environments are: " + ", ".join(environments),
            )
