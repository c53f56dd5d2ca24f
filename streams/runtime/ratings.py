"""好差评 aggregation: ratings per bundle and lead department, each case counted once."""

from __future__ import annotations

import json
from typing import Any

import faust

from streams.runtime.app import TABLE_TYPES
from topology.codec import Codec, CodecError
from topology.events import EvaluationSubmitted
from topology.topics import Topics


class RatingsAggregator:
    def __init__(self, app: faust.App, topics: Topics, codec: Codec) -> None:
        self.codec = codec
        self.counted = app.Table("rated-cases", default=None, **TABLE_TYPES)
        self.totals = app.Table("rating-totals", default=None, **TABLE_TYPES, use_partitioner=True)
        source = app.topic(topics.evaluations, key_serializer="raw", value_serializer="raw")
        self.agent = app.agent(source, name="ratings", concurrency=1)(self._consume)

    async def _consume(self, stream: Any) -> None:
        async for value in stream:
            try:
                event = self.codec.decode_as(value or b"", EvaluationSubmitted)
            except CodecError:
                continue  # the case agent produced it; a bad one is already dead-lettered there
            self.count(event)

    def count(self, event: EvaluationSubmitted) -> None:
        if self.counted.get(event.case_id.encode()) is not None:
            return
        self.counted[event.case_id.encode()] = event.rating.value.encode()
        key = f"{event.bundle_code or '?'}|{event.lead_department}".encode()
        raw = self.totals.get(key)
        totals: dict[str, int] = json.loads(raw) if raw else {}
        totals[event.rating.value] = totals.get(event.rating.value, 0) + 1
        self.totals[key] = json.dumps(totals).encode()
