"""FULL_TRANSITIVE compatibility: every current schema reads, and is read by, every release.

Uses Apache Avro's own ``ReaderWriterCompatibilityChecker`` so the verdict matches what
the reference implementation would resolve at runtime.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from topology.codec.errors import CodecError
from topology.codec.schemas import SchemaVersion, load_current, load_history


@dataclass(frozen=True)
class Incompatibility:
    """One reason a current schema cannot evolve from a released version."""

    record: str
    version: str
    direction: str  # backward: new reads old; forward: old reads new
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record} vs {self.version} ({self.direction}) at {self.field}: {self.message}"


def check_compatibility(avro_dir: Path) -> list[Incompatibility]:
    """Every problem keeping ``avro_dir`` from being FULL_TRANSITIVE compatible; [] if none."""
    try:
        current, history = load_current(avro_dir), load_history(avro_dir)
    except CodecError as error:
        return [Incompatibility("?", "?", "load", "/", error.cause)]
    problems: list[Incompatibility] = []
    for name, versions in history.items():
        if name not in current:
            problems.append(
                Incompatibility(
                    name,
                    versions[-1].version,
                    "removed",
                    "/",
                    "released record has no current schema",
                )
            )
            continue
        for old in versions:
            problems += _check_pair(current[name], old)
    return problems


def _check_pair(new: SchemaVersion, old: SchemaVersion) -> list[Incompatibility]:
    new_schema, old_schema = _parse(new), _parse(old)
    directions = (
        ("backward", new_schema, old_schema, new.raw),
        ("forward", old_schema, new_schema, old.raw),
    )
    problems: list[Incompatibility] = []
    for direction, reader, writer, reader_raw in directions:
        checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
        result = checker.get_compatibility(reader, writer)
        if result.compatibility is SchemaCompatibilityType.compatible:
            continue
        message = "; ".join(sorted(result.messages))
        for location in sorted(result.locations):
            field = field_path(reader_raw, location)
            problems.append(Incompatibility(new.name, old.version, direction, field, message))
    return problems


def _parse(version: SchemaVersion) -> avro.schema.Schema:
    return avro.schema.parse(json.dumps(version.raw))


def field_path(schema: dict[str, Any], location: str) -> str:
    """Turn the checker's ``fields/3/type/symbols`` into ``applicant.kind (symbols)``."""
    names: list[str] = []
    node: Any = schema
    steps = [step for step in location.strip("/").split("/") if step]
    for index, step in enumerate(steps):
        if step == "fields" and index + 1 < len(steps) and steps[index + 1].isdigit():
            node = _unwrap(node)["fields"][int(steps[index + 1])]
            names.append(node["name"])
        elif step in {"type", "items", "values"} or step.isdigit():
            node = node.get(step, node) if isinstance(node, dict) else node
        else:
            return f"{'.'.join(names) or '<record>'} ({step})"
    return ".".join(names) or "<record>"


def _unwrap(node: Any) -> Any:
    """The record inside a field type, an array/map, or a nullable union."""
    while True:
        if isinstance(node, list):
            node = next(branch for branch in node if branch != "null")
        elif isinstance(node, dict) and node.get("type") in {"array", "map"}:
            node = node.get("items", node.get("values"))
        elif isinstance(node, dict) and isinstance(node.get("type"), dict | list):
            node = node["type"]
        else:
            return node
