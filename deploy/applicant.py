"""The applicant's side of the bus (what a 一网通办 portal does): submit, answer, withdraw, rate."""

from __future__ import annotations

from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from deploy.delivery import ConfirmedSender, Outgoing
from topology.catalog import load_catalog
from topology.codec import cloudevent_headers, default_codec
from topology.events import (
    ApplicationSubmitted,
    EvaluationRequested,
    Event,
    MaterialRef,
    Rating,
    SupplementProvided,
    WithdrawalRequested,
    derive_event_id,
)
from topology.kafka_access import KafkaAccess
from topology.sealing import Sealer, sealed_application, sealed_supplement
from topology.settings import producer_options
from topology.topics import Topics


def bus_producer(access: KafkaAccess, linger_ms: float) -> AIOKafkaProducer:
    """A producer with the bus's settings (``producer_options``), as every producer of it."""
    return AIOKafkaProducer(**access.aiokafka(), **producer_options(linger_ms))


class ApplicantPortal:
    """Publishes applicant events with acks=all and an idempotent producer; personal values
    leave it sealed to streams."""

    def __init__(
        self, access: KafkaAccess, topics: Topics, sealer: Sealer, linger_ms: float = 0
    ) -> None:
        self.topics, self.sealer = topics, sealer
        self.codec = default_codec()
        self.producer = bus_producer(access, linger_ms)
        self.sender = ConfirmedSender(self.producer)

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def send(self, topic: str, event: Event) -> None:
        """Queue one event; ``flush()`` waits until everything queued is acknowledged, sending
        again what failed."""
        await self.sender.send(Outgoing(
            topic, self.codec.encode(event), event.case_id.encode(),
            tuple(cloudevent_headers(event, source=f"/{self.topics.prefix}/portal")),
        ))  # fmt: skip

    async def flush(self) -> None:
        await self.sender.flush()

    async def submit(self, application: ApplicationSubmitted) -> None:
        catalog = load_catalog(application.region)
        await self.send(self.topics.applications,
                        sealed_application(application, catalog, self.sealer))  # fmt: skip

    async def supplement(
        self, case_id: str, materials: tuple[MaterialRef, ...],
        form: dict[str, str] | None = None, round_no: int = 1,
    ) -> None:  # fmt: skip
        answer = SupplementProvided(
            event_id=derive_event_id(case_id, f"supplement-provided:{round_no}"),
            case_id=case_id, occurred_at=datetime.now(UTC), form_updates=form or {},
            materials=materials,
        )  # fmt: skip
        # Supplements are checked against the case's own catalogue; every region's shares
        # the registry of fields, so the national one says which are personal.
        catalog = load_catalog()
        await self.send(self.topics.applicant, sealed_supplement(answer, catalog, self.sealer))

    async def withdraw(self, case_id: str, reason: str) -> None:
        """Ask for the case to be withdrawn; the case agent decides (BundleWithdrawn)."""
        await self.send(self.topics.applicant, WithdrawalRequested(
            event_id=derive_event_id(case_id, "withdrawal-request"), case_id=case_id,
            occurred_at=datetime.now(UTC), reason=reason,
        ))  # fmt: skip

    async def rate(self, case_id: str, rating: Rating, comment: str | None = None) -> None:
        """Rate the case; the case agent accepts one rating of a completed case."""
        await self.send(self.topics.applicant, EvaluationRequested(
            event_id=derive_event_id(case_id, "evaluation-request"), case_id=case_id,
            occurred_at=datetime.now(UTC), rating=rating, comment=comment,
        ))  # fmt: skip
