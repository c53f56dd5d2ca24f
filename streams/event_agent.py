"""What every agent of the bus does with a message: decode it, transition, publish what the
transition emitted, and dead-letter what cannot be decoded or applied (processing goes on)."""

from __future__ import annotations

from typing import Any

import faust
import structlog

from streams.outbox import Outbox
from topology.codec import CodecError
from topology.dead_letters import error_headers
from topology.events import Event

log = structlog.get_logger("streams")


class UnprocessableError(LookupError):
    """A well-formed event that the agent cannot apply (e.g. a result for an unknown case)."""


class EventAgent:
    """A Faust agent over raw topics. Subclasses implement :meth:`transition`."""

    outbox: Outbox
    agent: Any

    def attach(self, app: faust.App, name: str, *topics: str) -> None:
        source = app.topic(*topics, key_serializer="raw", value_serializer="raw")
        self.agent = app.agent(source, name=name, concurrency=1)(self._consume)

    async def _consume(self, stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            await self.handle(message.topic, message.partition, message.offset,
                              message.key, message.value)  # fmt: skip

    async def handle(
        self, topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None
    ) -> None:
        """Process one message; anything undecodable or unprocessable goes to the topic's DLQ."""
        try:
            event = self.outbox.codec.decode(value or b"", topic=topic, partition=partition,
                                             offset=offset)  # fmt: skip
            emitted = self.transition(event)
        except (CodecError, UnprocessableError) as error:
            log.warning("dead_lettered", topic=topic, partition=partition, offset=offset,
                        error=type(error).__name__, reason=str(error))  # fmt: skip
            headers = error_headers(topic, partition, offset, error)
            await self.outbox.dead_letter(topic, key, value, headers)
            return
        await self.outbox.publish(emitted)

    def transition(self, event: Event) -> list[Event]:
        raise NotImplementedError
