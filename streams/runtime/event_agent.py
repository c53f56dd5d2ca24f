"""What every agent of the bus does with its messages: decode them, transition, publish what
the transitions emitted, and dead-letter what cannot be decoded or applied (processing goes
on).

Messages come in batches that follow the load (``batching.py``): a busy agent pays
its per-batch costs once for many messages, and a subclass that keeps state writes each key
once per batch in :meth:`EventAgent.flush` instead of once per event. A batch's offsets are
acknowledged only after :meth:`EventAgent.handle_batch` returns, i.e. after the table writes
and the sends are handed to the producer, which Faust flushes before it commits:
at-least-once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

import faust
import structlog

from streams.case.errors import UnprocessableError, WrongDepartmentError, WrongTopicError
from streams.runtime.batched_table import BatchedTable
from streams.runtime.batching import Linger, LoadFollowingBatches
from streams.runtime.outbox import Outbox
from topology.codec import CodecError
from topology.dead_letters import dead_letter_headers, dead_letter_reason
from topology.events import Event, ItemStatusReported
from topology.records import ConsumedRecord

log = structlog.get_logger("streams")
CE_TYPE = "ce_type"
"""The CloudEvents type header (binary mode), which names the event's Avro record."""


class EventAgent:
    """A Faust agent over raw topics. Subclasses implement :meth:`transition` and keep their
    state in ``batched`` tables, written by :meth:`flush` once per batch."""

    outbox: Outbox
    agent: Any
    batched: tuple[BatchedTable[Any], ...] = ()
    batch_max: int = 1000
    """Messages per batch at most."""
    batch_linger_max_s: float = 0.06
    """The longest a busy agent's batch waits for more messages; a quiet agent does not wait
    (the workers set it from ``ONETHING_STREAMS_BATCH_MS``; streams/PERFORMANCE.md)."""
    accepts: frozenset[bytes] | None = None
    """Event types (``ce_type``) the agent acts on; others on its topics are passed over
    without decoding. None: every message is decoded and handed to :meth:`transition`."""

    def attach(self, app: faust.App, name: str, *topics: str) -> None:
        source = app.topic(*topics, key_serializer="raw", value_serializer="raw")
        self.agent = app.agent(source, name=name, concurrency=1)(self._consume)
        self.handled = 0
        self._carried: dict[tuple[str, str], bool] = {}
        self.refused: Counter[str] = Counter()
        """Dead-lettered messages by reason (the error's class name)."""
        self._progress = asyncio.Condition()

    async def _consume(self, stream: Any) -> None:
        batches = LoadFollowingBatches(stream, self.batch_max, Linger(self.batch_linger_max_s))
        await batches.run(self._handle_events)

    async def _handle_events(self, events: Sequence[Any]) -> None:
        batch = [ConsumedRecord(e.message.topic, e.message.partition, e.message.offset,
                                e.message.key, e.message.value, _headers(e.message.headers))
                 for e in events]  # fmt: skip
        await self.handle_batch(batch)

    async def handle_batch(self, batch: Sequence[ConsumedRecord]) -> None:
        """Process a batch; anything undecodable or unprocessable goes to its topic's DLQ."""
        emitted: list[Event] = []
        dead: list[tuple[ConsumedRecord, Exception]] = []
        try:
            for m in batch:
                if self._passes_over(m):
                    continue
                try:
                    event = self.outbox.codec.decode(
                        m.value or b"", topic=m.topic, partition=m.partition, offset=m.offset
                    )
                    self._check_origin(m.topic, event)
                    emitted += self.transition(event)
                except (CodecError, UnprocessableError) as error:
                    dead.append((m, error))
                    self.refused[type(error).__name__] += 1
        except BaseException:
            self.discard()  # a bug in a transition: nothing of the batch is kept or sent
            raise
        self.flush()
        for table in self.batched:
            await table.send_changelog()
        for m, why in dead:
            log.warning("dead_lettered", topic=m.topic, partition=m.partition, offset=m.offset,
                        error=type(why).__name__, reason=dead_letter_reason(why))  # fmt: skip
            headers = dead_letter_headers(m.headers, (m.topic, m.partition, m.offset), why)
            await self.outbox.dead_letter(m.topic, m.key, m.value, headers)
        await self.outbox.publish(emitted)
        async with self._progress:
            self.handled += len(batch)
            self._progress.notify_all()

    async def wait_handled(self, count: int, within_s: float = 5.0) -> None:
        """Until ``count`` messages in all have been handled (for tests and tools)."""
        async with self._progress:
            await asyncio.wait_for(
                self._progress.wait_for(lambda: self.handled >= count), timeout=within_s
            )

    def _check_origin(self, topic: str, event: Event) -> None:
        """Each topic carries only the event types topology declares for it, and a result
        only its own department's name: ACLs fence who writes a topic, this fences what."""
        topics = self.outbox.topics
        kind = type(event).__name__
        carried = self._carried.get((topic, kind))
        if carried is None:  # a handful of pairs per agent: decided once each
            carried = self._carried[(topic, kind)] = topics.carries(topic, kind)
        if not carried:
            raise WrongTopicError(f"wrong-topic: {kind} does not belong on {topic}")
        sender = topics.department_of(topic)
        if isinstance(event, ItemStatusReported) and sender != event.department:
            raise WrongDepartmentError(
                f"wrong-department: a result in the name of {event.department} on "
                f"{sender}'s results topic"
            )

    def _passes_over(self, m: ConsumedRecord) -> bool:
        if self.accepts is None:
            return False
        ce_type = m.header_bytes(CE_TYPE)
        return ce_type is not None and ce_type not in self.accepts

    def transition(self, event: Event) -> list[Event]:
        raise NotImplementedError

    def flush(self) -> None:
        """Write what the batch's transitions buffered."""
        for table in self.batched:
            table.flush()

    def discard(self) -> None:
        """Forget what the batch's transitions buffered: the batch failed."""
        for table in self.batched:
            table.discard()


def _headers(headers: Any) -> tuple[tuple[str, bytes], ...]:
    """Faust hands headers as a list of pairs or, from some paths, a dict."""
    return tuple(headers.items() if isinstance(headers, dict) else headers or ())
