"""After a rebalance, stream partitions without a committed offset are read from their start
(the messages Faust dropped while rebalancing are otherwise never read again)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import TopicPartition

from streams.runtime.app import StreamsConfig, create_app
from streams.runtime.rewind import RewindingConsumer
from topology.settings import Settings

pytestmark = pytest.mark.unit


class _Thread:
    """The consumer thread's seeks, recorded; committed offsets as a new group has them."""

    def __init__(self, committed: dict[TopicPartition, int | None]) -> None:
        self.committed = committed
        self.to_beginning: list[TopicPartition] = []

    async def seek_to_committed(self) -> dict[TopicPartition, int | None]:
        return self.committed

    async def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        self.to_beginning += partitions


def _consumer(thread: _Thread, changelogs: set[str]) -> Any:
    consumer: Any = RewindingConsumer.__new__(RewindingConsumer)  # its seeks only, no Kafka
    consumer._thread = thread
    consumer.app = SimpleNamespace(tables=SimpleNamespace(changelog_topics=changelogs))
    return consumer


async def test_uncommitted_stream_partitions_go_back_to_their_start() -> None:
    apps, results, log = "x.case.applications.v1", "x.dept.tax.results.v1", "x-cases-changelog"
    thread = _Thread({
        TopicPartition(apps, 0): 17,  # committed: Faust seeks it there itself
        TopicPartition(apps, 2): None,  # never committed
        TopicPartition(results, 1): 0,  # committed at 0: nothing read yet either
        TopicPartition(log, 2): None,  # a changelog: table recovery positions it
    })  # fmt: skip
    committed = await _consumer(thread, {log}).seek_to_committed()
    assert committed == thread.committed  # Faust still gets what it asked for
    assert sorted(thread.to_beginning) == [TopicPartition(apps, 2), TopicPartition(results, 1)]


async def test_nothing_is_sought_when_every_partition_has_a_commit() -> None:
    thread = _Thread({TopicPartition("x.case.applications.v1", 0): 5})
    await _consumer(thread, set()).seek_to_committed()
    assert thread.to_beginning == []


def test_the_bus_apps_use_the_rewinding_consumer() -> None:
    app = create_app(StreamsConfig(Settings(), app_id="rewind-test", web_enabled=False))
    assert isinstance(app.consumer, RewindingConsumer)
