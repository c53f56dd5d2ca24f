"""The storm itself: faults one after another while the load runs, each undone, and the time
until the component it hit makes progress again on every partition."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from deploy.chaos.faults import Injector
from deploy.chaos.schedule import Fault
from deploy.observer import Observation

_WRITERS = ("streams", "certificates", "adapters")


@dataclass(frozen=True)
class FaultOutcome:
    """What one fault did: how long from the fault until its component's partitions made
    progress again (None: not within the bound), or, with ``idle``, until it served again
    (no case was open, so there was no progress to wait for)."""

    fault: Fault
    at_s: float
    recovery_s: float | None
    idle: bool = False


def writers_of(target: str) -> tuple[str, ...]:
    """Whose records show that ``target`` works again: a broker leads partitions of every
    writer's topics."""
    if target.startswith("broker-"):
        return _WRITERS
    return ("streams",) if target.startswith("streams") else (target,)


def progressed(seen: Observation, writers: tuple[str, ...], since: float, partitions: int) -> bool:
    """Every partition of every writer's topics has a record written after ``since``."""
    return all(seen.progress.get((writer, p), 0.0) > since
               for writer in writers for p in range(partitions))  # fmt: skip


async def storm(
    injector: Injector, schedule: list[Fault], seen: Observation, partitions: int,
    open_cases: Callable[[], int], bound_s: float, say: Callable[[str], None],
) -> tuple[list[FaultOutcome], list[str]]:  # fmt: skip
    """Carry out ``schedule``; returns each fault's outcome and the components that crashed
    on their own and were restarted."""
    outcomes, crashed, began = [], [], time.monotonic()
    for fault in schedule:
        await asyncio.sleep(fault.gap_s)
        crashed += await injector.revive_crashed()
        at, wall = time.monotonic(), time.time()
        await injector.apply(fault)
        await asyncio.sleep(fault.down_s)
        await injector.restore(fault)
        outcome = await _recovery(fault, seen, partitions, open_cases, bound_s, at, wall)
        outcomes.append(FaultOutcome(fault, round(at - began, 1), outcome[0], outcome[1]))
        took = "not within the bound" if outcome[0] is None else f"{outcome[0]:.1f} s"
        say(f"{fault.action} {fault.target} for {fault.down_s:.1f} s: recovered in {took}"
            + (" (idle: no open case)" if outcome[1] else ""))  # fmt: skip
    return outcomes, crashed


async def _recovery(
    fault: Fault, seen: Observation, partitions: int, open_cases: Callable[[], int],
    bound_s: float, at: float, wall: float,
) -> tuple[float | None, bool]:  # fmt: skip
    writers = writers_of(fault.target)
    deadline = at + bound_s
    while time.monotonic() < deadline:
        if progressed(seen, writers, wall, partitions):
            return round(time.monotonic() - at, 2), False
        if open_cases() == 0:
            return round(time.monotonic() - at, 2), True
        await asyncio.sleep(0.1)
    return None, False
