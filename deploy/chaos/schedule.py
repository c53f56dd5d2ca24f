"""The seeded fault schedule: which process to crash or pause, when, and for how long. The
same seed gives the same storm, so a failing run can be replayed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

KINDS = ("streams", "certificates", "adapters", "broker", "pause")
"""Fault kinds: SIGKILL a process of each kind (a broker node included), or SIGSTOP one."""


@dataclass(frozen=True)
class Fault:
    """One fault: ``action`` on ``target`` after ``gap_s`` of calm, for ``down_s``."""

    kind: str
    action: Literal["kill", "pause"]
    target: str
    """A component name (``streams-2``, ``adapters``) or ``broker-<node>``."""
    gap_s: float
    down_s: float
    """Kill: how long it stays dead before its restart. Pause: how long it stays stopped."""


@dataclass(frozen=True)
class Targets:
    """What there is to hit in this bus."""

    streams: tuple[str, ...]
    brokers: tuple[int, ...]
    certificates: str = "certificates"
    adapters: str = "adapters"

    def of(self, kind: str, rng: random.Random) -> str:
        if kind == "streams":
            return rng.choice(self.streams)
        if kind == "broker":
            return f"broker-{rng.choice(self.brokers)}"
        if kind == "pause":
            return self.of(rng.choice(("streams", "certificates", "adapters", "broker")), rng)
        return self.certificates if kind == "certificates" else self.adapters


def fault_schedule(seed: int, count: int, targets: Targets) -> list[Fault]:
    """``count`` faults, every kind in turn in a seeded order (so each kind has at least
    ``count // 5``), targets, gaps and durations drawn from the seed."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible schedule, not a secret
    faults = []
    for n in range(count):
        if n % len(KINDS) == 0:
            order = list(KINDS)
            rng.shuffle(order)
        kind = order[n % len(KINDS)]
        action: Literal["kill", "pause"] = "pause" if kind == "pause" else "kill"
        down = rng.uniform(3.0, 12.0) if action == "pause" else rng.uniform(0.5, 6.0)
        faults.append(Fault(kind, action, targets.of(kind, rng), round(rng.uniform(1.0, 4.0), 2),
                            round(down, 2)))  # fmt: skip
    return faults
