"""Pattern 3, the GPU worker image, built on the local base.

The CUDA base cannot be pulled here, so a Debian base with Python carries
the CUDA image's tag (see conftest.BASE_TAGS) and the Dockerfile builds
unchanged. Its shape is tested: envbake run as ENTRYPOINT, the worker as
CMD, the sealed file as the only secret material.
"""

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
    run,
)


@pytest.fixture(scope="module")
def gpu_image(sealed_context: Path) -> str:
    result = run(commands.BUILD_GPU_WORKER, cwd=sealed_context)
    assert result.returncode == 0, result.stderr[-3000:]
    return image_id("gpu-worker:production")


def test_gpu_worker_entrypoint_and_cmd(gpu_image: str) -> None:
    inspected = json.loads(docker("image", "inspect", gpu_image))[0]
    config = inspected["Config"]

    assert config["Entrypoint"] == ["envbake", "run", "--"]
    assert config["Cmd"] == ["python3", "/app/worker.py"]
    assert "ENVBAKE_FILE=/app/env.encrypted" in config["Env"]


def test_gpu_worker_starts_with_key(
    gpu_image: str, sealed_context: Path, keys: Keys
) -> None:
    result = run(
        f"docker run --rm -e ENVBAKE_KEY {gpu_image}",
        env={"ENVBAKE_KEY": keys.production},
        cwd=sealed_context,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("worker: started with ")


def test_gpu_worker_without_key(gpu_image: str, sealed_context: Path) -> None:
    result = run(f"docker run --rm {gpu_image}", cwd=sealed_context)

    assert result.returncode == 3
    assert result.stdout == ""


def test_gpu_image_holds_no_secret(
    gpu_image: str, keys: Keys, secret_values: dict[str, str], scan_dir: Path
) -> None:
    assert_image_clean(gpu_image, keys, secret_values, scan_dir)
