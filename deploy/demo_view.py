"""What the demo shows: live progress by state and department, then the summary table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group
from rich.table import Table

from deploy.observer import Observation
from topology.events import (
    ApplicationSubmitted,
    BundleCompleted,
    DeadlineReached,
    SupplementRequested,
)


def progress(seen: Observation, total: int, elapsed: float) -> Group:
    phases = seen.phases()
    states = Table("state", "cases", title=f"cases ({total} submitted, {elapsed:.1f}s)")
    for phase in ("submitted", "accepted", "awaiting_applicant", "completed", "refused",
                  "rejected", "withdrawn"):  # fmt: skip
        states.add_row(phase, str(phases.get(phase, 0)))
    departments = Table("department", "dispatched", "approved", "supplement", "rejected",
                        title="per department")  # fmt: skip
    for department, counts in sorted(seen.by_department.items()):
        columns = ("dispatched", "approved", "supplement_required", "rejected")
        departments.add_row(department, *(str(counts[c]) for c in columns))
    return Group(states, departments)


@dataclass(frozen=True)
class Summary:
    submitted: int
    completed: int
    refused: int
    rejected: int
    withdrawn: int
    supplements: int
    deadlines: int
    certificates: int
    verified: int
    duplicates: int
    p50_ms: float
    p99_ms: float

    def table(self) -> Table:
        table = Table("measure", "value", title="onething demo summary")
        for name, value in (
            ("submitted", self.submitted), ("completed", self.completed),
            ("refused (一次告知)", self.refused), ("rejected (不予办理)", self.rejected),
            ("withdrawn on request (撤回)", self.withdrawn),
            ("consolidated supplement requests (一次反馈)", self.supplements),
            ("deadline events (办结时限)", self.deadlines),
            ("certificates issued (统一发证)", self.certificates),
            ("certificates verified (Ed25519)", self.verified),
            ("duplicate certificates", self.duplicates),
            ("submit → completed p50", f"{self.p50_ms:.0f} ms"),
            ("submit → completed p99", f"{self.p99_ms:.0f} ms"),
        ):  # fmt: skip
            table.add_row(name, str(value))
        return table


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(
    seen: Observation, submitted: dict[str, float], applications: Sequence[ApplicationSubmitted],
    verified: int,
) -> Summary:  # fmt: skip
    latencies = [
        (done - submitted[case_id]) * 1000
        for case_id in submitted
        if (done := seen.cases[case_id].first(BundleCompleted)) is not None
    ]
    phases = seen.phases()
    return Summary(
        submitted=len(applications),
        completed=phases.get("completed", 0),
        refused=phases.get("refused", 0),
        rejected=phases.get("rejected", 0),
        withdrawn=phases.get("withdrawn", 0),
        supplements=len(seen.events_of(SupplementRequested)),
        deadlines=len(seen.events_of(DeadlineReached)),
        certificates=len(seen.certificate_events),
        verified=verified,
        duplicates=sum(seen.audit.duplicates().values()),
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
    )
