"""A smoke round trip through the real broker: create a topic, produce, consume, compare."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from deploy.applicant import bus_producer
from topology.kafka_access import KafkaAccess


@dataclass(frozen=True)
class SmokeReport:
    topic: str
    sent: int
    received: int
    seconds: float


async def round_trip(access: KafkaAccess, count: int = 100, wait_s: float = 30.0) -> SmokeReport:
    """Produce ``count`` records with acks=all and read every one back."""
    topic = f"onething.smoke.{uuid.uuid4().hex[:8]}"
    began = time.monotonic()
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
        sent = await _produce(access, topic, count)
        received = await _consume(access, topic, sent, wait_s)
        await admin.delete_topics([topic])
    finally:
        await admin.close()
    return SmokeReport(topic, len(sent), len(received & sent), time.monotonic() - began)


async def _produce(access: KafkaAccess, topic: str, count: int) -> set[bytes]:
    producer = bus_producer(access, linger_ms=0)
    await producer.start()
    try:
        values = {f"smoke-{i}".encode() for i in range(count)}
        for value in values:
            await producer.send(topic, value, key=value[-1:])
        await producer.flush()
    finally:
        await producer.stop()
    return values


async def _consume(
    access: KafkaAccess, topic: str, expected: set[bytes], wait_s: float
) -> set[bytes]:
    consumer = AIOKafkaConsumer(
        topic, **access.aiokafka(), auto_offset_reset="earliest",
        group_id=f"{topic}.reader", enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    seen: set[bytes] = set()
    deadline = time.monotonic() + wait_s
    try:
        while not expected <= seen and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            seen.update(r.value for records in batches.values() for r in records if r.value)
    finally:
        await consumer.stop()
    return seen
