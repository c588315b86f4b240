"""Write files so that readers see the old file or the new one, never a
part of either."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Sequence

from envbake.errors import InputError, OutputError


def reject_overwriting(output: str, sources: Sequence[tuple[str, str]]) -> None:
    """Raise :class:`InputError` if ``output`` is one of the files read.

    Args:
        output: The path about to be replaced.
        sources: Each file read, as ``(path, what it is)``, such as
            ``("build.key", "the key file")``. Paths that do not exist are
            skipped.
    """
    for path, description in sources:
        try:
            same = os.path.samefile(path, output)
        except OSError:
            continue
        if same:
            raise InputError(
                f"{output} is {description}, which writing there would destroy",
                "give another output path",
            )


def write_atomic(path: str, data: bytes, *, mode: int) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename.

    See :func:`write_atomic_many`, which this calls for one file.
    """
    write_atomic_many([(path, data)], mode=mode)


def write_atomic_many(files: Sequence[tuple[str, bytes]], *, mode: int) -> None:
    """Replace each path with its data, writing every file before renaming any.

    Each temporary file is made in its target's folder (so the rename
    cannot cross file systems), written, flushed to disk and given
    ``mode``. Only when all of them are written do they take the places of
    their targets, so a failure while writing leaves every target as it
    was, and the temporary files are removed.

    Raises:
        InputError: a path is a symbolic link (links are never followed),
            a folder, a device, a FIFO or a socket.
        OutputError: a file cannot be written.
    """
    for path, _ in files:
        _check_target(path)
    written: list[tuple[str, str]] = []
    target = ""
    try:
        for target, data in files:
            written.append((_write_temporary(target, data, mode), target))
        for temporary, target in written:
            os.replace(temporary, target)
    except BaseException as error:
        for temporary, _ in written:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if isinstance(error, OSError):
            # The message names the path given, not the temporary file.
            raise OutputError(
                f"cannot write {target}: {error.strerror or 'write failed'}",
                "check that its folder exists, is writable and has free space",
            ) from None
        raise


def write_new(path: str, data: bytes, *, mode: int) -> None:
    """Create ``path`` with ``data`` and ``mode``; never replace a file.

    The data goes to a temporary file (created with mode 0600, so a key
    is never readable by others), which is then hard-linked to ``path``:
    the link fails if ``path`` exists, and a full disk leaves nothing.

    Raises:
        FileExistsError: ``path`` exists.
        OutputError: the file cannot be written.
    """
    try:
        temporary = _write_temporary(path, data, mode)
    except OSError as error:
        raise OutputError(
            f"cannot write {path}: {error.strerror or 'write failed'}",
            "check that its folder exists, is writable and has free space",
        ) from None
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise OutputError(
                f"cannot create {path}: {error.strerror or 'link failed'}"
            ) from None
        _write_exclusive(path, data, mode)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


#: The errors link(2) gives on file systems without hard links (FAT, some
#: FUSE and network file systems).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP})


def _write_exclusive(path: str, data: bytes, mode: int) -> None:
    """Create ``path`` in place, removing it again if the write fails."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise OutputError(
            f"cannot write {path}: {error.strerror or 'write failed'}"
        ) from None


def _check_target(path: str) -> None:
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}") from None
    if stat.S_ISLNK(status.st_mode):
        raise InputError(
            f"{path} is a symbolic link; envbake does not write through links",
            "give the link's target path, or remove the link",
        )
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{path} is a folder", "give a file path")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(
            f"{path} is not a regular file (a device, FIFO or socket)",
            "give the path of a regular file",
        )


#: The number of random names tried before giving up. With 32 random bits
#: in each name, even a second attempt is rare.
_NAME_ATTEMPTS = 100


def _create_temporary(path: str) -> tuple[int, str]:
    """Create a new file, mode 0600, beside ``path`` with a random name.

    It creates the file as :func:`tempfile.mkstemp` does: exclusively,
    without following a symbolic link. Importing :mod:`tempfile` would load
    ``random``, ``shutil`` and ``weakref`` too, about 2 ms of every seal.
    """
    folder = os.path.dirname(path) or "."
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(_NAME_ATTEMPTS):
        # 8 random characters, as tempfile uses, so that an output name
        # that fits with mkstemp's temporary name fits with this one.
        name = f".{os.path.basename(path)}.{os.urandom(4).hex()}.tmp"
        temporary = os.path.join(folder, name)
        try:
            return os.open(temporary, flags, 0o600), temporary
        except FileExistsError:
            continue
    raise FileExistsError(
        errno.EEXIST, "every temporary file name tried exists", folder
    )


def _write_temporary(path: str, data: bytes, mode: int) -> str:
    descriptor, temporary = _create_temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary
