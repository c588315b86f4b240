"""Start-up cost: ``envbake run`` is every container's entrypoint, so it
must load only the modules that decrypting a v2 file and exec'ing a
command need; every other command loads only its own command module."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import aead

import envbake
from envbake import (
    _keysource,
    _v2,
    compose,
    config,
    dotenv_files,
    interpolation,
    sealed,
)
from envbake.commands import compose as compose_command
from envbake.commands import run
from tests.conftest import TEST_KEY, clean_environ

# Replaces every exec function with one that prints the loaded modules, so
# the list is taken at the moment envbake would start the command.
LIST_MODULES_AT_EXEC = """\
import json, os, sys

def list_modules(*arguments):
    sys.stdout.write(json.dumps(sorted(sys.modules)))
    sys.stdout.flush()
    os._exit(0)

os.execvpe = os.execve = os.execv = os.execvp = list_modules
from envbake.cli import main
sys.exit(main(["run", "-q", sys.argv[1], "--", "true"]))
"""

#: Modules that only other commands, other formats or type checkers use.
NOT_ON_RUN_PATH = [
    "argparse",
    "dataclasses",
    "inspect",
    "envbake._v1",
    "envbake.compose",
    "envbake.dotenv_files",
    "dotenv",
    "pyrage",
    # The public AEAD module loads every cipher; run takes AES-SIV alone.
    "cryptography.hazmat.primitives.ciphers",
]


def run_python(code: str, *arguments: str, env: dict[str, str]) -> list[str]:
    """Run ``code`` in a new interpreter; return the JSON list it prints."""
    process = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        env=clean_environ(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    modules: list[str] = json.loads(process.stdout)
    return modules


def modules_loaded_by_run(tmp_path: Path) -> list[str]:
    sealed_file = tmp_path / "env.encrypted"
    sealed_file.write_text(envbake.seal({"GREETING": "hello"}, TEST_KEY))
    return run_python(
        LIST_MODULES_AT_EXEC, str(sealed_file), env={"ENVBAKE_KEY": TEST_KEY}
    )


def test_run_loads_no_unused_module(tmp_path: Path) -> None:
    modules = modules_loaded_by_run(tmp_path)

    assert "envbake._v2" in modules
    for name in NOT_ON_RUN_PATH:
        assert name not in modules, f"envbake run imports {name}"


def test_aes_siv_is_cryptography_public_class() -> None:
    # The run path takes AES-SIV from cryptography's binding: it must be
    # the very class that cryptography's public API documents.
    assert _v2.aes_siv_class() is aead.AESSIV


#: The NamedTuples that run or seal create.
START_UP_RECORDS = [
    _keysource.FoundKey,
    _v2.Header,
    sealed.Opened,
    run.Settings,
    dotenv_files.Entry,
    dotenv_files.SectionHeader,
    dotenv_files.DotenvFile,
    compose.Variable,
    compose.Composition,
    interpolation.Definition,
    interpolation.Resolved,
    interpolation._Pending,
    config.EnvironmentSettings,
    config.Settings,
    compose_command.Composed,
]


@pytest.mark.parametrize("record", START_UP_RECORDS)
def test_records_have_evaluated_annotations(record: type) -> None:
    # typing compiles a string annotation into a ForwardRef when the class
    # is made, and the first compile of a process costs about 1 ms.
    for name, annotation in record.__annotations__.items():
        assert not isinstance(annotation, (str, typing.ForwardRef)), name


# Runs one argparse command and prints every module loaded.
LIST_MODULES_AFTER_COMMAND = """\
import json, sys
from envbake.cli import main
status = main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
sys.exit(status)
"""

#: Modules that sealing a plain dotenv file with a symmetric key does not
#: need. Each would add milliseconds to every build's seal.
NOT_ON_SEAL_PATH = [
    "dataclasses",
    "inspect",
    "pathlib",
    "hashlib",
    "tempfile",
    "signal",
    "shutil",
    "envbake._age",
    "pyrage",
    "dotenv",
    "envbake._dotenv_parser",
]


def test_plain_seal_loads_no_unused_module(tmp_path: Path) -> None:
    dotenv_file = tmp_path / "app.env"
    dotenv_file.write_text("# service\nGREETING=hello\nPORT=8080\n")
    loaded = run_python(
        LIST_MODULES_AFTER_COMMAND,
        "seal",
        "--input",
        str(dotenv_file),
        "-o",
        str(tmp_path / "env.encrypted"),
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )

    assert "envbake.commands.seal" in loaded
    assert "envbake.dotenv_files" in loaded
    for other in ("run", "export", "verify", "inspect", "diff", "rotate", "keygen"):
        assert f"envbake.commands.{other}" not in loaded
    for name in NOT_ON_SEAL_PATH:
        assert name not in loaded, f"envbake seal imports {name}"
