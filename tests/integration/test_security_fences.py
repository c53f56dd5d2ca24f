"""The secured broker's fences, each failing if the fence is removed: who may connect, read,
write and join which group, as ``acls apply`` renders them from topology."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    TopicAuthorizationFailedError,
)

from deploy.topics_cli import plan_and_apply
from topology.kafka_access import KafkaAccess, kafka_access
from topology.secret import Secret
from topology.settings import Settings
from topology.topics import Topics

pytestmark = pytest.mark.integration
WAIT_S = 20.0


@pytest.fixture
async def bus(kafka_admin_access: KafkaAccess, unique: str) -> Settings:
    """A bus prefix of its own with its topics and ACLs; one record on each tasks topic."""
    settings = Settings(kafka_bootstrap=kafka_admin_access.bootstrap, topic_prefix=f"fence{unique}")
    if not settings.secured:
        pytest.fail("the fences are tested secured: unset ONETHING_SECURITY=off")
    await plan_and_apply(kafka_admin_access, settings, dry_run=False)
    topics = Topics(settings.topic_prefix)
    producer = AIOKafkaProducer(**kafka_admin_access.aiokafka())
    await producer.start()
    try:
        for code in ("tax", "public_security"):
            await producer.send_and_wait(topics.department(code).tasks, b"task", key=b"case")
    finally:
        await producer.stop()
    await _until_granted(settings)
    return settings


async def _until_granted(settings: Settings) -> None:
    """The broker applies new ACLs a moment after the controller commits them: wait (bounded)
    until tax reads its own tasks, so a refusal below is the fence, not that moment."""
    topics = Topics(settings.topic_prefix)
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        try:
            tax = as_principal(settings, "tax")
            await first_record(tax, topics.department("tax").tasks, topics.adapter_group("tax"))
            return
        except TopicAuthorizationFailedError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


def as_principal(settings: Settings, name: str) -> KafkaAccess:
    return kafka_access(settings, name)


async def first_record(access: KafkaAccess, topic: str, group: str | None = None) -> bytes:
    consumer = AIOKafkaConsumer(topic, **access.aiokafka(), group_id=group,
                                auto_offset_reset="earliest", enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), WAIT_S)
        return bytes(record.value or b"")
    finally:
        await consumer.stop()


async def write(access: KafkaAccess, topic: str) -> None:
    producer = AIOKafkaProducer(**access.aiokafka(), request_timeout_ms=10_000)
    await producer.start()
    try:
        await asyncio.wait_for(producer.send_and_wait(topic, b"forged", key=b"case"), WAIT_S)
    finally:
        await producer.stop()


async def test_a_department_reads_its_own_tasks_in_its_own_group(bus):
    topics = Topics(bus.topic_prefix)
    tax = as_principal(bus, "tax")
    group = topics.adapter_group("tax")
    assert await first_record(tax, topics.department("tax").tasks, group) == b"task"


async def test_tax_cannot_read_public_security_tasks(bus):
    topics = Topics(bus.topic_prefix)
    with pytest.raises(TopicAuthorizationFailedError):
        await first_record(as_principal(bus, "tax"), topics.department("public_security").tasks)


async def test_tax_cannot_use_another_departments_group(bus):
    topics = Topics(bus.topic_prefix)
    theirs = topics.adapter_group("public_security")
    with pytest.raises(GroupAuthorizationFailedError):
        await first_record(as_principal(bus, "tax"), topics.department("tax").tasks, theirs)


@pytest.mark.parametrize("lifecycle", ["case_events", "completions", "applications"])
async def test_tax_cannot_write_lifecycle_topics(bus, lifecycle):
    topic = getattr(Topics(bus.topic_prefix), lifecycle)
    with pytest.raises(TopicAuthorizationFailedError):
        await write(as_principal(bus, "tax"), topic)


async def test_tax_cannot_answer_for_another_department(bus):
    topics = Topics(bus.topic_prefix)
    with pytest.raises(TopicAuthorizationFailedError):
        await write(as_principal(bus, "tax"), topics.department("public_security").results)


async def test_portal_writes_applications_and_cannot_read_tasks(bus):
    topics = Topics(bus.topic_prefix)
    portal = as_principal(bus, "portal")
    await write(portal, topics.applications)
    with pytest.raises(TopicAuthorizationFailedError):
        await first_record(portal, topics.department("tax").tasks)


async def test_ops_reads_no_record(bus):
    topics = Topics(bus.topic_prefix)
    with pytest.raises(TopicAuthorizationFailedError):
        await first_record(as_principal(bus, "ops"), topics.department("tax").tasks)


async def test_a_wrong_password_is_refused(bus):
    forged = replace(as_principal(bus, "tax"), password=Secret("not-the-password"))
    with pytest.raises(KafkaError):
        await first_record(forged, Topics(bus.topic_prefix).department("tax").tasks)


async def test_an_unauthenticated_client_is_refused(bus):
    plaintext = KafkaAccess(bus.kafka_bootstrap)
    producer = AIOKafkaProducer(**plaintext.aiokafka(), request_timeout_ms=5_000)
    with pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(producer.start(), WAIT_S)
    await producer.stop()
