"""Shared fixtures: the real broker (session-scoped) and per-test topic and group names."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from tests.support.broker import real_kafka
from topology.settings import Settings


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Kafka broker for the whole session. A broker that cannot start is an error,
    never a skip: the fixture raises and every integration test fails with the cause."""
    with real_kafka(Settings()) as bootstrap:
        yield bootstrap


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
