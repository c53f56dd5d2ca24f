"""The join: department results arrive in any order, late or twice; transitions are idempotent."""

from __future__ import annotations

from enum import StrEnum

from streams.case.completion import maybe_complete, reject
from streams.case.dispatching import dispatch_ready
from streams.case.errors import WrongDepartmentError
from streams.case.personal import check_sealed_outputs
from streams.case.policy import Step
from streams.case.state import CasePhase, CaseState, PendingSupplement, RunStatus
from topology.events import ItemStatus, ItemStatusReported

_FINAL = (ItemStatus.APPROVED, ItemStatus.REJECTED, ItemStatus.SUPPLEMENT_REQUIRED)


class Report(StrEnum):
    """What one department report did to the case."""

    APPLIED = "applied"
    """It moved its item on."""
    DUPLICATE = "duplicate"
    """This attempt's final answer was applied before: the caller re-announces, in case a
    crash lost what it caused."""
    STALE = "stale"
    """Another attempt's, or ahead of a dispatch the state has not made yet (the re-sent task
    brings it again), or a progress note for a settled item: nothing changes."""
    UNKNOWN_ITEM = "unknown_item"
    """An item the case does not run: noted in the timeline, nothing else."""

    @property
    def changed(self) -> bool:
        return self in (Report.APPLIED, Report.UNKNOWN_ITEM)


def on_status(state: CaseState, report: ItemStatusReported, step: Step) -> Report:
    """Apply one report; judged by the state (attempt and status), not by event id."""
    run = state.runs.get(report.item_code)
    if run is None:
        state.note(step.now, "unknown_item_ignored", report.item_code, report.status.value)
        return Report.UNKNOWN_ITEM
    owner = state.plan[report.item_code].department
    if report.department != owner:
        raise WrongDepartmentError(
            f"wrong-department: {report.department} answered {report.item_code}, "
            f"an item of {owner}"
        )
    if report.attempt != run.attempt:
        return Report.STALE
    if state.phase.terminal or not run.status.in_flight:
        return Report.DUPLICATE if report.status in _FINAL else Report.STALE
    if report.sealed:
        check_sealed_outputs(report, step.policy.sealer)
    match report.status:
        case ItemStatus.RECEIVED | ItemStatus.IN_PROGRESS:
            run.status = RunStatus.IN_PROGRESS
            state.note(step.now, report.status.value.lower(), report.item_code)
        case ItemStatus.APPROVED:
            _approved(state, report, step)
        case ItemStatus.REJECTED:
            _rejected(state, report, step)
        case ItemStatus.SUPPLEMENT_REQUIRED:
            _supplement(state, report, step)
    return Report.APPLIED


def _approved(state: CaseState, report: ItemStatusReported, step: Step) -> None:
    run = state.runs[report.item_code]
    run.status, run.outputs, run.finished_at = RunStatus.APPROVED, dict(report.outputs), step.now
    run.sealed = dict(report.sealed)
    sealed = " (and sealed personal outputs)" if report.sealed else ""
    state.note(step.now, "approved", report.item_code, ", ".join(sorted(report.outputs)) + sealed)
    if state.phase == CasePhase.ACTIVE:
        dispatch_ready(state, step)
    maybe_complete(state, step)


def _rejected(state: CaseState, report: ItemStatusReported, step: Step) -> None:
    run = state.runs[report.item_code]
    reason = report.reason or "rejected"
    run.status, run.reason, run.finished_at = RunStatus.REJECTED, reason, step.now
    if not (state.independent and state.partial_consent):
        reject(state, report.item_code, reason, step)
        return
    state.note(step.now, "item_rejected", report.item_code, reason)
    _cancel_dependents(state, report.item_code)
    maybe_complete(state, step)
    if not state.phase.terminal and all(
        r.status in (RunStatus.REJECTED, RunStatus.CANCELLED) for r in state.runs.values()
    ):
        reject(state, report.item_code, reason, step)


def _cancel_dependents(state: CaseState, code: str) -> None:
    """Items that needed a refused item can no longer run (partial completion path)."""
    changed = True
    while changed:
        changed = False
        for other, item in state.plan.items():
            run = state.runs[other]
            blocked = any(
                state.runs[p].status in (RunStatus.REJECTED, RunStatus.CANCELLED)
                for p in item.prerequisites
            )
            if run.status == RunStatus.WAITING and blocked:
                run.status, run.reason, changed = RunStatus.CANCELLED, f"needs {code}", True


def _supplement(state: CaseState, report: ItemStatusReported, step: Step) -> None:
    run = state.runs[report.item_code]
    run.status = RunStatus.AWAITING_SUPPLEMENT
    department = state.plan[report.item_code].department
    state.pending += [
        PendingSupplement(item_code=report.item_code, department=department, code=need.code,
                          problem=need.problem, message=need.message)
        for need in report.supplements
    ]  # fmt: skip
    if state.window_until is None:
        state.window_until = step.now + step.policy.supplement_window
    state.note(
        step.now,
        "supplement_required",
        report.item_code,
        ", ".join(need.code for need in report.supplements),
    )
