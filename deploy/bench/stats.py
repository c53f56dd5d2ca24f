"""Latency figures from the meter: per case and, for the sampled cases, per stage."""

from __future__ import annotations

from collections.abc import Sequence

from deploy.bench.meter import CaseTimes


def percentiles(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return float(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))])

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": float(ordered[-1]),
            "n": len(ordered)}  # fmt: skip


def case_latencies(cases: Sequence[CaseTimes]) -> dict[str, dict[str, float]]:
    completed = [c for c in cases if c.terminal == "BundleCompleted" and c.submitted_ms]
    return {
        "submit_to_completed_ms": percentiles([c.terminal_ms - c.submitted_ms for c in completed]),
        "submit_to_certificate_ms": percentiles(
            [max(c.certificates.values()) - c.submitted_ms for c in completed if c.certificates]
        ),
    }


def stage_latencies(cases: Sequence[CaseTimes]) -> dict[str, dict[str, float]]:
    sampled = [c for c in cases if c.tasks and c.terminal == "BundleCompleted" and c.accepted_ms]
    round_trips = [rt for c in sampled for rt in _round_trips(c)]
    return {
        "intake_ms": percentiles([c.accepted_ms - c.submitted_ms for c in sampled]),
        "dispatch_ms": percentiles([c.first_task_ms - c.accepted_ms for c in sampled]),
        "department_round_trip_ms": percentiles(round_trips),
        "join_ms": percentiles([c.terminal_ms - c.last_result_ms for c in sampled]),
        "issuance_ms": percentiles(
            [max(c.certificates.values()) - c.terminal_ms for c in sampled if c.certificates]
        ),
    }


def _round_trips(case: CaseTimes) -> list[float]:
    """Each result against the latest task sent before it."""
    tasks = sorted(case.tasks.values())
    found = []
    for result in sorted(case.results.values()):
        before = [t for t in tasks if t <= result]
        if before:
            found.append(float(result - before[-1]))
    return found


def sustained_rate(cases: Sequence[CaseTimes], warmup: int) -> float:
    """Completed cases per second after the first ``warmup`` completions."""
    ends = sorted(c.terminal_ms for c in cases if c.terminal == "BundleCompleted")
    if len(ends) <= warmup + 1:
        return 0.0
    window = ends[warmup:]
    seconds = (window[-1] - window[0]) / 1000
    return (len(window) - 1) / seconds if seconds > 0 else 0.0


def timeline(cases: Sequence[CaseTimes]) -> list[int]:
    """Cases terminal in each second since the first submission: stalls show as zeros."""
    starts = [c.submitted_ms for c in cases if c.submitted_ms]
    ends = [c.terminal_ms for c in cases if c.terminal_ms]
    if not starts or not ends:
        return []
    first = min(starts)
    counts = [0] * ((max(ends) - first) // 1000 + 1)
    for end in ends:
        counts[max(end - first, 0) // 1000] += 1
    return counts
