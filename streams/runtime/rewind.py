"""The bus's Faust consumer: after a rebalance, a partition nobody has committed on is read
again from its start; and no offset is committed past a record that was not delivered
(``deliveries.py``).

Faust drops the messages a worker has fetched but not yet handed to its streams when the group
rebalances, and counts on seeking every kept partition back to its committed offset afterwards
to read them again. A partition with no committed offset yet (a new group, the first seconds of
a bus) is not sought at all, so those messages would never be processed by anyone: a second
streams worker joining while the first applications arrive loses every case of the partitions
that move (streams/README.md, rule 7). The consumer here seeks such partitions to their
earliest offset, which is what
``auto_offset_reset="earliest"`` means for a partition without a commit; messages processed but
not yet committed are then processed again, which every handler tolerates (idempotent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiokafka import TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka

from streams.runtime.deliveries import DeliveryFailedError, deliveries_of


class RewindingConsumer(faust_aiokafka.Consumer):
    """Faust's Kafka consumer, but uncommitted stream partitions go back to their start."""

    async def seek_to_committed(self) -> Mapping[Any, int]:
        committed: Mapping[Any, int] = await super().seek_to_committed()
        changelogs = self.app.tables.changelog_topics  # table recovery positions these itself
        never = [TopicPartition(tp.topic, tp.partition) for tp, offset in committed.items()
                 if (offset is None or offset <= 0) and tp.topic not in changelogs]  # fmt: skip
        if never:
            await self._thread.seek_to_beginning(*never)
        return committed


    async def _commit(self, offsets: Mapping[Any, int]) -> bool:
        """Faust calls this right after flushing the producer: commit only if everything it
        sent was acknowledged, else crash the worker so that another processes it again."""
        failed = deliveries_of(self.app).failure()
        if failed is not None:
            await self.crash(DeliveryFailedError(f"a record was not delivered: {failed!r}"))
            return False
        committed: bool = await super()._commit(offsets)
        return committed


class RewindingTransport(faust_aiokafka.Transport):
    Consumer = RewindingConsumer
