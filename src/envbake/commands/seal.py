"""``envbake seal``: compose dotenv files and encrypt them into one file."""

from __future__ import annotations

import argparse
import binascii
import json
import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from envbake import _atomic, _keysource, _output, _v2, keys, sealed
from envbake.commands import _common
from envbake.commands import compose as compose_command
from envbake.errors import InputError, InvalidKeyError, UsageError

DEFAULT_OUTPUT = "env.encrypted"
INFO_SUFFIX = ".info"


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help="compose dotenv files and encrypt them",
        description=(
            "Read dotenv files (a later file's value wins), encrypt the "
            "variables with the build key, or for age recipients, and write "
            "the sealed file and its metadata file (FILE.info) atomically."
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
    parser.add_argument(
        "--max-size",
        type=_common.max_size_argument,
        default=sealed.DEFAULT_MAX_SIZE,
        metavar="BYTES",
        help=(
            "the largest plaintext to seal (default: 64 MiB, what the other "
            "commands accept unless given the same option)"
        ),
    )
    compose_command.add_settings_arguments(parser)
    _common.add_build_key_argument(parser)
    add_recipient_arguments(parser)
    return parser


def add_recipient_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--recipient`` and ``--recipients-file`` (the v2 ``age`` mode)."""
    parser.add_argument(
        "--recipient",
        "-r",
        action="append",
        default=[],
        metavar="AGE1...",
        help=(
            "seal in age mode for this age X25519 recipient (a public key) "
            "instead of with a symmetric key; repeat for more"
        ),
    )
    parser.add_argument(
        "--recipients-file",
        "-R",
        action="append",
        default=[],
        metavar="PATH",
        help=(
            "seal in age mode for every recipient listed in PATH, one a line "
            "('#' starts a comment); repeatable"
        ),
    )


def recipients_from_options(options: argparse.Namespace) -> list[str] | None:
    """Return the age recipients given on the command line, or None."""
    if not options.recipient and not options.recipients_file:
        return None
    from envbake import _age

    recipients = [
        _age.parse_recipient(text, source=f"--recipient {index}")
        for index, text in enumerate(options.recipient, start=1)
    ]
    for path in options.recipients_file:
        recipients.extend(_age.read_recipients_file(path))
    return recipients


def main(options: argparse.Namespace) -> int:
    if options.format == "v1" and options.random_nonce:
        raise UsageError(
            "--random-nonce has no effect with --format v1",
            "v1 files take their IV from the content, as the Node.js "
            "implementation did; drop one of the two options",
        )
    composed = compose_command.compose_from_options(options)
    key_names = compose_command.build_key_variables(composed.settings)
    left_out = (*key_names, *_common.BUILD_KEY_VARIABLES)
    options.output = options.output or composed.settings.output
    variables = composed.variables
    recipients = recipients_from_options(options)
    key_path: str | None = None
    if recipients is not None:
        if options.format != "v2" or options.random_nonce:
            raise UsageError(
                "--recipient and --recipients-file take neither --format v1 nor "
                "--random-nonce",
                "age mode files are always v2, with a new random file key each time",
            )
        variables = drop_key_variables(
            variables, "", recipients=recipients, names=left_out
        )
        text = sealed.seal(
            variables,
            recipients=recipients,
            environment=options.environment,
            max_size=options.max_size,
        )
    else:
        found = _keysource.require_key(
            os.environ,
            key_file=options.key_file,
            variables=key_names,
            hint=_common.BUILD_KEY_HINT + ", or give --recipient for age mode",
        )
        reject_identity_as_build_key(found)
        key_path = found.path
        variables = drop_key_variables(variables, found.text, names=left_out)

        text = sealed.seal(
            variables,
            found.text,
            environment=options.environment,
            format=options.format,
            random_nonce=options.random_nonce,
            key_source=found.source,
            max_size=options.max_size,
        )
    _atomic.reject_overwriting(options.output, _files_read(composed, options, key_path))
    data, info = write_sealed(
        options.output,
        text,
        variables=variables,
        environment=options.environment,
        recipients=recipients or (),
    )

    warn_about_long_variables(variables)
    plain_size = len(json.dumps(variables, ensure_ascii=False).encode("utf-8"))
    count = _output.count(len(variables), "variable")
    _output.write_line(
        f"sealed {count} ({plain_size} bytes of JSON, "
        f"{len(data)} bytes sealed) into {options.output} ({describe_info(info)})"
    )
    return 0


def _files_read(
    composed: compose_command.Composed,
    options: argparse.Namespace,
    key_path: str | None,
) -> list[tuple[str, str]]:
    """Return every file that sealing read: inputs, key, recipients, settings."""
    files = [(path, "an input file") for path in options.input or ()]
    for variable in composed.composition.variables.values():
        for entry in (variable.source, *variable.overridden):
            files.append((entry.path, "an input file"))
    if key_path is not None:
        files.append((key_path, "the key file"))
    for path in options.recipients_file or ():
        files.append((path, "a recipients file"))
    if composed.settings.source is not None:
        files.append((str(composed.settings.source), "the settings file"))
    return list(dict.fromkeys(files))


def warn_about_long_variables(variables: Mapping[str, str]) -> None:
    """Warn about each variable that ``envbake run`` can never pass on.

    Linux takes at most ``MAX_ARG_STRLEN`` bytes for one ``NAME=value``
    string, so such a file stops every container at start. It is not an
    error, because ``export`` and ``decrypt`` can still write the value.
    """
    from envbake.runtime import MAX_ARG_STRLEN, variable_size

    for name, value in variables.items():
        if 4 * (len(name) + len(value)) + 2 <= MAX_ARG_STRLEN:
            continue  # within the limit even at 4 bytes a character
        size = variable_size(name, value)
        if size > MAX_ARG_STRLEN:
            _output.write_line(
                f"warning: {name} is {size} bytes as NAME=value, over the "
                f"kernel's limit of {MAX_ARG_STRLEN} bytes for one variable, "
                "so envbake run will stop with exit status 10; put the value in "
                "a file, or read it with envbake export or decrypt"
            )


def reject_identity_as_build_key(found: _keysource.FoundKey) -> None:
    """Raise :class:`InputError` if the build key is an age identity.

    The message names the identity's recipient, which is public, because
    that is what sealing in age mode needs.
    """
    if not keys.is_identity_text(found.text):
        return
    from envbake import _age

    identities = _age.parse_identities(found.text, source=found.source)
    recipients = " ".join(
        f"--recipient {identity.to_public()}" for identity in identities.identities
    )
    raise InputError(
        f"{found.source} contains an age identity, which is a run-time key",
        f"seal for its recipient instead: {recipients}",
    )


def write_sealed(
    path: str,
    text: str,
    *,
    variables: Mapping[str, str],
    environment: str,
    recipients: Sequence[str] = (),
) -> tuple[bytes, dict[str, Any]]:
    """Write a sealed file and its metadata file.

    Both files are written in full before either replaces what was there,
    so a failure leaves the old pair as it was.

    Returns:
        The sealed file's bytes and the metadata written beside it.
    """
    data = text.encode("ascii")
    info = metadata(
        data,
        variables=variables,
        environment=environment,
        text=text,
        recipients=recipients,
    )
    info_data = (json.dumps(info, indent=2) + "\n").encode("utf-8")
    _atomic.write_atomic_many(
        [(path, data), (path + INFO_SUFFIX, info_data)], mode=0o644
    )
    return data, info


def describe_info(info: Mapping[str, Any]) -> str:
    """Return ``v2, key 3f9a...``, ``v2, age recipients ...`` or ``v1``."""
    if info.get("key_id"):
        return f"{info['format']}, key {info['key_id']}"
    if info.get("recipient_tags"):
        from envbake import _age

        return f"{info['format']}, age {_age.name_recipients(info['recipient_tags'])}"
    return str(info["format"])


def drop_key_variables(
    variables: Mapping[str, str],
    key_text: str,
    *,
    recipients: Sequence[str] = (),
    names: Collection[str] = _common.BUILD_KEY_VARIABLES,
) -> dict[str, str]:
    """Leave out the build key variables ``names`` and any variable holding
    the key.

    In age mode (``recipients`` given) there is no secret build key, so a
    variable is left out if it contains an age identity of one of the
    recipients: the key that opens the file must not travel inside it.
    A warning names each variable left out, never its value.
    """
    is_key = _key_check(key_text)
    opens_file = _identity_check(recipients)
    # Whatever is_key finds in one value it also finds in all of them
    # joined, so one scan in C clears the common case of no key anywhere.
    key = key_text.strip()
    joined = "\0".join(variables.values())
    if (
        not recipients
        and set(names).isdisjoint(variables)
        and not (key and key in joined)
        and not is_key(joined)
    ):
        return dict(variables)
    kept: dict[str, str] = {}
    for name, value in variables.items():
        if name in names or is_key(value):
            _output.write_line(
                f"warning: {name} contains the encryption key and is left "
                "out of the sealed file"
            )
            continue
        if opens_file(value):
            _output.write_line(
                f"warning: {name} contains the age identity of a recipient "
                "and is left out of the sealed file"
            )
            continue
        kept[name] = value
    return kept


def _key_check(key_text: str) -> Callable[[str], bool]:
    """Return a test of whether a value is or contains the build key.

    A v2 key is looked for in every spelling that envbake reads (base64
    with or without padding, base64url, hex in either case), also inside
    a longer value such as a URL. A v1 pass phrase is looked for inside
    values only from 16 characters on, so that a short one does not match
    ordinary words.
    """
    key = key_text.strip()
    if not key:
        return lambda value: False
    try:
        key_bytes: bytes | None = keys.parse_key(key)
    except InvalidKeyError:
        key_bytes = None
    spellings = {key} if key_bytes is not None or len(key) >= 16 else set()
    hex_key = None
    if key_bytes is not None:
        standard = binascii.b2a_base64(key_bytes, newline=False).decode("ascii")
        url_safe = standard.replace("+", "-").replace("/", "_")
        spellings |= {standard, standard.rstrip("="), url_safe, url_safe.rstrip("=")}
        # envbake reads hex in any mix of cases, so it is compared in one.
        hex_key = key_bytes.hex()

    def is_key(value: str) -> bool:
        return (
            value.strip() == key
            or any(spelling in value for spelling in spellings)
            or (hex_key is not None and hex_key in value.lower())
        )

    return is_key


def _identity_check(recipients: Sequence[str]) -> Callable[[str], bool]:
    """Return a test of whether a value contains an identity of ``recipients``."""
    if not recipients:
        return lambda value: False
    from envbake import _age

    tags = {_age.recipient_tag(recipient) for recipient in recipients}

    def opens_file(value: str) -> bool:
        if not keys.is_identity_text(value):
            return False
        try:
            held = _age.parse_identities(value, source="a variable")
        except InvalidKeyError:
            return False
        return not tags.isdisjoint(held.tags)

    return opens_file


def metadata(
    data: bytes,
    *,
    variables: Mapping[str, str],
    environment: str,
    text: str,
    recipients: Sequence[str] = (),
) -> dict[str, Any]:
    """Return the metadata file's fields: no values, nothing secret.

    In age mode the fields include the recipients (public keys) and their
    tags, so that an operator can tell which platform has which identity.

    ``created`` honours ``SOURCE_DATE_EPOCH`` so that builds can be
    reproduced byte for byte.
    """
    created = _creation_time(os.environ.get("SOURCE_DATE_EPOCH"))
    is_v2 = _v2.is_v2(text)
    info: dict[str, Any] = {
        "created": created,
        "environment": environment,
        "variables": len(variables),
        "format": "v2" if is_v2 else "v1",
    }
    if is_v2:
        header = _v2.parse_header(text, source="the sealed file")
        info["mode"] = header.mode
        if header.mode == "siv":
            info["key_id"] = header.key_field
        elif header.mode == "age":
            info["recipient_tags"] = header.key_field.split(",")
            if recipients:
                info["recipients"] = sorted(set(recipients))
    info["sha256"] = keys.sha256_hex(data)
    return info


def _creation_time(epoch: str | None) -> str:
    """Return the ISO 8601 creation time: ``SOURCE_DATE_EPOCH`` if set, else now.

    Raises:
        InputError: ``SOURCE_DATE_EPOCH`` is not a Unix time in seconds.
    """
    if not epoch:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    try:
        if not epoch.isascii() or not epoch.isdigit():
            raise ValueError(epoch)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"SOURCE_DATE_EPOCH is {epoch!r}, not a Unix time in seconds",
            "set it to a whole number of seconds, such as $(git log -1 --format=%ct)",
        ) from None
