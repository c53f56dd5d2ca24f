"""Shared fixtures: the real broker (session-scoped) and per-test topic and group names."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from deploy.topics_admin import delete_groups, list_groups
from tests.support.broker import real_kafka
from topology.settings import Settings


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Kafka broker for the whole session. A broker that cannot start is an error,
    never a skip: the fixture raises and every integration test fails with the cause.
    Topics and consumer groups the session created are deleted afterwards: every partition
    costs the broker open files, every group's offsets time at its start, and test runs would
    otherwise pile them up."""
    with real_kafka(Settings()) as bootstrap:
        before = asyncio.run(_names(bootstrap))
        yield bootstrap
        asyncio.run(_delete_new(bootstrap, before))


async def _names(bootstrap: str) -> set[str]:
    """Topic names and consumer group ids on the broker."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics()) | set(await list_groups(admin))
    finally:
        await admin.close()


async def _delete_new(bootstrap: str, before: set[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        created = sorted(set(await admin.list_topics()) - before - {"__consumer_offsets"})
        for start in range(0, len(created), 100):
            await admin.delete_topics(created[start : start + 100])
        groups = set(await list_groups(admin)) - before
        await delete_groups(admin, sorted(groups))
    finally:
        await admin.close()


@pytest.fixture
def unique() -> str:
    """A short token that keeps each test's topics and consumer groups its own."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
async def kafka_admin(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()
