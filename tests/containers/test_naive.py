"""The naive pattern (key as a build argument) is caught by the leak scan."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.containers import leakscan
from tests.containers.conftest import HERE, Keys, docker, image_id, run, secret_needles


def test_scan_finds_key_in_build_argument(
    build_context: Path,
    keys: Keys,
    secret_values: dict[str, str],
    scan_dir: Path,
) -> None:
    shutil.copy2(HERE / "naive.Dockerfile", build_context / "naive.Dockerfile")
    build = (
        "docker build -f naive.Dockerfile --build-arg ENVBAKE_ENCRYPT_KEY "
        "-t myapp:naive ."
    )
    result = run(build, env={"ENVBAKE_ENCRYPT_KEY": keys.production}, cwd=build_context)
    assert result.returncode == 0, result.stderr[-3000:]

    report = leakscan.scan_image(
        image_id("myapp:naive"),
        secret_needles(keys, secret_values),
        docker=docker,
        workdir=scan_dir,
    )

    key_places = report.places_of("production key (as given)")
    assert "history" in key_places, leakscan.describe(report)
    token_places = report.places_of("value of API_TOKEN")
    assert any("config/secrets.env" in place for place in token_places), (
        leakscan.describe(report)
    )
    # The other key was never used, so a hit for it would be a false alarm.
    assert report.places_of("other key (as given)") == []
