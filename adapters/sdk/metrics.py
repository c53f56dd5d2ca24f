"""Adapter metrics: task counters and a backend latency histogram, in Prometheus text form."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

LATENCY_BUCKETS_S = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
COUNTERS = (
    "received",
    "succeeded",
    "failed",
    "retried",
    "dead_lettered",
    "duplicates",
    "cancelled",
)


@dataclass
class Histogram:
    buckets: tuple[float, ...] = LATENCY_BUCKETS_S
    counts: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS_S) + 1))
    total: float = 0.0
    count: int = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.total += value
        self.count += 1


@dataclass
class AdapterMetrics:
    """One department's counters (``tasks_<name>_total``) and backend latency per system."""

    department: str
    tasks: Counter[str] = field(default_factory=Counter)
    latency: dict[str, Histogram] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.tasks[name] += n

    def observe_backend(self, system: str, seconds: float) -> None:
        self.latency.setdefault(system, Histogram()).observe(seconds)

    def snapshot(self) -> dict[str, int]:
        return {name: self.tasks[name] for name in COUNTERS}

    def render(self) -> str:
        """Prometheus exposition text."""
        dept = f'department="{self.department}"'
        lines = [
            f"onething_adapter_tasks_{name}_total{{{dept}}} {self.tasks[name]}" for name in COUNTERS
        ]
        for system, hist in sorted(self.latency.items()):
            labels = f'{dept},system="{system}"'
            running = 0
            for bound, n in zip((*hist.buckets, float("inf")), hist.counts, strict=True):
                running += n
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                lines.append(
                    f'onething_adapter_backend_seconds_bucket{{{labels},le="{le}"}} {running}'
                )
            lines.append(f"onething_adapter_backend_seconds_sum{{{labels}}} {hist.total:.6f}")
            lines.append(f"onething_adapter_backend_seconds_count{{{labels}}} {hist.count}")
        return "\n".join(lines) + "\n"
