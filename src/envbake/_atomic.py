"""Write files so that readers see the old file or the new one, never a
part of either."""

from __future__ import annotations

import contextlib
import os
import tempfile

from envbake.errors import InputError


def write_atomic(path: str, data: bytes, *, mode: int) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename.

    The temporary file is made in the same folder (so the rename cannot
    cross file systems), written, flushed to disk and given ``mode``
    before it takes the place of ``path``. On any failure it is removed
    and ``path`` is left as it was.

    Raises:
        InputError: ``path`` is a symbolic link (it is never followed) or a
            folder, or the file cannot be written.
    """
    if os.path.islink(path):
        raise InputError(
            f"{path} is a symbolic link; envbake does not write through links",
            "give the link's target path, or remove the link",
        )
    if os.path.isdir(path):
        raise InputError(f"{path} is a folder", "give a file path")
    folder = os.path.dirname(path) or "."
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
        )
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise InputError(f"cannot write {path}: {error.strerror}") from None
        raise
