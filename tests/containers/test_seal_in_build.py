"""Pattern 2 (sealed inside a multi-stage build, key as a build secret)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.containers import commands
from tests.containers.conftest import (
    Keys,
    assert_image_clean,
    docker,
    image_id,
    key_id_of,
    run,
)
from tests.containers.test_ci_sealed import DUMP_ENVIRONMENT, assert_exact_environment


def build_with_key(context: Path, key: str) -> str:
    """Build pattern 2 with the documented command; return the image id."""
    result = run(
        commands.BUILD_SEAL_IN_BUILD, env={"ENVBAKE_ENCRYPT_KEY": key}, cwd=context
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return image_id("myapp:production")


def sealed_key_id(image: str) -> str:
    """Return the key id that the image's env.encrypted names."""
    output = docker("run", "--rm", "--entrypoint", "cat", image, "/app/env.encrypted")
    prefix, version, mode, key_id, _rest = output.split(":", 4)
    assert (prefix, version, mode) == ("envbake", "v2", "siv")
    return key_id


@pytest.fixture(scope="module")
def sealed_in_build_image(build_context: Path, keys: Keys) -> str:
    return build_with_key(build_context, keys.production)


def test_service_sees_exact_values(
    sealed_in_build_image: str,
    build_context: Path,
    keys: Keys,
    expected_variables: dict[str, str],
) -> None:
    result = run(
        f"docker run --rm -e ENVBAKE_KEY {sealed_in_build_image} {DUMP_ENVIRONMENT}",
        env={"ENVBAKE_KEY": keys.production},
        cwd=build_context,
    )

    assert result.returncode == 0, result.stderr
    assert_exact_environment(result.stdout, expected_variables, keys)


def test_final_stage_has_no_inputs(sealed_in_build_image: str) -> None:
    listing = docker(
        "run", "--rm", "--entrypoint", "find", sealed_in_build_image, "/app"
    ).splitlines()
    build_folder = run(
        [
            "docker",
            "run",
            "--rm",
            "--entrypoint",
            "test",
            sealed_in_build_image,
            "-e",
            "/build",
        ]
    )

    assert sorted(listing) == ["/app", "/app/env.encrypted", "/app/worker.py"]
    assert build_folder.returncode == 1


def test_image_holds_no_key_or_secret(
    sealed_in_build_image: str,
    keys: Keys,
    secret_values: dict[str, str],
    scan_dir: Path,
) -> None:
    assert_image_clean(sealed_in_build_image, keys, secret_values, scan_dir)


def test_history_names_key_id_not_key(sealed_in_build_image: str, keys: Keys) -> None:
    """The key id may be in the build's records; it is not secret."""
    config = json.loads(docker("image", "inspect", sealed_in_build_image))[0]

    assert keys.production not in json.dumps(config)


def test_build_without_key_id_fails(build_context: Path, keys: Keys) -> None:
    build = commands.BUILD_SEAL_IN_BUILD.replace(
        '--build-arg ENVBAKE_KEY_ID="$(envbake key-id)" ', ""
    )
    result = run(build, env={"ENVBAKE_ENCRYPT_KEY": keys.other}, cwd=build_context)

    assert result.returncode != 0
    assert "build argument ENVBAKE_KEY_ID is missing" in result.stderr
    assert keys.other not in result.stdout + result.stderr


def test_build_with_wrong_key_id_fails(build_context: Path, keys: Keys) -> None:
    """A key id that names another key than the mounted one stops the build."""
    third_key = run(["envbake", "keygen"]).stdout.strip()
    wrong_id = key_id_of(third_key)
    build = commands.BUILD_SEAL_IN_BUILD.replace('"$(envbake key-id)"', wrong_id)
    result = run(build, env={"ENVBAKE_ENCRYPT_KEY": keys.other}, cwd=build_context)

    assert result.returncode != 0
    assert "does not match the mounted key" in result.stderr
    assert keys.other not in result.stdout + result.stderr


def test_stale_key_id_reuses_cached_seal(
    sealed_in_build_image: str, build_context: Path, keys: Keys
) -> None:
    """The limit the docs warn about: an id that matches a cached sealing
    step reuses it, whatever key is mounted, because the check inside that
    step does not run. Hence the id must come from the key in the same
    command."""
    stale_id = key_id_of(keys.production)
    build = commands.BUILD_SEAL_IN_BUILD.replace('"$(envbake key-id)"', stale_id)
    result = run(build, env={"ENVBAKE_ENCRYPT_KEY": keys.other}, cwd=build_context)

    assert result.returncode == 0, result.stderr[-3000:]
    assert sealed_key_id(image_id("myapp:production")) == stale_id


def test_rebuild_with_new_key_reseals(
    sealed_in_build_image: str, build_context: Path, keys: Keys
) -> None:
    """Only the key changes; the sealed file must follow it, not the cache."""
    assert sealed_key_id(sealed_in_build_image) == key_id_of(keys.production)

    rebuilt = build_with_key(build_context, keys.other)

    assert rebuilt != sealed_in_build_image
    assert sealed_key_id(rebuilt) == key_id_of(keys.other)
    run_with_key = f"docker run --rm -e ENVBAKE_KEY {rebuilt}"
    opened = run(run_with_key, env={"ENVBAKE_KEY": keys.other}, cwd=build_context)
    assert opened.returncode == 0, opened.stdout + opened.stderr
    refused = run(run_with_key, env={"ENVBAKE_KEY": keys.production}, cwd=build_context)
    assert refused.returncode == 4
