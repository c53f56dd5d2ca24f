"""The delivery results of what a worker handed to the producer, checked before each commit.

Faust flushes the producer before it commits offsets, but a flush waits for the batches to
settle, not for them to succeed: a batch the broker refused for good (an idempotent
producer's sequence lost in a leader change, a record too large) settles with an error that
nobody reads, and the offsets of the events that caused it would be committed, their output
lost. The chaos storm lost cases this way. So every send's future is kept, and a commit is
refused, and the worker crashed, once any of them failed: the partitions move and the new
owner processes those events again (rule 2 makes that harmless).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any


class DeliveryFailedError(RuntimeError):
    """A record the worker produced was not acknowledged."""


class Deliveries:
    """Pending send futures; the first failure among them is kept for good."""

    def __init__(self) -> None:
        self._pending: list[asyncio.Future[Any]] = []
        self.failed: BaseException | None = None

    def track(self, future: Any) -> None:
        if isinstance(future, asyncio.Future):  # a test's offline producer returns none
            self._pending.append(future)

    def failure(self) -> BaseException | None:
        """The first failed delivery so far (settled futures are dropped once looked at)."""
        still: list[asyncio.Future[Any]] = []
        for future in self._pending:
            if not future.done():
                still.append(future)
            elif self.failed is None:
                if future.cancelled():
                    self.failed = DeliveryFailedError("a send was cancelled")
                elif (error := future.exception()) is not None:
                    self.failed = error
        self._pending = still
        return self.failed


_BY_APP: weakref.WeakKeyDictionary[Any, Deliveries] = weakref.WeakKeyDictionary()


def deliveries_of(app: Any) -> Deliveries:
    """The one ``Deliveries`` of a Faust app."""
    found = _BY_APP.get(app)
    if found is None:
        found = _BY_APP[app] = Deliveries()
    return found
