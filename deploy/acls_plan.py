"""Compare the ACLs topology declares with those a broker has: what to add, what to prune."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from topology.acls import AclBinding, ResourceType, bus_prefixes
from topology.topics import Topics


@dataclass(frozen=True, order=True)
class AclChange:
    """One line of the plan: a binding to add, or (with ``--prune``) to remove."""

    action: Literal["add", "remove"]
    binding: AclBinding


def owned_by(topics: Topics, binding: AclBinding) -> bool:
    """Whether a binding is this bus's to prune: on a topic or group under its prefixes. A
    cluster or transactional-id binding is never pruned (the bus declares none, and another
    bus on the cluster may). A bus whose prefix begins with ``<prefix>.`` is seen as ours,
    as ``topics_admin.owned_by`` sees its topics."""
    if binding.resource_type not in (ResourceType.TOPIC, ResourceType.GROUP):
        return False
    return binding.resource_name.startswith(bus_prefixes(topics))


def plan(
    desired: Iterable[AclBinding],
    existing: Iterable[AclBinding],
    *,
    topics: Topics,
    prune: bool = False,
) -> list[AclChange]:
    """Adds for what is declared and missing; with ``prune``, removes for what this bus owns
    and no longer declares. Sorted; empty when the broker already matches."""
    wanted, have = set(desired), set(existing)
    changes = [AclChange("add", binding) for binding in wanted - have]
    if prune:
        changes += [
            AclChange("remove", binding) for binding in have - wanted if owned_by(topics, binding)
        ]
    return sorted(changes)


def summary(changes: Sequence[AclChange]) -> str:
    """``N to add, M to remove``, or that nothing changes."""
    if not changes:
        return "ACLs up to date: nothing to change"
    adds = sum(1 for change in changes if change.action == "add")
    return f"{adds} to add, {len(changes) - adds} to remove"
