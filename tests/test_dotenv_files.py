"""Reading dotenv files: python-dotenv's syntax plus file, line, section and
the single-quote (literal) mark, and errors for lines it would skip."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import given
from hypothesis import strategies as st

from envbake import dotenv_files
from envbake.errors import EXIT_INPUT, InputError, SealedFileNotFoundError

PEM = "-----BEGIN PRIVATE KEY-----\nline-one\nline-two\n-----END PRIVATE KEY-----"


def _parse(text: str) -> list[dotenv_files.Entry]:
    return dotenv_files.parse(text, path="test.env")


def test_parse_records_line_and_section() -> None:
    text = "# comment\nA=1\n\n[production]  # the live fleet\nB=2\n[default]\nC=3\n"

    entries = _parse(text)

    assert [(entry.name, entry.line, entry.section) for entry in entries] == [
        ("A", 2, "default"),
        ("B", 5, "production"),
        ("C", 7, "default"),
    ]


def test_parse_file_lists_section_headers() -> None:
    parsed = dotenv_files.parse_file("[default]\nA=1\n  [staging]\nB=2\n", path="x.env")

    assert [(header.name, header.line) for header in parsed.sections] == [
        ("default", 1),
        ("staging", 3),
    ]
    assert parsed.sections[1].path == "x.env"


def test_parse_marks_single_quotes_literal() -> None:
    entries = _parse("A='${B}'\nB=\"${C}\"\nC=${D}\nexport D='x'\nE = 'y'\n")

    assert [entry.literal for entry in entries] == [True, False, False, True, True]
    assert entries[0].value == "${B}"


def test_parse_export_prefix() -> None:
    entries = _parse("export NAME=value\nexport  OTHER='two words'\n")

    assert [(entry.name, entry.value) for entry in entries] == [
        ("NAME", "value"),
        ("OTHER", "two words"),
    ]


def test_parse_multiline_pem_value() -> None:
    text = f'KEY="{PEM}"\nAFTER=still-parsed\n'

    entries = _parse(text)

    assert entries[0].value == PEM
    assert entries[1].name == "AFTER"
    assert entries[1].line == 5


def test_parse_duplicate_keys_kept_in_order() -> None:
    entries = _parse("A=first\nA=second\n")

    assert [(entry.value, entry.line) for entry in entries] == [
        ("first", 1),
        ("second", 2),
    ]


def test_unparseable_line_names_file_and_line() -> None:
    text = "A=1\nB='unterminated-secret-value\n"

    with pytest.raises(InputError) as raised:
        _parse(text)

    message = str(raised.value)
    assert message.startswith("test.env:2:")
    assert "unterminated-secret-value" not in message
    assert raised.value.exit_status == EXIT_INPUT


@pytest.mark.parametrize("line", ["sk_live_pasted_secret", "two words=x"])
def test_line_without_assignment_not_quoted(line: str) -> None:
    with pytest.raises(InputError) as raised:
        _parse(f"A=1\n{line}\n")

    assert str(raised.value).startswith("test.env:2:")
    assert line.split("=")[0] not in str(raised.value)


def test_section_header_with_text_after_it_rejected() -> None:
    with pytest.raises(InputError, match=r"test.env:1:"):
        _parse("[production] extra\nA=1\n")


def test_normalise_bom_crlf_and_cr() -> None:
    assert dotenv_files.normalise("\ufeffA=1\r\nB=2\rC=3\n") == "A=1\nB=2\nC=3\n"
    assert dotenv_files.normalise("A=\ufeff") == "A=\ufeff"


def test_read_text_invalid_utf8_names_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.env"
    path.write_bytes(b"A=1\nB=caf\xe9\n")

    with pytest.raises(InputError) as raised:
        dotenv_files.read_text(str(path))

    assert f"{path}:2:" in str(raised.value)


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SealedFileNotFoundError):
        dotenv_files.read_entries(str(tmp_path / "missing.env"))


# Values that python-dotenv can write in double quotes: escapes are
# written for backslash, double quote and newline.
_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0\r"),
    max_size=30,
)
_names = st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True)


def _double_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


@given(st.dictionaries(_names, _values, max_size=8), st.booleans(), st.booleans())
def test_line_endings_and_bom_do_not_change_values(
    variables: dict[str, str], crlf: bool, bom: bool
) -> None:
    text = "".join(
        f"{name}={_double_quoted(value)}\n" for name, value in variables.items()
    )
    variant = text.replace("\n", "\r\n") if crlf else text
    variant = "\ufeff" + variant if bom else variant

    entries = _parse(dotenv_files.normalise(variant))

    assert {entry.name: entry.value for entry in entries} == variables
    assert [entry.line for entry in entries] == list(range(1, len(variables) + 1))


@given(
    st.lists(
        st.tuples(
            _names,
            st.lists(
                st.from_regex(r"[a-z0-9 ]{0,10}", fullmatch=True),
                min_size=1,
                max_size=4,
            ),
            st.integers(min_value=0, max_value=2),
        ),
        max_size=6,
    )
)
def test_lines_of_multiline_values(
    assignments: list[tuple[str, list[str], int]],
) -> None:
    """Every entry's line is where its assignment starts, after multi-line
    values and blank or comment lines before it."""
    lines: list[str] = []
    starts = []
    for name, value_lines, padding in assignments:
        lines.extend(["", "# note"][:padding])
        starts.append(len(lines) + 1)
        lines.append(f"{name}='{value_lines[0]}")
        lines.extend(value_lines[1:])
        lines[-1] += "'"
    text = "\n".join(lines) + "\n"

    entries = _parse(text)

    assert [entry.line for entry in entries] == starts
    assert [entry.value for entry in entries] == [
        "\n".join(value_lines) for _, value_lines, _ in assignments
    ]


@given(st.dictionaries(_names, _values, max_size=6))
def test_values_match_python_dotenv(variables: dict[str, str]) -> None:
    text = "".join(
        f"{name}={_double_quoted(value)}\n" for name, value in variables.items()
    )

    entries = _parse(text)

    expected = dotenv_values(stream=io.StringIO(text), interpolate=False)
    assert {entry.name: entry.value for entry in entries} == expected


def test_parser_loads_without_dotenv_package_init(tmp_path) -> None:
    """Parsing imports python-dotenv's parser module only, not its helpers."""
    script = (
        "import sys\n"
        "from envbake import dotenv_files\n"
        "entries = dotenv_files.parse('A=\"x y\"\\n', path='t.env')\n"
        "print(entries[0].name, entries[0].value, 'dotenv' in sys.modules,"
        " 'logging' in sys.modules)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert result.stdout == "A x y False False\n"


def test_parser_falls_back_to_the_package_import(monkeypatch) -> None:
    def fail() -> None:
        raise ImportError("simulated")

    monkeypatch.setattr(dotenv_files, "_load_parser_module", fail)
    monkeypatch.delitem(sys.modules, dotenv_files._PARSER_MODULE, raising=False)
    monkeypatch.delitem(sys.modules, "dotenv.parser", raising=False)

    entries = dotenv_files.parse("B='literal $x'\n", path="t.env")

    assert [(entry.name, entry.value) for entry in entries] == [("B", "literal $x")]
    assert "dotenv.parser" in sys.modules


#: Lines that python-dotenv reads in different ways: plain assignments,
#: comments and headers, and lines that need its rules (quotes, spaces,
#: ``export``, escapes, Unicode spaces, carriage returns, bad names).
_line_pieces = st.sampled_from(
    [
        "A", "_b9", "NAME", "=", "==", "#", "# c", "[prod]", "[a.b-c_1]", "[]",
        "'", '"', "\\", "\\n", "$", "${A}", " ", "  ", "\t", "\r", "\x0b",
        "\xa0", "\u2028", "\ufeff", "export ", "x", "é", "1", "-", "@",
    ]
)  # fmt: skip
_plain_lines = st.one_of(
    st.builds(
        "{}={}".format,
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True),
        st.from_regex(r"[^\s'\"]{0,12}", fullmatch=True),
    ),
    st.from_regex(r"#[^\r\n]{0,10}", fullmatch=True),
    st.from_regex(r"\[[A-Za-z0-9._-]{1,6}\]", fullmatch=True),
    st.just(""),
)
_any_lines = st.one_of(_plain_lines, st.lists(_line_pieces, max_size=6).map("".join))


def _outcome(parse, text: str) -> object:
    try:
        return parse(text, path="t.env")
    except InputError as error:
        return ("error", str(error))


@given(st.lists(_any_lines, max_size=8), st.booleans())
def test_plain_reading_matches_python_dotenv(
    lines: list[str], final_newline: bool
) -> None:
    text = "\n".join(lines) + ("\n" if final_newline else "")

    assert _outcome(dotenv_files.parse_file, text) == _outcome(
        dotenv_files.parse_with_python_dotenv, text
    )


@given(st.lists(_plain_lines, max_size=12))
def test_plain_lines_skip_python_dotenv(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"

    plain = dotenv_files.parse_plain_file(text, path="t.env")

    assert plain is not None
    assert plain == dotenv_files.parse_with_python_dotenv(text, path="t.env")


@pytest.mark.parametrize(
    "text",
    [
        "A='x'\n",
        'A="x"\n',
        "A=x y\n",
        "A=x #note\n",
        "export A=x\n",
        " A=x\n",
        "A =x\n",
        "A=x\r\nB=y\n",
        "#a\rB=1\n",
        "\ufeffA=x\n",
        "A=x\xa0\n",
        "A\n",
        "[a b]\n",
    ],
)
def test_special_lines_need_python_dotenv(text: str) -> None:
    assert dotenv_files.parse_plain_file(text, path="t.env") is None


def test_plain_file_keeps_equals_and_hashes() -> None:
    text = "# head\nA=b=c#d\n\n[production]\nB=\nC=#x\\$y\n"

    parsed = dotenv_files.parse_plain_file(text, path="t.env")

    assert parsed is not None
    assert [(e.name, e.value, e.line, e.section) for e in parsed.entries] == [
        ("A", "b=c#d", 2, "default"),
        ("B", "", 5, "production"),
        ("C", "#x\\$y", 6, "production"),
    ]
    assert [(h.name, h.line) for h in parsed.sections] == [("production", 4)]


@pytest.mark.parametrize("last_line", ["", "# end", " not plain"])
def test_plain_check_memory_stays_flat(last_line: str) -> None:
    # One match of a repeated group over the file would keep state for each
    # of these 200,000 lines (about 40 MB). The search used keeps none.
    import tracemalloc

    text = "\n# note\n" * 100_000 + last_line

    tracemalloc.start()
    try:
        dotenv_files.parse_plain_file(text, path="t.env")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 1024 * 1024
