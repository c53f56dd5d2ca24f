"""Drive the pure case machine with in-memory department answers (no Kafka: the thing under
test is the state machine, not Kafka)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from streams.case.machine import transition
from streams.case.policy import Policy, Step
from streams.case.state import CaseState
from topology.catalog import load_catalog
from topology.events import (
    ApplicationSubmitted,
    CaseTimerFired,
    Event,
    ItemStatus,
    ItemStatusReported,
    ItemTaskDispatched,
    SupplementNeed,
    SupplementProblem,
    derive_event_id,
)
from topology.samples import Flaws, sample_application

E = TypeVar("E", bound=Event)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def report(task: ItemTaskDispatched, status: ItemStatus, **extra: object) -> ItemStatusReported:
    return ItemStatusReported(
        event_id=derive_event_id(task.case_id, f"result:{task.item_code}:{task.attempt}:{status}"),
        case_id=task.case_id, occurred_at=T0, item_code=task.item_code,
        department=task.department, attempt=task.attempt, status=status,
        handled_at=T0, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def approve(task: ItemTaskDispatched) -> ItemStatusReported:
    return report(task, ItemStatus.APPROVED, outputs={"no": f"{task.item_code}-1"})


def supplement(task: ItemTaskDispatched, code: str) -> ItemStatusReported:
    need = SupplementNeed(code=code, problem=SupplementProblem.INVALID, message="请重新上传")
    return report(task, ItemStatus.SUPPLEMENT_REQUIRED, supplements=(need,))


@dataclass
class CaseRun:
    """One case driven through the machine, recording everything it emitted."""

    policy: Policy = field(default_factory=Policy)
    state: CaseState | None = None
    application: ApplicationSubmitted | None = None
    """The application as the applicant filled it, in clear."""
    now: datetime = T0
    emitted: list[Event] = field(default_factory=list)
    changed: bool = False
    """Whether the last input changed the case, as the machine said."""

    def send(self, event: Event, advance: timedelta = timedelta(milliseconds=10)) -> list[Event]:
        self.now += advance
        step = Step(self.now, self.policy)
        done = transition(self.state, event, step)
        self.state, self.changed = done.state, done.changed
        self.emitted += step.outbox
        return step.outbox

    def tick(self, advance: timedelta) -> list[Event]:
        assert self.state is not None
        tick = CaseTimerFired(event_id=derive_event_id(self.state.case_id, f"tick:{self.now}"),
                              case_id=self.state.case_id, occurred_at=self.now)  # fmt: skip
        return self.send(tick, advance)

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.emitted if isinstance(e, kind)]

    def open_tasks(self) -> list[ItemTaskDispatched]:
        """Tasks whose item is still in flight in the state."""
        assert self.state is not None
        runs = self.state.runs
        latest = {t.item_code: t for t in self.of(ItemTaskDispatched)}
        return [t for code, t in latest.items() if runs[code].status.in_flight
                and runs[code].attempt == t.attempt]  # fmt: skip


def submit(bundle_code: str, flaws: Flaws | None = None, seed: int = 7,
           policy: Policy | None = None) -> CaseRun:  # fmt: skip
    catalog = load_catalog()
    bundle = catalog.bundle(bundle_code)
    app = sample_application(catalog, bundle, f"case-{bundle_code}-{seed}", random.Random(seed),
                             flaws, now=T0)  # fmt: skip
    run = CaseRun(policy=policy or Policy(), application=app)
    run.send(app, advance=timedelta())
    return run


def approve_all(run: CaseRun, limit: int = 50) -> None:
    """Answer every open task with an approval, wave after wave."""
    for _ in range(limit):
        tasks = run.open_tasks()
        if not tasks:
            return
        for task in tasks:
            run.send(approve(task))
    raise AssertionError("the case never stopped dispatching")
