"""A Faust table of pydantic states, read through and written back once per key per batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import faust
from pydantic import BaseModel

from streams.runtime.app import TABLE_TYPES
from streams.runtime.deliveries import deliveries_of

S = TypeVar("S", bound=BaseModel)


class BatchedTable(Generic[S]):
    """States changed during a batch stay here (mutated in place by the transitions) until
    :meth:`flush` writes each once, or :meth:`discard` forgets them when the batch failed.

    The states last written stay decoded in a bounded cache (those ``cache_if`` wants: a
    finished case is rarely read again, and a large cache of live objects makes Python's
    garbage collector the worker's largest cost), so a case's next event does not parse its
    JSON again. This worker is the only writer of its partitions' keys while it owns them;
    the cache is emptied whenever partitions are revoked or assigned.

    The Faust table is created with ``use_partitioner=True``: the writes happen after the
    batch's events were iterated, so Faust cannot take the changelog partition from the
    current event; every topic of the bus is keyed by case id, so the producer's partitioner
    gives the same partition as the event's.

    :meth:`flush` stores the values in the table's store and :meth:`send_changelog` hands
    their changelog records to the producer directly, as the outbox does with events: the
    same records Faust's ``table[key] = value`` sends, without its per-write futures and its
    background send buffer, which feeds the producer a few records at a time and so splits one
    batch's writes over several produce requests.
    """

    def __init__(
        self, app: faust.App, name: str, model: type[S], *, help: str,
        exclude_defaults: bool = False, cache_size: int = 10_000,
        cache_if: Callable[[S], bool] = lambda _: True,
    ) -> None:  # fmt: skip
        self.table = app.Table(name, default=None, **TABLE_TYPES, use_partitioner=True,
                               help=help)  # fmt: skip
        self.model, self.exclude_defaults = model, exclude_defaults
        self.cache_size, self.cache_if = cache_size, cache_if
        self.app = app
        self.dirty: dict[str, S] = {}
        self.cache: dict[str, S] = {}
        self.unsent: list[tuple[bytes, bytes]] = []
        app.on_partitions_revoked.connect(self._partitions_moved)
        app.on_rebalance_complete.connect(self._partitions_moved)

    def get(self, key: str) -> S | None:
        if key in self.dirty:
            return self.dirty[key]
        if key in self.cache:
            return self.cache[key]
        raw = self.table.get(key.encode())
        return None if raw is None else self.model.model_validate_json(raw)

    def put(self, key: str, state: S) -> None:
        self.dirty[key] = state

    def flush(self) -> dict[str, S]:
        """Write the batch's states; returns them (by key) for the caller's own indexes."""
        written, self.dirty = self.dirty, {}
        for key, state in written.items():
            raw_key = key.encode()
            value = state.model_dump_json(exclude_defaults=self.exclude_defaults).encode()
            self.table.data[raw_key] = value
            self.unsent.append((raw_key, value))
            self.cache.pop(key, None)
            if self.cache_if(state):
                self.cache[key] = state  # newest last: the oldest go first when full
        while len(self.cache) > self.cache_size:
            del self.cache[next(iter(self.cache))]
        return written

    async def send_changelog(self) -> None:
        """Hand the flushed values' changelog records to the producer (which Faust flushes
        before it commits the batch's offsets)."""
        unsent, self.unsent = self.unsent, []
        topic = self.table.changelog_topic.get_topic_name()
        deliveries = deliveries_of(self.app)
        for key, value in unsent:
            deliveries.track(await self.app.producer.send(
                topic, key, value, partition=None, timestamp=None, headers=None))  # fmt: skip

    def discard(self) -> None:
        """The batch failed: its states, mutated in place, may be in the cache too."""
        self.dirty.clear()
        self.unsent.clear()
        self.cache.clear()

    async def _partitions_moved(self, *_: Any, **__: Any) -> None:
        self.cache.clear()  # the table, recovered from the changelog, is the truth again
