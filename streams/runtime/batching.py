"""Batches that follow the load: a quiet agent handles each message at once, a busy one
waits a little for more.

Faust's ``take_events`` cuts a batch every ``within`` seconds whatever the load, so a quiet
bus would pay the whole wait on every hop of a case. Here a batch starts when
its first message arrives, takes every message already queued, then lingers for more in
proportion to the size of the batch before it (:class:`Linger`). Below saturation the
linger dies out: what arrives while waiting ``w`` makes the next batch about ``rate × w``
messages, which buys a shorter wait than ``w`` unless the agent is near its limit. Near the
limit, queued messages alone make batches of hundreds and the linger grows to its maximum:
fewer table writes and produce requests per case, where they matter.

Messages are acknowledged only after the batch's handler returns (at-least-once, as with
``take_events``): the handler writes tables and hands its sends to the producer, which Faust
flushes before it commits those offsets.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Linger:
    """How long a batch waits for more messages after taking what was queued."""

    max_s: float
    """The longest wait (``ONETHING_STREAMS_BATCH_MS``), reached by batches of ``full_at``."""
    full_at: int = 100
    """Batch size (of the batch before) that earns the whole ``max_s``; smaller batches earn
    a proportional part, a batch of one about ``max_s / full_at``."""
    last: int = 0

    def seconds(self) -> float:
        return self.max_s * min(1.0, self.last / self.full_at)

    def observe(self, size: int) -> None:
        self.last = size


class LoadFollowingBatches:
    """Pulls a Faust stream's events in a task of its own and hands them out in batches."""

    def __init__(self, stream: Any, batch_max: int, linger: Linger) -> None:
        self.stream, self.batch_max, self.linger = stream, batch_max, linger
        self._buffer: list[Any] = []
        self._arrived = asyncio.Event()
        self._full = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()

    async def run(self, handle: Callable[[Sequence[Any]], Awaitable[None]]) -> None:
        """Hand batches to ``handle`` until cancelled; acknowledge each batch after it."""
        self.stream.enable_acks = False  # acked here, once the batch is handled
        puller = asyncio.create_task(self._pull())
        try:
            while True:
                batch = await self._next_batch(puller)
                await handle(batch)
                for event in batch:
                    await self.stream.ack(event)
        except _StreamEndedError:
            # Faust ends a stream only when it stops it (the worker shuts down); what was
            # pulled and not handled is unacknowledged and is read again by the next owner.
            if not _stopping(self.stream):
                raise RuntimeError("the stream ended while the worker was running") from None
        finally:
            puller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await puller

    async def _pull(self) -> None:
        async for event in self.stream.events():
            self._buffer.append(event)
            self._arrived.set()
            if len(self._buffer) >= self.batch_max:
                self._full.set()
                self._room.clear()
                await self._room.wait()

    async def _next_batch(self, puller: asyncio.Task[None]) -> list[Any]:
        await _first(self._arrived, puller, None)
        linger = self.linger.seconds()
        if linger > 0:
            await _first(self._full, puller, linger)
        queued = self.stream.channel.queue
        for _ in range(self.batch_max):  # let the puller take what Faust has queued already
            if queued.empty() or self._full.is_set():
                break
            await asyncio.sleep(0)
        batch, self._buffer = self._buffer[: self.batch_max], self._buffer[self.batch_max :]
        if len(self._buffer) < self.batch_max:
            self._full.clear()
        if not self._buffer:
            self._arrived.clear()
        self._room.set()
        self.linger.observe(len(batch))
        return batch


async def _first(event: asyncio.Event, puller: asyncio.Task[None], timeout_s: float | None) -> None:
    """Until ``event`` is set or ``timeout_s`` passes; what stopped the puller is raised."""
    if event.is_set():
        return
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter, puller}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if puller.done():
        puller.result()  # raises what stopped the stream
        raise _StreamEndedError


def _stopping(stream: Any) -> bool:
    """Whether the stream or its app is shutting down (the app stops before its streams)."""
    app = getattr(stream, "app", None)
    return bool(getattr(stream, "should_stop", False) or getattr(app, "should_stop", False))


class _StreamEndedError(Exception):
    """The stream's iterator finished."""
