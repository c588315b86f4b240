"""Pattern 1 (sealed in CI, copied into the image): how containers start."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.containers import commands
from tests.containers.conftest import (
    EXAMPLES,
    Keys,
    assert_image_clean,
    dotenv_line,
    image_id,
    key_id_of,
    run,
)

#: A command that prints the service's environment as JSON, in place of CMD.
DUMP_ENVIRONMENT = "python3 -c 'import json, os; print(json.dumps(dict(os.environ)))'"
KEY_VARIABLES = ("ENVBAKE_KEY", "ENVBAKE_KEY_FILE", "ENVBAKE_ENCRYPT_KEY")
#: Runs the script in $SCRIPT in place of the image's entrypoint, as hosts
#: with their own entrypoint and an on-start script do.
REPLACED_ENTRYPOINT = (
    "docker run --rm --entrypoint /bin/sh -e ENVBAKE_KEY myapp:production -c"
)


@pytest.fixture(scope="module")
def production_image(sealed_context: Path) -> str:
    result = run(commands.BUILD_CI_SEALED, cwd=sealed_context)
    assert result.returncode == 0, result.stderr[-3000:]
    return image_id("myapp:production")


@pytest.fixture(scope="module")
def staging_sealed_image(
    sealed_context: Path, keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The same image, with a file sealed for staging by mistake."""
    context = tmp_path_factory.mktemp("staging") / "project"
    shutil.copytree(sealed_context, context)
    seal = commands.SEAL.replace("--environment production", "--environment staging")
    result = run(seal, env={"ENVBAKE_ENCRYPT_KEY": keys.production}, cwd=context)
    assert result.returncode == 0, result.stderr
    build = "docker build -f Dockerfile.ci-sealed -t myapp:staging-sealed ."
    result = run(build, cwd=context)
    assert result.returncode == 0, result.stderr[-3000:]
    return image_id("myapp:staging-sealed")


def single_envbake_line(stderr: str) -> str:
    """Return envbake's only line on standard error, failing otherwise."""
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}"
    assert lines[0].startswith("envbake: ")
    return lines[0]


def refusal_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    """Check that envbake stopped the container before the service started
    with ``status``, and return its one line."""
    assert result.returncode == status, result.stdout + result.stderr
    assert result.stdout == ""
    return single_envbake_line(result.stderr)


def assert_exact_environment(
    stdout: str, expected: dict[str, str], keys: Keys
) -> dict[str, str]:
    """Check the dumped environment against ``expected`` by name only."""
    environment: dict[str, str] = json.loads(stdout)
    missing = sorted(name for name in expected if name not in environment)
    assert missing == []
    different = sorted(
        name for name in expected if environment.get(name) != expected[name]
    )
    assert different == []
    visible_keys = sorted(name for name in KEY_VARIABLES if name in environment)
    assert visible_keys == []
    holding_key = sorted(
        name
        for name, value in environment.items()
        if keys.production in value or keys.other in value
    )
    assert holding_key == []
    return environment


def test_worker_starts_with_right_key(
    production_image: str,
    sealed_context: Path,
    keys: Keys,
    expected_variables: dict[str, str],
) -> None:
    result = run(
        commands.RUN_WITH_KEY,
        env={"ENVBAKE_KEY": keys.production},
        cwd=sealed_context,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("worker: started with ")
    line = single_envbake_line(result.stderr)
    expected_line = (
        f"envbake: loaded {len(expected_variables)} variables from "
        f"/app/env.encrypted (v2, key {key_id_of(keys.production)})"
    )
    assert line == expected_line


def test_service_sees_exact_values(
    production_image: str,
    sealed_context: Path,
    keys: Keys,
    expected_variables: dict[str, str],
) -> None:
    result = run(
        f"{commands.RUN_WITH_KEY} {DUMP_ENVIRONMENT}",
        env={"ENVBAKE_KEY": keys.production},
        cwd=sealed_context,
    )

    assert result.returncode == 0, result.stderr
    environment = assert_exact_environment(result.stdout, expected_variables, keys)
    assert environment["JWT_PRIVATE_KEY"].count("\n") == 3
    assert environment["GREETING"] == "Hello, it's the worker # not a comment"


def test_key_file_mount(
    production_image: str,
    sealed_context: Path,
    keys: Keys,
    expected_variables: dict[str, str],
) -> None:
    key_file = sealed_context / "envbake.key"
    key_file.write_text(keys.production + "\n", encoding="ascii")
    key_file.chmod(0o600)
    try:
        result = run(
            f"{commands.RUN_WITH_KEY_FILE} {DUMP_ENVIRONMENT}", cwd=sealed_context
        )
    finally:
        key_file.unlink()

    assert result.returncode == 0, result.stderr
    assert_exact_environment(result.stdout, expected_variables, keys)


def test_service_exit_status_passes_through(
    production_image: str, sealed_context: Path, keys: Keys
) -> None:
    result = run(
        f"{commands.RUN_WITH_KEY} python3 -c 'raise SystemExit(42)'",
        env={"ENVBAKE_KEY": keys.production},
        cwd=sealed_context,
    )

    assert result.returncode == 42


def test_wrong_key_stops_container(
    production_image: str, sealed_context: Path, keys: Keys
) -> None:
    result = run(
        commands.RUN_WITH_KEY,
        env={"ENVBAKE_KEY": keys.other},
        cwd=sealed_context,
    )

    line = refusal_line(result, 4)
    assert key_id_of(keys.production) in line
    assert key_id_of(keys.other) in line
    assert keys.other not in line


def test_missing_key_stops_container(
    production_image: str, sealed_context: Path
) -> None:
    result = run(commands.RUN_WITH_KEY, cwd=sealed_context)

    line = refusal_line(result, 3)
    assert "ENVBAKE_KEY" in line
    assert "ENVBAKE_DISABLE=true" in line


def test_other_environment_stops_container(
    staging_sealed_image: str, sealed_context: Path, keys: Keys
) -> None:
    result = run(
        f"docker run --rm -e ENVBAKE_KEY -e ENVBAKE_ENVIRONMENT=production {staging_sealed_image}",
        env={"ENVBAKE_KEY": keys.production},
        cwd=sealed_context,
    )

    line = refusal_line(result, 9)
    assert "staging" in line
    assert "production" in line


def test_decryption_off_loads_plain_file(
    production_image: str, sealed_context: Path, keys: Keys
) -> None:
    plain = {
        "APP_NAME": "worker-local",
        "DATABASE_URL": "postgres://dev:dev@localhost:5432/dev",
        "LOG_LEVEL": "debug",
        "MULTI_LINE": "first line\nsecond line",
    }
    local_env = sealed_context / "local.env"
    local_env.write_text(
        "".join(dotenv_line(name, value) for name, value in plain.items()),
        encoding="utf-8",
    )
    try:
        result = run(
            f"{commands.RUN_DECRYPTION_OFF} {DUMP_ENVIRONMENT}", cwd=sealed_context
        )
    finally:
        local_env.unlink()

    assert result.returncode == 0, result.stderr
    environment = json.loads(result.stdout)
    different = sorted(name for name in plain if environment.get(name) != plain[name])
    assert different == []
    # Nothing of the sealed file is loaded while decryption is off.
    assert "API_TOKEN" not in environment
    line = single_envbake_line(result.stderr)
    assert "decryption switched off" in line
    assert f"loaded {len(plain)} variables" in line
    assert "/run/envbake/local.env" in line


def test_compose_file_matches_documented_run() -> None:
    compose = yaml.safe_load((EXAMPLES / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["app"]

    assert service["environment"] == {
        "ENVBAKE_DISABLE": "true",
        "ENVBAKE_PLAIN_FILE": "/run/envbake/local.env",
    }
    assert service["volumes"] == ["./local.env:/run/envbake/local.env:ro"]
    for name, value in service["environment"].items():
        assert f"-e {name}={value}" in commands.RUN_DECRYPTION_OFF
    assert "local.env:/run/envbake/local.env:ro" in commands.RUN_DECRYPTION_OFF
    assert service["image"] == "${IMAGE:-myapp:production}"


def test_on_start_script_exports_variables(
    production_image: str,
    sealed_context: Path,
    keys: Keys,
    expected_variables: dict[str, str],
) -> None:
    """A host that replaces the entrypoint runs the on-start script instead."""
    environ = {"ENVBAKE_KEY": keys.production, "SCRIPT": commands.ON_START_SCRIPT}

    result = run(f'{REPLACED_ENTRYPOINT} "$SCRIPT"', env=environ, cwd=sealed_context)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("worker: started with ")

    dump_script = commands.ON_START_SCRIPT.replace(
        "python3 /app/worker.py", DUMP_ENVIRONMENT
    )
    environ["SCRIPT"] = dump_script
    result = run(f'{REPLACED_ENTRYPOINT} "$SCRIPT"', env=environ, cwd=sealed_context)

    assert result.returncode == 0, result.stderr
    assert_exact_environment(result.stdout, expected_variables, keys)


def test_image_holds_no_key_or_secret(
    production_image: str,
    keys: Keys,
    secret_values: dict[str, str],
    scan_dir: Path,
) -> None:
    assert_image_clean(production_image, keys, secret_values, scan_dir)


def test_on_start_script_stops_on_wrong_key(
    production_image: str, sealed_context: Path, keys: Keys
) -> None:
    environ = {"ENVBAKE_KEY": keys.other, "SCRIPT": commands.ON_START_SCRIPT}

    result = run(f'{REPLACED_ENTRYPOINT} "$SCRIPT"', env=environ, cwd=sealed_context)

    line = refusal_line(result, 4)
    assert "wrong key" in line
