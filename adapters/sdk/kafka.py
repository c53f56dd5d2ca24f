"""The Kafka clients an adapter needs, configured once: the producer and the ledger reader."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord, TopicPartition

from adapters.sdk.ledger import Ledger
from adapters.sdk.messages import LEDGER_KEY
from adapters.sdk.settings import AdapterSettings
from topology.codec import Codec
from topology.kafka_access import KafkaAccess
from topology.settings import producer_options
from topology.topics import DepartmentTopics


class MissingTopicError(RuntimeError):
    """A topic the adapter needs does not exist (the broker does not auto-create topics)."""


def make_producer(
    access: KafkaAccess, settings: AdapterSettings, client_id: str = "onething-adapters"
) -> AIOKafkaProducer:
    """The bus's producer options (acks=all, idempotent: a result is durable before its
    task's offset is committed), with the adapters' own linger."""
    options = producer_options(settings.linger_ms, client_id=client_id)
    return AIOKafkaProducer(**access.aiokafka(), **options)


def make_consumer(access: KafkaAccess, group_id: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        **access.aiokafka(),
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )


async def _partitions(producer: AIOKafkaProducer, topic: str, wait_s: float = 10.0) -> set[int]:
    """The topic's partitions (a topic created a moment ago may take a metadata round)."""
    try:
        return set(await asyncio.wait_for(producer.partitions_for(topic), wait_s))
    except (TimeoutError, KafkaError) as error:
        raise MissingTopicError(
            f"topic {topic} does not exist: create the department's "
            "topics first (onething topics apply)"
        ) from error


async def load_ledgers(
    access: KafkaAccess,
    departments: Sequence[DepartmentTopics],
    codec: Codec,
    producer: AIOKafkaProducer,
) -> dict[str, Ledger]:
    """Each department's ledger, read at start from its ledger topic (cancellations) and its
    results topic (final results tagged with their attempt), from the beginning to their end
    offsets, by one consumer for all (a consumer per department slows the start)."""
    ledgers = {d.department: Ledger(d.ledger) for d in departments}
    sources = {topic: (ledgers[d.department], topic == d.ledger)
               for d in departments for topic in (d.ledger, d.results)}  # fmt: skip
    consumer = AIOKafkaConsumer(**access.aiokafka(), enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [
            TopicPartition(topic, p)
            for topic in sources
            for p in sorted(await _partitions(producer, topic))
        ]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batches = await consumer.getmany(timeout_ms=200, max_records=20_000)
            for tp, records in batches.items():
                ledger, from_ledger_topic = sources[tp.topic]
                for record in records:
                    _apply(ledger, from_ledger_topic, record, codec)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return ledgers


def _apply(ledger: Ledger, from_ledger_topic: bool, record: ConsumerRecord, codec: Codec) -> None:
    if from_ledger_topic:
        ledger.load(record.key, record.value, codec)
        return
    for name, value in record.headers or ():
        if name == LEDGER_KEY:
            ledger.load_result(bytes(value).decode(), record.value)
