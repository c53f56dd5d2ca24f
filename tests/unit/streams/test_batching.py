"""Batches that follow the load, under Faust's test_context(): a quiet agent does not wait,
queued messages are taken together, a busy agent's wait grows to its maximum."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from streams.issuance.service import IssuanceService
from streams.runtime.batching import Linger, LoadFollowingBatches
from streams.runtime.worker import build_issuance
from tests.unit.streams.feed import offline_producer
from topology.records import ConsumedRecord
from topology.settings import Settings

pytestmark = pytest.mark.unit
NOT_AVRO = b"io.onething.events.ApplicationAccepted"  # a type the service passes over


def test_linger_follows_the_batch_before_it() -> None:
    linger = Linger(max_s=0.06, full_at=100)
    assert linger.seconds() == 0.0, "nothing seen yet: no wait"
    linger.observe(1)
    assert linger.seconds() == pytest.approx(0.0006)
    linger.observe(50)
    assert linger.seconds() == pytest.approx(0.03)
    linger.observe(5000)
    assert linger.seconds() == pytest.approx(0.06), "capped at the maximum"


@contextlib.asynccontextmanager
async def recorded(
    tmp_path: Any, monkeypatch: Any, *, batch_max: int = 1000, linger_max_s: float = 30.0
) -> AsyncIterator[tuple[Any, IssuanceService, list[int]]]:
    """The certificate service under test_context(), recording the size of every batch."""
    app, service = build_issuance(Settings(state_dir=tmp_path, topic_prefix="unitbatch"))
    service.batch_max, service.batch_linger_max_s = batch_max, linger_max_s
    sizes: list[int] = []
    handle = service.handle_batch

    async def recording(batch: Sequence[ConsumedRecord]) -> None:
        sizes.append(len(batch))
        await handle(batch)

    monkeypatch.setattr(service, "handle_batch", recording)
    app.finalize()
    offline_producer(monkeypatch, app)
    async with service.agent.test_context() as agent:
        yield agent, service, sizes


@pytest.fixture
async def service(tmp_path: Any, monkeypatch: Any) -> AsyncIterator[tuple[Any, Any, list[int]]]:
    # a 30 s wait would time every test out: a quiet agent must not wait at all
    async with recorded(tmp_path, monkeypatch) as running:
        yield running


async def _put(agent: Any, n: int) -> None:
    await agent.put(key=f"case-{n}".encode(), value=b"x", headers=[("ce_type", NOT_AVRO)])


async def test_a_quiet_agent_handles_a_message_at_once(service: Any) -> None:
    agent, processor, sizes = service
    await _put(agent, 1)
    await processor.wait_handled(1, within_s=5.0)
    await _put(agent, 2)
    await processor.wait_handled(2, within_s=5.0)
    assert sizes == [1, 1]


async def test_queued_messages_are_taken_together(service: Any) -> None:
    agent, processor, sizes = service
    for n in range(300):
        await _put(agent, n)
    await processor.wait_handled(300, within_s=60.0)
    assert sum(sizes) == 300
    assert len(sizes) < 300, f"one batch per message: {sizes[:10]}..."


async def test_a_batch_never_holds_more_than_batch_max(tmp_path: Any, monkeypatch: Any) -> None:
    # long waits: the batches fill up to their maximum
    async with recorded(tmp_path, monkeypatch, batch_max=10, linger_max_s=5.0) as running:
        agent, processor, sizes = running
        for n in range(35):
            await _put(agent, n)
        await processor.wait_handled(35, within_s=30.0)
    assert sum(sizes) == 35
    assert max(sizes) == 10, sizes


class _EndingStream:
    """A stream whose iterator ends after ``events``, as Faust's does when it stops it."""

    def __init__(self, events: list[int], stopping: bool) -> None:
        self.events_left, self.should_stop = events, False
        self.app = type("App", (), {"should_stop": stopping})()
        self.enable_acks = True
        self.acked: list[int] = []
        self.channel = type("Channel", (), {"queue": asyncio.Queue()})()

    async def events(self) -> AsyncIterator[int]:
        for event in self.events_left:
            yield event

    async def ack(self, event: int) -> None:
        self.acked.append(event)


async def test_a_stream_stopped_by_faust_ends_the_batches_quietly() -> None:
    stream = _EndingStream([1, 2, 3], stopping=True)
    handled: list[int] = []

    async def handle(batch: Sequence[Any]) -> None:
        handled.extend(batch)

    await LoadFollowingBatches(stream, batch_max=10, linger=Linger(0.0)).run(handle)
    # What was pulled and not handled stays unacknowledged, for the partition's next owner.
    assert stream.acked == handled


async def test_a_stream_that_ends_while_running_is_a_crash() -> None:
    stream = _EndingStream([1], stopping=False)

    async def handle(batch: Sequence[Any]) -> None:
        return None

    with pytest.raises(RuntimeError, match="ended while the worker was running"):
        await LoadFollowingBatches(stream, batch_max=10, linger=Linger(0.0)).run(handle)
