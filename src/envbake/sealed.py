"""Seal variables into file text and open it again, in every format.

This module is the stable entry point to the formats: it picks v1 or v2
from the text, checks keys and variable names, and turns every failure into
an :mod:`envbake.errors` exception. Cryptography is imported only when a
function needs it, so importing this module stays cheap.
"""

# Annotations are evaluated here (no ``from __future__ import annotations``):
# typing would compile string ones in NamedTuple fields, about 1 ms a start.

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from envbake import _v2, keys
from envbake.errors import (
    DamagedFileError,
    EnvironmentMismatchError,
    InputError,
    SealedFileNotFoundError,
    UnsupportedFormatError,
)

#: Default limit on a decompressed plaintext, in bytes. A hostile file
#: cannot make envbake allocate more than this.
DEFAULT_MAX_SIZE = _v2.DEFAULT_MAX_SIZE

#: The largest limit ``--max-size`` accepts (1 TiB), far beyond memory.
MAX_SIZE_CEILING = 2**40

FORMATS = ("v2", "v1")


def parse_max_size(text: str) -> int:
    """Parse a ``--max-size`` value: a whole number of bytes, 1 to 1 TiB.

    Raises:
        ValueError: ``text`` is not such a number.
    """
    if (
        not text.isascii()
        or not text.isdigit()
        or not 0 < int(text) <= MAX_SIZE_CEILING
    ):
        raise ValueError(
            f"--max-size takes a whole number of bytes from 1 to {MAX_SIZE_CEILING}"
        )
    return int(text)


class Opened(NamedTuple):
    """The variables of an opened file and the fields of its header.

    Attributes:
        variables: The variables, in the order the file stores them.
        format: ``"v2"`` or ``"v1"``.
        mode: ``"siv"`` or ``"age"`` for v2 files, ``"v1"`` for v1 files.
        key_id: The v2 key id, or ``None`` for other modes.
        environment: The environment the file was sealed for, or ``None``
            for v1 files, which do not record one.
        recipients: In ``age`` mode, the tags of the recipients whose
            identities opened the file; empty in other modes.
    """

    variables: dict[str, str]
    format: str
    mode: str
    key_id: str | None
    environment: str | None
    recipients: tuple[str, ...] = ()

    def describe(self) -> str:
        """Return a short description such as ``v2, key 3f9a...``."""
        if self.key_id:
            return f"{self.format}, key {self.key_id}"
        if self.recipients:
            return f"{self.format}, age recipient {', '.join(self.recipients)}"
        if self.format == "v2":
            return f"{self.format}, {self.mode}"
        return self.format

    def __repr__(self) -> str:
        # The default repr would put every secret value into logs and
        # tracebacks, so it lists the names only.
        return (
            f"Opened(names={list(self.variables)!r}, format={self.format!r}, "
            f"mode={self.mode!r}, key_id={self.key_id!r}, "
            f"environment={self.environment!r}, recipients={self.recipients!r})"
        )


def check_variables(variables: Mapping[str, str]) -> None:
    """Check that every name and value can be put in a process environment.

    Names must be non-empty and contain no ``=`` or NUL; values must be
    strings without NUL. Both must be valid Unicode (no lone surrogates,
    which JSON can encode but UTF-8 cannot). Errors name the variable,
    never its value.

    Raises:
        InputError: a name or value is invalid.
    """
    for name, value in variables.items():
        if (
            not isinstance(name, str)
            or not name
            or "=" in name
            or "\0" in name
            or not _is_unicode(name)
        ):
            shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
            raise InputError(
                f"invalid variable name {shown!r}",
                "names must be non-empty valid Unicode with no '=' or NUL character",
            )
        if not isinstance(value, str):
            raise InputError(f"the value of {name} is not a string")
        if "\0" in value:
            raise InputError(
                f"the value of {name} contains a NUL character, which a process "
                "environment cannot carry",
            )
        if not _is_unicode(value):
            raise InputError(
                f"the value of {name} is not valid Unicode (it contains a lone "
                "surrogate)",
                "seal the value again from UTF-8 text",
            )


def _check_unicode(variables: Mapping[str, str], *, source: str) -> None:
    """Raise :class:`InputError` if a name or value has a lone surrogate.

    JSON can encode such text (Node.js writes it for a broken string), but
    no program can print or pass it on as UTF-8.
    """
    # One encode of all the text runs in C; only a failure pays for the
    # loop that finds the variable to name.
    everything = "".join([*variables, *variables.values()])
    if everything.isascii() or _is_unicode(everything):
        return
    for name, value in variables.items():
        if not _is_unicode(name) or not _is_unicode(value):
            shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
            raise InputError(
                f"{source}: the variable {shown!r} is not valid Unicode (it "
                "contains a lone surrogate)",
                "seal the environment again from UTF-8 text",
            )


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def seal(
    variables: Mapping[str, str],
    key: str | bytes | None = None,
    *,
    recipients: Sequence[str] | None = None,
    environment: str = "",
    format: str = "v2",
    random_nonce: bool = False,
    key_source: str = "the key",
    max_size: int = DEFAULT_MAX_SIZE,
) -> str:
    """Encrypt ``variables`` and return the text of a sealed file.

    Give either ``key`` (the symmetric ``siv`` mode, or v1) or
    ``recipients`` (the v2 ``age`` mode), not both.

    Args:
        variables: The names and values to seal.
        key: For v2, the key's text (see :func:`envbake.keys.parse_key`) or
            its 32 bytes. For v1, the key string as the Node.js
            implementation took it (any text).
        recipients: age X25519 recipients (``age1...``), public keys whose
            identities can open the file.
        environment: The environment's name, recorded in the v2 header.
        format: ``"v2"`` (the default) or ``"v1"``.
        random_nonce: For v2 ``siv`` mode, add a random nonce, so that
            sealing the same variables twice gives different files. ``age``
            mode files always differ.
        key_source: How to name the key in messages (such as the variable
            it came from).
        max_size: The largest plaintext to seal, in bytes: by default the
            limit that opening applies, so that no file is sealed that
            ``envbake run`` would then reject.

    Raises:
        InputError: invalid variables, key text, recipients or environment
            name, or both or neither of ``key`` and ``recipients``.
    """
    check_variables(variables)
    if recipients is not None:
        if key is not None:
            raise InputError("give either a key or age recipients, not both")
        if format != "v2":
            raise InputError("age recipients need the v2 format")
        from envbake import _age

        return _age.seal_age(
            variables, recipients, environment=environment, max_size=max_size
        )
    if key is None:
        raise InputError("no key given", "give a key or age recipients")
    if format == "v1":
        if isinstance(key, bytes):
            raise InputError("a v1 key must be given as text")
        from envbake import _v1

        return _v1.seal(variables, key, max_size=max_size)
    if format != "v2":
        raise InputError(f"unknown format {format!r}", "use v2 or v1")
    key_bytes = (
        key if isinstance(key, bytes) else keys.parse_key(key, source=key_source)
    )
    if len(key_bytes) != keys.KEY_SIZE:
        raise InputError(f"a key must be {keys.KEY_SIZE} bytes")
    return _v2.seal_siv(
        variables,
        key_bytes,
        environment=environment,
        random_nonce=random_nonce,
        max_size=max_size,
    )


def open_text(
    text: str,
    key: str | bytes,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    expected_environment: str | None = None,
    source: str = "the file",
    key_source: str = "the key given",
) -> Opened:
    """Verify and decrypt the text of a sealed file.

    Args:
        text: The whole file.
        key: The key's text, or for v2 ``siv`` mode its 32 bytes. For
            ``age`` mode, the text of one or more age identities.
        max_size: The limit on the decompressed plaintext, in bytes.
        expected_environment: If given, a file sealed for another
            environment is rejected.
        source: How to name the file in messages.
        key_source: How to name the key in messages (such as the variable
            it came from).

    Raises:
        WrongKeyError: the key does not open the file.
        DamagedFileError: the file is modified, truncated or damaged.
        UnsupportedFormatError: the file's version or mode is not known.
        EnvironmentMismatchError: the file was sealed for another
            environment than ``expected_environment``.
        InputError: the key's text is invalid.

    Opening does not check names and values against what a process
    environment can carry, because v1 files may contain NUL characters.
    Starting a command checks them, in :func:`envbake.runtime.check_exec_size`.
    """
    if not text.strip():
        raise DamagedFileError(
            f"{source} is empty",
            "copy the sealed file again from the build output, or seal it again",
        )
    if _v2.is_v2(text):
        opened = _open_v2(text, key, max_size, source, key_source)
    elif ":" in text[:16]:
        # v1 files are base64 and never contain a colon near the start, so
        # this is an envbake header whose first field was changed.
        raise DamagedFileError(f"{source} is truncated or modified", _v2.DAMAGED_HINT)
    else:
        if isinstance(key, bytes):
            raise InputError("a v1 key must be given as text")
        # Imported here so that opening a v2 file does not load it.
        from envbake import _v1

        variables = _v1.open_blob(text, key, max_size=max_size, source=source)
        opened = Opened(variables, "v1", "v1", None, None)
    _check_unicode(opened.variables, source=source)
    if expected_environment is not None:
        check_environment(opened, expected_environment, source=source)
    return opened


def _open_v2(
    text: str, key: str | bytes, max_size: int, source: str, key_source: str
) -> Opened:
    header = _v2.parse_header(text, source=source)
    if header.mode == "age":
        if isinstance(key, bytes):
            raise InputError(
                f"{source} is sealed in age mode: give the identities' text, "
                "not key bytes"
            )
        from envbake import _age

        variables, tags = _age.open_age(
            header, key, max_size=max_size, source=source, key_source=key_source
        )
        return Opened(variables, "v2", "age", None, header.environment, tags)
    if header.mode != "siv":
        raise UnsupportedFormatError(
            f"{source} is sealed in {header.mode} mode, which this envbake cannot open",
            "upgrade envbake",
        )
    key_bytes = (
        key if isinstance(key, bytes) else keys.parse_key(key, source=key_source)
    )
    variables = _v2.open_siv(
        header, key_bytes, max_size=max_size, source=source, key_source=key_source
    )
    return Opened(variables, "v2", "siv", header.key_field, header.environment)


def check_environment(opened: Opened, expected: str, *, source: str) -> None:
    """Raise :class:`EnvironmentMismatchError` unless ``opened`` is for ``expected``."""
    if opened.environment is None:
        raise EnvironmentMismatchError(
            f"{source} is a v1 file, which records no environment, but "
            f"environment {expected!r} was expected",
            "rotate the file to v2, or do not set an expected environment",
        )
    if opened.environment != expected:
        sealed_for = (
            f"was sealed for environment {opened.environment!r}"
            if opened.environment
            else "was sealed without an environment name"
        )
        raise EnvironmentMismatchError(
            f"{source} {sealed_for}, not for {expected!r}",
            "deploy the image built for this environment",
        )


def read_sealed_file(path: str, *, max_size: int = DEFAULT_MAX_SIZE) -> str:
    """Read a sealed file's text.

    A sealed file is never larger than its compressed plaintext in base64
    plus a header, so reading stops past twice ``max_size``.

    Raises:
        SealedFileNotFoundError: the file does not exist or cannot be read.
        DamagedFileError: the file is larger than any file within
            ``max_size`` can be.
    """
    limit = 2 * max_size + 4096
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        if keys.looks_like_key(path):
            # A key put in ENVBAKE_FILE or given as FILE must not be printed.
            raise SealedFileNotFoundError(
                "the sealed file was not found, and its path is not shown "
                "because it has the form of a key",
                "give the key in the key variable and the sealed file's path as "
                "FILE or in ENVBAKE_FILE",
            ) from None
        raise SealedFileNotFoundError(
            f"{path} not found",
            "give the sealed file's path, or set ENVBAKE_FILE",
        ) from None
    except OSError as error:
        raise SealedFileNotFoundError(
            f"cannot read {path}: {error.strerror}",
        ) from None
    if len(data) > limit:
        raise DamagedFileError(
            f"{path} is larger than any sealed file within the limit of "
            f"{max_size} bytes",
            "raise the limit with --max-size if the file is trusted",
        )
    # A v1 file is read as Node.js read it: UTF-8, undecodable bytes
    # replaced, which its base64 decoder then skips.
    return data.decode("utf-8", "replace")
