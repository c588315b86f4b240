"""Search an image for secrets: its history, its configuration and the
contents of every layer.

A hit names where the needle was found and the needle's name, never its
value, so a failing test prints no secret.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import tarfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Compressed files larger than this are searched as they are, not unpacked.
MAX_UNPACKED_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True)
class Hit:
    """One needle found in one place of an image."""

    place: str
    needle: str


@dataclass
class ScanReport:
    """What a scan searched and what it found."""

    hits: list[Hit]
    layers: int = 0
    files: int = 0

    def places_of(self, needle: str) -> list[str]:
        """Return where the needle named ``needle`` was found."""
        return [hit.place for hit in self.hits if hit.needle == needle]


def key_needles(name: str, key_text: str) -> dict[str, bytes]:
    """Return the forms a 32-byte key could take when leaked.

    The key's text as given, its raw bytes, URL-safe and unpadded base64,
    and hex digits.
    """
    raw = base64.b64decode(key_text, validate=True)
    forms = {
        f"{name} (as given)": key_text.encode(),
        f"{name} (raw bytes)": raw,
        f"{name} (base64url)": base64.urlsafe_b64encode(raw),
        f"{name} (base64, unpadded)": base64.b64encode(raw).rstrip(b"="),
        f"{name} (hex)": raw.hex().encode(),
    }
    return forms


def value_needles(variables: Mapping[str, str]) -> dict[str, bytes]:
    """Return each value as a needle, and each line of multi-line values.

    JSON and shell quoting change a value's quotes and line breaks but not
    its lines, so lines are searched on their own too. PEM boundary lines
    ("-----BEGIN PRIVATE KEY-----") are public text and are left out.
    """
    needles: dict[str, bytes] = {}
    for name, value in variables.items():
        needles[f"value of {name}"] = value.encode()
        lines = value.splitlines()
        if len(lines) > 1:
            for number, line in enumerate(lines, start=1):
                if len(line) >= 12 and not line.startswith("-----"):
                    needles[f"line {number} of {name}"] = line.encode()
    return needles


def find_needles(place: str, data: bytes, needles: Mapping[str, bytes]) -> list[Hit]:
    """Return a hit for every needle that occurs in ``data``."""
    return [Hit(place, name) for name, needle in needles.items() if needle in data]


def scan_image(
    image: str,
    needles: Mapping[str, bytes],
    *,
    docker: Callable[..., str],
    workdir: Path,
) -> ScanReport:
    """Search the history, the configuration and every layer of ``image``.

    Args:
        image: The image's name or id.
        needles: The byte strings to look for, by name.
        docker: Runs the container engine with the arguments given and
            returns its standard output.
        workdir: A folder for the saved image archive.
    """
    report = ScanReport(hits=[])
    history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
    report.hits += find_needles("history", history.encode(), needles)
    configuration = docker("image", "inspect", image)
    report.hits += find_needles("configuration", configuration.encode(), needles)

    archive = workdir / "image.tar"
    docker("save", "--output", str(archive), image)
    try:
        with tarfile.open(archive) as outer:
            for member in outer.getmembers():
                if not member.isfile():
                    continue
                data = _read_member(outer, member)
                if _is_tar(member.name, data):
                    report.layers += 1
                    report.files += _scan_layer(member.name, data, needles, report)
                else:
                    where = f"archive file {member.name}"
                    report.hits += find_needles(where, data, needles)
    finally:
        archive.unlink()
    return report


def _scan_layer(
    layer_name: str, data: bytes, needles: Mapping[str, bytes], report: ScanReport
) -> int:
    files = 0
    with tarfile.open(fileobj=io.BytesIO(data)) as layer:
        for member in layer.getmembers():
            place = f"layer {layer_name}: /{member.name}"
            report.hits += find_needles(
                f"{place} (name)", member.name.encode(), needles
            )
            if member.issym() or member.islnk():
                target = member.linkname.encode()
                report.hits += find_needles(f"{place} (link)", target, needles)
            if not member.isfile():
                continue
            files += 1
            content = _read_member(layer, member)
            for label, blob in _with_unpacked(content):
                report.hits += find_needles(f"{place}{label}", blob, needles)
    return files


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = archive.extractfile(member)
    if handle is None:
        return b""
    with handle:
        return handle.read()


def _is_tar(name: str, data: bytes) -> bool:
    # A docker-archive names its layers */layer.tar or <digest>.tar; an OCI
    # layout stores them as blobs, so the ustar magic decides.
    return name.endswith(".tar") or data[257:262] == b"ustar"


def _with_unpacked(content: bytes) -> Iterator[tuple[str, bytes]]:
    """Yield the content, then its gzip or zlib unpacking if it is either."""
    yield "", content
    unpacked: bytes | None = None
    try:
        if content[:2] == b"\x1f\x8b":
            unpacked = gzip.GzipFile(fileobj=io.BytesIO(content)).read(
                MAX_UNPACKED_SIZE
            )
        elif content[:1] == b"\x78" and len(content) > 2:
            unpacked = zlib.decompressobj().decompress(content, MAX_UNPACKED_SIZE)
    except (OSError, EOFError, zlib.error):
        unpacked = None
    if unpacked:
        yield " (unpacked)", unpacked


def describe(report: ScanReport) -> str:
    """Return a one-line summary of a report, without any needle's value."""
    found = sorted({f"{hit.needle} in {hit.place}" for hit in report.hits})
    return (
        f"{report.layers} layers, {report.files} files searched; "
        f"{len(found)} hits: {json.dumps(found)}"
    )
