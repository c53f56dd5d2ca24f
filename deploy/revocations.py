"""Whether a certificate was revoked: the certificates topic is the record of revocations
(撤销), read from its start to its end at the moment of asking."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition

from topology.codec import CodecError, default_codec
from topology.events import CertificateRevoked
from topology.kafka_access import KafkaAccess


class RevocationUnknownError(RuntimeError):
    """The certificates topic could not be read, so revocation is not known either way."""


async def find_revocation(
    access: KafkaAccess, topic: str, number: str, within_s: float = 30.0
) -> CertificateRevoked | None:
    """The revocation of certificate ``number`` on ``topic``, or None if it has none."""
    try:
        return await asyncio.wait_for(_scan(access, topic, number), within_s)
    except (TimeoutError, KafkaError, OSError) as error:
        raise RevocationUnknownError(
            f"cannot read {topic} at {access.bootstrap} ({type(error).__name__})"
        ) from error


async def _partitions(access: KafkaAccess, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    found = [p["partition"] for t in described if not t["error_code"] for p in t["partitions"]]
    if not found:
        raise RevocationUnknownError(f"no topic {topic}")
    return sorted(found)


async def _scan(access: KafkaAccess, topic: str, number: str) -> CertificateRevoked | None:
    tps = [TopicPartition(topic, p) for p in await _partitions(access, topic)]
    consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=None,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        return await _read(consumer, tps, number)
    finally:
        await consumer.stop()


async def _read(
    consumer: AIOKafkaConsumer, tps: list[TopicPartition], number: str
) -> CertificateRevoked | None:
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)
    ends = await consumer.end_offsets(tps)
    remaining = {tp for tp in tps if ends[tp] > 0}
    found = None
    while remaining:
        for tp, records in (await consumer.getmany(*remaining, timeout_ms=500)).items():
            for record in records:
                found = found or _revocation(record.value, number)
            if await consumer.position(tp) >= ends[tp]:
                remaining.discard(tp)
    return found


def _revocation(value: bytes | None, number: str) -> CertificateRevoked | None:
    try:
        event = default_codec().decode_as(value or b"", CertificateRevoked)
    except CodecError:
        return None  # a CertificateIssued, or not ours
    return event if event.certificate_number == number else None
