"""Shared fixtures: the real broker (session-scoped) and per-test topic and group names."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from deploy.topics_admin import delete_groups, list_groups
from tests.support.broker import real_kafka
from topology.kafka_access import KafkaAccess, client_properties_path, kafka_access
from topology.settings import Settings


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Kafka broker for the whole session. A broker that cannot start is an error,
    never a skip: the fixture raises and every integration test fails with the cause.
    Topics and consumer groups the session created are deleted afterwards: every partition
    costs the broker open files, every group's offsets time at its start, and test runs would
    otherwise pile them up."""
    with real_kafka(Settings()) as bootstrap:
        admin = _admin_access(bootstrap)
        before = asyncio.run(_names(admin))
        yield bootstrap
        asyncio.run(_delete_new(admin, before))


def _admin_access(bootstrap: str) -> KafkaAccess:
    return kafka_access(Settings(kafka_bootstrap=bootstrap), "admin")


@pytest.fixture(scope="session")
def kafka_admin_access(kafka_bootstrap: str) -> KafkaAccess:
    """The session broker as ``admin``, its super user (secured unless ONETHING_SECURITY=off)."""
    return _admin_access(kafka_bootstrap)


@pytest.fixture(scope="session")
def client_properties(kafka_bootstrap: str) -> str:
    """ONETHING_KAFKA_CLIENT_PROPERTIES for a bus whose state dir is not the broker's: every
    principal's file as the session broker's launcher keeps it."""
    return str(client_properties_path(Settings().state_dir.resolve(), "{principal}"))


async def _names(access: KafkaAccess) -> set[str]:
    """Topic names and consumer group ids on the broker."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        return set(await admin.list_topics()) | set(await list_groups(admin))
    finally:
        await admin.close()


async def _delete_new(access: KafkaAccess, before: set[str]) -> None:
    admin = AIOKafkaAdminClient(**access.aiokafka())
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
async def kafka_admin(kafka_admin_access: KafkaAccess) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(**kafka_admin_access.aiokafka())
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()
