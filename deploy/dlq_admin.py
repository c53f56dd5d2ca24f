"""Dead letters an operator can act on: read every dead-letter topic of a bus, count them by
topic and reason, show one with personal data masked, and replay chosen ones to the topic
they first arrived on, once fixed (the bus's handlers are idempotent: a replayed record that
was applied before changes nothing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from topology.codec import CodecError, default_codec
from topology.dead_letters import ERROR_HEADER_PREFIX
from topology.kafka_access import KafkaAccess
from topology.logs import mask_text

REPLAYED_FROM = "onething.replayed.from"
"""Header a replayed record carries: the dead letter it came from (``topic:partition:offset``)."""


@dataclass(frozen=True)
class DeadLetter:
    """One record on a dead-letter topic."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    def error(self, name: str) -> str:
        """An ``__connect.errors.<name>`` header, masked."""
        for key, value in self.headers:
            if key == f"{ERROR_HEADER_PREFIX}{name}":
                return mask_text(value.decode(errors="replace"))
        return ""

    @property
    def reason(self) -> str:
        return self.error("exception.class.name") or "unknown"

    @property
    def origin(self) -> str:
        """The topic the record first arrived on; a dead-letter topic names its source."""
        return self.error("topic") or self.topic.removesuffix(".dlq")

    @property
    def ref(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    def replay_headers(self) -> list[tuple[str, bytes]]:
        """The record's own headers, without the error headers, marked as replayed."""
        kept = [(k, v) for k, v in self.headers
                if not k.startswith(ERROR_HEADER_PREFIX) and k != REPLAYED_FROM]  # fmt: skip
        return [*kept, (REPLAYED_FROM, self.ref.encode())]

    def describe(self) -> dict[str, object]:
        """What `dlq show` prints: where it came from, why it failed, and what it holds,
        without any value that may be personal (event type, ids and field names only)."""
        shown: dict[str, object] = {
            "dead_letter": self.ref, "origin": f"{self.origin}:{self.error('partition')}:"
            f"{self.error('offset')}", "reason": self.reason,
            "message": self.error("exception.message"),
            "key": mask_text((self.key or b"").decode(errors="replace")),
            "bytes": len(self.value),
            "headers": [k for k, _ in self.headers if not k.startswith(ERROR_HEADER_PREFIX)],
        }  # fmt: skip
        try:
            event = default_codec().decode(self.value, topic=self.topic, offset=self.offset)
        except CodecError as error:
            shown["decodes"] = f"no: {type(error).__name__}"
            return shown
        shown |= {"decodes": "yes", "event_type": type(event).__name__,
                  "event_id": event.event_id, "case_id": event.case_id,
                  "fields": sorted(event.model_fields_set)}  # fmt: skip
        return shown


async def dead_letter_topics(access: KafkaAccess, prefix: str) -> list[str]:
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        names = await admin.list_topics()
    finally:
        await admin.close()
    return sorted(n for n in names if n.startswith(f"{prefix}.") and n.endswith(".dlq"))


async def read_dead_letters(access: KafkaAccess, topics: Sequence[str]) -> list[DeadLetter]:
    """Every record now on ``topics``, from their start to their end at this moment."""
    if not topics:
        return []
    consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")  # fmt: skip
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics
                      for p in sorted(consumer.partitions_for_topic(t) or {0})]  # fmt: skip
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[DeadLetter] = []
        pending = {tp for tp in partitions if ends[tp] > 0}
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, records in batches.items():
                found += [DeadLetter(r.topic, r.partition, r.offset, r.timestamp, r.key,
                                     r.value or b"", tuple(r.headers))
                          for r in records if r.offset < ends[tp]]  # fmt: skip
                if records and records[-1].offset + 1 >= ends[tp]:
                    pending.discard(tp)
        return found
    finally:
        await consumer.stop()


def counts(letters: Iterable[DeadLetter]) -> Counter[tuple[str, str]]:
    """Dead letters per (topic, reason)."""
    return Counter((letter.topic, letter.reason) for letter in letters)


async def replay(access: KafkaAccess, letters: Sequence[DeadLetter]) -> int:
    """Send each dead letter to its origin topic with its key and own headers; returns how
    many. Acknowledged by every in-sync replica before it returns."""
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for letter in letters:
            await producer.send(letter.origin, letter.value, key=letter.key,
                                headers=letter.replay_headers())  # fmt: skip
        await producer.flush()
    finally:
        await producer.stop()
    return len(letters)
