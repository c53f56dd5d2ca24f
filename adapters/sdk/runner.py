"""The adapters of one process on Kafka: one consumer over every department's task + retry
topics, so that one fetch serves them all, each record routed by its topic to its
department's TaskProcessor.

A batch's results are acknowledged (acks=all) before its offsets are committed, so a crash
redelivers tasks, never loses them; the ledger makes the redelivery harmless. As a commit is
a broker write, offsets are committed at most every ``commit_interval_ms`` (and always on
revocation and close).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError
from aiokafka.structs import ConsumerRecord, TopicPartition

from adapters.sdk.log import log
from adapters.sdk.messages import Outgoing, due_ms
from adapters.sdk.processor import TaskProcessor
from adapters.sdk.settings import AdapterSettings
from topology.records import ConsumedRecord

Work = Iterator[tuple[int, ConsumedRecord]]


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: AdapterRunner) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self.runner.batch_lock:  # let the batch in hand finish and commit
            for tp in revoked:
                self.runner.paused.pop(tp, None)
            await self.runner.commit(force=True)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        log().info(
            "partitions_assigned",
            departments=len(self.runner.processors),
            partitions=len(assigned),
        )
        self.runner.assigned.set()


class AdapterRunner:
    """Runs TaskProcessors over one consumer of all their task + retry topics."""

    def __init__(
        self,
        processors: Sequence[TaskProcessor],
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        settings: AdapterSettings,
    ) -> None:
        self.consumer, self.producer, self.settings = consumer, producer, settings
        self.processors = {p.department: p for p in processors}
        self.routes = {
            topic: p for p in processors for topic in (p.topics.tasks, *p.topics.retries)
        }
        self.batch_lock = asyncio.Lock()
        self.assigned = asyncio.Event()
        self.paused: dict[TopicPartition, int] = {}
        self._retry_topics = frozenset(t for p in processors for t in p.topics.retries)
        self._started = False
        self._uncommitted: dict[TopicPartition, int] = {}
        self._committed_at = time.monotonic()

    async def start(self) -> None:
        self.consumer.subscribe(sorted(self.routes), listener=_Rebalance(self))
        await self.consumer.start()
        self._started = True

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set; the batch in hand is finished and committed."""
        while not stop.is_set():
            self._resume_due()
            fetched = await self.consumer.getmany(
                timeout_ms=self.settings.poll_timeout_ms, max_records=self.settings.max_batch
            )
            async with self.batch_lock:
                if fetched:
                    await self._batch(fetched)
                await self.commit()

    async def close(self) -> None:
        if not self._started:
            return
        self._started = False
        async with self.batch_lock:
            await self.commit(force=True)
        await self.consumer.stop()
        for department, processor in self.processors.items():
            log().info("adapter_stopped", department=department, **processor.metrics.snapshot())

    async def _batch(self, fetched: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        records, offsets = self._due(fetched)
        outgoing = await self._process(records)
        sent = [
            await self.producer.send(o.topic, o.value, key=o.key, headers=list(o.headers))
            for o in outgoing
        ]
        await asyncio.gather(*sent)
        self._uncommitted.update(offsets)

    async def commit(self, *, force: bool = False) -> None:
        """Commit the offsets of the batches done so far, if the interval has passed."""
        interval_s = self.settings.commit_interval_ms / 1000
        recent = time.monotonic() - self._committed_at < interval_s
        if not self._uncommitted or (recent and not force):
            return
        offsets, self._uncommitted = self._uncommitted, {}
        self._committed_at = time.monotonic()
        try:
            await self.consumer.commit(offsets)
        except CommitFailedError:
            log().warning("commit_failed_rebalanced", departments=len(self.processors))

    def _due(
        self, fetched: dict[TopicPartition, list[ConsumerRecord]]
    ) -> tuple[list[ConsumedRecord], dict[TopicPartition, int]]:
        """The records to process now; a retry partition pauses at its first record not due
        (the other partitions, of its department or another, go on)."""
        now_ms = time.time() * 1000
        records: list[ConsumedRecord] = []
        offsets: dict[TopicPartition, int] = {}
        for tp, batch in fetched.items():
            for message in batch:
                record = _consumed(tp, message)
                if tp.topic in self._retry_topics and due_ms(record) > now_ms:
                    self.consumer.seek(tp, message.offset)
                    self.consumer.pause(tp)
                    self.paused[tp] = due_ms(record)
                    break
                records.append(record)
                offsets[tp] = message.offset + 1
        return records, offsets

    def _resume_due(self) -> None:
        now_ms = time.time() * 1000
        due = [tp for tp, at in self.paused.items() if at <= now_ms]
        for tp in due:
            del self.paused[tp]
        if due:
            self.consumer.resume(*due)

    async def _process(self, records: Sequence[ConsumedRecord]) -> list[Outgoing]:
        """Every record's output, in record order; at most ``concurrency`` of a department's
        records in flight (as when each department had a consumer of its own)."""
        results: list[list[Outgoing]] = [[] for _ in records]
        queues: dict[TaskProcessor, list[tuple[int, ConsumedRecord]]] = {}
        for index, record in enumerate(records):
            queues.setdefault(self.routes[record.topic], []).append((index, record))

        async def worker(processor: TaskProcessor, work: Work) -> None:
            for index, record in work:
                results[index] = await processor.process(record)

        workers = [
            worker(processor, work)
            for processor, queue in queues.items()
            for work in [iter(queue)]
            for _ in range(min(self.settings.concurrency, len(queue)))
        ]
        await asyncio.gather(*workers)
        return [out for result in results for out in result]


def _consumed(tp: TopicPartition, message: ConsumerRecord) -> ConsumedRecord:
    headers = tuple(message.headers or ())
    return ConsumedRecord(
        tp.topic, tp.partition, message.offset, message.key, message.value, headers
    )
