"""``envbake seal``: compose dotenv files and encrypt them into one file."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Collection, Mapping
from typing import Any

from envbake import _atomic, _keysource, _v2, sealed
from envbake.commands import _common
from envbake.commands import compose as compose_command

DEFAULT_OUTPUT = "env.encrypted"
INFO_SUFFIX = ".info"


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="compose dotenv files and encrypt them",
        description=(
            "Read dotenv files (a later file's value wins), encrypt the "
            "variables with the build key and write the sealed file and its "
            "metadata file (FILE.info) atomically."
        ),
    )
    compose_command.add_input_arguments(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=(
            "where to write the sealed file (default: the output setting, "
            f"else {DEFAULT_OUTPUT})"
        ),
    )
    parser.add_argument(
        "--format",
        choices=sealed.FORMATS,
        default="v2",
        help="v2 (default), or v1 for the earlier Node.js implementation",
    )
    parser.add_argument(
        "--random-nonce",
        action="store_true",
        help=(
            "add a random nonce, so that sealing the same variables twice "
            "gives different files (and a new image layer every build)"
        ),
    )
    compose_command.add_settings_arguments(parser)
    _common.add_build_key_argument(parser)
    return parser


def main(options: argparse.Namespace) -> int:
    composed = compose_command.compose_from_options(options)
    key_names = compose_command.build_key_variables(composed.settings)
    options.output = options.output or composed.settings.output
    found = _keysource.require_key(
        os.environ,
        key_file=options.key_file,
        variables=key_names,
        hint=_common.BUILD_KEY_HINT,
    )
    variables = drop_key_variables(
        composed.variables, found.text, names=(*key_names, *_common.BUILD_KEY_VARIABLES)
    )

    text = sealed.seal(
        variables,
        found.text,
        environment=options.environment,
        format=options.format,
        random_nonce=options.random_nonce,
    )
    data = text.encode("ascii")
    _atomic.write_atomic(options.output, data, mode=0o644)

    info = metadata(
        data, variables=variables, environment=options.environment, text=text
    )
    _atomic.write_atomic(
        options.output + INFO_SUFFIX,
        (json.dumps(info, indent=2) + "\n").encode("utf-8"),
        mode=0o644,
    )

    plain_size = len(json.dumps(variables, ensure_ascii=False).encode("utf-8"))
    described = (
        f"{info['format']}, key {info['key_id']}"
        if info.get("key_id")
        else info["format"]
    )
    sys.stderr.write(
        f"envbake: sealed {len(variables)} variables ({plain_size} bytes of JSON, "
        f"{len(data)} bytes sealed) into {options.output} ({described})\n"
    )
    return 0


def drop_key_variables(
    variables: Mapping[str, str],
    key_text: str,
    *,
    names: Collection[str] = _common.BUILD_KEY_VARIABLES,
) -> dict[str, str]:
    """Leave out the build key variables ``names`` and any variable holding
    the key.

    A warning names each variable left out, never its value.
    """
    key = key_text.strip()
    kept: dict[str, str] = {}
    for name, value in variables.items():
        if name in names or (key and value.strip() == key):
            sys.stderr.write(
                f"envbake: warning: {name} holds the encryption key and is left "
                "out of the sealed file\n"
            )
            continue
        kept[name] = value
    return kept


def metadata(
    data: bytes, *, variables: Mapping[str, str], environment: str, text: str
) -> dict[str, Any]:
    """Return the metadata file's fields: no values, nothing secret.

    ``created`` honours ``SOURCE_DATE_EPOCH`` so that builds can be
    reproduced byte for byte.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    created = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    is_v2 = _v2.is_v2(text)
    info: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
        "environment": environment,
        "variables": len(variables),
        "format": "v2" if is_v2 else "v1",
    }
    if is_v2:
        header = _v2.parse_header(text, source="the sealed file")
        info["mode"] = header.mode
        if header.mode == "siv":
            info["key_id"] = header.key_field
    info["sha256"] = hashlib.sha256(data).hexdigest()
    return info
