"""Project settings from ``envbake.toml`` or ``[tool.envbake]`` in
``pyproject.toml``.

An example ``envbake.toml``::

    environments = ["local", "staging", "production"]
    components = ["config/environments/components/*.env"]
    secrets = ["config/environments/secrets/.env.secrets.{env}"]
    required = ["DATABASE_URL"]
    output = "env.encrypted"

    [environment.local]
    secrets = []                      # no secret file for local

    [environment.production]
    required = ["SENTRY_DSN"]         # in addition to the list above

    [run]                             # read by envbake run, see below
    file = "/app/env.encrypted"
    key_env = "EMP_ENV_DECRYPT_KEY"

Paths in the file are relative to its folder; paths given as flags are
relative to the current folder. ``components`` are
applied in the order listed; a glob pattern adds its matches in sorted
order. ``{env}`` in a secrets pattern is the environment's name. Every
setting also has a command-line flag, and a flag replaces the file's value.

The ``[run]`` table contains the settings of ``envbake run``, each the
counterpart of a run option: ``file``, ``environment``, ``plain_file``,
``key_env``, ``key_file_env``, ``disable_env``, ``service_type_env`` and
``service_type``. The top-level ``key_variable`` and ``switch_variable``
serve as ``key_env`` and ``disable_env`` when the table leaves them out.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

import glob
import os
import stat
import sys
import types
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from envbake import _keysource, _v2
from envbake.errors import InputError, SealedFileNotFoundError

CONFIG_FILE = "envbake.toml"
PYPROJECT_FILE = "pyproject.toml"
DEFAULT_OUTPUT = "env.encrypted"
DEFAULT_SWITCH_VARIABLE = "ENVBAKE_DISABLE"
ENVIRONMENT_PLACEHOLDER = "{env}"
#: The largest settings file read, in bytes.
MAX_SETTINGS_SIZE = 1024 * 1024

_LIST_SETTINGS = (
    "environments",
    "components",
    "secrets",
    "required",
    "process_environment",
)
_TEXT_SETTINGS = ("output", "build_key_variable", "key_variable", "switch_variable")
_ENVIRONMENT_SETTINGS = ("secrets", "required")
#: The settings of the ``[run]`` table, named as ``envbake run``'s options.
RUN_SETTINGS = (
    "file",
    "environment",
    "plain_file",
    "key_env",
    "key_file_env",
    "disable_env",
    "service_type_env",
    "service_type",
)
_RUN_PATH_SETTINGS = ("file", "plain_file")
#: The default of the mapping settings. It is read-only because every
#: Settings shares it.
_NO_SETTINGS: Mapping[str, Any] = types.MappingProxyType({})


class EnvironmentSettings(NamedTuple):
    """Settings for one environment that add to or replace the shared ones.

    Attributes:
        secrets: Secret file patterns that replace the shared ones, or None.
        required: Names required in this environment, besides the shared ones.
    """

    secrets: tuple[str, ...] | None = None
    required: tuple[str, ...] = ()


class Settings(NamedTuple):
    """A project's composition settings.

    Attributes:
        source: The settings file, or None when there is none.
        environments: The valid environment names; empty accepts any.
        components: Component file paths or glob patterns, in order.
        secrets: Secret file path patterns, with ``{env}`` for the name.
        required: Names every environment must set to a non-empty value.
        process_environment: Names that references may read from the
            process environment when no file defines them.
        output: Where ``envbake seal`` writes the sealed file.
        build_key_variable: The variable that contains the build key; the
            same name with ``_FILE`` names a file that contains it.
        key_variable: The variable that contains the run-time key.
        switch_variable: The variable that switches decryption off at run
            time when it is ``true``.
        per_environment: Settings for single environments.
        run: The ``[run]`` table's settings, paths made relative to the
            current folder.
    """

    source: str | None = None
    environments: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    process_environment: tuple[str, ...] = ()
    output: str = DEFAULT_OUTPUT
    build_key_variable: str = _keysource.ENCRYPT_KEY_ENV
    key_variable: str = _keysource.KEY_ENV
    switch_variable: str = DEFAULT_SWITCH_VARIABLE
    per_environment: Mapping[str, EnvironmentSettings] = _NO_SETTINGS
    run: Mapping[str, str] = _NO_SETTINGS

    def run_settings(self) -> dict[str, str]:
        """Return the settings for ``envbake run``: the ``[run]`` table, with
        ``key_variable`` and ``switch_variable`` filling its gaps."""
        values = dict(self.run)
        values.setdefault("key_env", self.key_variable)
        values.setdefault("disable_env", self.switch_variable)
        return values

    def with_overrides(self, **values: Any) -> "Settings":
        """Return a copy with every value that is not None replaced."""
        changes = {name: value for name, value in values.items() if value is not None}
        return self._replace(**changes)

    def component_paths(self) -> list[str]:
        """Return the component files in order, expanding glob patterns.

        Raises:
            SealedFileNotFoundError: a named file is missing, or a pattern
                matches no file.
        """
        return _expand(self.components)

    def secret_paths(self, environment: str) -> list[str]:
        """Return the secret files of ``environment``, in order.

        Raises:
            SealedFileNotFoundError: a secret file is missing; the message
                names the ``.example`` file to copy if there is one.
        """
        specific = self.per_environment.get(environment)
        patterns = (
            specific.secrets
            if specific is not None and specific.secrets is not None
            else self.secrets
        )
        paths = [
            pattern.replace(ENVIRONMENT_PLACEHOLDER, environment)
            for pattern in patterns
        ]
        for path in paths:
            if not os.path.exists(path):
                example = path + ".example"
                hint = (
                    f"copy {example} to {path} and fill in the values"
                    if os.path.exists(example)
                    else f"create it, or set secrets = [] under [environment.{environment}]"
                )
                raise SealedFileNotFoundError(
                    f"the secret file {path} for {environment} is not found", hint
                )
        return _expand(paths)

    def required_names(self, environment: str | None) -> list[str]:
        """Return the shared required names and those of ``environment``."""
        names = list(self.required)
        specific = self.per_environment.get(environment or "")
        if specific is not None:
            names.extend(specific.required)
        return list(dict.fromkeys(names))


def find_settings_file(start: str | os.PathLike[str] | None = None) -> str | None:
    """Return the nearest ``envbake.toml``, or ``pyproject.toml`` with a
    ``[tool.envbake]`` table, in ``start`` or a folder above it.

    In each folder ``envbake.toml`` is looked for first. The search stops
    at the root of a git repository (a folder with ``.git``), and skips
    folders that every user may write to, such as ``/tmp``, where anyone
    could leave a settings file. A ``pyproject.toml`` is parsed only if its
    text mentions ``tool.envbake``, so an unrelated broken one is ignored.
    """
    candidate = os.path.realpath(start or os.getcwd())
    while True:
        # os.path.isfile and os.path.exists return False where a folder
        # cannot be searched (EACCES) rather than raising.
        if not writable_by_all(candidate):
            config = os.path.join(candidate, CONFIG_FILE)
            if os.path.isfile(config):
                return config
            pyproject = os.path.join(candidate, PYPROJECT_FILE)
            if _mentions_envbake(pyproject) and _pyproject_table(pyproject):
                return pyproject
        parent = os.path.dirname(candidate)
        if parent == candidate or os.path.exists(os.path.join(candidate, ".git")):
            return None
        candidate = parent


def writable_by_all(folder: str) -> bool:
    """Return whether every user may write to ``folder``.

    A folder whose mode cannot be read counts as writable by all.
    """
    try:
        return bool(os.stat(folder).st_mode & stat.S_IWOTH)
    except OSError:
        return True


def _mentions_envbake(pyproject: str) -> bool:
    if not os.path.isfile(pyproject):
        return False
    try:
        with open(pyproject, "rb") as handle:
            return b"tool.envbake" in handle.read(MAX_SETTINGS_SIZE)
    except OSError:
        return False


def load_settings(settings_file: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from ``settings_file``, or from the file that
    :func:`find_settings_file` finds. Without either, return the defaults.

    Raises:
        InputError: the file is not valid TOML, or a setting is unknown or
            has the wrong type.
        SealedFileNotFoundError: ``settings_file`` does not exist.
    """
    if settings_file is not None:
        path = os.fspath(settings_file)
        if not os.path.isfile(path):
            raise SealedFileNotFoundError(
                f"the settings file {path} is not found",
                "check the path given by --config or ENVBAKE_CONFIG",
            )
    else:
        found = find_settings_file()
        if found is None:
            return Settings()
        path = found
    if os.path.basename(path) == PYPROJECT_FILE:
        table = _pyproject_table(path) or {}
        source = f"{path} [tool.envbake]"
    else:
        table = _read_toml(path)
        source = path
    return _settings_from_table(table, path, source)


def _pyproject_table(path: str) -> dict[str, Any] | None:
    """Return the ``[tool.envbake]`` table of a pyproject.toml, if it has one.

    Raises:
        InputError: ``tool`` or ``tool.envbake`` is not a table.
    """
    tool = _read_toml(path).get("tool", {})
    if not isinstance(tool, dict):
        raise InputError(f"{path}: tool must be a table")
    if "envbake" not in tool:
        return None
    table = tool["envbake"]
    if not isinstance(table, dict):
        raise InputError(f"{path}: tool.envbake must be a table")
    return table


def _read_toml(path: str) -> dict[str, Any]:
    # Imported here: most seals read no settings file.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SETTINGS_SIZE + 1)
    except OSError as error:
        raise SealedFileNotFoundError(f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_SETTINGS_SIZE:
        raise InputError(f"{path} is larger than {MAX_SETTINGS_SIZE} bytes")
    try:
        table: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
        return table
    except UnicodeDecodeError:
        raise InputError(f"{path} is not valid UTF-8", "save it as UTF-8") from None
    except RecursionError:
        raise InputError(f"{path} nests tables or arrays too deeply") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path} is not valid TOML: {error}") from None


def _settings_from_table(table: Mapping[str, Any], path: str, source: str) -> Settings:
    known = {*_LIST_SETTINGS, *_TEXT_SETTINGS, "environment", "run"}
    for name in table:
        if name not in known:
            raise InputError(
                f"{source}: unknown setting {name!r}",
                "the settings are: " + ", ".join(sorted(known)),
            )
    values: dict[str, Any] = {}
    for name in _LIST_SETTINGS:
        if name in table:
            values[name] = _text_list(table[name], f"{source}: {name}")
    for name in _TEXT_SETTINGS:
        if name in table:
            values[name] = _text(table[name], f"{source}: {name}")
    for environment in values.get("environments", ()):
        _check_environment_name(environment, f"{source}: environments")
    folder = os.path.dirname(path)
    for name in ("components", "secrets"):
        if name in values:
            values[name] = tuple(_from_folder(folder, item) for item in values[name])
    if "output" in values:
        values["output"] = _from_folder(folder, values["output"])
    settings = Settings(source=path, **values)
    per_environment = _per_environment(
        table.get("environment", {}), settings, source, folder
    )
    run = _run_table(table.get("run", {}), source, folder)
    return settings._replace(per_environment=per_environment, run=run)


def _run_table(table: Any, source: str, folder: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise InputError(f"{source}: run must be a table")
    values: dict[str, str] = {}
    for name, value in table.items():
        if name not in RUN_SETTINGS:
            raise InputError(
                f"{source}: run: unknown setting {name!r}",
                "the run settings are: " + ", ".join(RUN_SETTINGS),
            )
        text = _text(value, f"{source}: run.{name}")
        values[name] = (
            _from_folder(folder, text) if name in _RUN_PATH_SETTINGS else text
        )
    return values


def _per_environment(
    table: Any, settings: Settings, source: str, folder: str
) -> dict[str, EnvironmentSettings]:
    if not isinstance(table, dict):
        raise InputError(f"{source}: environment must be a table of tables")
    result: dict[str, EnvironmentSettings] = {}
    for environment, values in table.items():
        where = f"{source}: environment.{environment}"
        if settings.environments and environment not in settings.environments:
            raise InputError(
                f"{where}: {environment!r} is not in the environments list",
                "the environments are: " + ", ".join(settings.environments),
            )
        if not isinstance(values, dict):
            raise InputError(f"{where} must be a table")
        for name in values:
            if name not in _ENVIRONMENT_SETTINGS:
                raise InputError(
                    f"{where}: unknown setting {name!r}",
                    "the settings of one environment are: "
                    + ", ".join(_ENVIRONMENT_SETTINGS),
                )
        secrets = values.get("secrets")
        result[environment] = EnvironmentSettings(
            secrets=None
            if secrets is None
            else _text_list(secrets, f"{where}.secrets"),
            required=_text_list(values.get("required", []), f"{where}.required"),
        )
    return result


def _from_folder(folder: str, text: str) -> str:
    """Return ``text``, a path relative to ``folder``, as a path relative to
    the current folder when it is below it (so that messages stay short)."""
    path = os.path.abspath(os.path.join(folder, text))
    current_folder = os.getcwd()
    if os.path.commonpath([path, current_folder]) == current_folder:
        return os.path.relpath(path, current_folder)
    return path


def _check_environment_name(name: str, where: str) -> None:
    if name == "default" or not _v2.ENVIRONMENT_NAME.fullmatch(name) or not name:
        raise InputError(
            f"{where}: {name!r} is not a valid environment name",
            "use letters, digits, '.', '_' and '-', and not the name 'default'",
        )


def _text_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputError(f"{where} must be a list of strings")
    return tuple(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{where} must be a non-empty string")
    return value


def _expand(patterns: Sequence[str]) -> list[str]:
    paths: list[str] = []
    for pattern in patterns:
        # A path that exists as written is taken literally, so that a file
        # named app[1].env is not read as a pattern.
        if not os.path.exists(pattern) and any(
            character in pattern for character in "*?["
        ):
            # A pattern adds regular files only: never a folder, or a FIFO
            # that would block the read for ever.
            matches = sorted(
                path for path in glob.glob(pattern) if os.path.isfile(path)
            )
            if not matches:
                raise SealedFileNotFoundError(
                    f"no file matches {pattern}",
                    "check the components setting or --component",
                )
        elif os.path.exists(pattern):
            matches = [pattern]
        else:
            raise SealedFileNotFoundError(
                f"{pattern} not found", "check the components setting or --component"
            )
        paths.extend(path for path in matches if path not in paths)
    return paths
