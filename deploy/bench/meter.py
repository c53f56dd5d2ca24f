"""Measure the bus from outside by CloudEvents headers (no Avro decoding on the hot path):
completions, certificates, per-case latency and, for the cases of one partition, each stage.

Reading every task and result topic whole cost the driver more CPU than the streams worker
(it shares the two cores with the bus), so only partition 0 of those is read: every topic of
the bus is keyed by case id with the same partition count, so that is one case in N, whole."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from topology.kafka_access import KafkaAccess

_NS = "io.onething.events."


@dataclass
class CaseTimes:
    submitted_ms: int = 0
    accepted_ms: int = 0
    first_task_ms: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    results: dict[str, int] = field(default_factory=dict)
    last_result_ms: int = 0
    terminal_ms: int = 0
    terminal: str = ""
    certificates: dict[str, int] = field(default_factory=dict)


@dataclass
class Meter:
    """Folds observed records into per-case times; tasks and results seen give stage detail."""

    cases: dict[str, CaseTimes] = field(default_factory=lambda: defaultdict(CaseTimes))
    records: int = 0
    value_bytes: int = 0
    duplicates: int = 0
    terminal_count: int = 0

    def observe(self, headers: dict[str, bytes], timestamp: int, size: int) -> None:
        self.records += 1
        self.value_bytes += size
        kind = headers.get("ce_type", b"").decode().removeprefix(_NS)
        case_id = headers.get("ce_subject", b"").decode()
        event_id = headers.get("ce_id", b"").decode()
        case = self.cases[case_id]
        match kind:
            case "ApplicationAccepted":
                case.accepted_ms = case.accepted_ms or timestamp
            case "BundleCompleted" | "BundleRejected" | "BundleWithdrawn" | "ApplicationRefused":
                if not case.terminal:
                    case.terminal, case.terminal_ms = kind, timestamp
                    self.terminal_count += 1
            case "CertificateIssued":
                if event_id in case.certificates:
                    self.duplicates += 1
                case.certificates.setdefault(event_id, timestamp)
            case "ItemTaskDispatched":
                # the topics are read in no particular order: a later wave's task may come first
                case.first_task_ms = min(case.first_task_ms or timestamp, timestamp)
                case.tasks.setdefault(event_id, timestamp)
            case "ItemStatusReported":
                case.results.setdefault(event_id, timestamp)
                case.last_result_ms = max(case.last_result_ms, timestamp)


class MeterConsumer:
    """Reads, from the start, headers only, every partition of ``whole`` and partition 0 of
    ``sampled`` topics into a Meter.

    Latencies come from the records' own timestamps, so the meter need not read promptly: the
    broker holds its fetches for 256 KiB or 100 ms. Fetching each record as it came cost the
    driver a third of a core at 80 cases/s, taken from the bus it measures."""

    def __init__(
        self, access: KafkaAccess, whole: list[str], sampled: list[str], partitions: int,
        meter: Meter,
    ) -> None:  # fmt: skip
        self.meter = meter
        self.partitions = [TopicPartition(t, p) for t in whole for p in range(partitions)]
        self.partitions += [TopicPartition(t, 0) for t in sampled]
        self.consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=None,
                                         auto_offset_reset="earliest", enable_auto_commit=False,
                                         max_partition_fetch_bytes=4 << 20,
                                         fetch_min_bytes=256 << 10,
                                         fetch_max_wait_ms=100)  # fmt: skip
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self.consumer.assign(self.partitions)
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.consumer.stop()

    async def _run(self) -> None:
        meter = self.meter
        while True:
            batches = await self.consumer.getmany(timeout_ms=100, max_records=20000)
            for records in batches.values():
                for r in records:
                    meter.observe(dict(r.headers), r.timestamp, len(r.value or b""))
            await asyncio.sleep(0)


def now_ms() -> int:
    return int(time.time() * 1000)
