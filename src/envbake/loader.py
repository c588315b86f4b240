"""Load a sealed file into the current process's environment."""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from envbake import _keysource, sealed
from envbake.errors import KeyMissingError

DEFAULT_FILE = "env.encrypted"
FILE_ENV = "ENVBAKE_FILE"


def default_path(environ: MutableMapping[str, str] | None = None) -> str:
    """Return ``$ENVBAKE_FILE``, else ``env.encrypted``."""
    source = os.environ if environ is None else environ
    return source.get(FILE_ENV) or DEFAULT_FILE


def load(
    path: str | None = None,
    *,
    key: str | None = None,
    override: bool = False,
    expected_environment: str | None = None,
    max_size: int = sealed.DEFAULT_MAX_SIZE,
    environ: MutableMapping[str, str] | None = None,
) -> sealed.Opened:
    """Decrypt a sealed file and set its variables in ``environ``.

    Args:
        path: The sealed file; by default ``$ENVBAKE_FILE`` or
            ``env.encrypted``.
        key: The key's text; by default read from ``ENVBAKE_KEY`` or the
            file named by ``ENVBAKE_KEY_FILE``.
        override: Let the file's values replace variables already set.
        expected_environment: Reject a file sealed for another environment.
        max_size: The limit on the decompressed plaintext, in bytes.
        environ: The mapping to update; ``os.environ`` by default.

    Returns:
        The opened file. Nothing is changed in ``environ`` unless every
        check passed.

    Raises:
        envbake.errors.EnvbakeError: a subclass for each kind of failure.
    """
    target = os.environ if environ is None else environ
    file_path = path or default_path(target)
    if key is None:
        found = _keysource.find_key(
            target,
            key_file=None,
            variables=(_keysource.KEY_ENV, _keysource.KEY_FILE_ENV),
        )
        if found is None:
            raise KeyMissingError(
                f"no key: {_keysource.KEY_ENV} and {_keysource.KEY_FILE_ENV} are "
                "not set",
                "pass key= or set one of them",
            )
        key, key_source = found.text, found.source
    else:
        key_source = "the key given"
    opened = sealed.open_text(
        sealed.read_sealed_file(file_path, max_size=max_size),
        key,
        max_size=max_size,
        expected_environment=expected_environment,
        source=file_path,
        key_source=key_source,
    )
    sealed.check_variables(opened.variables)
    for name, value in opened.variables.items():
        if override or name not in target:
            target[name] = value
    return opened
