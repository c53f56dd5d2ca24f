"""The case machine: one pure function from (state, input) to the next state and the events
to publish, dispatched on the input's type in one place.

Idempotent by construction: a redelivered input either finds its effect already applied and
changes nothing, or is recognised by its event id; in both cases the case re-announces the
facts its state implies (same deterministic ids), so output lost in a crash is sent again and
consumers drop the copies; once per case after each assignment of its partition, since only
a crash (which moves the partition) loses output.
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.case.admission import accepted_event, admit, refused_event
from streams.case.completion import completed_event, rejected_event, withdraw, withdrawn_event
from streams.case.deadlines import check_commitments, check_deadlines
from streams.case.dispatching import cancel_event, task_event
from streams.case.erasure import check_erasure, erased_event, on_erasure_requested
from streams.case.errors import UnexpectedInputError, UnknownCaseError
from streams.case.evaluation import rate, rating_event
from streams.case.policy import Step
from streams.case.requests import check_request
from streams.case.results import Report, on_status
from streams.case.state import CasePhase, CaseState, RunStatus
from streams.case.supplements import flush_window, on_provided, request_event
from topology.events import (
    ApplicationSubmitted,
    CaseErasureRequested,
    CaseTimerFired,
    EvaluationRequested,
    Event,
    ItemStatusReported,
    SupplementProvided,
    WithdrawalRequested,
)

Request = SupplementProvided | WithdrawalRequested | EvaluationRequested | CaseErasureRequested
"""What the applicant (or an operator) asks of a case; each is taken once, by its event id."""


@dataclass(frozen=True)
class Transition:
    """What one input did: the case's state afterwards (None: still no such case) and whether
    the input changed it (an unchanged state need not be written again)."""

    state: CaseState | None
    changed: bool


def transition(state: CaseState | None, event: Event, step: Step) -> Transition:
    """Apply one input; what to publish is appended to ``step.outbox``. Raises
    :class:`UnknownCaseError` for an input about a case never accepted, and
    :class:`UnexpectedInputError` for an event type the case does not take as input."""
    if isinstance(event, ApplicationSubmitted):
        return _submitted(state, event, step)
    if state is None:
        if isinstance(event, CaseTimerFired):
            return Transition(None, False)  # the case was erased or never stored
        raise UnknownCaseError(f"no case {event.case_id} for {type(event).__name__}")
    match event:
        case CaseTimerFired():
            return Transition(state, tick(state, step))
        case ItemStatusReported():
            report = on_status(state, event, step)
            if report is Report.DUPLICATE:
                reannounce(state, step)
            return Transition(state, report.changed)
        case (SupplementProvided() | WithdrawalRequested() | EvaluationRequested()
              | CaseErasureRequested()):  # fmt: skip
            return Transition(state, _requested(state, event, step))
    raise UnexpectedInputError(
        f"{type(event).__name__} is not an input of the case agent: the applicant sends "
        "SupplementProvided, WithdrawalRequested or EvaluationRequested, and the case itself "
        "publishes the facts that follow"
    )


def _submitted(state: CaseState | None, app: ApplicationSubmitted, step: Step) -> Transition:
    if state is not None:
        reannounce(state, step)
        return Transition(state, False)
    state = admit(app, step)
    state.remember(app.event_id)
    return Transition(state, True)


def _requested(state: CaseState, request: Request, step: Step) -> bool:
    """Take a request once, if it keeps the case's rules; a redelivery re-announces
    instead."""
    check_request(state, request, step)
    if not state.remember(request.event_id):
        reannounce(state, step)
        return False
    match request:
        case SupplementProvided():
            on_provided(state, request, step)
        case WithdrawalRequested():
            withdraw(state, request.reason, step)
        case EvaluationRequested():
            rate(state, request, step)
        case CaseErasureRequested():
            on_erasure_requested(state, request, step)
    return True


def tick(state: CaseState, step: Step) -> bool:
    """Wall-clock work (merge windows, deadlines, commitment dates); True when it changed
    the case."""
    flushed = flush_window(state, step)
    warned = check_deadlines(state, step)
    broken = check_commitments(state, step)
    erased = check_erasure(state, step)
    return flushed or warned or broken or erased


def reannounce(state: CaseState, step: Step) -> None:
    """Send again every fact the current state implies; ids are deterministic. An erased case
    announces its erasure only: its other facts carried data it no longer holds. Only when
    the runtime allows (once per case per assignment): the copies a re-announcement brings
    back (department answers to re-sent tasks) are duplicates too, and re-announcing for
    each would multiply the copies wave after wave."""
    if not step.may_reannounce(state.case_id):
        return
    if state.erased_at is not None:
        step.emit(erased_event(state, step))
        return
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
        elif run.status is RunStatus.CANCELLED and run.attempt:
            step.emit(cancel_event(state, code, run.reason or "cancelled", step))
