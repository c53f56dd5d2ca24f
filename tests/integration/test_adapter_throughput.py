"""One adapter under a burst on the real broker: one department, a zero-latency simulator,
thousands of tasks, every one answered exactly once. (Its rate is a figure for the bench,
not an assertion: `onething bench` reports the adapters' CPU per case.)"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from adapters.discovery import installed_adapters
from adapters.host import AdapterHost
from adapters.testing import sample_task
from deploy.topics_admin import apply, plan
from tests.support.acls import allow_departments
from topology.catalog import load_catalog
from topology.codec import default_codec
from topology.kafka_access import kafka_access
from topology.settings import Settings
from topology.topics import Topics

pytestmark = pytest.mark.integration
TASKS = 5_000


async def _produce(settings: Settings, topic: str, count: int) -> None:
    catalog, codec = load_catalog(), default_codec()
    templates = [sample_task(catalog, b.code, i, case_id="template")
                 for b, i in catalog.items_for_department("tax")]
    producer = AIOKafkaProducer(**kafka_access(settings, "admin").aiokafka(), linger_ms=10,
                                max_batch_size=512 * 1024)
    await producer.start()
    try:
        sent = []
        for n in range(count):
            case = f"tp-{n:06d}"
            task = templates[n % len(templates)].model_copy(
                update={"case_id": case, "event_id": f"00000000-0000-4000-8000-{n:012d}"})
            sent.append(await producer.send(topic, codec.encode(task), key=case.encode()))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def _answers_until(
    settings: Settings, topic: str, count: int, wait_s: float
) -> list[tuple[str, str]]:
    """(case, item) of each answer record on ``topic``, until ``count`` or ``wait_s``."""
    consumer = AIOKafkaConsumer(topic, **kafka_access(settings, "admin").aiokafka(),
                                auto_offset_reset="earliest", enable_auto_commit=False)
    codec = default_codec()
    await consumer.start()
    seen: list[tuple[str, str]] = []
    deadline = time.monotonic() + wait_s
    try:
        while len(seen) < count and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=20_000)
            for records in batches.values():
                for record in records:
                    event = codec.decode(record.value or b"")
                    seen.append((event.case_id, getattr(event, "item_code", "")))
    finally:
        await consumer.stop()
    return seen


async def test_one_adapter_answers_a_burst_of_tasks_each_once(
    kafka_bootstrap, kafka_admin, kafka_admin_access, unique
):
    settings = Settings(kafka_bootstrap=kafka_bootstrap, topic_prefix=f"it{unique}", partitions=4)
    topics = Topics(settings.topic_prefix).department("tax")
    await apply(kafka_admin, plan(Topics(settings.topic_prefix).all(["tax"], partitions=4), {}))
    await allow_departments(kafka_admin_access, settings)
    await _produce(settings, topics.tasks, TASKS)
    previous = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    host = AdapterHost(settings, [installed_adapters()["tax"].router], catalog=load_catalog())
    stop, ready = asyncio.Event(), asyncio.Event()
    run = asyncio.create_task(host.run(stop, ready))
    await asyncio.wait_for(ready.wait(), 60)
    answers = await _answers_until(settings, topics.results, TASKS, wait_s=120)
    stop.set()
    await asyncio.wait_for(run, 30)
    structlog.configure(**previous)
    assert len(answers) == TASKS
    assert len(set(answers)) == TASKS, "every task answered, none twice"
