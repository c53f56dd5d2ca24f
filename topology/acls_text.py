"""ACL bindings as people read them: ``kafka-acls --list`` text, JSON rows, a Markdown table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any

from topology.acls import AclBinding, Operation, PatternType, Permission, ResourceType


def _pattern(binding: AclBinding) -> tuple[str, str, str]:
    return binding.resource_type, binding.resource_name, binding.pattern_type


def kafka_acls_text(bindings: Iterable[AclBinding]) -> str:
    """Per principal, its bindings as ``kafka-acls --list`` prints them, sorted."""
    lines: list[str] = []
    by_principal = sorted(bindings)
    for principal, own in groupby(by_principal, key=lambda b: b.principal):
        lines.append(f"# {principal}")
        for (kind, name, pattern), same in groupby(own, key=_pattern):
            lines.append(
                f"Current ACLs for resource `ResourcePattern(resourceType={kind}, "
                f"name={name}, patternType={pattern})`: "
            )
            lines += [
                f" \t(principal={b.principal}, host={b.host}, operation={b.operation}, "
                f"permissionType={b.permission})"
                for b in same
            ]
            lines.append("")
    return "\n".join(lines)


def to_rows(bindings: Iterable[AclBinding]) -> list[dict[str, str]]:
    """JSON-ready rows, sorted; ``from_rows`` reads them back."""
    return [
        {
            "principal": b.principal, "resource_type": b.resource_type,
            "pattern_type": b.pattern_type, "resource_name": b.resource_name,
            "operation": b.operation, "permission": b.permission, "host": b.host,
        }
        for b in sorted(bindings)
    ]  # fmt: skip


def from_rows(rows: Sequence[dict[str, Any]]) -> list[AclBinding]:
    """Bindings from JSON rows (an export of a broker's ACLs, or ``to_rows``)."""
    return [
        AclBinding(
            str(row["principal"]), ResourceType(row["resource_type"]),
            PatternType(row["pattern_type"]), str(row["resource_name"]),
            Operation(row["operation"]), Permission(row.get("permission", "ALLOW")),
            str(row.get("host", "*")),
        )
        for row in rows
    ]  # fmt: skip


def markdown_table(bindings: Iterable[AclBinding]) -> str:
    """One row per principal and resource pattern, its operations joined, sorted."""
    rows = ["| principal | resource | pattern | name | operations |", "|---|---|---|---|---|"]
    for (principal, kind, name, pattern), same in groupby(
        sorted(bindings), key=lambda b: (b.principal, *_pattern(b))
    ):
        operations = ", ".join(sorted(b.operation for b in same))
        rows.append(f"| `{principal}` | {kind} | {pattern} | `{name}` | {operations} |")
    return "\n".join(rows) + "\n"
