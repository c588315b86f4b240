"""docs/deploy.md gives the commands that this suite runs, verbatim."""

from __future__ import annotations

import pytest
import yaml

from tests.containers import commands
from tests.containers.conftest import REPOSITORY

DEPLOY = REPOSITORY / "docs" / "deploy.md"


@pytest.mark.parametrize("name", sorted(commands.DOCUMENTED))
def test_deploy_doc_gives_command(name: str) -> None:
    text = DEPLOY.read_text(encoding="utf-8")

    assert commands.DOCUMENTED[name] in text


def test_kubernetes_manifest_names_mounted_key() -> None:
    """The manifest is not run; its key file path must match its mount."""
    text = DEPLOY.read_text(encoding="utf-8")
    manifest_text = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    manifest = yaml.safe_load(manifest_text)
    container = manifest["spec"]["containers"][0]
    env = {item["name"]: item["value"] for item in container["env"]}
    mount = container["volumeMounts"][0]
    volume = manifest["spec"]["volumes"][0]

    assert mount["name"] == volume["name"]
    assert volume["secret"]["secretName"] == "envbake-key"
    assert "kubectl create secret generic envbake-key --from-file=key=" in text
    assert env["ENVBAKE_KEY_FILE"] == f"{mount['mountPath']}/key"
    assert "ENVBAKE_KEY" not in env
