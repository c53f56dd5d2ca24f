"""`topics plan/apply` against the real broker: create, converge, detect drift."""

from __future__ import annotations

import dataclasses

import pytest

from deploy.topics_admin import apply, describe_live, plan
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
