"""Publishing what a transition emitted: encoded, with CloudEvents headers, on its topic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import faust

from streams.runtime.deliveries import deliveries_of
from topology.codec import Codec, cloudevent_headers
from topology.events import Event
from topology.topics import Topics, dlq_of


class Outbox:
    """Sends events through the Faust producer; Faust flushes it before committing offsets."""

    def __init__(self, app: faust.App, topics: Topics, codec: Codec, source: str) -> None:
        self.app, self.topics, self.codec, self.source = app, topics, codec, source
        self.deliveries = deliveries_of(app)
        self._channels: dict[str, Any] = {}

    def channel(self, name: str) -> Any:
        if name not in self._channels:
            self._channels[name] = self.app.topic(
                name, key_serializer="raw", value_serializer="raw", allow_empty=True
            )
        return self._channels[name]

    def topic_of(self, event: Event) -> str:
        department = getattr(event, "department", None)
        return self.topics.for_event(type(event).__name__, department)

    async def publish(self, events: Iterable[Event], key: str | None = None) -> None:
        for event in events:
            await self.send(self.topic_of(event), event, key)

    async def send(self, topic: str, event: Event, key: str | None = None) -> None:
        """Hand the event to the app's producer, not through ``Topic.send``: nothing here waits
        on its per-send futures and callbacks, which cost CPU per event (PERFORMANCE.md).
        Faust flushes this same producer before it commits offsets; the future is kept and
        read before the commit (``deliveries.py``)."""
        sent = await self.app.producer.send(
            topic,
            (key or event.case_id).encode(),
            self.codec.encode(event),
            partition=None,
            timestamp=None,
            headers=cloudevent_headers(event, source=self.source),
        )
        self.deliveries.track(sent)

    async def dead_letter(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        await self.channel(dlq_of(topic)).send(key=key, value=value, headers=headers)
