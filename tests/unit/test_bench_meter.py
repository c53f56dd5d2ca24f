"""The bench meter's per-case times, whatever order its topics are read in."""

from __future__ import annotations

import pytest
from aiokafka.structs import TopicPartition

from deploy.bench.kafka_facts import unconsumed
from deploy.bench.meter import Meter
from deploy.bench.stats import stage_latencies

pytestmark = pytest.mark.unit
NS = "io.onething.events."


def _seen(meter: Meter, kind: str, event_id: str, at: int) -> None:
    headers = {"ce_type": f"{NS}{kind}".encode(), "ce_subject": b"case-1",
               "ce_id": event_id.encode()}  # fmt: skip
    meter.observe(headers, at, 100)


def test_the_first_task_is_the_earliest_whatever_was_read_first() -> None:
    meter = Meter()
    meter.cases["case-1"].submitted_ms = 1_000
    _seen(meter, "ApplicationAccepted", "acc", 1_010)
    _seen(meter, "ItemTaskDispatched", "wave-2", 1_090)  # read before the first wave's task
    _seen(meter, "ItemTaskDispatched", "wave-1", 1_011)
    _seen(meter, "ItemStatusReported", "result", 1_100)
    _seen(meter, "BundleCompleted", "done", 1_120)
    assert meter.cases["case-1"].first_task_ms == 1_011
    stages = stage_latencies(list(meter.cases.values()))
    assert stages["dispatch_ms"]["p50"] == 1
    assert stages["join_ms"]["p50"] == 20


def test_lag_counts_the_partitions_a_group_never_committed_on() -> None:
    apps = [TopicPartition("run.case.applications.v1", n) for n in range(4)]
    other = TopicPartition("run.certificates.v1", 0)  # not this group's topic
    ends = {apps[0]: 17, apps[1]: 17, apps[2]: 15, apps[3]: 11, other: 40}
    committed = {apps[0]: 17, apps[1]: 16}  # partitions 2 and 3 never read
    assert unconsumed(committed, ends) == 0 + 1 + 15 + 11
