"""``envbake compose`` and ``envbake seal --env`` on the example project."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from dotenv import dotenv_values

import envbake
from envbake.errors import EXIT_INPUT, EXIT_NOT_FOUND, EXIT_USAGE
from tests.conftest import OTHER_KEY, REPOSITORY, TEST_KEY, run_envbake

EXAMPLE = REPOSITORY / "examples" / "project"
SECRETS = Path("config", "environments", "secrets")
EXPECTED_STAGING = REPOSITORY / "tests" / "data" / "example-project-staging.json"
GIT_SHA = "0f3c2a1"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a copy of the example project with its real secret files made
    from the committed ``.example`` files, as a developer would."""
    copy = tmp_path / "project"
    shutil.copytree(EXAMPLE, copy)
    for example in (copy / SECRETS).glob(".env.secrets.*.example"):
        shutil.copyfile(example, example.with_suffix(""))
    return copy


def _secret_values(project: Path) -> list[str]:
    values = []
    for path in (project / SECRETS).glob(".env.secrets.*.example"):
        for value in dotenv_values(path, interpolate=False).values():
            assert value
            values.append(value)
    return values


def _assert_no_secret(project: Path, *outputs: str) -> None:
    for value in _secret_values(project):
        for output in outputs:
            assert value not in output


def test_staging_matches_expected_file(project: Path) -> None:
    result = run_envbake(
        "compose",
        "--env",
        "staging",
        "--format",
        "json",
        "--show-values",
        cwd=project,
        env={"GIT_SHA": GIT_SHA},
    )

    assert result.returncode == 0, result.stderr
    expected = json.loads(EXPECTED_STAGING.read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == expected
    assert list(json.loads(result.stdout)) == list(expected)


def test_dotenv_output_reads_back(project: Path) -> None:
    result = run_envbake(
        "compose",
        "--env",
        "staging",
        "--show-values",
        cwd=project,
        env={"GIT_SHA": GIT_SHA},
    )
    written = project / "staging.env"
    written.write_text(result.stdout, encoding="utf-8")

    again = run_envbake(
        "compose",
        "--input",
        str(written),
        "--format",
        "json",
        "--show-values",
        cwd=project,
    )

    assert again.returncode == 0, again.stderr
    expected = json.loads(EXPECTED_STAGING.read_text(encoding="utf-8"))
    assert json.loads(again.stdout) == expected


@pytest.mark.parametrize(
    "extra",
    [[], ["--format", "json"], ["--explain"], ["--explain", "--format", "json"]],
)
def test_values_hidden_by_default(project: Path, extra: list[str]) -> None:
    result = run_envbake("compose", "--env", "production", *extra, cwd=project)

    assert result.returncode == 0, result.stderr
    assert "DB_PASSWORD" in result.stdout
    assert "replace-me" not in result.stdout
    assert "db.prod.internal" not in result.stdout
    assert "--show-values" in result.stderr
    _assert_no_secret(project, result.stdout, result.stderr)


def test_explain_text_names_sources(project: Path) -> None:
    result = run_envbake("compose", "--env", "production", "--explain", cwd=project)

    database = "config/environments/components/database.env"
    assert (
        f"# from {database}:18 [production]\n# overrides {database}:2 [default]\nDB_HOST="
        in result.stdout
    )
    assert (
        f"# from {database}:7 [default]\n# uses DB_USER, DB_PASSWORD, DB_HOST, DB_PORT, DB_NAME\n"
        "DATABASE_URL=" in result.stdout
    )
    assert (
        "# from config/environments/secrets/.env.secrets.production:3 [default]\nDB_PASSWORD="
        in result.stdout
    )


def test_explain_json(project: Path) -> None:
    result = run_envbake(
        "compose",
        "--env",
        "staging",
        "--explain",
        "--format",
        "json",
        "--show-values",
        cwd=project,
    )

    explained = json.loads(result.stdout)
    assert explained["DB_HOST"] == {
        "value": "db.staging.internal",
        "file": "config/environments/components/database.env",
        "line": 15,
        "section": "staging",
        "overrides": [
            {
                "file": "config/environments/components/database.env",
                "line": 2,
                "section": "default",
            }
        ],
        "uses": [],
    }
    assert explained["RELEASE"]["uses"] == ["APP_NAME"]
    assert explained["API_URL"]["uses"] == ["DOMAIN"]


def _values(project: Path, *arguments: str, env: dict[str, str]) -> dict[str, str]:
    result = run_envbake(
        "compose", *arguments, "--format", "json", "--show-values", cwd=project, env=env
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, str] = json.loads(result.stdout)
    return values


def test_process_environment_only_when_listed(project: Path) -> None:
    listed = _values(project, "--env", "local", env={"GIT_SHA": "abc"})
    unlisted = _values(
        project,
        "--env",
        "local",
        "--process-env",
        "UNRELATED",
        env={"GIT_SHA": "abc", "DOMAIN": "from-process"},
    )

    assert listed["RELEASE"] == "render-worker@abc"
    assert unlisted["RELEASE"] == "render-worker@dev"
    assert unlisted["DOMAIN"] == "localhost"


def test_unknown_environment_lists_valid(project: Path) -> None:
    result = run_envbake("compose", "--env", "prod", cwd=project)

    assert result.returncode == EXIT_USAGE
    assert "local, staging, production" in result.stderr


def test_environments_flag_beats_file(project: Path) -> None:
    result = run_envbake(
        "compose", "--env", "staging", "--environments", "local,production", cwd=project
    )

    assert result.returncode == EXIT_USAGE
    assert "local, production" in result.stderr


def test_missing_required_all_listed(project: Path) -> None:
    result = run_envbake(
        "compose",
        "--env",
        "staging",
        "--require",
        "FIRST_MISSING",
        "--require",
        "SECOND_MISSING",
        cwd=project,
    )

    assert result.returncode == EXIT_INPUT
    assert (
        "missing required variables for staging: FIRST_MISSING, SECOND_MISSING"
        in result.stderr
    )


def test_required_from_environment_table(project: Path) -> None:
    secret_file = project / SECRETS / ".env.secrets.production"
    text = secret_file.read_text(encoding="utf-8")
    secret_file.write_text(
        text.replace("SENTRY_DSN=", "SENTRY_DSN_UNUSED="), encoding="utf-8"
    )

    result = run_envbake("compose", "--env", "production", cwd=project)

    assert result.returncode == EXIT_INPUT
    assert "missing required variables for production: SENTRY_DSN" in result.stderr
    _assert_no_secret(project, result.stderr)


def test_missing_secret_file_points_to_example(project: Path) -> None:
    (project / SECRETS / ".env.secrets.staging").unlink()

    result = run_envbake("compose", "--env", "staging", cwd=project)

    assert result.returncode == EXIT_NOT_FOUND
    assert ".env.secrets.staging.example" in result.stderr


def test_errors_do_not_show_secrets(project: Path) -> None:
    secret_file = project / SECRETS / ".env.secrets.staging"
    text = secret_file.read_text(encoding="utf-8")
    broken = {
        "undefined": "DB_PASSWORD='hunter2-secret'\nTOKEN=hunter3-secret${NOWHERE}\n",
        "cycle": "A=hunter4-secret${B}\nB=${A}\n",
        "syntax": "C=hunter5-secret${oops\n",
        "unparseable": "D='hunter6-secret\n",
        "no equals": "hunter7-secret\n",
    }
    for kind, addition in broken.items():
        secret_file.write_text(text + addition, encoding="utf-8")

        result = run_envbake("compose", "--env", "staging", cwd=project)

        assert result.returncode == EXIT_INPUT, kind
        assert ".env.secrets.staging:" in result.stderr, kind
        assert "hunter" not in result.stderr, kind
        assert result.stdout == "", kind
        _assert_no_secret(project, result.stderr)


def _seal(
    project: Path,
    *arguments: str,
    epoch: str | None = "1700000000",
    key: str = TEST_KEY,
) -> str:
    env = {"ENVBAKE_ENCRYPT_KEY": key, "GIT_SHA": GIT_SHA}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    result = run_envbake("seal", *arguments, cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    _assert_no_secret(project, result.stdout, result.stderr)
    return result.stderr


def test_seal_env_is_reproducible(project: Path) -> None:
    _seal(project, "--env", "production")
    first = (project / "env.encrypted").read_bytes()
    first_info = (project / "env.encrypted.info").read_bytes()

    _seal(project, "--env", "production")

    assert (project / "env.encrypted").read_bytes() == first
    assert (project / "env.encrypted.info").read_bytes() == first_info


def test_seal_env_info_and_content(project: Path) -> None:
    summary = _seal(project, "--env", "production")

    data = (project / "env.encrypted").read_bytes()
    info = json.loads((project / "env.encrypted.info").read_text(encoding="utf-8"))
    opened = envbake.open_text(
        data.decode("ascii"), TEST_KEY, expected_environment="production"
    )
    assert info == {
        "created": "2023-11-14T22:13:20Z",
        "environment": "production",
        "variables": len(opened.variables),
        "format": "v2",
        "mode": "siv",
        "key_id": envbake.key_id(envbake.parse_key(TEST_KEY)),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    assert opened.variables["DB_HOST"] == "db.prod.internal"
    assert opened.variables["DATABASE_URL"] == (
        "postgres://render:replace-me-production-db-password@db.prod.internal:5432/render"
    )
    assert f"sealed {len(opened.variables)} variables" in summary
    assert "env.encrypted" in summary


def test_seal_key_variable_left_out(project: Path) -> None:
    secret_file = project / SECRETS / ".env.secrets.production"
    with secret_file.open("a", encoding="utf-8") as handle:
        handle.write(f"ENVBAKE_ENCRYPT_KEY={OTHER_KEY}\nCOPY_OF_KEY='{TEST_KEY}'\n")

    summary = _seal(project, "--env", "production")

    opened = envbake.open_text(
        (project / "env.encrypted").read_text(encoding="ascii"), TEST_KEY
    )
    assert "ENVBAKE_ENCRYPT_KEY" not in opened.variables
    assert "COPY_OF_KEY" not in opened.variables
    assert "warning: ENVBAKE_ENCRYPT_KEY" in summary
    assert "warning: COPY_OF_KEY" in summary
    assert TEST_KEY not in summary
    assert OTHER_KEY not in summary


def test_compose_leaves_key_variable_out(project: Path) -> None:
    secret_file = project / SECRETS / ".env.secrets.staging"
    with secret_file.open("a", encoding="utf-8") as handle:
        handle.write(f"ENVBAKE_ENCRYPT_KEY={OTHER_KEY}\n")

    result = run_envbake(
        "compose", "--env", "staging", "--format", "json", "--show-values", cwd=project
    )

    assert "ENVBAKE_ENCRYPT_KEY" not in json.loads(result.stdout)
    assert "warning: ENVBAKE_ENCRYPT_KEY" in result.stderr


def test_custom_build_key_variable(project: Path) -> None:
    text = (project / "envbake.toml").read_text(encoding="utf-8")
    (project / "envbake.toml").write_text(
        'build_key_variable = "EMP_ENV_ENCRYPT_KEY"\n' + text, encoding="utf-8"
    )

    result = run_envbake(
        "seal",
        "--env",
        "staging",
        cwd=project,
        env={"EMP_ENV_ENCRYPT_KEY": TEST_KEY, "ENVBAKE_ENCRYPT_KEY": OTHER_KEY},
    )

    assert result.returncode == 0, result.stderr
    opened = envbake.open_text(
        (project / "env.encrypted").read_text(encoding="ascii"), TEST_KEY
    )
    assert opened.environment == "staging"


def test_output_flag_beats_setting(project: Path) -> None:
    _seal(project, "--env", "staging", "-o", "elsewhere.encrypted")

    assert (project / "elsewhere.encrypted").is_file()
    assert (project / "elsewhere.encrypted.info").is_file()
    assert not (project / "env.encrypted").exists()


def test_output_setting_relative_to_settings_file(project: Path) -> None:
    text = (project / "envbake.toml").read_text(encoding="utf-8")
    (project / "envbake.toml").write_text(
        text.replace('output = "env.encrypted"', 'output = "build/env.encrypted"')
    )
    (project / "build").mkdir()
    below = project / "config"

    result = run_envbake(
        "seal", "--env", "staging", cwd=below, env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY}
    )

    assert result.returncode == 0, result.stderr
    assert (project / "build" / "env.encrypted").is_file()


def test_component_flag_beats_setting(project: Path) -> None:
    component = project / "only.env"
    component.write_text(
        "[default]\nONLY=1\nDB_PASSWORD=x\nDATABASE_URL=y\nAPI_URL=z\n[staging]\nONLY=2\nJWT_SIGNING_KEY=k\n"
    )

    result = run_envbake(
        "compose",
        "--env",
        "staging",
        "--component",
        "only.env",
        "--no-secrets",
        "--format",
        "json",
        "--show-values",
        cwd=project,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ONLY": "2",
        "DB_PASSWORD": "x",
        "DATABASE_URL": "y",
        "API_URL": "z",
        "JWT_SIGNING_KEY": "k",
    }


def test_seal_input_with_sections_needs_env(tmp_path: Path) -> None:
    app = tmp_path / "app.env"
    app.write_text("A=1\n[production]\nA=2\n")

    without = run_envbake(
        "seal", "--input", str(app), cwd=tmp_path, env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY}
    )
    with_env = run_envbake(
        "seal",
        "--input",
        str(app),
        "--env",
        "production",
        cwd=tmp_path,
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )

    assert without.returncode == EXIT_INPUT
    assert "app.env:2" in without.stderr
    assert with_env.returncode == 0, with_env.stderr
    opened = envbake.open_text(
        (tmp_path / "env.encrypted").read_text(encoding="ascii"), TEST_KEY
    )
    assert opened.variables == {"A": "2"}


def test_nothing_to_compose(tmp_path: Path) -> None:
    result = run_envbake("compose", "--env", "staging", cwd=tmp_path)

    assert result.returncode == EXIT_USAGE
    assert "--input" in result.stderr


def test_env_required_with_components(project: Path) -> None:
    result = run_envbake("compose", cwd=project)

    assert result.returncode == EXIT_USAGE
    assert "local, staging, production" in result.stderr


def test_seal_env_for_age_recipient(project: Path) -> None:
    keygen = run_envbake("keygen", "--age")
    identity = keygen.stdout + keygen.stderr
    recipient = next(
        line.split(": ", 1)[1]
        for line in identity.splitlines()
        if line.startswith("Public key: ")
    )

    result = run_envbake(
        "seal", "--env", "staging", "--recipient", recipient, cwd=project
    )

    assert result.returncode == 0, result.stderr
    text = (project / "env.encrypted").read_text(encoding="ascii")
    assert text.startswith("envbake:v2:age:")
    info = json.loads((project / "env.encrypted.info").read_text(encoding="utf-8"))
    assert info["environment"] == "staging"
    assert info["variables"] == len(json.loads(EXPECTED_STAGING.read_text("utf-8")))


def test_readme_explain_example_is_current(project: Path) -> None:
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    block = readme.split("from, the assignments it overrode", 1)[1]
    block = block.split("```\n", 2)[1]

    result = run_envbake("compose", "--env", "production", "--explain", cwd=project)

    for part in block.strip().split("\n\n"):
        assert part in result.stdout
