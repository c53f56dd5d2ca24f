"""`onething dlq` on the real broker: dead letters counted per topic and reason, shown with
personal data masked, and replayed to the topic they first arrived on, key and own headers
kept, error headers dropped."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import NewTopic

from deploy.dlq_admin import REPLAYED_FROM, counts, read_dead_letters, replay
from topology.catalog import load_catalog
from topology.codec import cloudevent_headers, default_codec
from topology.dead_letters import ERROR_HEADER_PREFIX, dead_letter_headers
from topology.samples import sample_application
from topology.topics import Topics, dlq_of

pytestmark = pytest.mark.integration


def _clear_reason_headers(origin: str, id_number: str) -> list[tuple[str, bytes]]:
    """As an older writer might have left them: the reason repeats an ID number in clear."""
    return [(f"{ERROR_HEADER_PREFIX}topic", origin.encode()),
            (f"{ERROR_HEADER_PREFIX}partition", b"0"), (f"{ERROR_HEADER_PREFIX}offset", b"7"),
            (f"{ERROR_HEADER_PREFIX}exception.class.name", b"ValidationError"),
            (f"{ERROR_HEADER_PREFIX}exception.message",
             f"applicant.id_number {id_number} failed".encode())]  # fmt: skip


async def test_dead_letters_are_counted_shown_masked_and_replayed(
    kafka_admin, kafka_admin_access, kafka_bootstrap, unique
):
    topics = Topics(f"dlq{unique}")
    origin, dead = topics.applications, dlq_of(topics.applications)
    await kafka_admin.create_topics([NewTopic(origin, 1, 1), NewTopic(dead, 1, 1)])
    catalog = load_catalog()
    app = sample_application(catalog, catalog.bundle("newborn_birth"), f"dlq-{unique}",
                             random.Random(unique))  # fmt: skip
    value = default_codec().encode(app)
    own = cloudevent_headers(app, source="/test")
    producer = AIOKafkaProducer(**kafka_admin_access.aiokafka(), acks="all")
    await producer.start()
    try:
        await producer.send(dead, value, key=app.case_id.encode(),
                            headers=[*own, *_clear_reason_headers(origin, app.applicant.id_number)])
        await producer.send(dead, b"\x00junk", key=b"k", headers=dead_letter_headers(
            [], (origin, 0, 8), ValueError("not single-object encoded")))  # fmt: skip
        await producer.flush()
    finally:
        await producer.stop()

    letters = await read_dead_letters(kafka_admin_access, [dead])
    assert counts(letters) == {(dead, "ValidationError"): 1, (dead, "ValueError"): 1}
    valid, junk = letters
    shown = json.dumps(valid.describe(), ensure_ascii=False)
    assert app.applicant.id_number not in shown
    assert app.applicant.name not in shown
    assert valid.describe()["event_type"] == "ApplicationSubmitted"
    assert junk.describe()["decodes"].startswith("no")

    assert await replay(kafka_admin_access, [valid]) == 1
    consumer = AIOKafkaConsumer(origin, **kafka_admin_access.aiokafka(), group_id=None,
                                auto_offset_reset="earliest")  # fmt: skip
    await consumer.start()
    try:
        [record] = (await consumer.getmany(timeout_ms=10_000)).popitem()[1]
    finally:
        await consumer.stop()
    assert (record.key, record.value) == (app.case_id.encode(), value)
    headers = dict(record.headers)
    assert headers[REPLAYED_FROM] == valid.ref.encode()
    assert not any(k.startswith(ERROR_HEADER_PREFIX) for k in headers)
    assert {k for k, _ in own} <= set(headers)

    env = os.environ | {"ONETHING_KAFKA_BOOTSTRAP": kafka_bootstrap}
    listed = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "deploy", "dlq", "list", "--json", "--prefix",
                         topics.prefix], env=env, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    assert sorted((r["reason"], r["count"]) for r in json.loads(listed.stdout)) == [
        ("ValidationError", 1), ("ValueError", 1)]  # fmt: skip
