"""好差评: the applicant rates a completed case once; the rating is routed to the lead
department with the bundle named, for aggregation per bundle and department."""

from __future__ import annotations

from streams.case_state import CasePhase, CaseState
from streams.policy import Step
from topology.events import EvaluationSubmitted, Rating, derive_event_id


def rate(state: CaseState, evaluation: EvaluationSubmitted, step: Step) -> None:
    if state.phase != CasePhase.COMPLETED:
        state.note(step.now, "evaluation_refused", detail=f"case is {state.phase.value}")
        return
    if state.rating is not None:
        state.note(step.now, "evaluation_refused", detail="already rated once")
        return
    state.rating = evaluation.rating.value
    state.rating_comment_given = bool(evaluation.comment)
    state.note(step.now, "evaluated", detail=state.rating)
    step.emit(rating_event(state, step, evaluation.comment))


def rating_event(state: CaseState, step: Step, comment: str | None = None) -> EvaluationSubmitted:
    return EvaluationSubmitted(
        event_id=derive_event_id(state.case_id, "evaluation"),
        case_id=state.case_id,
        occurred_at=state.finished_at or step.now,
        rating=Rating(str(state.rating)),
        comment=comment,
        lead_department=state.lead_department,
        bundle_code=state.bundle_code,
    )
