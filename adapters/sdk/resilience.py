"""Exponential backoff with full jitter, and a per-backend circuit breaker."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


def backoff_s(attempt: int, base: float, ceiling: float, rng: random.Random) -> float:
    """Full jitter (AWS architecture blog): uniform in [0, min(ceiling, base * 2**attempt)]."""
    return rng.uniform(0, min(ceiling, base * 2 ** max(0, attempt)))


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    """Opens after ``failures`` consecutive transient failures; one trial call after
    ``reset_s``; closes again on a success."""

    name: str
    failures: int = 5
    reset_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _consecutive: int = field(default=0, init=False)
    _opened_at: float | None = field(default=None, init=False)
    _trial: bool = field(default=False, init=False)

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self.clock() - self._opened_at >= self.reset_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a call may go out now (a half-open breaker lets exactly one through)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial:
            self._trial = True
            return True
        return False

    def succeeded(self) -> None:
        self._consecutive, self._opened_at, self._trial = 0, None, False

    def failed(self) -> None:
        self._consecutive += 1
        if self._trial or self._consecutive >= self.failures:
            self._opened_at, self._trial = self.clock(), False
