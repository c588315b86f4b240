"""``envbake decrypt -o PATH``: an atomic write of mode 0600 that never
follows a symbolic link and leaves the old file alone on any failure."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values

from envbake import errors
from envbake.compose import compose_files
from tests.conftest import OTHER_KEY, TEST_KEY, data_path, run_envbake
from tests.run_helpers import seal_file

CASE = "BR-28-decrypt-output-safety"


def _expand(text: str, folder: Path) -> Path:
    return Path(text.replace("$TMP", str(folder)))


def _run_decrypt(
    sealed_file: Path, output: Path, key: str, *, umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    if umask is None:
        return run_envbake(
            "decrypt",
            str(sealed_file),
            "-o",
            str(output),
            env={"ENVBAKE_KEY": key},
        )
    # Run under a given umask to show that the mode does not depend on it.
    return subprocess.run(
        [
            "sh",
            "-c",
            f'umask {umask:03o} && exec "$0" -m envbake decrypt "$1" -o "$2"',
            sys.executable,
            str(sealed_file),
            str(output),
        ],
        env={**os.environ, "ENVBAKE_KEY": key},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# BR-28: every check of the case, with its files prepared as it describes.
def test_case_decrypt_output_safety(tmp_path: Path) -> None:
    case = data_path("cases", CASE)
    expected: dict[str, Any] = json.loads(
        (case / "expected.json").read_text(encoding="utf-8")
    )

    for check in expected["checks"]:
        folder = tmp_path / check["name"]
        folder.mkdir()
        variables = compose_files([str(case / name) for name in check["files"]])
        sealed_file = seal_file(
            tmp_path / f"{check['name']}.encrypted", variables, key=check["seal_key"]
        )
        for path, content in check.get("pre_existing", {}).items():
            _expand(path, folder).write_text(content, encoding="utf-8")
        for link, target in check.get("pre_existing_symlink", {}).items():
            _expand(link, folder).symlink_to(_expand(target, folder))
        before = {
            path.name: path.read_bytes()
            for path in folder.iterdir()
            if not path.is_symlink()
        }
        umask = int(check["umask"], 8) if "umask" in check else None
        output = _expand(check["output"], folder)

        result = _run_decrypt(sealed_file, output, check["run_key"], umask=umask)

        expect = check["expect"]
        name = check["name"]
        if expect["status"] == "error":
            assert result.returncode != 0, name
            assert 1 == len(result.stderr.splitlines()), (name, result.stderr)
            assert check["run_key"] not in result.stderr
        else:
            assert 0 == result.returncode, (name, result.stderr)
        if expect.get("error_kind") == "wrong-key":
            assert errors.EXIT_WRONG_KEY == result.returncode, name
        for path in expect.get("files_absent", []):
            assert not _expand(path, folder).exists(), name
        if "no_stray_temp_files_in" in expect:
            assert [] == sorted(
                os.listdir(_expand(expect["no_stray_temp_files_in"], folder))
            )
        for path in [expect[key] for key in ("file_unchanged",) if key in expect]:
            unchanged = _expand(path, folder)
            assert before[unchanged.name] == unchanged.read_bytes(), name
        if "still_symlink" in expect:
            assert _expand(expect["still_symlink"], folder).is_symlink(), name
            assert "symbolic link" in result.stderr, name
        if "file_mode" in expect:
            mode = stat.S_IMODE(output.stat().st_mode)
            assert int(expect["file_mode"], 8) == mode, name
        if "reads_back" in expect:
            assert expect["reads_back"] == dotenv_values(output, interpolate=False)
        # No temporary file is left behind, whatever happened.
        assert not [p for p in os.listdir(folder) if p.endswith(".tmp")], name


def test_decrypt_replaces_old_file(tmp_path: Path) -> None:
    sealed_file = seal_file(tmp_path / "env.encrypted", {"A": "new", "B": "it's"})
    output = tmp_path / "service.env"
    output.write_text("OLD=1\n", encoding="ascii")
    output.chmod(0o644)

    result = _run_decrypt(sealed_file, output, TEST_KEY)

    assert 0 == result.returncode, result.stderr
    assert {"A": "new", "B": "it's"} == dotenv_values(output, interpolate=False)
    assert 0o600 == stat.S_IMODE(output.stat().st_mode)
    assert f"envbake: wrote {output} (dotenv)\n" == result.stderr
    assert ["env.encrypted", "service.env"] == sorted(os.listdir(tmp_path))


@pytest.mark.parametrize("format", ["sh", "json", "docker", "dotenv"])
def test_decrypt_formats(tmp_path: Path, format: str) -> None:
    sealed_file = seal_file(tmp_path / "env.encrypted", {"A": "1 2"})
    output = tmp_path / "out"

    result = run_envbake(
        "decrypt",
        str(sealed_file),
        "-o",
        str(output),
        "--format",
        format,
        env={"ENVBAKE_KEY": TEST_KEY},
    )

    assert 0 == result.returncode, result.stderr
    export = run_envbake(
        "export", str(sealed_file), "--format", format, env={"ENVBAKE_KEY": TEST_KEY}
    )
    assert export.stdout == output.read_text(encoding="utf-8")


def test_decrypt_inexpressible_value_keeps_old(tmp_path: Path) -> None:
    sealed_file = seal_file(tmp_path / "env.encrypted", {"MULTI": "a\nb"})
    output = tmp_path / "out.env"
    output.write_text("OLD=1\n", encoding="ascii")

    result = run_envbake(
        "decrypt",
        str(sealed_file),
        "-o",
        str(output),
        "--format",
        "docker",
        env={"ENVBAKE_KEY": TEST_KEY},
    )

    assert errors.EXIT_INPUT == result.returncode
    assert "the value of MULTI has a line break" in result.stderr
    assert "OLD=1\n" == output.read_text(encoding="ascii")
    assert ["env.encrypted", "out.env"] == sorted(os.listdir(tmp_path))


def test_decrypt_wrong_environment(tmp_path: Path) -> None:
    sealed_file = seal_file(
        tmp_path / "env.encrypted", {"A": "1"}, environment="staging"
    )
    output = tmp_path / "out.env"

    result = run_envbake(
        "decrypt",
        str(sealed_file),
        "-o",
        str(output),
        "--environment",
        "production",
        env={"ENVBAKE_KEY": TEST_KEY},
    )

    assert errors.EXIT_ENVIRONMENT_MISMATCH == result.returncode
    assert not output.exists()


def test_decrypt_wrong_key_message(tmp_path: Path) -> None:
    sealed_file = seal_file(tmp_path / "env.encrypted", {"A": "1"})

    result = run_envbake(
        "decrypt",
        str(sealed_file),
        "-o",
        str(tmp_path / "out.env"),
        env={"ENVBAKE_KEY": OTHER_KEY},
    )

    assert errors.EXIT_WRONG_KEY == result.returncode
    assert result.stderr.startswith("envbake: wrong key: ")
    assert OTHER_KEY not in result.stderr
