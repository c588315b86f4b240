"""Fixtures of the container end-to-end suite.

``tests/containers/run.sh`` prepares the container engine and runs this
folder; without what it prepares, every test here fails with a message
that names run.sh. The suite drives podman through a ``docker`` link on
PATH, so that the commands in docs/deploy.md run exactly as written.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.containers import commands, leakscan

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples" / "docker"
HERE = Path(__file__).resolve().parent

#: The tags that the local base root file system gets. The example
#: Dockerfiles start FROM these names; with a pull policy of "never" the
#: engine takes the local image, so the Dockerfiles build unchanged.
BASE_TAGS = (
    "docker.io/library/python:3.11-slim",
    # A Debian base with Python, standing in for the CUDA image, which
    # cannot be pulled here.
    "docker.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04",
)

#: Values that the secrets file holds, each with a random part so that the
#: leak scan cannot match them by chance. Single-quoted in the dotenv file,
#: so ``$`` is literal.
SECRET_TEMPLATES = {
    "DATABASE_URL": "postgres://worker:{token}@db.internal:5432/worker",
    "DATABASE_PASSWORD": 's3cr3t "{token}" #1 = yes',
    "API_TOKEN": "{token}",
    "WEBHOOK_SECRET": "whsec {token} with spaces and a $DOLLAR",
    "UNICODE_SECRET": "pässwörd-{token}-€",
    "JWT_PRIVATE_KEY": (
        "-----BEGIN PRIVATE KEY-----\n{token}\n{token2}\n-----END PRIVATE KEY-----"
    ),
}


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: run the container suite with "
            "tests/containers/run.sh, which prepares podman and the base image"
        )
    return value


@dataclass(frozen=True)
class Keys:
    """The keys of one run, made fresh by ``envbake keygen``.

    Their text is left out of the repr, which pytest prints on failure.
    """

    production: str = field(repr=False)
    other: str = field(repr=False)


class MaskedValues(dict[str, str]):
    """Variables whose repr shows names only, since pytest prints fixture
    values when a test fails."""

    def __repr__(self) -> str:
        return f"MaskedValues(names={sorted(self)!r})"


def run(
    command: list[str] | str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run a command (a string goes to bash) and capture its output.

    ``env`` is added to a copy of this process's environment, without any
    ENVBAKE_ variable of its own.
    """
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("ENVBAKE_") or name.startswith("ENVBAKE_E2E_")
    }
    environ.update(env or {})
    shell = isinstance(command, str)
    return subprocess.run(
        ["bash", "-c", command] if shell else command,
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def docker(*arguments: str) -> str:
    """Run the container engine and return its standard output.

    Raises AssertionError with the engine's error output if it fails.
    """
    result = run(["docker", *arguments])
    assert result.returncode == 0, (
        f"docker {arguments[0]} failed ({result.returncode}): {result.stderr[-2000:]}"
    )
    return result.stdout


def image_id(reference: str) -> str:
    """Return the full id of an image."""
    return docker("image", "inspect", "--format", "{{.Id}}", reference).strip()


def dotenv_line(name: str, value: str) -> str:
    """Return a single-quoted dotenv assignment, literal for python-dotenv."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"{name}='{escaped}'\n"


@pytest.fixture(scope="session")
def engine_work() -> Path:
    """The folder run.sh made for this run."""
    return Path(_require("ENVBAKE_E2E_WORK"))


@pytest.fixture(scope="session")
def base_image(engine_work: Path) -> str:
    """Import the cached base root file system and give it the base tags."""
    tar = _require("ENVBAKE_E2E_BASE_TAR")
    reference = "localhost/envbake-e2e/base:latest"
    docker("import", tar, reference)
    for tag in BASE_TAGS:
        docker("tag", reference, tag)
    return reference


@pytest.fixture(scope="session")
def keys() -> Keys:
    """Two fresh keys: the production key and another one."""
    made = []
    for _ in range(2):
        result = run(["envbake", "keygen"])
        assert result.returncode == 0, result.stderr
        made.append(result.stdout.strip())
    return Keys(production=made[0], other=made[1])


@pytest.fixture(scope="session")
def secret_values() -> MaskedValues:
    """The secret variables of this run, with fresh random parts."""
    return MaskedValues(
        {
            name: template.format(
                token=secrets.token_urlsafe(24), token2=secrets.token_urlsafe(24)
            )
            for name, template in SECRET_TEMPLATES.items()
        }
    )


@pytest.fixture(scope="session")
def regular_values() -> dict[str, str]:
    """The regular settings, read from the example app's app.env."""
    from dotenv import dotenv_values

    values = dotenv_values(REPOSITORY / "examples" / "app" / "app.env")
    return {name: value or "" for name, value in values.items()}


@pytest.fixture(scope="session")
def expected_variables(
    regular_values: dict[str, str], secret_values: dict[str, str]
) -> MaskedValues:
    """Every variable the service must see, with its exact value."""
    return MaskedValues({**regular_values, **secret_values})


@pytest.fixture(scope="session")
def build_context(
    tmp_path_factory: pytest.TempPathFactory,
    base_image: str,
    secret_values: dict[str, str],
) -> Path:
    """A project as a user would lay it out from examples/docker.

    The example Dockerfiles and app, the wheels, and config/ with app.env
    and a secrets.env of this run's random values. The sealed file is not
    made here: the tests make it with the documented command.
    """
    context = tmp_path_factory.mktemp("project")
    for source in EXAMPLES.iterdir():
        target = context / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    shutil.copytree(_require("ENVBAKE_E2E_WHEELS"), context / "wheels")
    config = context / "config"
    config.mkdir()
    shutil.copy2(REPOSITORY / "examples" / "app" / "app.env", config / "app.env")
    lines = [dotenv_line(name, value) for name, value in secret_values.items()]
    (config / "secrets.env").write_text("".join(lines), encoding="utf-8")
    return context


@pytest.fixture
def scan_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder for one saved image archive."""
    yield tmp_path


@pytest.fixture(scope="session")
def sealed_context(build_context: Path, keys: Keys) -> Path:
    """The build context with env.encrypted sealed by the documented command."""
    result = run(
        commands.SEAL,
        env={"ENVBAKE_ENCRYPT_KEY": keys.production},
        cwd=build_context,
    )
    assert result.returncode == 0, result.stderr
    return build_context


def key_id_of(key: str) -> str:
    """Return the id of a key, from ``envbake key-id``."""
    result = run(["envbake", "key-id"], env={"ENVBAKE_ENCRYPT_KEY": key})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def secret_needles(keys: Keys, secret_values: Mapping[str, str]) -> dict[str, bytes]:
    """Return the needles for both keys and every secret value."""
    return {
        **leakscan.key_needles("production key", keys.production),
        **leakscan.key_needles("other key", keys.other),
        **leakscan.value_needles(secret_values),
    }


def assert_image_clean(
    image: str, keys: Keys, secret_values: Mapping[str, str], workdir: Path
) -> None:
    """Scan an image for both keys and every secret value; fail on a hit.

    The scan must also have searched real layers, so that an empty archive
    cannot pass for a clean one.
    """
    report = leakscan.scan_image(
        image, secret_needles(keys, secret_values), docker=docker, workdir=workdir
    )

    assert report.layers >= 3, leakscan.describe(report)
    assert report.files > 1000, leakscan.describe(report)
    assert report.hits == [], leakscan.describe(report)
