"""一次反馈: supplement needs from several departments become ONE request; the applicant's
answer re-dispatches only the affected items, and the deadline clock pauses in between."""

from __future__ import annotations

from streams.case.commitments import commitment_event
from streams.case.completion import maybe_complete
from streams.case.dispatching import dispatch_ready
from streams.case.personal import keep_form, opened_updates, personal_fields
from streams.case.policy import Step
from streams.case.state import CasePhase, CaseState, RunStatus
from topology.events import (
    CommitmentFulfilled,
    RequestedSupplement,
    SupplementProvided,
    SupplementRequested,
    derive_event_id,
)


def flush_window(state: CaseState, step: Step) -> bool:
    """When the merge window closes, send the consolidated request and pause the clock; True
    when it did."""
    if state.window_until is None or step.now < state.window_until or state.phase.terminal:
        return False
    if any(run.status.in_flight for run in state.runs.values()) and step.now < (
        state.window_until + step.policy.supplement_window * 4
    ):
        return False  # other departments are still working: give them longer to ask too
    state.supplement_round += 1
    state.last_request, state.pending, state.window_until = state.pending, [], None
    state.phase = CasePhase.AWAITING_APPLICANT
    state.paused_since = step.now
    state.note(
        step.now,
        "supplement_requested",
        detail=f"round {state.supplement_round}: {len(state.last_request)} need(s)",
    )
    step.emit(request_event(state, step))
    return True


def request_event(state: CaseState, step: Step) -> SupplementRequested:
    sent = state.paused_since or step.now
    return SupplementRequested(
        event_id=derive_event_id(state.case_id, f"supplement:{state.supplement_round}"),
        case_id=state.case_id,
        occurred_at=sent,
        supplements=tuple(
            RequestedSupplement(item_code=p.item_code, department=p.department, code=p.code,
                                problem=p.problem, message=p.message)
            for p in state.last_request
        ),
        due_date=step.policy.calendar.today(sent + step.policy.supplement_due),
    )  # fmt: skip


def on_provided(state: CaseState, answer: SupplementProvided, step: Step) -> None:
    sealer = step.policy.sealer
    updates = opened_updates(answer, sealer)
    keep_form(state, updates, personal_fields(state), sealer)
    for material in answer.materials:
        state.materials[material.material_code] = material
        _fulfil(state, material.material_code, step, answer)
    if state.phase != CasePhase.AWAITING_APPLICANT:
        state.note(
            step.now,
            "material_received",
            detail=", ".join(m.material_code for m in answer.materials),
        )
        return
    state.paused_seconds += (step.now - (state.paused_since or step.now)).total_seconds()
    state.paused_since = None
    state.phase = CasePhase.ACTIVE
    state.note(step.now, "supplement_provided", detail=f"round {state.supplement_round}")
    for run in state.runs.values():
        if run.status == RunStatus.AWAITING_SUPPLEMENT:
            run.status = RunStatus.WAITING
    dispatch_ready(state, step)
    maybe_complete(state, step)


def _fulfil(state: CaseState, code: str, step: Step, answer: SupplementProvided) -> None:
    promise = state.commitments.get(code)
    if promise is None or promise.fulfilled or promise.overdue:
        return
    promise.fulfilled = True
    state.note(step.now, "commitment_fulfilled", detail=code)
    material = next(m for m in answer.materials if m.material_code == code)
    step.emit(commitment_event(CommitmentFulfilled, state, code, step, material=material))
