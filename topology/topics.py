"""Every Kafka topic of the bus, named and configured here and nowhere else.

Department topics share the prefix ``<prefix>.dept.<department>.`` so a prefixed ACL fences
each department to its own tasks and results. Every topic the bus consumes has a ``.dlq``
companion; department task topics also have ``.retry.N`` companions with growing delays.
All case-keyed topics share one partition count so Faust tables (keyed by case id) are
co-partitioned with the topics that feed them. The prefix (``ONETHING_TOPIC_PREFIX``) lets
several buses, or several tests, share one cluster without sharing a topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

VERSION = "v1"
DAY_MS = 24 * 3600 * 1000
RETRY_DELAYS_S = (1.0, 10.0, 60.0)

# Lifecycle topics: attribute -> (suffix, doc, compacted, retention days).
_LIFECYCLE: dict[str, tuple[str, str, bool, int]] = {
    "applications": ("case.applications", "ApplicationSubmitted: one merged application per "
                     "case (一表申请)", False, 30),
    "applicant": ("case.applicant", "what the applicant asks after submitting: supplements "
                  "and materials, withdrawal and rating requests", False, 30),
    "case_events": ("case.events", "the case's facts: accepted/refused, supplement requests, "
                    "commitments, deadlines", False, 30),
    "completions": ("bundle.completions", "bundle completed / rejected / withdrawn: what "
                    "e-certificate services subscribe to (一端出件)", False, 90),
    "certificates": ("certificates", "certificate issued / revoked, one per (case, type)",
                     False, 365),
    "evaluations": ("evaluations", "好差评 ratings the case accepted, routed to the lead "
                    "department", False, 365),
    "timers": ("case.timers", "CaseTimerFired: a case's own wall-clock wake-ups (办结时限)",
               False, 1),
    "admin": ("case.admin", "operators' requests about a case: erasure of a finished case's "
              "personal data", False, 30),
}  # fmt: skip

# Which lifecycle topic carries which event type (Avro record name).
EVENT_TOPICS: dict[str, str] = {
    "ApplicationSubmitted": "applications",
    "SupplementProvided": "applicant",
    "WithdrawalRequested": "applicant",
    "EvaluationRequested": "applicant",
    "CommitmentFulfilled": "case_events",
    "CaseTimerFired": "timers",
    "CaseErasureRequested": "admin",
    "CaseErased": "case_events",
    "EvaluationSubmitted": "evaluations",
    "ApplicationAccepted": "case_events",
    "ApplicationRefused": "case_events",
    "SupplementRequested": "case_events",
    "CommitmentAccepted": "case_events",
    "CommitmentOverdue": "case_events",
    "DeadlineReached": "case_events",
    "BundleCompleted": "completions",
    "BundleRejected": "completions",
    "BundleWithdrawn": "completions",
    "CertificateIssued": "certificates",
    "CertificateRevoked": "certificates",
}
# The Faust apps of the bus and their tables. Faust names a table's changelog
# "<app id>-<table>-changelog"; declaring them here means `topics apply` creates them with the
# right partitions before any worker starts (a worker that creates them itself can race the
# broker's metadata and crash with PartitionsMismatch on a fresh cluster).
FAUST_TABLES: dict[str, tuple[str, ...]] = {
    "streams": ("cases", "rated-cases", "rating-totals"),
    "certificates": ("certificates",),
}

# Department-bound event types -> which of the department's topics carries them.
DEPARTMENT_EVENTS: dict[str, str] = {
    "ItemTaskDispatched": "tasks",
    "ItemTaskCancelled": "tasks",
    "ItemStatusReported": "results",
}


@dataclass(frozen=True)
class TopicSpec:
    """One topic: name, partitions, replication and the configs that matter."""

    name: str
    partitions: int
    replication_factor: int
    config: Mapping[str, str] = field(default_factory=dict)
    doc: str = ""


@dataclass(frozen=True)
class DepartmentTopics:
    """The topics one department's adapter reads and writes."""

    department: str
    prefix: str
    tasks: str
    results: str
    retries: tuple[str, ...]
    dlq: str
    ledger: str
    """Compacted: cancelled tasks (and results written by adapters before the results topic
    became the record of answers, read at start with it)."""


def dlq_of(topic: str) -> str:
    """The dead-letter companion of a consumed topic."""
    return topic if topic.endswith(".dlq") else f"{topic}.dlq"


@dataclass(frozen=True)
class Topics:
    """Topic names under one prefix. Code asks this object; it never spells a topic."""

    prefix: str = "onething"

    def _name(self, suffix: str) -> str:
        return f"{self.prefix}.{suffix}.{VERSION}"

    @property
    def applications(self) -> str:
        return self._name(_LIFECYCLE["applications"][0])

    @property
    def applicant(self) -> str:
        return self._name(_LIFECYCLE["applicant"][0])

    @property
    def case_events(self) -> str:
        return self._name(_LIFECYCLE["case_events"][0])

    @property
    def completions(self) -> str:
        return self._name(_LIFECYCLE["completions"][0])

    @property
    def certificates(self) -> str:
        return self._name(_LIFECYCLE["certificates"][0])

    @property
    def evaluations(self) -> str:
        return self._name(_LIFECYCLE["evaluations"][0])

    @property
    def timers(self) -> str:
        return self._name(_LIFECYCLE["timers"][0])

    @property
    def admin(self) -> str:
        return self._name(_LIFECYCLE["admin"][0])

    def app_id(self, kind: str) -> str:
        """The Faust app id (and consumer group) of one kind of worker: streams, certificates."""
        return f"{self.prefix}-{kind}"

    def adapter_group(self, department: str) -> str:
        """The consumer group of a department's adapter: its own committed offsets and its
        group ACL, however many departments one process hosts."""
        return f"{self.prefix}.adapter.{department}"

    def changelog(self, kind: str, table: str) -> str:
        return f"{self.app_id(kind)}-{table}-changelog"

    def department_prefix(self, department: str) -> str:
        """The ACL prefix that fences one department."""
        return f"{self.prefix}.dept.{department}."

    def department(self, department: str) -> DepartmentTopics:
        base = self.department_prefix(department)
        tasks = f"{base}tasks.{VERSION}"
        return DepartmentTopics(
            department=department,
            prefix=base,
            tasks=tasks,
            results=f"{base}results.{VERSION}",
            retries=tuple(f"{tasks}.retry.{n}" for n in range(1, len(RETRY_DELAYS_S) + 1)),
            dlq=dlq_of(tasks),
            ledger=f"{base}ledger.{VERSION}",
        )

    def for_event(self, event_type: str, department: str | None = None) -> str:
        """The topic an event of ``event_type`` (Avro record name) is published on."""
        short = event_type.rsplit(".", 1)[-1]
        if short in DEPARTMENT_EVENTS:
            if department is None:
                raise ValueError(f"{short} is a department event: pass department=")
            return str(getattr(self.department(department), DEPARTMENT_EVENTS[short]))
        if short not in EVENT_TOPICS:
            raise ValueError(f"no topic carries event type {short!r}; add it to EVENT_TOPICS")
        return str(getattr(self, EVENT_TOPICS[short]))

    def department_of(self, topic: str) -> str | None:
        """The department whose prefix ``topic`` is under, or None for a lifecycle topic."""
        base = f"{self.prefix}.dept."
        if not topic.startswith(base):
            return None
        return topic[len(base) :].split(".", 1)[0] or None

    def carries(self, topic: str, event_type: str) -> bool:
        """Whether ``topic`` is the one topology declares for events of ``event_type`` (Avro
        record name): a department event on one of a department's own topics of its kind,
        any other on its lifecycle topic. What arrives anywhere else was not sent by the
        one who may send it."""
        short = event_type.rsplit(".", 1)[-1]
        if short in DEPARTMENT_EVENTS:
            department = self.department_of(topic)
            return department is not None and topic == self.for_event(short, department)
        return short in EVENT_TOPICS and topic == self.for_event(short)

    def all(
        self, departments: Iterable[str], *, partitions: int = 4, replication_factor: int = 1
    ) -> list[TopicSpec]:
        """Every topic of the bus for these departments, sorted by name."""
        build = _SpecBuilder(partitions, replication_factor)
        specs = [
            build.spec(getattr(self, attr), doc, compacted=compact, days=days)
            for attr, (_, doc, compact, days) in _LIFECYCLE.items()
        ]
        consumed = [
            self.applications,
            self.applicant,
            self.timers,
            self.admin,
            self.completions,
            self.evaluations,
            self.case_events,
        ]
        for department in sorted(set(departments)):
            topics = self.department(department)
            consumed += [topics.results]
            specs += [
                build.spec(topics.tasks, f"{department}: item tasks"),
                build.spec(topics.results, f"{department}: item results"),
                build.dlq(topics.dlq),
                build.small(topics.ledger, f"{department}: idempotency ledger", compacted=True),
            ]
            specs += [
                build.small(name, f"{department}: retry after {delay:g}s")
                for name, delay in zip(topics.retries, RETRY_DELAYS_S, strict=True)
            ]
        specs += [build.dlq(dlq_of(name)) for name in consumed]
        for kind, tables in FAUST_TABLES.items():
            specs += [
                build.spec(self.changelog(kind, table), f"{kind} table {table}", compacted=True)
                for table in tables
            ]
            specs.append(build.small(f"{self.app_id(kind)}-__assignor-__leader", "Faust leader"))
        return sorted(specs, key=lambda spec: spec.name)


def replication_for(brokers: int) -> int:
    """Replicas of every topic on a cluster of ``brokers``: three once there are three (with
    ``min.insync.replicas=2`` a broker may fail without losing an acknowledged record),
    else one per broker."""
    return max(1, min(3, brokers))


@dataclass(frozen=True)
class _SpecBuilder:
    partitions: int
    replication_factor: int

    def spec(self, name: str, doc: str, *, compacted: bool = False, days: int = 7) -> TopicSpec:
        config = {"min.insync.replicas": str(max(1, self.replication_factor - 1))}
        if compacted:
            config["cleanup.policy"] = "compact"
        else:
            config |= {"cleanup.policy": "delete", "retention.ms": str(days * DAY_MS)}
        return TopicSpec(name, self.partitions, self.replication_factor, config, doc)

    def dlq(self, name: str) -> TopicSpec:
        """Dead letters: one partition (order of failure is the story), kept a month."""
        return self.small(name, "dead letters, with __connect.errors.* headers", days=30)

    def small(self, name: str, doc: str, *, compacted: bool = False, days: int = 7) -> TopicSpec:
        """One partition: low-traffic topics no table joins (retries, ledgers, dead letters).
        Every partition costs the broker open files; a bus has a few hundred topics."""
        spec = self.spec(name, doc, compacted=compacted, days=days)
        return TopicSpec(name, 1, spec.replication_factor, spec.config, spec.doc)
