"""`topics plan/apply` against the real broker: create, converge, detect drift."""

from __future__ import annotations

import dataclasses

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from deploy.topics_admin import apply, delete_groups, delete_prefix, describe_live, plan
from topology.topics import Topics

pytestmark = pytest.mark.integration


async def test_apply_twice_changes_nothing_the_second_time(kafka_admin, unique):
    specs = Topics(f"it{unique}").all(["public_security", "tax"], partitions=2)
    names = [spec.name for spec in specs]

    first = plan(specs, await describe_live(kafka_admin, names))
    assert {change.action for change in first} == {"create"}
    assert len(first) == len(specs)
    assert await apply(kafka_admin, first) == []

    live = await describe_live(kafka_admin, names)
    assert set(live) == set(names)
    assert plan(specs, live) == []


async def test_drift_is_planned_and_repaired(kafka_admin, unique):
    specs = Topics(f"it{unique}").all(["tax"], partitions=2)
    await apply(kafka_admin, plan(specs, {}))
    target = specs[0]
    drifted = [
        dataclasses.replace(
            spec,
            partitions=3,
            config={**spec.config, "retention.ms": "3600000"},
        )
        if spec.name == target.name
        else spec
        for spec in specs
    ]
    changes = plan(drifted, await describe_live(kafka_admin, [s.name for s in specs]))
    assert {(c.topic, c.action) for c in changes} == {
        (target.name, "add-partitions"),
        (target.name, "alter-config"),
    }
    await apply(kafka_admin, changes)
    assert plan(drifted, await describe_live(kafka_admin, [s.name for s in specs])) == []

    shrink = [dataclasses.replace(s, partitions=1) if s.name == target.name else s for s in drifted]
    impossible = plan(shrink, await describe_live(kafka_admin, [s.name for s in specs]))
    assert [c.action for c in impossible] == ["impossible"]
    assert "cannot remove partitions" in impossible[0].detail


async def test_deleting_a_bus_takes_its_topics_and_idle_consumer_groups(
    kafka_admin, kafka_admin_access, unique
):
    prefix = f"it{unique}"
    specs = Topics(prefix).all(["tax"], partitions=1)
    await apply(kafka_admin, plan(specs, {}))
    group, other = f"{prefix}.adapters", f"x{unique}.adapters"
    for group_id in (group, other):  # a committed offset makes the group exist
        consumer = AIOKafkaConsumer(**kafka_admin_access.aiokafka(), group_id=group_id,
                                    enable_auto_commit=False)  # fmt: skip
        await consumer.start()
        consumer.assign([TopicPartition(specs[0].name, 0)])
        await consumer.commit({TopicPartition(specs[0].name, 0): 0})
        await consumer.stop()
    assert {group, other} <= await _groups(kafka_admin)

    assert await delete_prefix(kafka_admin, prefix) == len(specs)
    groups = await _groups(kafka_admin)
    assert group not in groups  # the bus's own group went with it
    assert other in groups  # another bus's did not
    assert await delete_groups(kafka_admin, [other]) == [other]


async def _groups(admin) -> set[str]:
    return {str(g[0]) for g in await admin.list_consumer_groups()}
