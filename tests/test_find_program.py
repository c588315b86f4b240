"""The PATH search before exec, which must pick the file execvpe would run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from envbake import runtime
from envbake.errors import EXIT_COMMAND_NOT_FOUND, EXIT_NOT_EXECUTABLE, CommandError


def make_file(folder: Path, name: str, mode: int) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(mode)
    return path


def test_find_program_takes_first_executable(tmp_path: Path) -> None:
    make_file(tmp_path / "a", "tool", 0o644)
    (tmp_path / "b" / "tool").mkdir(parents=True)
    wanted = make_file(tmp_path / "c", "tool", 0o755)
    make_file(tmp_path / "d", "tool", 0o755)
    path = os.pathsep.join(str(tmp_path / name) for name in "abcd")

    assert runtime.find_program("tool", {"PATH": path}) == str(wanted)


def test_find_program_keeps_name_with_slash(tmp_path: Path) -> None:
    assert runtime.find_program("./tool", {"PATH": str(tmp_path)}) == "./tool"


def test_find_program_missing_raises_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        runtime.find_program("tool", {"PATH": str(tmp_path)})


def test_find_program_not_executable_raises(tmp_path: Path) -> None:
    make_file(tmp_path, "tool", 0o644)

    with pytest.raises(PermissionError):
        runtime.find_program("tool", {"PATH": str(tmp_path)})


def test_exec_command_not_executable_is_126(tmp_path: Path) -> None:
    make_file(tmp_path, "tool", 0o644)

    with pytest.raises(CommandError) as caught:
        runtime.exec_command(["tool"], {"PATH": str(tmp_path)})

    assert caught.value.exit_status == EXIT_NOT_EXECUTABLE


def test_exec_command_missing_is_127(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        runtime.exec_command(["tool"], {"PATH": str(tmp_path)})

    assert caught.value.exit_status == EXIT_COMMAND_NOT_FOUND
