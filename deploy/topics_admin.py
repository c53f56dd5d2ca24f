"""Compare the declared topics with a live broker, and apply the difference idempotently."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import GroupCoordinatorNotAvailableError, GroupLoadInProgressError
from aiokafka.protocol.admin import DeleteGroupsRequest

from topology.topics import TopicSpec


@dataclass(frozen=True)
class TopicChange:
    """One line of the plan: what would change on one topic, and why."""

    topic: str
    action: str  # create | add-partitions | alter-config | impossible
    detail: str
    spec: TopicSpec
    config_diff: dict[str, tuple[str | None, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class LiveTopic:
    partitions: int
    config: dict[str, str]
    replication: int = 0  # 0: not known


async def describe_live(admin: AIOKafkaAdminClient, names: Sequence[str]) -> dict[str, LiveTopic]:
    """Partitions and configs of those of ``names`` that exist on the broker."""
    existing = set(await admin.list_topics()) & set(names)
    if not existing:
        return {}
    meta = await admin.describe_topics(sorted(existing))
    partitions = {t["topic"]: len(t["partitions"]) for t in meta if t["error_code"] == 0}
    replicas = {t["topic"]: max((len(p["replicas"]) for p in t["partitions"]), default=0)
                for t in meta if t["error_code"] == 0}  # fmt: skip
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in sorted(partitions)]
    configs: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.resources:
            configs[resource[3]] = {entry[0]: entry[1] for entry in resource[4]}
    return {name: LiveTopic(count, configs.get(name, {}), replicas[name])
            for name, count in partitions.items()}  # fmt: skip


def plan(specs: Sequence[TopicSpec], live: dict[str, LiveTopic]) -> list[TopicChange]:
    """What ``apply`` would do: nothing for topics that already match their declaration."""
    changes: list[TopicChange] = []
    for spec in specs:
        current = live.get(spec.name)
        if current is None:
            changes.append(TopicChange(spec.name, "create", f"{spec.partitions} partitions", spec))
            continue
        if current.partitions < spec.partitions:
            detail = f"partitions {current.partitions} -> {spec.partitions}"
            changes.append(TopicChange(spec.name, "add-partitions", detail, spec))
        elif current.partitions > spec.partitions:
            detail = (
                f"has {current.partitions} partitions, declared {spec.partitions}: Kafka cannot "
                "remove partitions; recreate the topic or raise ONETHING_PARTITIONS"
            )
            changes.append(TopicChange(spec.name, "impossible", detail, spec))
        if current.replication and current.replication != spec.replication_factor:
            detail = (
                f"has {current.replication} replica(s), declared {spec.replication_factor}: "
                "apply does not move replicas; reassign them (kafka-reassign-partitions) or "
                "set ONETHING_REPLICATION_FACTOR to what the topic has"
            )
            changes.append(TopicChange(spec.name, "impossible", detail, spec))
        diff = {
            key: (current.config.get(key), value)
            for key, value in spec.config.items()
            if current.config.get(key) != value
        }
        if diff:
            detail = ", ".join(f"{k}: {old} -> {new}" for k, (old, new) in sorted(diff.items()))
            changes.append(TopicChange(spec.name, "alter-config", detail, spec, diff))
    return changes


async def apply(admin: AIOKafkaAdminClient, changes: Sequence[TopicChange]) -> list[TopicChange]:
    """Carry out a plan, and return once the broker shows it done; impossible changes are
    returned, not attempted."""
    creates = [c.spec for c in changes if c.action == "create"]
    if creates:
        await admin.create_topics([_new_topic(spec) for spec in creates])
    grow = {
        c.topic: NewPartitions(c.spec.partitions) for c in changes if c.action == "add-partitions"
    }
    if grow:
        await admin.create_partitions(grow)
    alters = [
        ConfigResource(ConfigResourceType.TOPIC, c.topic, dict(c.spec.config))
        for c in changes
        if c.action == "alter-config"
    ]
    if alters:
        await admin.alter_configs(alters)
    done = {c.topic: c.spec for c in changes if c.action != "impossible"}
    if done:
        await wait_applied(admin, list(done.values()))
    return [c for c in changes if c.action == "impossible"]


async def wait_applied(
    admin: AIOKafkaAdminClient, specs: Sequence[TopicSpec], within_s: float = 30.0
) -> None:
    """Wait until the broker's metadata shows ``specs`` as declared (partitions, configs), each
    partition with a leader. The admin calls return before that, and the broker's answers
    catch up a moment later."""
    deadline = time.monotonic() + within_s
    pending = list(specs)
    while pending:
        live = await describe_live(admin, [spec.name for spec in pending])
        pending = [spec for spec in pending
                   if any(c.action != "impossible" for c in plan([spec], live))]  # fmt: skip
        if pending and time.monotonic() > deadline:
            raise TimeoutError(f"topics not as declared after {within_s:g}s: "
                               f"{sorted(spec.name for spec in pending)}")  # fmt: skip
        if pending:
            await asyncio.sleep(0.1)
    await wait_usable(admin, [spec.name for spec in specs], within_s)


async def wait_usable(
    admin: AIOKafkaAdminClient, names: Sequence[str], within_s: float = 30.0
) -> None:
    """Wait until every partition of ``names`` has a leader. Creation returns before that: a
    client that reads the metadata in between sees a topic without partitions (a consumer
    group then leaves it unassigned until its next metadata refresh, minutes later)."""
    deadline = time.monotonic() + within_s
    waiting = set(names)
    while waiting:
        waiting = _not_led(await admin.describe_topics(sorted(waiting)))
        if waiting and time.monotonic() > deadline:
            raise TimeoutError(f"topics without a partition leader after {within_s:g}s: "
                               f"{sorted(waiting)}; is the broker overloaded?")  # fmt: skip
        if waiting:
            await asyncio.sleep(0.1)


def _not_led(described: Sequence[dict[str, Any]]) -> set[str]:
    """Topics of a DescribeTopics answer that are unknown or have a partition without a leader."""
    return {
        topic["topic"] for topic in described
        if topic["error_code"] != 0 or not topic["partitions"]
        or any(p["error_code"] != 0 or p["leader"] < 0 for p in topic["partitions"])
    }  # fmt: skip


def _new_topic(spec: TopicSpec) -> Any:
    return NewTopic(
        spec.name, spec.partitions, spec.replication_factor, topic_configs=dict(spec.config)
    )


def owned_by(prefix: str, name: str) -> bool:
    """Topics of one bus: ``<prefix>.…`` (ours) and ``<prefix>-…`` (Faust's internal ones)."""
    return name.startswith((f"{prefix}.", f"{prefix}-"))


async def delete_prefix(admin: AIOKafkaAdminClient, prefix: str) -> int:
    """Delete every topic and consumer group of the bus under ``prefix``; returns how many
    topics."""
    doomed = [name for name in await admin.list_topics() if owned_by(prefix, name)]
    for start in range(0, len(doomed), 100):
        await admin.delete_topics(doomed[start : start + 100])
    await delete_groups(admin, [g for g in await list_groups(admin) if owned_by(prefix, g)])
    return len(doomed)


async def list_groups(admin: AIOKafkaAdminClient, within_s: float = 60.0) -> list[str]:
    """Consumer group ids on the broker. A broker that has just started answers "group load
    in progress" while it reads its offsets topic back; that is waited out."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            return [str(group[0]) for group in await admin.list_consumer_groups()]
        except (GroupLoadInProgressError, GroupCoordinatorNotAvailableError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def delete_groups(admin: AIOKafkaAdminClient, groups: Sequence[str]) -> list[str]:
    """Delete consumer groups that have no members left; returns those deleted. A broker
    keeps a group's offsets for 7 days, and a local broker that piled up those of every
    bench and test run spent over a minute loading them at start."""
    deleted = []
    for group in groups:
        coordinator = await admin.find_coordinator(group)
        # aiokafka's admin client has no public call for DeleteGroups
        response = await admin._send_request_to_node(coordinator, DeleteGroupsRequest([group]))
        deleted += [name for name, error in response.results if error == 0]
    return deleted
