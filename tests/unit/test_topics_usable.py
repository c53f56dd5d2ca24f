"""A created topic counts as usable once every partition has a leader; group listing waits
out a broker that is still loading its groups."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka.errors import GroupLoadInProgressError

from deploy.topics_admin import list_groups, wait_usable

pytestmark = pytest.mark.unit


def _topic(name: str, leaders: list[int], error: int = 0) -> dict[str, Any]:
    partitions = [{"error_code": 0, "partition": n, "leader": leader}
                  for n, leader in enumerate(leaders)]  # fmt: skip
    return {"error_code": error, "topic": name, "is_internal": False, "partitions": partitions}


class _Answers:
    """DescribeTopics answers in turn, as a broker whose metadata is catching up gives them."""

    def __init__(self, *answers: list[dict[str, Any]]) -> None:
        self.answers = list(answers)
        self.asked: list[list[str]] = []

    async def describe_topics(self, names: list[str]) -> list[dict[str, Any]]:
        self.asked.append(names)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return [topic for topic in answer if topic["topic"] in names]


async def test_waits_through_unknown_topics_and_partitions_without_a_leader() -> None:
    admin = _Answers(
        [_topic("a", [], error=3), _topic("b", [1, -1])],  # a unknown yet, b half-led
        [_topic("a", [1, 1]), _topic("b", [1, -1])],
        [_topic("a", [1, 1]), _topic("b", [1, 1])],
    )
    await wait_usable(admin, ["a", "b"], within_s=10)  # type: ignore[arg-type]
    assert admin.asked == [["a", "b"], ["a", "b"], ["b"]]


async def test_names_the_topics_still_without_a_leader_when_time_runs_out() -> None:
    admin = _Answers([_topic("a", [1]), _topic("b", [-1, 1])])
    with pytest.raises(TimeoutError, match=r"\['b'\]"):
        await wait_usable(admin, ["a", "b"], within_s=0.3)  # type: ignore[arg-type]


class _LoadingBroker:
    """ListGroups answers of a broker that is still reading its offsets topic back."""

    def __init__(self, loading: int) -> None:
        self.loading, self.asked = loading, 0

    async def list_consumer_groups(self) -> list[tuple[str, str]]:
        self.asked += 1
        if self.asked <= self.loading:
            raise GroupLoadInProgressError("Error listing consumer groups")
        return [("a-streams", "consumer"), ("b.adapters", "consumer")]


async def test_group_listing_waits_out_a_broker_loading_its_groups() -> None:
    broker = _LoadingBroker(loading=2)
    assert await list_groups(broker) == ["a-streams", "b.adapters"]  # type: ignore[arg-type]
    assert broker.asked == 3


async def test_group_listing_gives_up_on_a_broker_that_never_finishes_loading() -> None:
    with pytest.raises(GroupLoadInProgressError):
        await list_groups(_LoadingBroker(loading=10**6), within_s=0.3)  # type: ignore[arg-type]
