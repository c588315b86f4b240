"""``envbake inspect``: describe a sealed file without its key."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from envbake import _v1, _v2, sealed


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="show a file's format, mode, key id and sizes; needs no key",
        description=(
            "Describe a sealed file from its header and its metadata file "
            "(FILE.info), without decrypting anything."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the sealed file")
    return parser


def describe(path: str) -> dict[str, Any]:
    """Return what can be read from a sealed file without its key."""
    text = sealed.read_sealed_file(path)
    facts: dict[str, Any] = {"file": path, "size": len(text.encode("utf-8"))}
    if _v2.is_v2(text):
        header = _v2.parse_header(text, source=path)
        facts.update(format="v2", mode=header.mode, environment=header.environment)
        if header.mode == "siv":
            facts["key_id"] = header.key_field
        facts["payload_size"] = len(
            _v2.decode_payload(header.payload_text, source=path)
        )
    else:
        facts.update(format="v1", payload_size=len(_v1.node_base64_decode(text)))
    info_path = path + ".info"
    if os.path.exists(info_path):
        try:
            with open(info_path, encoding="utf-8") as handle:
                facts["info"] = json.load(handle)
        except (OSError, ValueError):
            facts["info"] = "unreadable"
    return facts


def main(options: argparse.Namespace) -> int:
    for name, value in describe(options.file).items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                sys.stdout.write(f"info.{inner}: {inner_value}\n")
        else:
            sys.stdout.write(f"{name}: {value}\n")
    return 0
