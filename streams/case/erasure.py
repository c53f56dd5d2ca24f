"""A finished case reduced to what audit needs: on an operator's request at once, or by the
timer once ``Policy.erase_after`` has passed since it finished. What goes: the form, the
materials, every item's outputs and the holder pseudonym; what stays: phase, items and their
statuses, times, the refusal's problems (which name fields, not values) and the timeline."""

from __future__ import annotations

from datetime import datetime

from streams.case.policy import Step
from streams.case.state import CaseState
from topology.events import CaseErased, CaseErasureRequested, derive_event_id


def on_erasure_requested(state: CaseState, request: CaseErasureRequested, step: Step) -> None:
    """Erase a finished case (``requests.check_request`` refused any other) once."""
    if state.erased_at is None:
        erase(state, f"requested by {request.requested_by}: {request.reason}", step)


def check_erasure(state: CaseState, step: Step) -> bool:
    """Erase a case finished longer ago than the retention period; True when it did."""
    due = erasure_due(state, step)
    if due is None or step.now < due:
        return False
    erase(state, f"retention of {step.policy.erase_after} ended", step)
    return True


def erasure_due(state: CaseState, step: Step) -> datetime | None:
    after = step.policy.erase_after
    if after is None or state.erased_at is not None or state.finished_at is None:
        return None
    return state.finished_at + after


def erase(state: CaseState, reason: str, step: Step) -> None:
    state.form, state.sealed, state.materials, state.applicant_ref = {}, {}, {}, ""
    for run in state.runs.values():
        run.outputs, run.sealed = {}, {}
    state.erased_at, state.erasure_reason = step.now, reason
    state.note(step.now, "erased", detail=reason)
    step.emit(erased_event(state, step))


def erased_event(state: CaseState, step: Step) -> CaseErased:
    return CaseErased(event_id=derive_event_id(state.case_id, "erased"), case_id=state.case_id,
                      occurred_at=state.erased_at or step.now,
                      reason=state.erasure_reason or "")  # fmt: skip
