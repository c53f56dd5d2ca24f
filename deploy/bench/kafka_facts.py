"""Facts read from the broker after a run: messages and bytes per topic, consumer lag per group."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from deploy.bench.baseline import tool_config
from deploy.topics_admin import list_groups
from topology.kafka_access import KafkaAccess
from topology.topics import VERSION


class OffsetsProbe:
    """End offsets of a prefix's partitions, asked again and again over one connection (one
    ListOffsets request each: cheap enough to take mid-run, when the broker is busy)."""

    def __init__(self, access: KafkaAccess, prefix: str) -> None:
        self.access, self.prefix = access, prefix
        self.partitions: list[TopicPartition] = []
        self.consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=None)

    async def __aenter__(self) -> OffsetsProbe:
        admin = AIOKafkaAdminClient(**self.access.aiokafka())
        await admin.start()
        try:
            topics = [t for t in await admin.list_topics() if t.startswith(self.prefix)]
            described = await admin.describe_topics(topics) if topics else []
        finally:
            await admin.close()
        self.partitions = [
            TopicPartition(topic["topic"], p["partition"])
            for topic in described
            for p in topic["partitions"]
        ]
        await self.consumer.start()
        # Assigned (never polled), the topics are in the client's metadata; unassigned, the
        # first end_offsets waited ~30 s for a metadata refresh.
        self.consumer.assign(self.partitions)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.consumer.stop()

    async def end_offsets(self) -> dict[TopicPartition, int]:
        if not self.partitions:
            return {}
        return dict(await self.consumer.end_offsets(self.partitions))

    async def total(self) -> int:
        return sum((await self.end_offsets()).values())


def by_family(ends: dict[TopicPartition, int], prefix: str) -> dict[str, int]:
    """Messages per kind of topic: each department's tasks count under ``tasks`` and so on,
    Faust changelogs under ``changelog``, the lifecycle topics under their own names."""
    families: dict[str, int] = {}
    for tp, end in ends.items():
        family = family_of(tp.topic, prefix)
        families[family] = families.get(family, 0) + end
    return dict(sorted(((f, n) for f, n in families.items() if n), key=lambda kv: -kv[1]))


def family_of(topic: str, prefix: str) -> str:
    if topic.endswith("-changelog"):
        return "changelog"
    parts = [p for p in topic.removeprefix(prefix).strip(".").split(".") if p != VERSION]
    if parts[:1] == ["dept"]:
        parts = parts[2:]  # the department's name goes: all departments' tasks are "tasks"
    return ".".join(parts) or topic


async def group_lag(
    access: KafkaAccess, prefix: str, ends: dict[TopicPartition, int]
) -> dict[str, int]:
    """Messages not yet consumed (against the end offsets ``ends``), per consumer group whose
    id starts with ``prefix``. Every partition of a topic the group commits on counts: one it
    never committed on lags by all its messages (a run's topics start at offset 0)."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        groups = [group for group in await list_groups(admin) if group.startswith(prefix)]
        lag: dict[str, int] = {}
        for group in groups:
            offsets = await admin.list_consumer_group_offsets(group)
            lag[group] = unconsumed(
                {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}, ends
            )
        return lag
    finally:
        await admin.close()


def unconsumed(committed: dict[TopicPartition, int], ends: dict[TopicPartition, int]) -> int:
    """Messages past the committed offsets, in every partition of the topics committed on."""
    topics = {tp.topic for tp in committed}
    return sum(max(0, end - committed.get(tp, 0)) for tp, end in ends.items() if tp.topic in topics)


def log_bytes(jars: Path, access: KafkaAccess, topics: Sequence[str]) -> int | None:
    """Bytes the broker holds for ``topics`` (record batches as stored: keys, values,
    headers and batch overhead), from Kafka's LogDirsCommand; None if the tool fails."""
    if not topics:
        return 0
    done = subprocess.run([
        "java", "-Xmx256m", "-cp", f"{jars}/*", "org.apache.kafka.tools.LogDirsCommand",
        "--bootstrap-server", access.bootstrap, "--describe", "--topic-list", ",".join(topics),
        *tool_config(access),
    ], capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return None
    described = json.loads(lines[-1])
    sizes = [
        int(partition["size"])
        for broker in described["brokers"]
        for log_dir in broker["logDirs"]
        for partition in log_dir["partitions"]
    ]
    return sum(sizes)
