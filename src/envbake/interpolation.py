"""Resolve ``${NAME}`` and ``${NAME:-fallback}`` references in composed values.

References are resolved after the whole environment is composed (late
binding), so a value may refer to a name that a later section, a later
file or a secret file sets, and always gets that name's final value. The
syntax:

- ``${NAME}`` is the final value of ``NAME``. A name defined nowhere is an
  error, never an empty string.
- ``${NAME:-fallback}`` is the value of ``NAME``, or ``fallback`` when
  ``NAME`` is unset or empty, as in the POSIX shell. The fallback may
  itself contain references.
- ``\\${`` is a literal ``${``. A bare ``$name`` and any other ``$`` are
  literal text, so passwords and bcrypt hashes need no escaping.
- A single-quoted value is never interpolated (the caller marks it
  literal).

NOTE: python-dotenv decodes ``\\\\`` in double quotes before envbake gets
the value, so ``"\\\\${A}"`` is also a literal ``${A}``, and a backslash
followed by a reference cannot be written in double quotes.

Reference names follow the POSIX shell: letters, digits and ``_``, not
starting with a digit. A variable whose name has ``.`` or ``-`` can be set
but not referred to.

A value that refers back to itself, directly or through other variables,
is a cycle and an error. Errors name the file, line and variable, never a
value.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from envbake.errors import InputError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The deepest nesting of ``${A:-${B:-...}}`` accepted, so that parsing
#: cannot exhaust Python's recursion limit.
MAX_NESTING = 16
#: The maximum number of characters that references may expand to, in one
#: value and in all: the default limit on a sealed plaintext, so that a few
#: lines that each double the one before cannot exhaust memory.
MAX_VALUE_SIZE = 64 * 1024 * 1024

SYNTAX_HINT = (
    "write ${NAME} or ${NAME:-fallback}; for a literal '${' write \\${ or "
    "single-quote the value"
)


class Reference:
    """A ``${NAME}`` or ``${NAME:-fallback}`` in a value.

    A plain class, because its field refers to :data:`Part`, which refers
    back to it, and a NamedTuple would need that field's type as a string.
    """

    __slots__ = ("fallback", "name")

    def __init__(self, name: str, fallback: "tuple[Part, ...] | None" = None) -> None:
        self.name = name
        self.fallback = fallback

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reference):
            return NotImplemented
        return (self.name, self.fallback) == (other.name, other.fallback)

    def __hash__(self) -> int:
        return hash((self.name, self.fallback))

    def __repr__(self) -> str:
        return f"Reference({self.name!r}, {self.fallback!r})"


Part = str | Reference


class TemplateSyntaxError(ValueError):
    """A value's ``${`` does not start a valid reference.

    The message describes the problem without quoting the value.
    """


class Definition(NamedTuple):
    """One variable to resolve: its value as written and where it was set.

    Attributes:
        name: The variable's name.
        value: The value before interpolation.
        literal: Take ``value`` as it is, with no interpolation.
        location: ``file:line`` for messages.
    """

    name: str
    value: str
    literal: bool
    location: str


class Resolved(NamedTuple):
    """The resolved values and, per variable, the names its value used."""

    values: dict[str, str]
    references: dict[str, tuple[str, ...]]


def parse_template(value: str) -> tuple[Part, ...]:
    """Split ``value`` into literal text and references.

    Raises:
        TemplateSyntaxError: a ``${`` is not followed by a name and ``}``
            or ``:-fallback}``.
    """
    parts, _ = _parse_parts(value, 0, depth=0)
    return parts


def _parse_parts(
    value: str, position: int, *, depth: int
) -> tuple[tuple[Part, ...], int]:
    # At depth 0 the whole value is read; deeper, a fallback is read up to
    # its closing brace, and the returned position is that brace's. Text
    # between markers is copied in slices found with str.find, so a long
    # value costs no Python-level step per character.
    parts: list[Part] = []
    text: list[str] = []
    close = -1
    while True:
        start = value.find("${", position)
        escaped = start > position and value[start - 1] == "\\"
        marker = start - 1 if escaped else start
        if depth > 0 and close < position:
            # Found again only once passed, so that many escaped \${ in
            # one fallback do not each scan to its end.
            close = value.find("}", position)
        if close != -1 and (start == -1 or close < marker):
            text.append(value[position:close])
            position = close
            break
        if start == -1:
            if depth > 0:
                raise TemplateSyntaxError("a ${NAME:-fallback} has no closing '}'")
            text.append(value[position:])
            position = len(value)
            break
        text.append(value[position:marker])
        if escaped:
            text.append("${")
            position = start + 2
            continue
        literal = "".join(text)
        if literal:
            parts.append(literal)
        text = []
        reference, position = _parse_reference(value, start + 2, depth=depth)
        parts.append(reference)
    literal = "".join(text)
    if literal:
        parts.append(literal)
    return tuple(parts), position


def _parse_reference(value: str, position: int, *, depth: int) -> tuple[Reference, int]:
    match = _NAME.match(value, position)
    if match is None:
        raise TemplateSyntaxError("'${' is not followed by a variable name")
    name = match.group()
    position = match.end()
    if value.startswith("}", position):
        return Reference(name), position + 1
    if value.startswith(":-", position):
        if depth + 1 > MAX_NESTING:
            raise TemplateSyntaxError(
                f"fallbacks are nested more than {MAX_NESTING} deep"
            )
        fallback, position = _parse_parts(value, position + 2, depth=depth + 1)
        return Reference(name, fallback), position + 1
    if position >= len(value):
        raise TemplateSyntaxError(f"${{{name} has no closing '}}'")
    raise TemplateSyntaxError(
        f"${{{name} is followed by an unsupported operator (only ':-' is supported)"
    )


class _Pending(NamedTuple):
    """Evaluation stopped: the variables in ``names`` must be resolved first."""

    names: tuple[str, ...]


class _Failed(Exception):
    """A variable cannot be resolved; its error is already recorded."""


def resolve(
    definitions: Sequence[Definition],
    *,
    external: Mapping[str, str] | None = None,
    max_size: int = MAX_VALUE_SIZE,
) -> Resolved:
    """Resolve every definition's references against the final values.

    Args:
        definitions: One definition per variable, the final one for its
            name. Names must be unique.
        external: Values that references may use when no definition has
            the name (the process environment, where a setting allows it).
            They do not become variables themselves.
        max_size: The maximum number of characters that references may
            expand to, in one value and in all.

    Returns:
        Every variable's resolved value, in the order of ``definitions``.

    Raises:
        InputError: a value has invalid reference syntax, refers to a name
            defined nowhere (every such reference is listed in one error),
            or is part of a cycle.
    """
    by_name = {definition.name: definition for definition in definitions}
    if not any(
        "${" in definition.value for definition in definitions if not definition.literal
    ):
        # No value refers to another, so each stays as written.
        return Resolved(
            {name: definition.value for name, definition in by_name.items()},
            dict.fromkeys(by_name, ()),
        )
    templates: dict[str, tuple[Part, ...]] = {}
    syntax_errors: list[str] = []
    for definition in definitions:
        if definition.literal:
            templates[definition.name] = (definition.value,)
            continue
        try:
            templates[definition.name] = parse_template(definition.value)
        except TemplateSyntaxError as error:
            syntax_errors.append(f"{definition.location}: {definition.name}: {error}")
    if syntax_errors:
        raise InputError(_join("invalid references", syntax_errors), SYNTAX_HINT)

    resolver = _Resolver(by_name, templates, external or {}, max_size)
    for definition in definitions:
        resolver.resolve(definition.name)
    if resolver.undefined:
        raise InputError(
            _join("undefined references", resolver.undefined),
            "define each name in a component or secret file, or give a fallback "
            "with ${NAME:-fallback}",
        )
    return Resolved(
        {name: resolver.values[name] for name in by_name},
        {name: resolver.used[name] for name in by_name},
    )


def _join(kind: str, problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} {kind}: " + "; ".join(problems)


class _Resolver:
    """Resolve variables by an iterative depth-first search.

    Each variable is evaluated once its direct references are resolved, so
    the work grows with the total size of the templates, and long chains
    of references cannot exhaust Python's recursion limit. A reference met
    only in a fallback is resolved when the fallback is needed.
    """

    def __init__(
        self,
        definitions: Mapping[str, Definition],
        templates: Mapping[str, tuple[Part, ...]],
        external: Mapping[str, str],
        max_size: int,
    ) -> None:
        self.max_size = max_size
        self.definitions = definitions
        self.templates = templates
        self.external = external
        self.values: dict[str, str] = {}
        self.used: dict[str, tuple[str, ...]] = {}
        self.failed: set[str] = set()
        self.undefined: list[str] = []
        self.total_size = 0

    def resolve(self, name: str) -> None:
        if name in self.values or name in self.failed:
            return
        # Each frame is a variable on the current path and the iterator over
        # the names it refers to directly.
        frames = [(name, self._direct_references(name))]
        on_path = {name}
        while frames:
            current, references = frames[-1]
            following = next(references, None)
            if following is not None:
                if following in self.values or following in self.failed:
                    continue
                if following in on_path:
                    path = [frame[0] for frame in frames]
                    self._raise_cycle(path[path.index(following) :])
                frames.append((following, self._direct_references(following)))
                on_path.add(following)
                continue
            used: list[str] = []
            try:
                result = self._evaluate(self.templates[current], current, used)
            except _Failed:
                self.failed.add(current)
            else:
                if isinstance(result, _Pending):
                    # Fallbacks need variables not yet resolved: resolve all
                    # of them (the loop above checks each for a cycle), then
                    # evaluate this one again. Collecting every such name in
                    # one pass keeps many fallbacks from costing a pass each.
                    frames[-1] = (current, iter(result.names))
                    continue
                self.values[current] = result
                self.used[current] = tuple(dict.fromkeys(used))
                if used or len(self.templates[current]) > 1:
                    # Only expansion is limited here; a large value without
                    # references meets the sealed plaintext's own limit.
                    self.total_size += len(result)
                if self.total_size > self.max_size:
                    raise InputError(
                        f"{self.definitions[current].location}: the values expand "
                        f"to more than {self.max_size} characters in all",
                        "check for references that repeat a large value many times",
                    )
            frames.pop()
            on_path.discard(current)

    def _direct_references(self, name: str) -> Iterator[str]:
        """Yield the defined names that ``name``'s value refers to outside
        fallbacks."""
        for part in self.templates[name]:
            if isinstance(part, Reference) and part.name in self.definitions:
                yield part.name

    def _evaluate(
        self, parts: tuple[Part, ...], owner: str, used: list[str]
    ) -> str | _Pending:
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]  # no reference to expand
        pieces: list[str] = []
        pending: list[str] = []
        size = 0
        for part in parts:
            if isinstance(part, str):
                value: str | None = part
            else:
                looked_up = self._lookup(
                    part.name, owner, required=part.fallback is None
                )
                if isinstance(looked_up, _Pending):
                    # Go on, so that one pass finds every name to resolve.
                    pending.extend(looked_up.names)
                    continue
                value = looked_up
                if value is not None:
                    used.append(part.name)
                if part.fallback is not None and not value:
                    fallback = self._evaluate(part.fallback, owner, used)
                    if isinstance(fallback, _Pending):
                        pending.extend(fallback.names)
                        continue
                    value = fallback
            if pending or not value:
                continue
            # Checked as the pieces grow, before they are joined, so that
            # many references to one large value fail before filling memory.
            size += len(value)
            if size > self.max_size:
                raise InputError(
                    f"{self.definitions[owner].location}: {owner}: its references "
                    f"expand to more than {self.max_size} characters",
                    "check for references that repeat a large value many times",
                )
            pieces.append(value)
        if pending:
            return _Pending(tuple(dict.fromkeys(pending)))
        return "".join(pieces)

    def _lookup(
        self, name: str, owner: str, *, required: bool
    ) -> str | _Pending | None:
        if name in self.values:
            return self.values[name]
        if name in self.failed:
            raise _Failed
        if name in self.definitions:
            return _Pending((name,))
        if name in self.external:
            return self.external[name]
        if required:
            location = self.definitions[owner].location
            self.undefined.append(
                f"{location}: {owner} refers to ${{{name}}}, which no input defines"
            )
            raise _Failed
        return None

    def _raise_cycle(self, cycle: list[str]) -> None:
        steps = " -> ".join(
            f"{name} ({self.definitions[name].location})" for name in cycle
        )
        raise InputError(
            f"references form a cycle: {steps} -> {cycle[0]}",
            "break the cycle by giving one of these variables a value without "
            "references",
        )
