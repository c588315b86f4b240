"""``envbake compose``: print one environment's variables and where each
value came from. The options that choose the inputs are shared with
``envbake seal``."""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

import argparse
import json
import os
import sys
from typing import Any, NamedTuple

from envbake import _keysource, _output, _v2, compose, config, exporting, interpolation
from envbake.commands import _common
from envbake.dotenv_files import Entry
from envbake.errors import UsageError

#: The text printed in place of each value unless ``--show-values`` is given.
HIDDEN = "<hidden>"


class Composed(NamedTuple):
    """A composed environment and the settings it was composed with."""

    composition: compose.Composition
    settings: config.Settings
    variables: dict[str, str]


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="show the composed variables of an environment",
        description=(
            "Compose an environment from the component and secret files in "
            "envbake.toml (or from --input files), resolve ${NAME} references "
            "and print the variables. Values are hidden unless --show-values "
            "is given."
        ),
    )
    add_input_arguments(parser)
    add_settings_arguments(parser)
    parser.add_argument(
        "--format",
        choices=("dotenv", "json"),
        default="dotenv",
        help="dotenv lines (default) or one JSON object",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help=(
            "show, for every variable, the file, line and section its value "
            "came from, the assignments it overrode and the names it used"
        ),
    )
    parser.add_argument(
        "--show-values",
        action="store_true",
        help="print the values, secrets included (default: hidden)",
    )
    return parser


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--env`` and ``--input``, which choose what to compose."""
    parser.add_argument(
        "--env",
        "--environment",
        dest="environment",
        default="",
        metavar="NAME",
        help=(
            "the environment: its [NAME] sections and secret files apply, and "
            "a sealed file records its name (default: none)"
        ),
    )
    parser.add_argument(
        "--input",
        "-i",
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "a dotenv file to read in place of the components and secret files "
            "of envbake.toml; repeat for more, later files win"
        ),
    )


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """Add a flag for every composition setting of ``envbake.toml``."""
    group = parser.add_argument_group(
        "settings", "each flag replaces the setting of the same name in envbake.toml"
    )
    group.add_argument(
        "--config",
        metavar="PATH",
        help=(
            "the settings file: envbake.toml, or pyproject.toml with "
            "[tool.envbake] (default: the nearest one in this folder or above)"
        ),
    )
    group.add_argument(
        "--environments",
        metavar="NAME,...",
        help="the valid environment names, separated by commas",
    )
    group.add_argument(
        "--component",
        action="append",
        metavar="PATH",
        help="a component file or glob pattern, in order; repeat for more",
    )
    group.add_argument(
        "--secrets",
        action="append",
        metavar="PATTERN",
        help="a secret file path, with {env} for the environment; repeatable",
    )
    group.add_argument(
        "--no-secrets",
        action="store_true",
        help="read no secret file",
    )
    group.add_argument(
        "--require",
        action="append",
        metavar="NAME",
        help="a variable that must be set and not empty; repeatable",
    )
    group.add_argument(
        "--process-env",
        action="append",
        metavar="NAME",
        help=(
            "let references use NAME from the process environment when no "
            "file defines it; repeatable"
        ),
    )
    group.add_argument(
        "--build-key-variable",
        metavar="NAME",
        help=(
            f"the variable that contains the build key (default: "
            f"{_keysource.ENCRYPT_KEY_ENV}); NAME_FILE names a key file"
        ),
    )


def settings_from_options(options: argparse.Namespace) -> config.Settings:
    """Load the settings file and apply the flags over it."""
    settings = config.load_settings(options.config or None)
    if options.secrets or options.no_secrets:
        # The flags replace every secrets setting, per environment too.
        settings = settings._replace(
            per_environment={
                name: specific._replace(secrets=None)
                for name, specific in settings.per_environment.items()
            },
        )
    environments = None
    if options.environments is not None:
        environments = tuple(
            name.strip() for name in options.environments.split(",") if name.strip()
        )
    return settings.with_overrides(
        environments=environments,
        components=_flag_list(options.component),
        secrets=() if options.no_secrets else _flag_list(options.secrets),
        required=_flag_list(options.require),
        process_environment=_flag_list(options.process_env),
        build_key_variable=options.build_key_variable,
    )


def _flag_list(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def compose_from_options(options: argparse.Namespace) -> Composed:
    """Compose the environment that the command line and settings describe.

    The build key variables are left out with a warning, as ``envbake seal``
    leaves them out. When the build key is set, any variable whose value is
    the key is left out too.

    Raises:
        UsageError: no inputs, or an unknown environment.
        envbake.errors.InputError: see :func:`envbake.compose.compose`.
    """
    from envbake.commands import seal

    settings = settings_from_options(options)
    environment = options.environment or None
    if environment is not None:
        _v2.check_environment_name(environment)
        compose.check_environment(environment, settings.environments)
    components: list[str]
    secret_files: list[str]
    if options.input:
        components, secret_files = list(options.input), []
    else:
        components, secret_files = _configured_files(settings, environment)
    external = {
        name: os.environ[name]
        for name in settings.process_environment
        if name in os.environ
    }
    composition = compose.compose(
        components,
        secret_files,
        environment=environment,
        environments=settings.environments,
        external=external,
        required=settings.required_names(environment),
        # seal's --max-size also bounds what references may expand to.
        max_size=getattr(options, "max_size", interpolation.MAX_VALUE_SIZE),
    )
    key_names = build_key_variables(settings)
    found = _keysource.find_key(os.environ, key_file=None, variables=key_names)
    variables = seal.drop_key_variables(
        composition.values(),
        found.text if found else "",
        names=(*key_names, *_common.BUILD_KEY_VARIABLES),
    )
    return Composed(composition, settings, variables)


def build_key_variables(settings: config.Settings) -> tuple[str, str]:
    """Return the build key variable and its ``_FILE`` variable."""
    name = settings.build_key_variable
    return (name, f"{name}_FILE")


def _configured_files(
    settings: config.Settings, environment: str | None
) -> tuple[list[str], list[str]]:
    if not settings.components:
        raise UsageError(
            "nothing to compose: no components are configured",
            "give --input FILE, or list components in envbake.toml or with --component",
        )
    if environment is None:
        names = ", ".join(settings.environments) or "the names of your [sections]"
        raise UsageError(
            "--env is required to compose from components", f"give one of: {names}"
        )
    return settings.component_paths(), settings.secret_paths(environment)


def main(options: argparse.Namespace) -> int:
    composed = compose_from_options(options)
    show = options.show_values
    if options.explain:
        text = _explain(composed, show=show, as_json=options.format == "json")
    else:
        printed = (
            composed.variables
            if show
            else {name: HIDDEN for name in composed.variables}
        )
        text = (
            exporting.to_json(printed)
            if options.format == "json"
            else "".join(to_dotenv_line(name, value) for name, value in printed.items())
        )
    sys.stdout.write(text)
    if not show and composed.variables:
        _output.write_line("values hidden; add --show-values to print them")
    return 0


def _explain(composed: Composed, *, show: bool, as_json: bool) -> str:
    variables = composed.composition.variables
    if as_json:
        described = {
            name: _describe(variables[name], value if show else None)
            for name, value in composed.variables.items()
        }
        return json.dumps(described, ensure_ascii=False, indent=2) + "\n"
    blocks = []
    for name, value in composed.variables.items():
        variable = variables[name]
        comments = [f"# from {compose.location(variable.source)}"]
        if variable.overridden:
            overridden = ", ".join(
                compose.location(entry) for entry in variable.overridden
            )
            comments.append(f"# overrides {overridden}")
        if variable.references:
            comments.append("# uses " + ", ".join(variable.references))
        line = to_dotenv_line(name, value if show else HIDDEN)
        blocks.append("\n".join(comments) + "\n" + line)
    return "\n".join(blocks)


def to_dotenv_line(name: str, value: str) -> str:
    """Return a dotenv line that envbake reads back as ``value``.

    Double-quoted values are interpolated when envbake reads them, so a
    ``${`` in one is written as ``\\${``. python-dotenv without envbake
    keeps that backslash.

    Raises:
        envbake.errors.InputError: no dotenv quoting keeps the value intact
            (see :func:`envbake.exporting.to_dotenv`).
    """
    line = exporting.to_dotenv({name: value})
    prefix = f'{name}="'
    if line.startswith(prefix):
        line = prefix + line[len(prefix) :].replace("${", "\\${")
    return line


def _describe(variable: compose.Variable, value: str | None) -> dict[str, Any]:
    described: dict[str, Any] = {}
    if value is not None:
        described["value"] = value
    described.update(_entry_fields(variable.source))
    described["overrides"] = [_entry_fields(entry) for entry in variable.overridden]
    described["uses"] = list(variable.references)
    return described


def _entry_fields(entry: Entry) -> dict[str, Any]:
    return {"file": entry.path, "line": entry.line, "section": entry.section}
