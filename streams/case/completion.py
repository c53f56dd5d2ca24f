"""How a case ends: completed once (一端出件), rejected (不予办理) or withdrawn (撤回)."""

from __future__ import annotations

from streams.case.dispatching import cancel_open
from streams.case.personal import completion_sealed
from streams.case.policy import Step
from streams.case.state import CasePhase, CaseState, RunStatus
from topology.events import (
    BundleCompleted,
    BundleRejected,
    BundleWithdrawn,
    ItemResult,
    Requester,
    derive_event_id,
)

CERTIFICATES = "certificates"
"""The principal of the certificate service, which opens the personal outputs it certifies."""


def maybe_complete(state: CaseState, step: Step) -> None:
    """Complete the case exactly once, when no item is left to run."""
    if state.phase.terminal:
        return
    statuses = {run.status for run in state.runs.values()}
    if statuses - {RunStatus.APPROVED, RunStatus.REJECTED, RunStatus.CANCELLED}:
        return
    if RunStatus.APPROVED not in statuses:
        return
    state.phase = CasePhase.COMPLETED
    state.finished_at = step.now
    state.note(step.now, "completed", detail="partial" if is_partial(state) else "")
    step.emit(completed_event(state, step))


def is_partial(state: CaseState) -> bool:
    return any(run.status != RunStatus.APPROVED for run in state.runs.values())


def completed_event(state: CaseState, step: Step) -> BundleCompleted:
    approved = [code for code, run in state.runs.items() if run.status == RunStatus.APPROVED]
    results = tuple(
        ItemResult(item_code=code, department=state.plan[code].department,
                   outputs=state.runs[code].outputs, handled_at=state.runs[code].finished_at,
                   sealed=completion_sealed(state, code, CERTIFICATES, step.policy.sealer))
        for code in approved
    )  # fmt: skip
    certificates = dict.fromkeys(c for code in approved for c in state.plan[code].certificate_types)
    return BundleCompleted(
        event_id=derive_event_id(state.case_id, "completed"),
        case_id=state.case_id,
        occurred_at=state.finished_at or step.now,
        bundle_code=state.bundle_code,
        results=results,
        certificate_types=tuple(certificates),
        partial=is_partial(state),
        holder_ref=state.applicant_ref or None,
    )


def reject(state: CaseState, code: str, reason: str, step: Step) -> None:
    """A required item was refused: the bundle is rejected and the rest cancelled."""
    state.phase = CasePhase.REJECTED
    state.finished_at = step.now
    state.outcome_item, state.outcome_reason = code, reason
    cancel_open(state, step, f"bundle rejected: {code}")
    state.note(step.now, "rejected", code, reason)
    step.emit(rejected_event(state, step))


def rejected_event(state: CaseState, step: Step) -> BundleRejected:
    code = state.outcome_item or ""
    return BundleRejected(
        event_id=derive_event_id(state.case_id, "rejected"),
        case_id=state.case_id,
        occurred_at=state.finished_at or step.now,
        bundle_code=state.bundle_code,
        item_code=code,
        department=state.plan[code].department if code in state.plan else state.lead_department,
        reason=state.outcome_reason or "",
    )


def withdraw(state: CaseState, reason: str, step: Step) -> None:
    if state.phase.terminal:
        state.note(step.now, "withdrawal_ignored", detail=f"case already {state.phase.value}")
        return
    state.phase = CasePhase.WITHDRAWN
    state.finished_at = step.now
    state.outcome_reason = reason
    cancel_open(state, step, "case withdrawn")
    state.note(step.now, "withdrawn", detail=reason)
    step.emit(withdrawn_event(state, step))


def withdrawn_event(state: CaseState, step: Step) -> BundleWithdrawn:
    return BundleWithdrawn(
        event_id=derive_event_id(state.case_id, "withdrawn"),
        case_id=state.case_id,
        occurred_at=state.finished_at or step.now,
        bundle_code=state.bundle_code,
        reason=state.outcome_reason or "",
        requested_by=Requester.APPLICANT,
    )
