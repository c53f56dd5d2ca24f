"""Submit the workload at a fixed rate, or closed-loop at saturation, recording send times."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from rich.progress import Progress

from deploy.bench.meter import Meter, now_ms
from deploy.bench.workload import Submission
from deploy.delivery import ConfirmedSender, Outgoing


class StallWatch:
    """Tells when a count has not moved for ``stall_s`` seconds."""

    def __init__(self, stall_s: float) -> None:
        self.stall_s, self.count, self.since = stall_s, -1, time.monotonic()

    def stalled(self, count: int) -> bool:
        if count != self.count:
            self.count, self.since = count, time.monotonic()
            return False
        return time.monotonic() - self.since > self.stall_s


async def drive(
    producer: AIOKafkaProducer, topic: str, work: Sequence[Submission], meter: Meter,
    rate: float | None, window: int, progress: Progress, stall_s: float,
) -> bool:  # fmt: skip
    """``rate`` cases/s, or None: keep at most ``window`` cases open at once. False if it
    stopped early: with ``window`` cases open, none finished for ``stall_s``."""
    task = progress.add_task("submitting", total=len(work))
    sender = ConfirmedSender(producer)
    began, watch = time.monotonic(), StallWatch(stall_s)
    for n, item in enumerate(work):
        if rate is not None:
            delay = began + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        else:
            while n - meter.terminal_count >= window:
                if watch.stalled(meter.terminal_count):
                    return False  # what was sent is flushed when the caller stops the producer
                await asyncio.sleep(0.005)
        meter.cases[item.case_id].submitted_ms = now_ms()
        await sender.send(Outgoing(topic, item.value, item.case_id.encode(), tuple(item.headers)))
        if n % 200 == 0:
            progress.update(task, completed=n)
    await sender.flush()
    progress.update(task, completed=len(work))
    return True


async def wait_done(
    meter: Meter, work: Sequence[Submission], progress: Progress, within_s: float,
    stall_s: float,
) -> bool:  # fmt: skip
    """Until every case is terminal with its certificates; True if so. False after
    ``within_s`` in all, or once no case has finished for ``stall_s`` (a stalled bus)."""
    task = progress.add_task("completing", total=len(work))
    deadline, watch = time.monotonic() + within_s, StallWatch(stall_s)
    while time.monotonic() < deadline:
        done = sum(
            1 for item in work
            if meter.cases[item.case_id].terminal
            and len(meter.cases[item.case_id].certificates) >= item.certificates
        )  # fmt: skip
        progress.update(task, completed=done)
        if done == len(work):
            return True
        if watch.stalled(done):
            return False
        await asyncio.sleep(0.25)
    return False
