"""好差评: the applicant's rating request is accepted once, for a completed case only; the
rating is then published to the lead department with the bundle named, for aggregation per
bundle and department."""

from __future__ import annotations

from streams.case.policy import Step
from streams.case.state import CasePhase, CaseState
from topology.events import EvaluationRequested, EvaluationSubmitted, derive_event_id


def rate(state: CaseState, request: EvaluationRequested, step: Step) -> None:
    if state.phase != CasePhase.COMPLETED:
        state.note(step.now, "evaluation_refused", detail=f"case is {state.phase.value}")
        return
    if state.rating is not None:
        state.note(step.now, "evaluation_refused", detail="already rated once")
        return
    state.rating = request.rating
    state.rating_comment_given = bool(request.comment)
    state.note(step.now, "evaluated", detail=state.rating.value)
    step.emit(rating_event(state, step, request.comment))


def rating_event(state: CaseState, step: Step, comment: str | None = None) -> EvaluationSubmitted:
    """The accepted rating; ``comment`` is not kept in the state, so a re-announcement
    carries the rating alone (same event id: consumers keep the first)."""
    if state.rating is None:
        raise ValueError(f"case {state.case_id} has no rating to announce")
    return EvaluationSubmitted(
        event_id=derive_event_id(state.case_id, "evaluation"),
        case_id=state.case_id,
        occurred_at=state.finished_at or step.now,
        rating=state.rating,
        comment=comment,
        lead_department=state.lead_department,
        bundle_code=state.bundle_code,
    )
