"""Dispatch (并联审批, 前后置): tasks for every item whose prerequisites are done, at once,
each carrying only the fields its item needs plus the prerequisite outputs it declares."""

from __future__ import annotations

from streams.case.personal import task_sealed
from streams.case.policy import Step
from streams.case.state import CaseState, RunStatus
from topology.events import ItemTaskCancelled, ItemTaskDispatched, derive_event_id


def ready_items(state: CaseState) -> list[str]:
    """Waiting items whose every prerequisite in the case is approved."""
    runs = state.runs
    return [
        code
        for code, item in state.plan.items()
        if runs[code].status == RunStatus.WAITING
        and all(runs[p].status == RunStatus.APPROVED for p in item.prerequisites if p in runs)
    ]


def dispatch_ready(state: CaseState, step: Step) -> None:
    for code in ready_items(state):
        run = state.runs[code]
        run.attempt += 1
        run.status = RunStatus.DISPATCHED
        run.dispatched_at = step.now
        run.reason = None
        step.emit(task_event(state, code, step))
        state.note(step.now, "dispatched", code, f"attempt {run.attempt}")


def task_event(state: CaseState, code: str, step: Step) -> ItemTaskDispatched:
    """The task of the item's current attempt; deterministic but for the sealed values'
    random nonces, so a re-send is the same event (same id, same clear values)."""
    item, run = state.plan[code], state.runs[code]
    sent = run.dispatched_at or step.now
    outputs = {
        f"{pre}.{name}": value
        for pre in item.prerequisites
        if pre in state.runs
        for name, value in state.runs[pre].outputs.items()
        if item.inputs is None or f"{pre}.{name}" in item.inputs
    }
    fields, sealed = task_sealed(state, code, item, step.policy.sealer)
    return ItemTaskDispatched(
        event_id=derive_event_id(state.case_id, f"task:{code}:{run.attempt}"),
        case_id=state.case_id,
        occurred_at=sent,
        bundle_code=state.bundle_code,
        item_code=code,
        department=item.department,
        attempt=run.attempt,
        fields=fields,
        materials=tuple(state.materials[m] for m in item.materials if m in state.materials),
        prerequisite_outputs=outputs,
        deadline=step.policy.calendar.add_workdays(sent, item.time_limit_days),
        sealed=sealed,
    )


def cancel_open(state: CaseState, step: Step, reason: str) -> None:
    """Cancel every item not finished: in-flight tasks get a cancellation event."""
    for code, run in state.runs.items():
        if run.status in (RunStatus.APPROVED, RunStatus.REJECTED, RunStatus.CANCELLED):
            continue
        if run.status.in_flight or run.status == RunStatus.AWAITING_SUPPLEMENT:
            step.emit(cancel_event(state, code, reason, step))
        run.status = RunStatus.CANCELLED
        run.reason = reason


def cancel_event(state: CaseState, code: str, reason: str, step: Step) -> ItemTaskCancelled:
    run = state.runs[code]
    return ItemTaskCancelled(
        event_id=derive_event_id(state.case_id, f"cancel:{code}:{run.attempt}"),
        case_id=state.case_id,
        occurred_at=run.finished_at or step.now,
        item_code=code,
        department=state.plan[code].department,
        reason=reason,
    )
