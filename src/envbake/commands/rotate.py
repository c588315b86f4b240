"""``envbake rotate``: open a sealed file and seal it again for a new key.

The current key is the run-time key (``--key-file``, ``ENVBAKE_KEY``,
``ENVBAKE_KEY_FILE``). The new key is the build key (``--new-key-file``,
``ENVBAKE_ENCRYPT_KEY``, ``ENVBAKE_ENCRYPT_KEY_FILE``), or age recipients
given with ``--recipient`` or ``--recipients-file``, which win over the
build key variables. The result is always v2, so a v1 file from the
earlier Node.js implementation can be moved to v2 this way. Nothing is
written unless the file opens and seals again, and the file and its
metadata file are each replaced atomically.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from envbake import _atomic, _keysource, _output, _v2, keys, sealed
from envbake.commands import _common, seal
from envbake.errors import InputError


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="re-encrypt a sealed file under a new key or new recipients",
        description=(
            "Open FILE with the current (run-time) key and seal the same "
            "variables again, in v2, with the new build key "
            f"(--new-key-file, ${_keysource.ENCRYPT_KEY_ENV} or "
            f"${_keysource.ENCRYPT_KEY_FILE_ENV}) or for new age recipients. "
            "FILE and FILE.info are replaced atomically, unless -o is given."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the sealed file to rotate")
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write the result to PATH (and PATH.info) instead of replacing FILE",
    )
    parser.add_argument(
        "--new-key-file",
        metavar="PATH",
        help=(
            "read the new key from PATH ('-' for standard input); default: "
            f"${_keysource.ENCRYPT_KEY_ENV}, or the file named by "
            f"${_keysource.ENCRYPT_KEY_FILE_ENV}"
        ),
    )
    seal.add_recipient_arguments(parser)
    parser.add_argument(
        "--environment",
        metavar="NAME",
        help=(
            "the environment to record in the result (default: FILE's own; "
            "v1 files record none)"
        ),
    )
    parser.add_argument(
        "--random-nonce",
        action="store_true",
        help="with a new symmetric key, add a random nonce (see envbake seal)",
    )
    _common.add_run_key_arguments(parser)
    return parser


def main(options: argparse.Namespace) -> int:
    if options.key_file == "-" and options.new_key_file == "-":
        raise InputError(
            "--key-file and --new-key-file cannot both read standard input"
        )
    recipients = seal.recipients_from_options(options)
    if recipients is not None and options.random_nonce:
        raise InputError("--random-nonce applies to a new symmetric key only")
    new_key = None if recipients is not None else _require_new_key(options)

    _, opened = _common.open_with_run_key(
        options.file,
        key_file=options.key_file,
        variables=_common.run_key_variables(options),
        max_size=options.max_size,
    )
    environment = options.environment
    if environment is None:
        environment = opened.environment or ""
        if opened.environment is None:
            _output.write_line(
                f"warning: {options.file} is a v1 file, which records no environment, "
                "so the result records none either; give --environment NAME to "
                "record one"
            )
    _v2.check_environment_name(environment)

    if new_key is not None:
        variables, text = _seal_for_key(opened, new_key, environment, options)
    else:
        variables = seal.drop_key_variables(
            opened.variables, "", recipients=recipients or ()
        )
        text = sealed.seal(
            variables,
            recipients=recipients,
            environment=environment,
            max_size=options.max_size,
        )

    output = options.output or options.file
    _atomic.reject_overwriting(output, _key_files(options, new_key))
    _, info = seal.write_sealed(
        output,
        text,
        variables=variables,
        environment=environment,
        recipients=recipients or (),
    )
    count = _output.count(len(variables), "variable")
    _output.write_line(
        f"rotated {count} from {options.file} "
        f"({opened.describe()}) into {output} ({seal.describe_info(info)})"
    )
    return 0


def _key_files(
    options: argparse.Namespace, new_key: _keysource.FoundKey | None
) -> list[tuple[str, str]]:
    """Return the key and recipients files read, which -o must not replace."""
    files = []
    if new_key is not None and new_key.path is not None:
        files.append((new_key.path, "the new key file"))
    _, key_file_env = _common.run_key_variables(options)
    key_file = options.key_file or os.environ.get(key_file_env)
    if key_file and key_file != "-":
        files.append((key_file, "the key file"))
    files.extend((path, "a recipients file") for path in options.recipients_file or ())
    return files


def _require_new_key(options: argparse.Namespace) -> _keysource.FoundKey:
    found = _keysource.require_key(
        os.environ,
        key_file=options.new_key_file,
        variables=_common.BUILD_KEY_VARIABLES,
        option="--new-key-file",
        hint=(
            f"set {_keysource.ENCRYPT_KEY_ENV} to the new key (make one "
            "with: envbake keygen), or give --new-key-file, or --recipient "
            "for age mode"
        ),
    )
    seal.reject_identity_as_build_key(found)
    return found


def _seal_for_key(
    opened: sealed.Opened,
    new_key: _keysource.FoundKey,
    environment: str,
    options: argparse.Namespace,
) -> tuple[dict[str, str], str]:
    """Seal the opened variables with a new symmetric key.

    Raises:
        InputError: the new key is invalid or is the current key.
    """
    new_bytes = keys.parse_key(new_key.text, source=new_key.source)
    if opened.key_id == keys.key_id(new_bytes):
        raise InputError(
            f"{new_key.source} is the key {options.file} is already sealed with "
            f"(key {opened.key_id})",
            f"make a new key with: envbake keygen, and put it in "
            f"{_keysource.ENCRYPT_KEY_ENV}",
        )
    variables = seal.drop_key_variables(opened.variables, new_key.text)
    text = sealed.seal(
        variables,
        new_bytes,
        environment=environment,
        random_nonce=options.random_nonce,
        max_size=options.max_size,
    )
    return variables, text
