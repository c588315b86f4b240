"""The v2 ``age`` mode: public-key recipients, so the build needs no secret.

A file in this mode reads::

    envbake:v2:age:<tags>:<environment>:<payload>

``<tags>`` lists one recipient tag per recipient, sorted and separated by
commas. A tag is the first 8 hex digits of SHA-256 of the recipient's
canonical text (``age1...`` in lower case). Tags are derived from public
keys only, so they reveal nothing secret. They let envbake name the
recipients a file expects when the identity given matches none of them,
before any decryption is tried, because an age file itself does not say
which recipients it was encrypted to.

The payload is base64url (no padding) of a standard binary age file
(https://age-encryption.org/v1, X25519 recipients), made by pyrage, so
``age --decrypt`` opens it as well. Its plaintext is the same compressed
JSON document as in ``siv`` mode, with the mode, the environment and the
tags repeated inside and compared with the header after decryption. The
age format authenticates the payload, but not the header around it, and
this comparison is what binds the two.

Identities (the private keys) come from the run-time key variable or key
file: one ``AGE-SECRET-KEY-1...`` per line, with blank lines and ``#``
comments allowed, as in the identity files of the ``age`` tool.

pyrage is imported only inside the functions that need it, so opening a
``siv`` file never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from envbake import _v2, keys
from envbake.errors import DamagedFileError, InputError, InvalidKeyError, WrongKeyError

MODE = "age"
TAG_LENGTH = 8
IDENTITY_PREFIX = keys.IDENTITY_PREFIX
RECIPIENT_PREFIX = "age1"

_KEY_FIELD = re.compile(r"[0-9a-f]{8}(,[0-9a-f]{8})*")
# Recipients are public, so one that looks like a recipient may be quoted
# in a message. Anything else is not quoted, in case it is a secret.
_QUOTABLE_RECIPIENT = re.compile(r"age1[0-9a-z]{1,100}")


class Identities(NamedTuple):
    """Parsed age identities and the tags of their recipients."""

    identities: tuple[Any, ...]
    tags: tuple[str, ...]


def recipient_tag(recipient: str) -> str:
    """Return the tag of a canonical recipient string (``age1...``)."""
    return keys.sha256_hex(recipient.encode("ascii"))[:TAG_LENGTH]


def parse_recipient(text: str, *, source: str) -> str:
    """Check one X25519 recipient and return its canonical text.

    Raises:
        InputError: ``text`` is not an X25519 recipient. The message quotes
            it only if it looks like a public key.
    """
    from pyrage import RecipientError, x25519

    stripped = text.strip()
    if stripped.upper().startswith(IDENTITY_PREFIX):
        raise InputError(
            f"{source} is an age identity (a private key), not a recipient",
            "give its public key, the age1... line that envbake keygen --age "
            "printed to standard error",
        )
    try:
        return str(x25519.Recipient.from_str(stripped))
    except RecipientError:
        shown = (
            f" {stripped!r}" if _QUOTABLE_RECIPIENT.fullmatch(stripped.lower()) else ""
        )
        raise InputError(
            f"{source}{shown} is not a valid age X25519 recipient",
            "recipients look like age1 followed by 58 letters and digits; "
            "make one with: envbake keygen --age",
        ) from None


#: The largest recipients file read: room for thousands of recipients.
MAX_RECIPIENTS_FILE_SIZE = 1024 * 1024


def read_recipients_file(path: str) -> list[str]:
    """Read a recipients file: one recipient a line, ``#`` comments allowed.

    Raises:
        InputError: the file cannot be read or a line is not a recipient.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_RECIPIENTS_FILE_SIZE + 1)
        if len(data) > MAX_RECIPIENTS_FILE_SIZE:
            raise InputError(
                f"recipients file {path} is larger than "
                f"{MAX_RECIPIENTS_FILE_SIZE} bytes",
                "give a file with one age1... recipient per line",
            )
        # A byte-order mark, as some editors write, is not part of a line.
        lines = data.decode("utf-8").removeprefix("\ufeff").splitlines()
    except FileNotFoundError:
        raise InputError(
            f"recipients file {path} not found", "check the path, or give --recipient"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise InputError(f"cannot read recipients file {path}: {reason}") from None
    recipients = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            recipients.append(
                parse_recipient(stripped, source=f"{path}, line {number}")
            )
    if not recipients:
        raise InputError(
            f"recipients file {path} lists no recipient",
            "add one age1... recipient per line (# starts a comment)",
        )
    return recipients


def key_field(recipients: Iterable[str]) -> str:
    """Return the header's key field for canonical recipient strings."""
    return ",".join(sorted({recipient_tag(r) for r in recipients}))


def parse_identities(text: str, *, source: str) -> Identities:
    """Parse age identities from key text.

    Raises:
        InvalidKeyError: a line is not an X25519 identity, or there is
            none. The message gives the line number, never its text.
    """
    from pyrage import IdentityError, x25519

    identities = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            identities.append(x25519.Identity.from_str(stripped))
        except (IdentityError, UnicodeError):
            # A byte that is not UTF-8 reaches Python as a lone surrogate,
            # which cannot be passed on to pyrage.
            raise InvalidKeyError(
                f"{source}, line {number}, is not a valid age X25519 identity",
                "identities look like AGE-SECRET-KEY-1 followed by 58 letters "
                "and digits; make one with: envbake keygen --age",
            ) from None
    if not identities:
        raise InvalidKeyError(
            f"{source} contains no age identity", "make one with: envbake keygen --age"
        )
    tags = tuple(recipient_tag(str(identity.to_public())) for identity in identities)
    return Identities(tuple(identities), tags)


def seal_age(
    variables: Mapping[str, str],
    recipients: Sequence[str],
    *,
    environment: str,
    max_size: int = _v2.DEFAULT_MAX_SIZE,
) -> str:
    """Encrypt ``variables`` to every recipient and return the file text.

    Args:
        variables: The checked names and values.
        recipients: X25519 recipients (``age1...``), at least one.
        environment: The environment's name, recorded in the header.
        max_size: The largest plaintext to seal, in bytes.

    Raises:
        InputError: no recipient, or one that is invalid, or a plaintext
            over ``max_size``.
    """
    import pyrage
    from pyrage import x25519

    if not recipients:
        raise InputError("no age recipient given", "give at least one --recipient")
    canonical = sorted(
        {
            parse_recipient(r, source=f"recipient {i}")
            for i, r in enumerate(recipients, 1)
        }
    )
    tags = key_field(canonical)
    header = _v2.build_header(MODE, tags, environment)
    plaintext = _v2.plaintext_document(
        variables, mode=MODE, environment=environment, key_field=tags, max_size=max_size
    )
    payload = pyrage.encrypt(
        plaintext, [x25519.Recipient.from_str(r) for r in canonical]
    )
    return header + _v2.encode_payload(payload) + "\n"


def header_tags(header: _v2.Header, *, source: str) -> tuple[str, ...]:
    """Return the recipient tags of an ``age`` mode header.

    Raises:
        DamagedFileError: the key field is not a list of tags.
    """
    if not _KEY_FIELD.fullmatch(header.key_field):
        raise DamagedFileError(f"{source} is truncated or modified", _v2.DAMAGED_HINT)
    return tuple(header.key_field.split(","))


def open_age(
    header: _v2.Header,
    key_text: str,
    *,
    max_size: int,
    source: str,
    key_source: str,
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Verify and decrypt an ``age`` mode file.

    Returns:
        The variables, and the tags of the given identities that the file
        was sealed for.

    Raises:
        WrongKeyError: no identity given matches a recipient of the file.
        InvalidKeyError: ``key_text`` is neither identities nor a key.
        DamagedFileError: the file fails any later check.
    """
    expected = header_tags(header, source=source)
    expected_text = name_recipients(expected)
    if not keys.is_identity_text(key_text):
        _reject_non_identity(key_text, source, key_source, expected_text)
    identities = parse_identities(key_text, source=key_source)
    matching = tuple(tag for tag in identities.tags if tag in expected)
    if not matching:
        raise WrongKeyError(
            f"wrong key: {source} is sealed for the age "
            f"{expected_text}; {key_source} contains identities for "
            f"{name_recipients(identities.tags)} only",
            "give the identity of one of those recipients; envbake inspect "
            "shows the recipients of a file",
        )
    import pyrage

    payload = _v2.decode_payload(header.payload_text, source=source)
    try:
        compressed = pyrage.decrypt(payload, list(identities.identities))
    except pyrage.DecryptError:
        # An identity matched a tag, so a failure here means the payload
        # was changed, not that the key is wrong.
        raise DamagedFileError(
            f"{source} was modified or truncated: it fails authentication",
            _v2.DAMAGED_HINT,
        ) from None
    variables = _v2.read_plaintext(
        compressed,
        header=header,
        max_size=max_size,
        source=source,
        key_field=header.key_field,
    )
    return variables, matching


def _reject_non_identity(
    key_text: str, source: str, key_source: str, expected_text: str
) -> None:
    try:
        keys.parse_key(key_text, source=key_source)
    except InvalidKeyError:
        raise InvalidKeyError(
            f"{key_source} is not an age identity, but {source} is sealed for "
            f"the age {expected_text}",
            "give an AGE-SECRET-KEY-1... identity of one of those recipients",
        ) from None
    raise WrongKeyError(
        f"wrong key: {source} is sealed for the age {expected_text}; "
        f"{key_source} is a symmetric key",
        "give the age identity of one of those recipients",
    )


def name_recipients(tags: Sequence[str]) -> str:
    """Return ``recipient 1a2b3c4d`` or ``recipients 1a2b3c4d, 5e6f7a8b``."""
    noun = "recipient" if len(tags) == 1 else "recipients"
    return f"{noun} {', '.join(tags)}"
