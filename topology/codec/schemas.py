"""Read ``avro/`` and ``avro/history/``: parsed schemas with their canonical form and fingerprint.

Each ``.avsc`` holds one named record and inlines the enums and sub-records it uses, so
every file parses on its own. History lives at ``avro/history/<Record>/v<N>.avsc``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastavro import parse_schema
from fastavro.schema import SchemaParseException, fingerprint, to_parsing_canonical_form

from topology.codec.errors import CodecError
from topology.events._base import AVRO_NAMESPACE

MAGIC = b"\xc3\x01"
CURRENT = "current"
AVRO_DIR_ENV = "ONETHING_AVRO_DIR"


@dataclass(frozen=True)
class SchemaVersion:
    """One version of one record schema, parsed once."""

    name: str
    version: str
    path: Path
    raw: dict[str, Any]
    parsed: Any
    canonical: str
    fingerprint: int

    @property
    def fullname(self) -> str:
        return f"{AVRO_NAMESPACE}.{self.name}"

    @property
    def header(self) -> bytes:
        """The single-object encoding header: marker, then the fingerprint little-endian."""
        return MAGIC + self.fingerprint.to_bytes(8, "little")

    @property
    def fingerprint_hex(self) -> str:
        """The fingerprint's bytes in wire order, as fastavro and Apache Avro print them."""
        return self.header[2:].hex()


def default_avro_dir() -> Path:
    """``$ONETHING_AVRO_DIR``, else the repository's ``avro/`` next to the package."""
    override = os.environ.get(AVRO_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "avro"


def crc64_avro(canonical: str) -> int:
    """CRC-64-AVRO (Rabin) of a Parsing Canonical Form, as the 64-bit value of the spec."""
    # fastavro prints the fingerprint's little-endian bytes, not the value.
    return int.from_bytes(bytes.fromhex(fingerprint(canonical, "CRC-64-AVRO")), "little")


def load_schema(path: Path, version: str = CURRENT) -> SchemaVersion:
    """Parse one ``.avsc``; its record must be named after the file, in our namespace."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        parsed: dict[str, Any] = parse_schema(raw)  # type: ignore[assignment]
    except (OSError, ValueError, KeyError, TypeError, SchemaParseException) as error:
        raise CodecError(f"{path}: not a readable Avro schema: {error}") from error
    name = path.parent.name if version != CURRENT else path.stem
    if not isinstance(raw, dict) or raw.get("type") != "record":
        raise CodecError(f"{path}: the top-level schema must be a record")
    if parsed.get("name") != f"{AVRO_NAMESPACE}.{name}":
        raise CodecError(f"{path}: expected record {AVRO_NAMESPACE}.{name}, not {parsed['name']}")
    canonical = to_parsing_canonical_form(parsed)
    return SchemaVersion(name, version, path, raw, parsed, canonical, crc64_avro(canonical))


def load_current(avro_dir: Path) -> dict[str, SchemaVersion]:
    """The current schemas, by record name."""
    return {path.stem: load_schema(path) for path in sorted(avro_dir.glob("*.avsc"))}


def version_number(version: str) -> int:
    """``v3`` → 3; anything else is not a released version."""
    if not version.startswith("v") or not version[1:].isdigit():
        raise CodecError(f"history versions are named v<N>.avsc, not {version}.avsc")
    return int(version[1:])


def load_history(avro_dir: Path) -> dict[str, list[SchemaVersion]]:
    """Released versions by record name, oldest first."""
    history: dict[str, list[SchemaVersion]] = {}
    root = avro_dir / "history"
    for folder in sorted(p for p in root.glob("*") if p.is_dir()):
        paths = sorted(folder.glob("*.avsc"), key=lambda p: version_number(p.stem))
        history[folder.name] = [load_schema(path, path.stem) for path in paths]
    return history
