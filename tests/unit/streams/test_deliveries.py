"""No offset is committed past a record the broker did not acknowledge: the first failed
delivery is kept for good and the consumer refuses to commit and crashes the worker."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka.errors import OutOfOrderSequenceNumber

from streams.runtime.deliveries import Deliveries, DeliveryFailedError, deliveries_of
from streams.runtime.rewind import RewindingConsumer

pytestmark = pytest.mark.unit


def _future(error: BaseException | None = None, done: bool = True) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    if done and error is None:
        future.set_result(None)
    elif done and error is not None:
        future.set_exception(error)
    return future


async def test_acknowledged_sends_leave_nothing_failed() -> None:
    deliveries = Deliveries()
    for _ in range(3):
        deliveries.track(_future())
    assert deliveries.failure() is None


async def test_a_failed_send_is_the_failure_for_good() -> None:
    deliveries = Deliveries()
    pending = _future(done=False)
    for future in (_future(), _future(OutOfOrderSequenceNumber()), pending):
        deliveries.track(future)
    assert isinstance(deliveries.failure(), OutOfOrderSequenceNumber)
    pending.set_result(None)
    assert isinstance(deliveries.failure(), OutOfOrderSequenceNumber), "kept once seen"


class _App:
    """Stands in for the Faust app the deliveries belong to."""


class _Consumer:
    """What ``_commit`` touches of Faust's consumer: its app and ``crash``."""

    def __init__(self) -> None:
        self.app = _App()
        self.crashed: list[BaseException] = []

    async def crash(self, reason: BaseException) -> None:
        self.crashed.append(reason)


async def test_the_consumer_refuses_the_commit_and_crashes_after_a_failed_send() -> None:
    consumer = _Consumer()
    deliveries_of(consumer.app).track(_future(OutOfOrderSequenceNumber()))
    committed = await RewindingConsumer._commit(consumer, {"tp": 5})  # type: ignore[arg-type]
    assert committed is False
    assert [type(reason) for reason in consumer.crashed] == [DeliveryFailedError]
