"""The case machine: one pure function from (state, input) to (state, events to publish).

Idempotent by construction: a redelivered input either finds its effect already applied and
changes nothing, or is recognised by its event id; in both cases the case re-announces the
facts its state implies (same deterministic ids), so output lost in a crash is sent again and
consumers drop the copies.
"""

from __future__ import annotations

from streams.admission import accepted_event, admit, refused_event
from streams.case_state import CasePhase, CaseState
from streams.completion import completed_event, rejected_event, withdraw, withdrawn_event
from streams.deadlines import check_commitments, check_deadlines
from streams.dispatching import cancel_event, task_event
from streams.evaluation import rate, rating_event
from streams.policy import Step
from streams.results import on_status
from streams.supplements import flush_window, on_provided, request_event
from topology.events import (
    ApplicationSubmitted,
    BundleWithdrawn,
    EvaluationSubmitted,
    Event,
    ItemStatusReported,
    SupplementProvided,
)


def apply(state: CaseState | None, event: Event, step: Step) -> CaseState | None:
    """The state after ``event``; what to publish is appended to ``step.outbox``."""
    if isinstance(event, ApplicationSubmitted):
        if state is not None:
            reannounce(state, step)
            return state
        state = admit(event, step)
        state.remember(event.event_id)
        return state
    if state is None:
        return None  # nothing to join yet: a result for an unknown case is dead-lettered
    if isinstance(event, ItemStatusReported):
        # Judged by the state (attempt and status), not by event id: a result can arrive
        # before the dispatch that a restarted worker re-makes, and must count then.
        if on_status(state, event, step) == "duplicate":
            reannounce(state, step)
        return state
    if not state.remember(event.event_id):
        reannounce(state, step)
        return state
    if isinstance(event, SupplementProvided):
        on_provided(state, event, step)
    elif isinstance(event, BundleWithdrawn):
        withdraw(state, event.reason, step)
    elif isinstance(event, EvaluationSubmitted):
        rate(state, event, step)
    return state


def tick(state: CaseState, step: Step) -> CaseState:
    """Wall-clock work: merge windows, deadlines, commitment dates."""
    flush_window(state, step)
    check_deadlines(state, step)
    check_commitments(state, step)
    return state


def reannounce(state: CaseState, step: Step) -> None:
    """Send again every fact the current state implies; ids are deterministic."""
    match state.phase:
        case CasePhase.REFUSED:
            step.emit(refused_event(state, step))
            return
        case CasePhase.COMPLETED:
            step.emit(completed_event(state, step))
            if state.rating is not None:
                step.emit(rating_event(state, step))
        case CasePhase.REJECTED:
            step.emit(rejected_event(state, step))
        case CasePhase.WITHDRAWN:
            step.emit(withdrawn_event(state, step))
        case CasePhase.AWAITING_APPLICANT if state.last_request:
            step.emit(request_event(state, step))
    step.emit(accepted_event(state, step))
    for code, run in state.runs.items():
        if run.status.in_flight:
            step.emit(task_event(state, code, step))
        elif run.status.value == "cancelled" and run.attempt:
            step.emit(cancel_event(state, code, run.reason or "cancelled", step))
