"""容缺 + 告知承诺: the events of a promise to supply a material by a date."""

from __future__ import annotations

from typing import Any, TypeVar

from streams.case.policy import Step
from streams.case.state import CaseState
from topology.events import (
    CommitmentAccepted,
    CommitmentFulfilled,
    CommitmentOverdue,
    derive_event_id,
)

C = TypeVar("C", CommitmentAccepted, CommitmentFulfilled, CommitmentOverdue)
_CAUSE = {
    CommitmentAccepted: "commitment",
    CommitmentFulfilled: "commitment-fulfilled",
    CommitmentOverdue: "commitment-overdue",
}


def commitment_event(kind: type[C], state: CaseState, code: str, step: Step, **extra: Any) -> C:
    """The ``kind`` event of the promise for material ``code``; deterministic id."""
    promise = state.commitments[code]
    return kind(
        event_id=derive_event_id(state.case_id, f"{_CAUSE[kind]}:{code}"),
        case_id=state.case_id, occurred_at=step.now, material_code=code,
        due_date=promise.due_date, dependent_items=tuple(promise.dependent_items), **extra,
    )  # fmt: skip
