"""办结时限 and 容缺 dates: wall-clock checks run by the timer for every open case."""

from __future__ import annotations

from datetime import datetime, timedelta

from streams.case.commitments import commitment_event
from streams.case.completion import reject
from streams.case.erasure import erasure_due
from streams.case.policy import Step
from streams.case.state import CasePhase, CaseState, RunStatus
from topology.events import (
    CommitmentOverdue,
    DeadlineLevel,
    DeadlineReached,
    DeadlineScope,
    derive_event_id,
)
from topology.workdays import DeadlineMarks


def _levels(marks: DeadlineMarks) -> tuple[tuple[DeadlineLevel, datetime], ...]:
    return (
        (DeadlineLevel.WARNING, marks.warning_at),
        (DeadlineLevel.OVERDUE, marks.due_at),
        (DeadlineLevel.ESCALATED, marks.escalate_at),
    )


def _marks(
    state: CaseState, step: Step
) -> list[tuple[str | None, DeadlineMarks, list[DeadlineLevel]]]:
    """(item or None for the bundle, its marks, the levels already fired) of open clocks."""
    if state.phase.terminal or state.accepted_at is None:
        return []
    paused = timedelta(seconds=state.paused_seconds)
    calendar = step.policy.calendar
    found: list[tuple[str | None, DeadlineMarks, list[DeadlineLevel]]] = [
        (
            None,
            calendar.marks(state.accepted_at, state.time_limit_days, paused),
            state.bundle_levels,
        )
    ]
    for code, run in state.runs.items():
        if run.status.in_flight and run.dispatched_at is not None:
            marks = calendar.marks(run.dispatched_at, state.plan[code].time_limit_days, paused)
            found.append((code, marks, run.deadline_levels))
    return found


def check_deadlines(state: CaseState, step: Step) -> bool:
    """Fire every level now reached; True when one was."""
    now = state.paused_since or step.now  # the clock stands while the applicant is asked
    fired_any = False
    for item, marks, fired in _marks(state, step):
        for level, at in _levels(marks):
            if now >= at and level not in fired:
                fired.append(level)
                _emit_deadline(state, step, item, level, marks.due_at)
                fired_any = True
    return fired_any


def _emit_deadline(
    state: CaseState, step: Step, item: str | None, level: DeadlineLevel, due_at: datetime
) -> None:
    state.note(step.now, f"deadline_{level.value.lower()}", item)
    step.emit(DeadlineReached(
        event_id=derive_event_id(state.case_id, f"deadline:{item or '*'}:{level.value}"),
        case_id=state.case_id, occurred_at=step.now,
        scope=DeadlineScope.ITEM if item else DeadlineScope.BUNDLE, item_code=item,
        department=state.plan[item].department if item else state.lead_department,
        level=level, due_at=due_at,
    ))  # fmt: skip


def check_commitments(state: CaseState, step: Step) -> bool:
    """A promise not kept by its date: CommitmentOverdue, and what depended on it is revoked.
    True when a promise fell due."""
    today = step.policy.calendar.today(step.now)
    broken = False
    for code, promise in state.commitments.items():
        if promise.fulfilled or promise.overdue or today <= promise.due_date:
            continue
        promise.overdue = broken = True
        state.note(step.now, "commitment_overdue", detail=code)
        step.emit(commitment_event(CommitmentOverdue, state, code, step))
        if state.phase in (CasePhase.ACTIVE, CasePhase.AWAITING_APPLICANT):
            dependent = next(iter(promise.dependent_items), None)
            if dependent in state.runs:
                state.runs[dependent].status = RunStatus.REJECTED
            reject(state, dependent or code, f"承诺材料逾期未补: {code}", step)
    return broken


def next_wakeup(state: CaseState, step: Step) -> datetime | None:
    """The earliest instant a timer check could change this case, or None."""
    candidates = [
        at
        for _, marks, fired in _marks(state, step)
        for level, at in _levels(marks)
        if level not in fired
    ]
    if state.window_until is not None:
        candidates.append(state.window_until)
    if state.paused_since is not None:
        candidates = [c for c in candidates if c == state.window_until]
    if any(not (p.fulfilled or p.overdue) for p in state.commitments.values()):
        candidates.append(step.now + timedelta(minutes=10))
    if (erase_at := erasure_due(state, step)) is not None:
        candidates.append(erase_at)
    return min(candidates) if candidates else None
