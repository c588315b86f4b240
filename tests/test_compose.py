"""Composition: section order, override order, secret files last, sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from envbake import compose
from envbake.errors import InputError, UsageError


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_default_then_environment_section(tmp_path: Path) -> None:
    app = _write(
        tmp_path,
        "app.env",
        "[production]\nLEVEL=warning\n[default]\nLEVEL=info\nPORT=80\n[local]\nLEVEL=debug\n",
    )

    production = compose.compose([app], environment="production").values()
    local = compose.compose([app], environment="local").values()
    staging = compose.compose([app], environment="staging").values()

    assert production == {"LEVEL": "warning", "PORT": "80"}
    assert local == {"LEVEL": "debug", "PORT": "80"}
    assert staging == {"LEVEL": "info", "PORT": "80"}


def test_later_component_wins(tmp_path: Path) -> None:
    first = _write(
        tmp_path, "a.env", "[default]\nX=a-default\n[production]\nX=a-prod\n"
    )
    second = _write(tmp_path, "b.env", "X=b-default\n")

    composition = compose.compose([first, second], environment="production")

    variable = composition.variables["X"]
    assert variable.value == "b-default"
    assert variable.source.path == second
    assert [(entry.path, entry.section) for entry in variable.overridden] == [
        (first, "default"),
        (first, "production"),
    ]


def test_secret_files_applied_last(tmp_path: Path) -> None:
    secrets = _write(tmp_path, "secrets.env", "PASSWORD=from-secrets\n")
    app = _write(tmp_path, "app.env", "[production]\nPASSWORD=from-component\n")

    values = compose.compose([app], [secrets], environment="production").values()

    assert values == {"PASSWORD": "from-secrets"}


def test_default_refers_to_later_layers(tmp_path: Path) -> None:
    app = _write(
        tmp_path,
        "app.env",
        "[default]\nAPI_URL=https://api.${DOMAIN}\nDOMAIN=example.test\n"
        "[production]\nDOMAIN=example.com\n",
    )
    secrets = _write(
        tmp_path, "s.env", "DB_URL=postgres://u:${DB_PASSWORD}@db\nDB_PASSWORD=pw\n"
    )

    values = compose.compose([app], [secrets], environment="production").values()

    assert values["API_URL"] == "https://api.example.com"
    assert values["DB_URL"] == "postgres://u:pw@db"


def test_duplicate_key_in_one_file(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "A=first\nB=b\nA=second\n")

    composition = compose.compose([app], environment=None)

    assert composition.values() == {"A": "second", "B": "b"}
    assert composition.variables["A"].source.line == 3
    assert [entry.line for entry in composition.variables["A"].overridden] == [1]


def test_order_is_first_assignment(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "B=1\nA=2\n[production]\nC=3\nB=4\n")

    values = compose.compose([app], environment="production").values()

    assert list(values) == ["B", "A", "C"]


def test_overridden_reference_not_resolved(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "[default]\nX=${NOWHERE}\n[production]\nX=set\n")

    assert compose.compose([app], environment="production").values() == {"X": "set"}


def test_sections_need_an_environment(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "A=1\n[default]\nB=2\n[production]\nC=3\n")

    with pytest.raises(InputError, match=r"app\.env:4: .*\[production\]"):
        compose.compose_files([app])


def test_unknown_section_is_error(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "A=1\n[prodution]\nB=2\n")

    with pytest.raises(InputError) as raised:
        compose.compose(
            [app], environment="production", environments=["staging", "production"]
        )

    assert "app.env:2" in str(raised.value)
    assert "staging, production" in str(raised.value)


def test_required_all_listed(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "EMPTY=\nSET=x\n")

    with pytest.raises(InputError) as raised:
        compose.compose(
            [app],
            environment="staging",
            required=["MISSING_ONE", "EMPTY", "SET", "MISSING_TWO"],
        )

    message = str(raised.value)
    assert "for staging: MISSING_ONE, EMPTY, MISSING_TWO" in message
    assert "SET," not in message


def test_check_environment() -> None:
    compose.check_environment("anything", [])
    compose.check_environment("staging", ["staging"])
    with pytest.raises(UsageError, match="local, production"):
        compose.check_environment("prod", ["local", "production"])
    with pytest.raises(UsageError, match="default"):
        compose.check_environment("default", [])


def test_external_values_for_references_only(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "RELEASE=app@${GIT_SHA}\n")

    values = compose.compose(
        [app], environment=None, external={"GIT_SHA": "abc", "OTHER": "x"}
    ).values()

    assert values == {"RELEASE": "app@abc"}


def test_location_text(tmp_path: Path) -> None:
    app = _write(tmp_path, "app.env", "\n[staging]\nA=1\n")

    variable = compose.compose([app], environment="staging").variables["A"]

    assert compose.location(variable.source) == f"{app}:3 [staging]"
