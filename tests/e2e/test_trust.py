"""Speaking only for yourself, on the real secured broker: what arrives on a topic whose
owner may not say it is dead-lettered with its reason, counted out of the case, and never
certified. Written as ``admin`` (who may write anywhere): the fences inside the bus, not the
ACLs, are under test here (tests/integration/test_security_fences.py tests the ACLs)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.e2e.conftest import SILENT_DEPARTMENT
from tests.e2e.test_bus import events, new_case, phase
from topology.codec import default_codec
from topology.dead_letters import ERROR_HEADER_PREFIX
from topology.events import (
    BundleCompleted,
    ItemResult,
    ItemStatus,
    ItemStatusReported,
    ItemTaskDispatched,
)
from topology.kafka_access import kafka_access
from topology.topics import dlq_of

pytestmark = pytest.mark.e2e
WAIT_S = 30.0


async def publish(bus, topic: str, event) -> None:
    producer = AIOKafkaProducer(**kafka_access(bus.settings, "admin").aiokafka(), acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, default_codec().encode(event),
                                     key=event.case_id.encode())  # fmt: skip
    finally:
        await producer.stop()


async def dead_letter_reason(bus, topic: str, case_id: str) -> str:
    """The reason header of the dead letter of ``case_id`` on ``topic``'s dead-letter topic."""
    consumer = AIOKafkaConsumer(dlq_of(topic), **kafka_access(bus.settings, "admin").aiokafka(),
                                group_id=None, auto_offset_reset="earliest")  # fmt: skip
    await consumer.start()
    try:
        async with asyncio.timeout(WAIT_S):
            async for record in consumer:
                if record.key == case_id.encode():
                    headers: dict[str, bytes] = dict(record.headers)
                    return headers[f"{ERROR_HEADER_PREFIX}exception.message"].decode()
    finally:
        await consumer.stop()
    raise AssertionError("unreachable")


async def test_an_approval_on_another_departments_topic_is_dead_lettered(bus):
    app = new_case("enterprise_operation_permit", tag="forge")  # its 消防 item gets no answer
    await bus.portal.submit(app)
    await bus.portal.flush()

    def silent_task(seen):
        return any(t.department == SILENT_DEPARTMENT
                   for t in events(bus, app.case_id, ItemTaskDispatched))  # fmt: skip

    await bus.wait(silent_task, WAIT_S, f"a {SILENT_DEPARTMENT} task")
    [task] = [t for t in events(bus, app.case_id, ItemTaskDispatched)
              if t.department == SILENT_DEPARTMENT]  # fmt: skip
    now = datetime.now(UTC)
    forged = ItemStatusReported(
        event_id=uuid.uuid4().hex, case_id=app.case_id, occurred_at=now, item_code=task.item_code,
        department=SILENT_DEPARTMENT, attempt=task.attempt, status=ItemStatus.APPROVED,
        outputs={"forged": "yes"}, handled_at=now,
    )  # fmt: skip
    tax_results = bus.topics.department("tax").results
    await publish(bus, tax_results, forged)
    reason = await dead_letter_reason(bus, tax_results, app.case_id)
    assert reason.startswith("wrong-department"), reason
    assert phase(bus, app.case_id) == "accepted"
    assert not events(bus, app.case_id, BundleCompleted)


async def test_a_completion_forged_on_case_events_is_not_certified(bus):
    case_id = f"forged-{uuid.uuid4().hex[:8]}"
    forged = BundleCompleted(
        event_id=uuid.uuid4().hex, case_id=case_id, occurred_at=datetime.now(UTC),
        bundle_code="newborn_birth", certificate_types=("出生医学证明",),
        results=(ItemResult(item_code="birth_medical_certificate", department="health",
                            outputs={"birth_medical_certificate": "O440100009"}),),
    )  # fmt: skip
    await publish(bus, bus.topics.case_events, forged)
    reason = await dead_letter_reason(bus, bus.topics.case_events, case_id)
    assert reason.startswith("wrong-topic"), reason
    # The certificate service read and refused it: a genuine case completed after it shows
    # that service is working, and the forged case still has no certificate.
    app = new_case("newborn_birth", tag="after-forgery")
    await bus.portal.submit(app)
    await bus.portal.flush()
    await bus.wait(lambda seen: any(c == app.case_id for c, _ in seen.certificates), WAIT_S)
    assert not any(c == case_id for c, _ in bus.observer.seen.certificates)
