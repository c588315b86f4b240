"""``envbake key-id``: print the id of a key, which is not secret."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from envbake import _age, _keysource, keys
from envbake.commands import _common
from envbake.errors import KeyMissingError


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="print the id of the build key (not secret)",
        description=(
            "Print the 16-hex-digit id of the build key, or of the run-time "
            "key if no build key is set; for age identities, print the tag "
            "of each identity's recipient. The id reveals nothing about the "
            "key; pass it as a build argument to the sealing step so that a "
            "new key makes a new image layer."
        ),
    )
    _common.add_build_key_argument(parser)
    return parser


def main(options: argparse.Namespace) -> int:
    found = _keysource.find_key(
        os.environ, key_file=options.key_file, variables=_common.BUILD_KEY_VARIABLES
    ) or _keysource.find_key(
        os.environ, key_file=None, variables=_common.RUN_KEY_VARIABLES
    )
    if found is None:
        names = ", ".join((*_common.BUILD_KEY_VARIABLES, *_common.RUN_KEY_VARIABLES))
        raise KeyMissingError(
            f"no key: none of {names} is set, and no --key-file is given",
            _common.BUILD_KEY_HINT,
        )
    if keys.is_identity_text(found.text):
        # An age identity has no key id; the tag of its recipient is what
        # an age-mode header lists, so print one tag per identity.
        identities = _age.parse_identities(found.text, source=found.source)
        sys.stdout.write("".join(f"{tag}\n" for tag in identities.tags))
        return 0
    sys.stdout.write(
        keys.key_id(keys.parse_key(found.text, source=found.source)) + "\n"
    )
    return 0
