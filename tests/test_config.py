"""Settings from envbake.toml and [tool.envbake] in pyproject.toml."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from envbake import config
from envbake.errors import InputError, SealedFileNotFoundError


@pytest.fixture
def in_folder(tmp_path: Path) -> Iterator[Path]:
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(previous)


def test_defaults_without_file(in_folder: Path) -> None:
    settings = config.load_settings()

    assert settings.source is None
    assert settings.output == "env.encrypted"
    assert settings.build_key_variable == "ENVBAKE_ENCRYPT_KEY"
    assert settings.key_variable == "ENVBAKE_KEY"
    assert settings.switch_variable == "ENVBAKE_DISABLE"


def test_envbake_toml_found_above(in_folder: Path) -> None:
    (in_folder / "envbake.toml").write_text(
        'environments = ["staging"]\ncomponents = ["c/*.env"]\n'
        'secrets = ["s/.env.{env}"]\noutput = "out/env.encrypted"\n'
        'build_key_variable = "EMP_ENV_ENCRYPT_KEY"\n'
        'key_variable = "EMP_ENV_DECRYPT_KEY"\n'
        'switch_variable = "DISABLE_ENV_ENCRYPTION"\n'
        'process_environment = ["GIT_SHA"]\n',
        encoding="utf-8",
    )
    nested = in_folder / "deep" / "er"
    nested.mkdir(parents=True)
    os.chdir(nested)

    settings = config.load_settings()

    assert settings.source == str(in_folder.resolve() / "envbake.toml")
    assert settings.environments == ("staging",)
    # Paths outside the current folder are made absolute.
    root = in_folder.resolve()
    assert settings.components == (str(root / "c" / "*.env"),)
    assert settings.secrets == (str(root / "s" / ".env.{env}"),)
    assert settings.output == str(root / "out" / "env.encrypted")
    assert settings.build_key_variable == "EMP_ENV_ENCRYPT_KEY"
    assert settings.key_variable == "EMP_ENV_DECRYPT_KEY"
    assert settings.switch_variable == "DISABLE_ENV_ENCRYPTION"
    assert settings.process_environment == ("GIT_SHA",)


def test_pyproject_table(in_folder: Path) -> None:
    (in_folder / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.envbake]\nrequired = ["A"]\n', encoding="utf-8"
    )

    settings = config.load_settings()

    assert settings.required == ("A",)


def test_pyproject_without_table_ignored(in_folder: Path) -> None:
    (in_folder / "pyproject.toml").write_text(
        '[project]\nname = "x"\n', encoding="utf-8"
    )

    assert config.find_settings_file() is None
    assert config.load_settings().source is None


def test_envbake_toml_before_pyproject(in_folder: Path) -> None:
    (in_folder / "pyproject.toml").write_text('[tool.envbake]\nrequired = ["P"]\n')
    (in_folder / "envbake.toml").write_text('required = ["E"]\n')

    assert config.load_settings().required == ("E",)


def test_per_environment_settings(in_folder: Path) -> None:
    (in_folder / "envbake.toml").write_text(
        'environments = ["local", "production"]\nrequired = ["A", "B"]\n'
        'secrets = ["s.{env}"]\n'
        "[environment.local]\nsecrets = []\n"
        '[environment.production]\nrequired = ["C", "A"]\n'
    )
    (in_folder / "s.production").write_text("X=1\n")

    settings = config.load_settings()

    assert settings.required_names("production") == ["A", "B", "C"]
    assert settings.required_names("local") == ["A", "B"]
    assert settings.secret_paths("local") == []
    assert settings.secret_paths("production") == ["s.production"]


def test_missing_secret_file_names_example(in_folder: Path) -> None:
    (in_folder / "envbake.toml").write_text('secrets = [".env.secrets.{env}"]\n')
    (in_folder / ".env.secrets.staging.example").write_text("A=1\n")

    with pytest.raises(SealedFileNotFoundError) as raised:
        config.load_settings().secret_paths("staging")

    assert ".env.secrets.staging.example" in str(raised.value)


def test_component_globs_sorted_and_unique(in_folder: Path) -> None:
    for name in ("b.env", "a.env", "c.env"):
        (in_folder / name).write_text("A=1\n")
    (in_folder / "envbake.toml").write_text('components = ["c.env", "*.env"]\n')

    assert config.load_settings().component_paths() == ["c.env", "a.env", "b.env"]


def test_component_path_with_brackets_taken_literally(in_folder: Path) -> None:
    (in_folder / "app[1].env").write_text("A=1\n")
    (in_folder / "envbake.toml").write_text('components = ["app[1].env"]\n')

    assert config.load_settings().component_paths() == ["app[1].env"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("component = []\n", "unknown setting 'component'"),
        ('components = "a.env"\n', "components must be a list of strings"),
        ("output = 3\n", "output must be a non-empty string"),
        ('environments = ["default"]\n', "'default' is not a valid environment name"),
        ('environments = ["a b"]\n', "'a b' is not a valid environment name"),
        ('environments = ["a"]\n[environment.b]\n', "'b' is not in the environments"),
        ("[environment.a]\nrequire = []\n", "unknown setting 'require'"),
        ("environment = 1\n", "environment must be a table"),
        ("components = [\n", "not valid TOML"),
    ],
)
def test_invalid_settings(in_folder: Path, text: str, expected: str) -> None:
    (in_folder / "envbake.toml").write_text(text)

    with pytest.raises(InputError) as raised:
        config.load_settings()

    assert expected in str(raised.value)
    assert "envbake.toml" in str(raised.value)


def test_missing_settings_file(in_folder: Path) -> None:
    with pytest.raises(SealedFileNotFoundError):
        config.load_settings(in_folder / "nope.toml")


def test_missing_component(in_folder: Path) -> None:
    (in_folder / "envbake.toml").write_text('components = ["gone.env", "*.none"]\n')

    with pytest.raises(SealedFileNotFoundError, match=r"gone\.env"):
        config.load_settings().component_paths()
