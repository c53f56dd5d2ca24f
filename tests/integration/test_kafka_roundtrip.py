"""aiokafka on the real broker: ordering per key, committed offsets, resuming after restart."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import NewTopic
from aiokafka.structs import TopicPartition

from topology.kafka_access import KafkaAccess

pytestmark = pytest.mark.integration

KEYS = [f"case-{i}".encode() for i in range(8)]


async def produce(access: KafkaAccess, topic: str, per_key: int, start: int = 0) -> None:
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for seq in range(start, start + per_key):
            for key in KEYS:
                await producer.send(topic, f"{seq}".encode(), key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def read_until(consumer: AIOKafkaConsumer, count: int, wait_s: float = 20.0) -> list:
    """Read records until ``count`` have arrived or the bound passes."""
    records: list = []
    deadline = time.monotonic() + wait_s
    while len(records) < count and time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=300, max_records=count - len(records))
        for batch in batches.values():
            records.extend(batch)
    return records


def consumer_for(access: KafkaAccess, topic: str, group: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        **access.aiokafka(),
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )


async def test_order_per_key_commits_and_resume(kafka_admin_access, kafka_admin, unique):
    topic, group = f"it.roundtrip.{unique}", f"it.roundtrip.{unique}.g"
    await kafka_admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    await produce(kafka_admin_access, topic, per_key=10)

    first = consumer_for(kafka_admin_access, topic, group)
    await first.start()
    try:
        records = await read_until(first, 40)
        assert len(records) == 40
        await first.commit()
        committed = {tp: await first.committed(tp) for tp in first.assignment()}
    finally:
        await first.stop()

    consumed_per_partition: dict[int, int] = {}
    for record in records:
        consumed_per_partition[record.partition] = record.offset + 1
    assert {tp.partition: off for tp, off in committed.items() if off} == consumed_per_partition

    await produce(kafka_admin_access, topic, per_key=10, start=10)
    second = consumer_for(kafka_admin_access, topic, group)
    await second.start()
    try:
        rest = await read_until(second, 120)
    finally:
        await second.stop()
    assert len(rest) == 120, "the restarted group must resume exactly after its commit"

    by_key: dict[bytes, list[int]] = {}
    for record in records + rest:
        by_key.setdefault(record.key, []).append(int(record.value))
    assert all(seq == list(range(20)) for seq in by_key.values()), "order per key is kept"


async def test_uncommitted_records_are_redelivered(kafka_admin_access, kafka_admin, unique):
    topic, group = f"it.redeliver.{unique}", f"it.redeliver.{unique}.g"
    await kafka_admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    await produce(kafka_admin_access, topic, per_key=2)

    crashed = consumer_for(kafka_admin_access, topic, group)
    await crashed.start()
    try:
        seen = await read_until(crashed, 16)
        await crashed.commit({TopicPartition(topic, 0): 8})
    finally:
        await crashed.stop()
    assert len(seen) == 16

    again = consumer_for(kafka_admin_access, topic, group)
    await again.start()
    try:
        redelivered = await read_until(again, 8)
        extra = await asyncio.wait_for(again.getmany(timeout_ms=500), 5)
    finally:
        await again.stop()
    assert [r.offset for r in redelivered] == list(range(8, 16))
    assert not any(extra.values())
