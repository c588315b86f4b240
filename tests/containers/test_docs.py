"""docs/deploy.md gives the commands that this suite runs, verbatim."""

from __future__ import annotations

import pytest

from tests.containers import commands
from tests.containers.conftest import REPOSITORY

DEPLOY = REPOSITORY / "docs" / "deploy.md"


@pytest.mark.parametrize("name", sorted(commands.DOCUMENTED))
def test_deploy_doc_gives_command(name: str) -> None:
    text = DEPLOY.read_text(encoding="utf-8")

    assert commands.DOCUMENTED[name] in text
