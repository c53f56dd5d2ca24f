"""Feeding a batched agent under Faust's test_context(), one message at a time."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP

from streams.runtime.event_agent import EventAgent


class Feed:
    """``put`` returns once the agent has handled the message: the agent takes batches, so
    Faust's own ``put(wait=True)`` returns when the message is buffered, not yet handled."""

    def __init__(self, agent: Any, processor: EventAgent) -> None:
        self.agent, self.processor = agent, processor

    async def put(
        self, key: bytes, value: bytes, headers: list[tuple[str, bytes]] | None = None
    ) -> None:
        target = self.processor.handled + 1
        await self.agent.put(key=key, value=value, headers=headers)
        await self.processor.wait_handled(target)


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
