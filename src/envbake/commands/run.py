"""``envbake run``: decrypt the environment and exec a command with it.

This is the container entrypoint, so its arguments are parsed by hand
(argparse alone costs about as much as the decryption) and nothing is
imported that the path taken does not use. ``add_parser`` describes the
same options for ``envbake run --help``.

The start-up sequence, in order:

1. If the switch variable is ``true``, skip decryption and load the plain
   dotenv file if one is configured and present.
2. If a service-type gate is configured and the service-type variable has
   another value, skip decryption.
3. Find the key, or stop.
4. Read, verify and decrypt the sealed file, or stop.
5. Merge, check the size, remove the key variables and ``exec``.

Each setting comes from its option, else its ``ENVBAKE_*`` variable, else
the ``[run]`` table of the settings file, else the default. To keep
start-up lean, the settings file is read only when ``--config`` or
``ENVBAKE_CONFIG`` names one or ``envbake.toml`` is in the current folder:
``run`` does not search parent folders or ``pyproject.toml``.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from envbake import _keysource, _output, runtime
from envbake.errors import InputError, UsageError

if TYPE_CHECKING:
    import argparse

#: A callback that prints the line reporting what was loaded, called once
#: every check has passed.
Announce = Callable[[], None]

USAGE = "usage: envbake run [OPTIONS] [FILE] -- COMMAND [ARG...]"

DEFAULT_FILE = "env.encrypted"
DEFAULT_KEY_ENV = _keysource.KEY_ENV
DEFAULT_DISABLE_ENV = "ENVBAKE_DISABLE"
DEFAULT_SERVICE_TYPE_ENV = "SERVICE_TYPE"
CONFIG_ENV = "ENVBAKE_CONFIG"
CONFIG_FILE = "envbake.toml"

#: The default key variables, which can contain key material whatever names
#: are configured, so none of them reaches the command.
ALWAYS_REMOVED = (
    _keysource.KEY_ENV,
    _keysource.KEY_FILE_ENV,
    _keysource.ENCRYPT_KEY_ENV,
    _keysource.ENCRYPT_KEY_FILE_ENV,
)

#: The settings that an ``ENVBAKE_*`` variable can give when the matching
#: flag is absent: attribute name, variable name.
SETTING_VARIABLES = {
    "file": "ENVBAKE_FILE",
    "environment": "ENVBAKE_ENVIRONMENT",
    "plain_file": "ENVBAKE_PLAIN_FILE",
    "key_env": _keysource.KEY_ENV_SETTING,
    "key_file_env": _keysource.KEY_FILE_ENV_SETTING,
    "disable_env": "ENVBAKE_DISABLE_ENV",
    "service_type_env": "ENVBAKE_SERVICE_TYPE_ENV",
    "service_type": "ENVBAKE_SERVICE_TYPE",
}

#: Settings whose value is the name of a variable.
_NAME_SETTINGS = ("key_env", "key_file_env", "disable_env", "service_type_env")


class RunOptions:
    """The options of ``envbake run``; ``None`` means "not given".

    A plain class, and Settings a NamedTuple, rather than dataclasses:
    importing :mod:`dataclasses` imports :mod:`inspect` and costs several
    milliseconds of every container's start-up.
    """

    def __init__(self) -> None:
        self.file: str | None = None
        self.command: list[str] = []
        self.override = False
        self.environment: str | None = None
        self.key_file: str | None = None
        self.plain_file: str | None = None
        self.key_env: str | None = None
        self.key_file_env: str | None = None
        self.disable_env: str | None = None
        self.service_type_env: str | None = None
        self.service_type: str | None = None
        self.max_size: int | None = None
        self.config: str | None = None
        self.verbose = False
        self.quiet = False


class Settings(NamedTuple):
    """The options after variables and defaults have filled the gaps."""

    file: str
    environment: str | None
    key_file: str | None
    plain_file: str | None
    key_env: str
    key_file_env: str
    disable_env: str
    service_type_env: str
    service_type: str | None


_VALUE_OPTIONS = {
    "--environment": "environment",
    "--key-file": "key_file",
    "--plain-file": "plain_file",
    "--key-env": "key_env",
    "--key-file-env": "key_file_env",
    "--disable-env": "disable_env",
    "--service-type-env": "service_type_env",
    "--service-type": "service_type",
    "--max-size": "max_size",
    "--config": "config",
}
_FLAG_OPTIONS = {
    "--override": "override",
    "-v": "verbose",
    "--verbose": "verbose",
    "-q": "quiet",
    "--quiet": "quiet",
}


def parse_arguments(arguments: list[str]) -> RunOptions:
    """Parse ``envbake run``'s arguments (those after ``run``).

    Raises:
        UsageError: an unknown option, a missing value, or no command.
    """
    options = RunOptions()
    if "--" not in arguments:
        raise UsageError("no command given: put -- before the command", USAGE)
    split = arguments.index("--")
    own, options.command = arguments[:split], arguments[split + 1 :]
    if not options.command or not options.command[0]:
        raise UsageError("no command given after --", USAGE)
    index = 0
    while index < len(own):
        argument = own[index]
        name, has_value, inline = argument.partition("=")
        if name in _VALUE_OPTIONS:
            if has_value:
                value = inline
            elif index + 1 < len(own):
                index += 1
                value = own[index]
            else:
                raise UsageError(f"{name} needs a value", USAGE)
            _set_value(options, _VALUE_OPTIONS[name], value)
        elif argument in _FLAG_OPTIONS:
            setattr(options, _FLAG_OPTIONS[argument], True)
        elif argument.startswith("-") and argument != "-":
            raise UsageError(f"unknown option {argument} for run", USAGE)
        elif options.file is None:
            options.file = argument
        else:
            raise UsageError(f"unexpected argument {argument!r} before --", USAGE)
        index += 1
    return options


def _set_value(options: RunOptions, attribute: str, value: str) -> None:
    if attribute == "max_size":
        from envbake import sealed

        try:
            options.max_size = sealed.parse_max_size(value)
        except ValueError:
            raise UsageError(
                "--max-size takes a whole number of bytes from 1 to "
                f"{sealed.MAX_SIZE_CEILING}",
                USAGE,
            ) from None
    else:
        setattr(options, attribute, value)


def resolve_settings(
    options: RunOptions,
    environ: Mapping[str, str],
    project: Mapping[str, str] | None = None,
) -> Settings:
    """Fill in what the flags left out from ``ENVBAKE_*`` variables, the
    settings file's ``[run]`` table (``project``) and defaults.

    A flag beats its ``ENVBAKE_*`` variable, which beats the settings
    file, which beats the default.

    Raises:
        InputError: a configured variable name is invalid, or the
            service-type gate has a variable name but no expected type.
    """
    project = project or {}
    configured: dict[str, str | None] = {}
    for attribute, variable in SETTING_VARIABLES.items():
        value = getattr(options, attribute)
        if value is None:
            value = environ.get(variable) or project.get(attribute) or None
        configured[attribute] = value
    for attribute in _NAME_SETTINGS:
        _check_variable_name(configured[attribute], attribute)
    key_env = configured["key_env"] or DEFAULT_KEY_ENV
    if configured["service_type_env"] and not configured["service_type"]:
        raise InputError(
            f"the service-type gate names the variable {configured['service_type_env']} "
            "but no service type to decrypt for",
            "add --service-type TYPE (or ENVBAKE_SERVICE_TYPE), or remove "
            "--service-type-env",
        )
    return Settings(
        file=configured["file"] or DEFAULT_FILE,
        environment=configured["environment"],
        key_file=options.key_file,
        plain_file=configured["plain_file"],
        key_env=key_env,
        key_file_env=configured["key_file_env"] or f"{key_env}_FILE",
        disable_env=configured["disable_env"] or DEFAULT_DISABLE_ENV,
        service_type_env=configured["service_type_env"] or DEFAULT_SERVICE_TYPE_ENV,
        service_type=configured["service_type"],
    )


def _project_settings(
    options: RunOptions, environ: Mapping[str, str]
) -> dict[str, str]:
    """Return the ``[run]`` settings of the settings file, if there is one."""
    path = options.config or environ.get(CONFIG_ENV)
    if not path and not os.path.isfile(CONFIG_FILE):
        return {}

    # Imported only here, where a settings file is read.
    from envbake import config

    if not path:
        if config.writable_by_all(os.curdir):
            # As in compose and seal: anyone could have left the file here.
            _output.write_line(
                f"ignoring {CONFIG_FILE} in the current folder: every user may "
                "write to the folder; give --config to use it"
            )
            return {}
        path = CONFIG_FILE
    return config.load_settings(path).run_settings()


def _check_variable_name(name: str | None, attribute: str) -> None:
    if name is not None:
        _keysource.check_variable_name(name, "--" + attribute.replace("_", "-"))


def main_fast(arguments: list[str]) -> int:
    """Parse the arguments and run; returns only on failure."""
    return execute(parse_arguments(arguments), runtime.inherited_environment())


def execute(options: RunOptions, environ: Mapping[str, str]) -> int:
    """Run the start-up sequence, then exec the command.

    Returns only by raising an :class:`envbake.errors.EnvbakeError`.
    """
    settings = resolve_settings(options, environ, _project_settings(options, environ))
    switch = environ.get(settings.disable_env, "")
    announce: Announce = _say_nothing
    if switch.lower() == "true":
        variables, announce = _plain_variables(settings, options)
    elif _gated_out(settings, environ):
        _log(
            options,
            f"decryption skipped: {settings.service_type_env} is not "
            f"{settings.service_type!r}",
        )
        variables = {}
    else:
        if switch and switch.lower() not in ("false", "0"):
            _log(
                options,
                f"{settings.disable_env} is set but not to true, so decryption "
                "stays on",
            )
        variables, announce = _decrypt(settings, options, environ)
    _start(options, settings, environ, variables, announce)
    raise AssertionError("exec_command returned")  # pragma: no cover


def _gated_out(settings: Settings, environ: Mapping[str, str]) -> bool:
    if settings.service_type is None:
        return False
    return environ.get(settings.service_type_env) != settings.service_type


def _say_nothing() -> None:
    pass


def _plain_variables(
    settings: Settings, options: RunOptions
) -> tuple[dict[str, str], Announce]:
    """Return the plain file's variables and the line that reports them."""
    switch = settings.disable_env
    path = settings.plain_file
    if not path:
        _log(
            options,
            f"decryption switched off by {switch}=true; no plain file configured",
        )
        return {}, _say_nothing
    if not os.path.exists(path):
        _log(
            options,
            f"decryption switched off by {switch}=true; the plain file {path} does not "
            "exist, so no variables were loaded",
        )
        return {}, _say_nothing
    from envbake import compose

    variables = compose.compose_files([path], environment=settings.environment)
    count = _output.count(len(variables), "variable")
    return variables, lambda: _log(
        options,
        f"decryption switched off by {switch}=true; loaded {count} "
        f"from the plain file {path}",
    )


def _decrypt(
    settings: Settings, options: RunOptions, environ: Mapping[str, str]
) -> tuple[dict[str, str], Announce]:
    """Return the sealed file's variables and the line that reports them."""
    from envbake import _keysource, sealed

    found = _keysource.require_key(
        environ,
        key_file=settings.key_file,
        variables=(settings.key_env, settings.key_file_env),
        hint=(
            f"set {settings.key_env} to the key, or {settings.key_file_env} to the "
            "path of a file that contains it; for local development without "
            f"encryption set {settings.disable_env}=true"
        ),
    )
    max_size = sealed.DEFAULT_MAX_SIZE if options.max_size is None else options.max_size
    text = sealed.read_sealed_file(settings.file, max_size=max_size)
    opened = sealed.open_text(
        text,
        found.text,
        max_size=max_size,
        expected_environment=settings.environment,
        source=settings.file,
        key_source=found.source,
    )
    count = _output.count(len(opened.variables), "variable")
    return opened.variables, lambda: _log(
        options,
        f"loaded {count} from {settings.file} ({opened.describe()})",
    )


def _start(
    options: RunOptions,
    settings: Settings,
    environ: Mapping[str, str],
    variables: Mapping[str, str],
    announce: Announce,
) -> None:
    removed = {settings.key_env, settings.key_file_env, *ALWAYS_REMOVED}
    dropped = sorted(removed.intersection(variables))
    if dropped:
        # Shown even with -q: the command will miss a variable it was given.
        _output.write_line(
            f"warning: {_names(dropped)} not passed to the command: the "
            "name is a key variable, which envbake never passes on"
        )
    merged = runtime.merge_environment(
        environ, variables, override=options.override, remove=removed
    )
    runtime.check_exec_size(options.command, merged)
    # Said only now, so that "loaded" is never followed by a failure.
    announce()
    if options.verbose and variables:
        _output.write_line(f"variables: {_names(sorted(variables))}")
        if not options.override:
            inherited_names = sorted(name for name in variables if name in environ)
            if inherited_names:
                _output.write_line(
                    f"already set, so not replaced: {_names(inherited_names)}"
                )
    runtime.exec_command(options.command, merged)


def _names(names: list[str]) -> str:
    """Join names for a message, quoting any that has a control character."""
    return ", ".join(name if name.isprintable() else repr(name) for name in names)


def _log(options: RunOptions, message: str) -> None:
    if not options.quiet:
        _output.write_line(message)


def add_parser(subparsers: Any, name: str) -> "argparse.ArgumentParser":
    """Describe the options for ``envbake run --help``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="decrypt the environment and exec a command with it",
        description=(
            "Decrypt FILE with the run-time key and replace envbake with "
            "COMMAND, whose environment gets the variables. Variables "
            "already set win unless --override is given, and the key "
            "variables are removed. Each option can also be set by the "
            "ENVBAKE_* variable named in its help; the option wins."
        ),
        usage=USAGE.removeprefix("usage: "),
    )
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=f"the sealed file (default: $ENVBAKE_FILE, else {DEFAULT_FILE})",
    )
    parser.add_argument(
        "--override", action="store_true", help="let the file's values win"
    )
    parser.add_argument(
        "--environment",
        metavar="NAME",
        help="reject a file sealed for another environment ($ENVBAKE_ENVIRONMENT)",
    )
    parser.add_argument(
        "--key-file",
        metavar="PATH",
        help="read the key from PATH ('-' for standard input) instead of the "
        "key variables",
    )
    parser.add_argument(
        "--key-env",
        metavar="NAME",
        help=f"the variable that contains the key (default: {DEFAULT_KEY_ENV}; "
        "$ENVBAKE_KEY_ENV)",
    )
    parser.add_argument(
        "--key-file-env",
        metavar="NAME",
        help="the variable that contains the path of a key file (default: the "
        "key variable's name with _FILE appended; $ENVBAKE_KEY_FILE_ENV)",
    )
    parser.add_argument(
        "--disable-env",
        metavar="NAME",
        help="the variable that switches decryption off when it is 'true' "
        f"(default: {DEFAULT_DISABLE_ENV}; $ENVBAKE_DISABLE_ENV)",
    )
    parser.add_argument(
        "--plain-file",
        metavar="PATH",
        help="the dotenv file to load when decryption is switched off, if it "
        "exists ($ENVBAKE_PLAIN_FILE)",
    )
    parser.add_argument(
        "--service-type",
        metavar="TYPE",
        help="decrypt only when the service-type variable equals TYPE "
        "($ENVBAKE_SERVICE_TYPE)",
    )
    parser.add_argument(
        "--service-type-env",
        metavar="NAME",
        help="the service-type variable (default: "
        f"{DEFAULT_SERVICE_TYPE_ENV}; $ENVBAKE_SERVICE_TYPE_ENV)",
    )
    parser.add_argument(
        "--max-size",
        metavar="BYTES",
        help="the largest decompressed plaintext to accept (default: 64 MiB)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help=f"the settings file whose [run] table to read (default: {CONFIG_FILE} "
        f"in the current folder, if present; ${CONFIG_ENV})",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list the names loaded"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing on success"
    )
    return parser


def main(options: "argparse.Namespace") -> int:
    """Reject a ``run`` that reached argparse: it always lacks ``--``."""
    raise UsageError("no command given: put -- before the command", USAGE)
