"""docs/troubleshooting.md lists every message that ``envbake run`` and
the modules it uses can print, each with the exit status the code gives
it. The messages are read from the source, so a message added, reworded
or removed without the page fails here."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from envbake import errors
from tests.conftest import REPOSITORY

PAGE = REPOSITORY / "docs" / "troubleshooting.md"
SOURCE = REPOSITORY / "src" / "envbake"
#: The modules whose messages can reach standard error at run time.
RUN_TIME_MODULES = [
    "cli.py",
    "commands/run.py",
    "runtime.py",
    "_keysource.py",
    "_output.py",
    "sealed.py",
    "_v1.py",
    "_v2.py",
    "keys.py",
    "dotenv_files.py",
]
#: Modules used only with decryption switched off, to read the plain
#: dotenv file. Their reference errors are built from lists of problems,
#: so the page describes them as a group instead of one by one.
# NOTE: so a new composition message does not fail this test.
PLAIN_FILE_MODULES = {"envbake.compose", "envbake.interpolation"}
#: Modules that the run path imports without using their messages:
#: the package imports the loader for the Python API.
IMPORTED_WITHOUT_MESSAGES = {
    "envbake",
    "envbake.__main__",
    "envbake.errors",
    "envbake.loader",
}
#: Messages of shared modules that envbake run cannot print: they are
#: raised only when sealing, when the Python API is given key bytes, or
#: when standard output fails (run writes nothing there).
NOT_PRINTED_BY_RUN = {
    "a v1 key must be given as text",
    "a key must be <> bytes",
    "unknown format <>",
    "invalid environment name <>",
    "age recipients need the v2 format",
    "give either a key or age recipients, not both",
    "no key given",
    "<> is sealed in age mode: give the identities' text, not key bytes",
    "cannot write the output: <>",
}
#: The exit status written on the page for lines that are not errors.
INFORMATION = "none (information)"
PLACEHOLDER = "<>"


@dataclass(frozen=True)
class Message:
    """A message template and the exit status that goes with it."""

    template: str
    status: str


def _template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _template(node.left)
        right = _template(node.right)
        return (left or PLACEHOLDER) + (right or PLACEHOLDER)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append(PLACEHOLDER)
        return "".join(parts)
    return None


def _error_status(call: ast.Call) -> str | None:
    name = call.func.id if isinstance(call.func, ast.Name) else None
    error_class = getattr(errors, name or "", None)
    if not (
        isinstance(error_class, type) and issubclass(error_class, errors.EnvbakeError)
    ):
        return None
    for keyword in call.keywords:
        if keyword.arg == "exit_status" and isinstance(keyword.value, ast.Name):
            return str(getattr(errors, keyword.value.id))
    return str(error_class.exit_status)


def messages_in_source() -> set[Message]:
    """Return every error and information message in the run-time modules."""
    found = set()
    for module in RUN_TIME_MODULES:
        tree = ast.parse((SOURCE / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            status = _error_status(node)
            if status is not None:
                template = _template(node.args[0])
                assert template is not None, f"{module}:{node.lineno}: not a literal"
                if template not in NOT_PRINTED_BY_RUN:
                    found.add(Message(template, status))
                continue
            message = _printed_message(node)
            if message is not None:
                found.add(message)
    return found


def _printed_message(call: ast.Call) -> Message | None:
    """Return the line that a ``_log``, ``print_line`` or ``write`` call prints."""
    function = call.func
    name = function.id if isinstance(function, ast.Name) else None
    if name == "_log" and len(call.args) == 2:
        template = _template(call.args[1])
        return None if template is None else Message(template, INFORMATION)
    if name == "print_line":
        # cli.print_line is called with a literal only for internal errors.
        template = _template(call.args[0])
        if template is None or template in NOT_PRINTED_BY_RUN:
            return None
        return Message(template, str(errors.EXIT_INTERNAL))
    if isinstance(function, ast.Attribute) and function.attr == "write_line":
        template = _template(call.args[0])
        return None if template is None else Message(template, INFORMATION)
    if isinstance(function, ast.Attribute) and function.attr == "write":
        template = _template(call.args[0])
        if template is None or not template.startswith("envbake: "):
            return None
        text = template.removeprefix("envbake: ").removesuffix("\n")
        # _log's own write prints the message passed to it.
        return None if text == PLACEHOLDER else Message(text, INFORMATION)
    return None


def messages_on_page() -> set[Message]:
    """Return each ``### `message` `` heading with its ``Exit status:`` line."""
    text = PAGE.read_text(encoding="utf-8")
    found = set()
    pattern = re.compile(r"^### `(.+)`\n\nExit status: (.+?)\.?$", re.MULTILINE)
    for match in pattern.finditer(text):
        template = re.sub(r"<[^>]*>", PLACEHOLDER, match.group(1))
        found.add(Message(template, match.group(2)))
    assert text.count("\n### ") == len(found), "a heading without an exit status"
    return found


def test_page_lists_every_message() -> None:
    in_source = {(m.template, m.status) for m in messages_in_source()}
    on_page = {(m.template, m.status) for m in messages_on_page()}

    assert sorted(in_source - on_page) == []
    assert sorted(on_page - in_source) == []


def test_page_describes_plain_file_errors() -> None:
    text = PAGE.read_text(encoding="utf-8")
    source = (SOURCE / "interpolation.py").read_text(encoding="utf-8")
    source += (SOURCE / "compose.py").read_text(encoding="utf-8")

    assert "## The plain dotenv file" in text
    for phrase in (
        "which no input defines",
        "references form a cycle",
        "section, but no environment",
    ):
        assert phrase in text
        assert phrase in source


def test_page_lists_every_exit_status() -> None:
    text = PAGE.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| `(EXIT_[A-Z_]+)` \|", text, re.MULTILINE))
    constants = {
        str(value): name
        for name, value in vars(errors).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }

    assert constants == rows


def test_run_path_imports_only_listed_modules(tmp_path: Path) -> None:
    """The list above covers every envbake module the run path imports."""
    import subprocess

    from tests.conftest import TEST_KEY
    from tests.run_helpers import seal_file, start_environment

    sealed_file = seal_file(tmp_path / "env.encrypted", {"A": "1"})
    plain = tmp_path / "plain.env"
    plain.write_text("A=1\n", encoding="utf-8")
    scenarios = [
        ([str(sealed_file)], {"ENVBAKE_KEY": TEST_KEY}),
        (["--plain-file", str(plain)], {"ENVBAKE_DISABLE": "true"}),
        ([str(sealed_file)], {}),
    ]
    listed = {
        "envbake." + module.removesuffix(".py").replace("/", ".")
        for module in RUN_TIME_MODULES
    } | {"envbake.commands"}
    for arguments, extra in scenarios:
        result = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                "envbake",
                "run",
                *arguments,
                "--",
                "envbake-no-such-command",
            ],
            env=start_environment(extra),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        imported = set(
            re.findall(r"\|\s+(envbake[\w.]*)$", result.stderr, re.MULTILINE)
        )

        assert imported, result.stderr
        unlisted = imported - listed - IMPORTED_WITHOUT_MESSAGES - PLAIN_FILE_MODULES
        assert set() == unlisted
