"""The bench gives up on a stalled bus instead of waiting out its whole time limit."""

from __future__ import annotations

import asyncio

import pytest
from rich.console import Console
from rich.progress import Progress

from deploy.bench.drive import drive, wait_done
from deploy.bench.meter import Meter
from deploy.bench.workload import Submission

pytestmark = pytest.mark.unit


def _work(count: int) -> list[Submission]:
    return [Submission(f"case-{n}", "bundle", b"", [], certificates=0) for n in range(count)]


def _quiet() -> Progress:
    return Progress(console=Console(quiet=True))


async def test_a_bus_that_stops_finishing_cases_is_given_up_on_after_the_stall_time() -> None:
    meter, work = Meter(), _work(3)
    meter.cases["case-0"].terminal = "BundleCompleted"  # one finished, then nothing
    with _quiet() as progress:  # the stall time ends it, long before the 600 s limit
        done = await asyncio.wait_for(
            wait_done(meter, work, progress, within_s=600, stall_s=0.5), timeout=60
        )
    assert done is False


async def test_cases_that_keep_finishing_are_waited_for_past_the_stall_time() -> None:
    meter, work = Meter(), _work(4)

    async def finish_one_by_one() -> None:
        for item in work:
            await asyncio.sleep(0.3)
            meter.cases[item.case_id].terminal = "BundleCompleted"

    finishing = asyncio.create_task(finish_one_by_one())
    with _quiet() as progress:  # 1.2 s in all, longer than the stall time: no give-up
        done = await wait_done(meter, work, progress, within_s=60, stall_s=0.8)
    await finishing
    assert done is True


class _Producer:
    """Stands in for the bench's producer: records what the driver submits."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: object
    ) -> asyncio.Future[None]:
        self.sent.append(key)
        acked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        acked.set_result(None)  # the broker's acknowledgement, at once
        return acked

    async def flush(self) -> None:
        return None


async def test_the_closed_loop_stops_submitting_once_open_cases_stop_finishing() -> None:
    meter, work, producer = Meter(), _work(10), _Producer()
    with _quiet() as progress:  # 3 may be open, none ever finishes
        submitted = await asyncio.wait_for(
            drive(producer, "apps", work, meter, rate=None, window=3, progress=progress,  # type: ignore[arg-type]
                  stall_s=0.5),
            timeout=60,
        )  # fmt: skip
    assert submitted is False
    assert producer.sent == [b"case-0", b"case-1", b"case-2"]
