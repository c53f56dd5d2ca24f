"""The bus's Kafka ACLs, derived from its topics: least privilege per principal, deny the rest.

Idempotent producers get no ``IDEMPOTENT_WRITE`` on the cluster: since Kafka 2.8 (KIP-679)
the broker grants ``InitProducerId`` to a principal allowed to WRITE any topic, and every
producer of the bus writes a topic. No ACL names a transactional id: the bus runs
at-least-once and opens no transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from topology.principals import (
    CertificatesPrincipal,
    DepartmentPrincipal,
    OpsPrincipal,
    PortalPrincipal,
    Principal,
    StreamsPrincipal,
    bus_principals,
)
from topology.topics import Topics, dlq_of


class ResourceType(StrEnum):
    TOPIC = "TOPIC"
    GROUP = "GROUP"
    TRANSACTIONAL_ID = "TRANSACTIONAL_ID"
    CLUSTER = "CLUSTER"


class PatternType(StrEnum):
    LITERAL = "LITERAL"
    PREFIXED = "PREFIXED"


class Operation(StrEnum):
    READ = "READ"
    WRITE = "WRITE"
    CREATE = "CREATE"
    DELETE = "DELETE"
    ALTER = "ALTER"
    DESCRIBE = "DESCRIBE"
    DESCRIBE_CONFIGS = "DESCRIBE_CONFIGS"
    ALTER_CONFIGS = "ALTER_CONFIGS"
    IDEMPOTENT_WRITE = "IDEMPOTENT_WRITE"


class Permission(StrEnum):
    ALLOW = "ALLOW"
    DENY = "DENY"


@dataclass(frozen=True, order=True)
class AclBinding:
    """One Kafka ACL: ``principal`` may (or may not) do ``operation`` on a resource pattern."""

    principal: str
    resource_type: ResourceType
    pattern_type: PatternType
    resource_name: str
    operation: Operation
    permission: Permission = Permission.ALLOW
    host: str = "*"


def department_group(topics: Topics, department: str) -> str:
    """The consumer group the adapter SDK uses for one department run alone."""
    return topics.adapter_group(department)


def bus_prefixes(topics: Topics) -> tuple[str, str]:
    """The two name prefixes of everything of one bus: its own topics and groups
    (``<prefix>.``) and Faust's (``<prefix>-``, the app ids)."""
    return f"{topics.prefix}.", topics.app_id("")


def faust_topics(topics: Topics, kind: str) -> list[str]:
    """The topics topology declares for one Faust app: its changelogs and leader topic."""
    return [spec.name for spec in topics.all(()) if spec.name.startswith(f"{topics.app_id(kind)}-")]


def _topics(who: Principal, operation: Operation, names: Iterable[str]) -> list[AclBinding]:
    return [
        AclBinding(who.user, ResourceType.TOPIC, PatternType.LITERAL, name, operation)
        for name in names
    ]


def _group(who: Principal, name: str, pattern: PatternType = PatternType.LITERAL) -> AclBinding:
    return AclBinding(who.user, ResourceType.GROUP, pattern, name, Operation.READ)


def _department(who: Principal, topics: Topics, departments: tuple[str, ...]) -> list[AclBinding]:
    """Its tasks and retries in; results, retries, dead letters out; its ledger both ways, and
    its results read back at start (the ledger's record of answers)."""
    own = topics.department(who.name)
    reads = [own.tasks, *own.retries, own.ledger, own.results]
    writes = [own.results, *own.retries, own.dlq, own.ledger]
    prefixed = PatternType.PREFIXED
    return [
        *_topics(who, Operation.READ, reads),
        *_topics(who, Operation.WRITE, writes),
        AclBinding(who.user, ResourceType.TOPIC, prefixed, own.prefix, Operation.DESCRIBE),
        _group(who, department_group(topics, who.name)),
        _group(who, own.prefix, prefixed),
    ]


def _streams(who: Principal, topics: Topics, departments: tuple[str, ...]) -> list[AclBinding]:
    """What applicants and departments say in; tasks, case facts and completions out."""
    owned = [topics.department(code) for code in departments]
    consumed = [topics.applications, topics.applicant, topics.timers, topics.evaluations,
                topics.admin]  # fmt: skip
    consumed += [dept.results for dept in owned]
    internal = faust_topics(topics, "streams")
    writes = [dept.tasks for dept in owned]
    writes += [topics.case_events, topics.completions, topics.timers, topics.evaluations]
    writes += [*internal, *(dlq_of(name) for name in consumed)]
    return [
        *_topics(who, Operation.READ, [*consumed, *internal]),
        *_topics(who, Operation.WRITE, writes),
        _group(who, topics.app_id("streams")),
    ]


def _certificates(who: Principal, topics: Topics, _: tuple[str, ...]) -> list[AclBinding]:
    """Completions and case facts (revocations) in; certificates out, and read back by
    ``certificates verify`` (the topic is the record of revocations)."""
    consumed = [topics.completions, topics.case_events]
    internal = faust_topics(topics, "certificates")
    writes = [topics.certificates, *internal, *(dlq_of(name) for name in consumed)]
    return [
        *_topics(who, Operation.READ, [*consumed, *internal, topics.certificates]),
        *_topics(who, Operation.WRITE, writes),
        _group(who, topics.app_id("certificates")),
    ]


def _portal(who: Principal, topics: Topics, _: tuple[str, ...]) -> list[AclBinding]:
    return _topics(who, Operation.WRITE, [topics.applications, topics.applicant])


def _ops(who: Principal, topics: Topics, _: tuple[str, ...]) -> list[AclBinding]:
    """DESCRIBE: partitions, offsets and group lag, never a record; and WRITE on the admin
    topic only, for operators' requests such as erasing a finished case."""
    return [
        *(AclBinding(who.user, kind, PatternType.PREFIXED, prefix, Operation.DESCRIBE)
          for kind in (ResourceType.TOPIC, ResourceType.GROUP)
          for prefix in bus_prefixes(topics)),
        *_topics(who, Operation.WRITE, [topics.admin]),
    ]  # fmt: skip


Grants = Callable[[Principal, Topics, tuple[str, ...]], list[AclBinding]]
_GRANTS: dict[type[Principal], Grants] = {
    DepartmentPrincipal: _department,
    StreamsPrincipal: _streams,
    CertificatesPrincipal: _certificates,
    PortalPrincipal: _portal,
    OpsPrincipal: _ops,
}


def acls_of(principal: Principal, topics: Topics, departments: Iterable[str]) -> list[AclBinding]:
    """One principal's bindings, sorted; the super user (``admin``) has none."""
    grants = _GRANTS.get(type(principal))
    if grants is None:
        return []
    return sorted(set(grants(principal, topics, tuple(sorted(set(departments))))))


def bus_acls(topics: Topics, departments: Iterable[str]) -> list[AclBinding]:
    """Every binding of the bus, sorted: the desired state ``acls plan`` diffs against."""
    codes = tuple(sorted(set(departments)))
    return sorted(
        binding
        for principal in bus_principals(codes)
        for binding in acls_of(principal, topics, codes)
    )
