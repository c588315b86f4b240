"""parse_template against a character-by-character reading of the syntax,
on many random values, and its speed on a long value."""

from __future__ import annotations

import random
import time

import pytest

from envbake import interpolation
from envbake.interpolation import Part, Reference, TemplateSyntaxError


def reference_parts(
    value: str, position: int, depth: int
) -> tuple[tuple[Part, ...], int]:
    # The syntax read one character at a time: the specification that the
    # str.find-based parser must match exactly.
    parts: list[Part] = []
    text: list[str] = []
    while position < len(value):
        if value.startswith("\\${", position):
            text.append("${")
            position += 3
        elif value.startswith("${", position):
            if text:
                parts.append("".join(text))
                text = []
            reference, position = reference_reference(value, position + 2, depth)
            parts.append(reference)
        elif depth > 0 and value[position] == "}":
            break
        else:
            text.append(value[position])
            position += 1
    else:
        if depth > 0:
            raise TemplateSyntaxError("no closing brace")
    if text:
        parts.append("".join(text))
    return tuple(parts), position


def reference_reference(value: str, position: int, depth: int) -> tuple[Reference, int]:
    match = interpolation._NAME.match(value, position)
    if match is None:
        raise TemplateSyntaxError("no name")
    name, position = match.group(), match.end()
    if value.startswith("}", position):
        return Reference(name), position + 1
    if value.startswith(":-", position):
        if depth + 1 > interpolation.MAX_NESTING:
            raise TemplateSyntaxError("too deep")
        fallback, position = reference_parts(value, position + 2, depth + 1)
        return Reference(name, fallback), position + 1
    raise TemplateSyntaxError("bad operator")


def expected(value: str) -> tuple[Part, ...] | type[TemplateSyntaxError]:
    try:
        return reference_parts(value, 0, 0)[0]
    except TemplateSyntaxError:
        return TemplateSyntaxError


def test_parse_template_matches_reading_by_character() -> None:
    rng = random.Random(5297)  # noqa: S311 - test data, not secrets
    pieces = ["${", "}", "\\", "\\${", ":-", "A", "B_1", "x", " ", "$", "{", "-"]
    for _ in range(20000):
        value = "".join(rng.choices(pieces, k=rng.randint(0, 12)))
        wanted = expected(value)
        if wanted is TemplateSyntaxError:
            with pytest.raises(TemplateSyntaxError):
                interpolation.parse_template(value)
        else:
            assert interpolation.parse_template(value) == wanted, value


def test_parse_template_long_value_is_fast() -> None:
    value = "a" * 2_000_000 + "${NAME:-" + "b" * 2_000_000 + "}"
    started = time.perf_counter()

    parts = interpolation.parse_template(value)

    # One Python step per character took over a second on this value.
    assert time.perf_counter() - started < 0.5
    assert parts == ("a" * 2_000_000, Reference("NAME", ("b" * 2_000_000,)))
