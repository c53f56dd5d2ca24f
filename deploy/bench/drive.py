"""Submit the workload at a fixed rate, or closed-loop at saturation, recording send times."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from rich.progress import Progress

from deploy.bench.meter import Meter, now_ms
from deploy.bench.workload import Submission


async def drive(
    producer: AIOKafkaProducer, topic: str, work: Sequence[Submission], meter: Meter,
    rate: float | None, window: int, progress: Progress,
) -> None:  # fmt: skip
    """``rate`` cases/s, or None: keep at most ``window`` cases open at once."""
    task = progress.add_task("submitting", total=len(work))
    began = time.monotonic()
    for n, item in enumerate(work):
        if rate is not None:
            delay = began + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        else:
            while n - meter.terminal_count >= window:  # noqa: ASYNC110 - the meter has no event
                await asyncio.sleep(0.005)
        meter.cases[item.case_id].submitted_ms = now_ms()
        await producer.send(topic, item.value, key=item.case_id.encode(), headers=item.headers)
        if n % 200 == 0:
            progress.update(task, completed=n)
    await producer.flush()
    progress.update(task, completed=len(work))


async def wait_done(
    meter: Meter, work: Sequence[Submission], progress: Progress, within_s: float,
    stall_s: float,
) -> bool:  # fmt: skip
    """Until every case is terminal with its certificates; True if so. False after
    ``within_s`` in all, or once no case has finished for ``stall_s`` (a stalled bus)."""
    task = progress.add_task("completing", total=len(work))
    deadline = time.monotonic() + within_s
    last_done, last_progress = -1, time.monotonic()
    while time.monotonic() < deadline:
        done = sum(
            1 for item in work
            if meter.cases[item.case_id].terminal
            and len(meter.cases[item.case_id].certificates) >= item.certificates
        )  # fmt: skip
        progress.update(task, completed=done)
        if done == len(work):
            return True
        if done != last_done:
            last_done, last_progress = done, time.monotonic()
        elif time.monotonic() - last_progress > stall_s:
            return False
        await asyncio.sleep(0.25)
    return False
