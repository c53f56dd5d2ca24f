"""Where a task goes next when its backend keeps failing, or when a long act is polled."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from adapters.sdk.messages import POLLS, RETRY_LEVEL, Outgoing, retry_record
from adapters.sdk.settings import AdapterSettings
from topology.records import ConsumedRecord
from topology.topics import DepartmentTopics


class RetryPlanner:
    """retry.1 → retry.2 → retry.3 with growing delays (±20 % jitter), then the DLQ."""

    def __init__(
        self,
        topics: DepartmentTopics,
        settings: AdapterSettings,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        rng: random.Random | None = None,
    ) -> None:
        self.topics, self.settings, self.clock_ms = topics, settings, clock_ms
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self.levels = min(len(topics.retries), len(settings.retry_delays_s))

    def again(self, record: ConsumedRecord) -> Outgoing | None:
        """The record on the next retry topic, or None when every level has been tried."""
        level = record.header_int(RETRY_LEVEL) + 1
        if level > self.levels:
            return None
        delay = self.settings.retry_delays_s[level - 1] * self.rng.uniform(0.8, 1.2)
        return retry_record(
            record,
            self.topics.retries[level - 1],
            level,
            self.clock_ms() + int(delay * 1000),
            record.header_int(POLLS),
        )

    def poll(self, record: ConsumedRecord, after_s: float) -> Outgoing | None:
        """Ask again after ``after_s`` (rounded up to a retry topic's delay, so each retry
        topic's due times stay in order)."""
        polls = record.header_int(POLLS) + 1
        if polls > self.settings.max_polls or not self.levels:
            return None
        delays = self.settings.retry_delays_s[: self.levels]
        index = next((i for i, d in enumerate(delays) if d >= after_s), self.levels - 1)
        due = self.clock_ms() + int(delays[index] * 1000)
        return retry_record(
            record, self.topics.retries[index], record.header_int(RETRY_LEVEL), due, polls
        )
