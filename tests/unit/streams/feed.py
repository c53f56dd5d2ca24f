"""Feeding a batched agent under Faust's test_context(), one message at a time."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP

from streams.runtime.event_agent import EventAgent
from topology.records import ConsumedRecord


class Feed:
    """Delivers messages to a batched agent as read from a named topic (Faust's test agent
    names none, and the agent checks where each event came from): one batch of one
    message, handled when ``put`` returns."""

    def __init__(self, agent: Any, processor: EventAgent) -> None:
        self.agent, self.processor = agent, processor
        self.offset = 0

    async def put(
        self, key: bytes, value: bytes, headers: list[tuple[str, bytes]] | None = None, *,
        topic: str,
    ) -> None:  # fmt: skip
        self.offset += 1
        record = ConsumedRecord(topic, 0, self.offset, key, value, tuple(headers or ()))
        await self.processor.handle_batch([record])


def offline_producer(monkeypatch: Any, app: Any) -> list[tuple[str, bytes, bytes]]:
    """Tables written once per batch (``use_partitioner``) ask the producer for a key's
    partition and hand it their changelog records; without a running producer, say
    partition 0 and keep the records in the list returned. Kafka is not under test here."""
    sent: list[tuple[str, bytes, bytes]] = []

    async def send(topic: str, key: bytes, value: bytes, **_: Any) -> asyncio.Future[None]:
        sent.append((topic, key, value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    monkeypatch.setattr(app.producer, "key_partition", lambda topic, key: TP(topic, 0))
    monkeypatch.setattr(app.producer, "send", send)
    return sent
