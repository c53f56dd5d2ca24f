"""Watch the bus from outside, as ops and downstream services do: decode every lifecycle event
and keep per-case and per-department tallies, with the time each fact was seen."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer

from deploy.record_audit import RecordAudit
from topology.codec import CodecError, default_codec
from topology.events import (
    ApplicationAccepted,
    ApplicationRefused,
    BundleCompleted,
    BundleRejected,
    BundleWithdrawn,
    CertificateIssued,
    CertificateRevoked,
    Event,
    ItemStatusReported,
    ItemTaskDispatched,
    SupplementRequested,
)
from topology.kafka_access import KafkaAccess
from topology.topics import Topics

TERMINAL = (ApplicationRefused, BundleCompleted, BundleRejected, BundleWithdrawn)


@dataclass
class CaseSeen:
    phase: str = "submitted"
    events: list[tuple[float, Event]] = field(default_factory=list)

    def first(self, kind: type[Event]) -> float | None:
        return next((at for at, event in self.events if isinstance(event, kind)), None)

    def open_items(self) -> list[str]:
        """Each item dispatched and not yet answered finally, as ``item@department:status``
        (its latest report, or ``dispatched``): where a case that never finished stands."""
        latest: dict[str, str] = {}
        for _, event in self.events:
            if isinstance(event, ItemTaskDispatched):
                latest[event.item_code] = f"{event.department}:dispatched#{event.attempt}"
            elif isinstance(event, ItemStatusReported):
                latest[event.item_code] = f"{event.department}:{event.status.value.lower()}"
        return [f"{item}@{where}" for item, where in sorted(latest.items())
                if not where.endswith((":approved", ":rejected"))]  # fmt: skip


@dataclass
class Observation:
    """Everything observed so far; safe to read while the observer runs (one event loop)."""

    cases: dict[str, CaseSeen] = field(default_factory=lambda: defaultdict(CaseSeen))
    by_department: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    event_ids: Counter[str] = field(default_factory=Counter)
    certificates: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    certificate_events: list[CertificateIssued] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    undecodable: int = 0
    audit: RecordAudit = field(default_factory=RecordAudit)
    """Duplicates counted from every record, copies included (the tallies above count facts)."""
    progress: dict[tuple[str, int], float] = field(default_factory=dict)
    """(writer, partition) -> the latest write time (epoch seconds, the record's timestamp)
    of a record that writer publishes, on that partition of any topic."""

    def record(self, event: Event, at: float, partition: int = -1, written_s: float = 0) -> None:
        self.audit.observe(event)
        key = (writer_of(event), partition)
        self.progress[key] = max(self.progress.get(key, 0.0), written_s)
        self.event_ids[event.event_id] += 1
        if self.event_ids[event.event_id] > 1:
            return  # a re-announced copy: same fact, already counted
        case = self.cases[event.case_id]
        case.events.append((at, event))
        if isinstance(event, ItemTaskDispatched):
            self.by_department[event.department]["dispatched"] += 1
        elif isinstance(event, ItemStatusReported):
            self.by_department[event.department][event.status.value.lower()] += 1
        elif isinstance(event, CertificateIssued):
            self.certificates[(event.case_id, event.certificate_type)].add(event.certificate_number)
            self.certificate_events.append(event)
        elif isinstance(event, CertificateRevoked):
            self.revoked.add(event.certificate_number)
        case.phase = _phase(event, case.phase)

    def phases(self) -> Counter[str]:
        return Counter(case.phase for case in self.cases.values())

    def events_of(self, kind: type[Event]) -> list[Event]:
        return [e for case in self.cases.values() for _, e in case.events if isinstance(e, kind)]

    def finished(self, case_ids: Iterable[str]) -> bool:
        return all(self.cases[c].phase in _FINAL for c in case_ids)


_FINAL = {"refused", "completed", "rejected", "withdrawn"}
_PHASES: dict[type[Event], str] = {
    ApplicationAccepted: "accepted",
    ApplicationRefused: "refused",
    SupplementRequested: "awaiting_applicant",
    BundleCompleted: "completed",
    BundleRejected: "rejected",
    BundleWithdrawn: "withdrawn",
}


def _phase(event: Event, current: str) -> str:
    if current in _FINAL:
        return current
    if isinstance(event, ItemTaskDispatched) and current == "awaiting_applicant":
        return "accepted"  # re-dispatched after the applicant answered
    return _PHASES.get(type(event), current)


def writer_of(event: Event) -> str:
    """Which process kind publishes events of this type: a record of it read on a partition
    shows that kind making progress on that partition."""
    if isinstance(event, ItemStatusReported):
        return "adapters"
    if isinstance(event, CertificateIssued | CertificateRevoked):
        return "certificates"
    return "streams"


def observed_topics(topics: Topics, departments: Iterable[str]) -> list[str]:
    names = [topics.case_events, topics.completions, topics.certificates]
    for department in departments:
        names += [topics.department(department).tasks, topics.department(department).results]
    return names


class Observer:
    """Consumes the lifecycle and department topics from their start, without a group."""

    def __init__(self, access: KafkaAccess, topics: Topics, departments: Iterable[str]) -> None:
        self.seen = Observation()
        self._consumer = AIOKafkaConsumer(
            *observed_topics(topics, departments), **access.aiokafka(),
            auto_offset_reset="earliest", enable_auto_commit=False, group_id=None,
        )  # fmt: skip
        self._task: asyncio.Task[None] | None = None
        self._codec = default_codec()

    async def start(self) -> None:
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200, max_records=5000)
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    try:
                        event = self._codec.decode(record.value or b"", topic=record.topic,
                                                   offset=record.offset)  # fmt: skip
                    except CodecError:
                        self.seen.undecodable += 1
                        continue
                    self.seen.record(event, now, record.partition, record.timestamp / 1000)

    async def wait_for(self, condition: Callable[[Observation], bool], within_s: float) -> bool:
        """Wait until ``condition`` holds, or ``within_s`` passes; returns whether it held."""
        deadline = time.monotonic() + within_s
        while not condition(self.seen):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True
