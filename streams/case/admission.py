"""Admission: an application becomes a case with its plan pinned, or a refusal listing every
problem (一次告知)."""

from __future__ import annotations

from streams.case.commitments import commitment_event
from streams.case.dispatching import dispatch_ready
from streams.case.intake import Accepted, check_application
from streams.case.personal import keep_form, opened_application
from streams.case.policy import Step
from streams.case.state import CasePhase, CaseState, CommitmentState, ItemRun, PlannedItem
from topology.catalog import Item
from topology.events import (
    ApplicationAccepted,
    ApplicationRefused,
    ApplicationSubmitted,
    CommitmentAccepted,
    Problem,
    derive_event_id,
)
from topology.identifiers import holder_reference


def admit(app: ApplicationSubmitted, step: Step) -> CaseState:
    """The new case's state; accepted cases dispatch their first wave at once."""
    china_today = step.policy.calendar.today(step.now)
    opened = opened_application(app, step.policy.sealer)
    if isinstance(opened, Problem):
        return _refuse(app, [opened], step)
    checked = check_application(opened, china_today, step.policy.loader)
    if isinstance(checked, list):
        return _refuse(opened, checked, step)
    state = _pin(opened, checked, step)
    step.emit(accepted_event(state, step))
    for code, promise in state.commitments.items():
        step.emit(commitment_event(CommitmentAccepted, state, code, step))
        state.note(step.now, "commitment_accepted", detail=f"{code} due {promise.due_date}")
    dispatch_ready(state, step)
    return state


def accepted_event(state: CaseState, step: Step) -> ApplicationAccepted:
    accepted = state.accepted_at or step.now
    return ApplicationAccepted(
        event_id=derive_event_id(state.case_id, "accepted"),
        case_id=state.case_id,
        occurred_at=accepted,
        bundle_code=state.bundle_code,
        lead_department=state.lead_department,
        item_codes=tuple(state.plan),
        due_at=step.policy.calendar.add_workdays(accepted, state.time_limit_days),
    )


def refused_event(state: CaseState, step: Step) -> ApplicationRefused:
    return ApplicationRefused(
        event_id=derive_event_id(state.case_id, "refused"),
        case_id=state.case_id,
        occurred_at=state.finished_at or step.now,
        bundle_code=state.bundle_code,
        problems=tuple(state.refusal),
    )


def _base(app: ApplicationSubmitted, step: Step) -> CaseState:
    policy = step.policy
    digest = holder_reference(policy.holder_key, app.applicant.id_number, policy.pseudonym_hash)
    return CaseState(
        case_id=app.case_id, bundle_code=app.bundle_code, bundle_name=app.bundle_code,
        region=app.region, catalogue_version=app.catalogue_version, catalogue_fingerprint="",
        lead_department="", time_limit_days=1, submitted_at=app.occurred_at,
        applicant_ref=digest, partial_consent=bool(app.partial_consent),
    )  # fmt: skip


def _refuse(app: ApplicationSubmitted, problems: list[Problem], step: Step) -> CaseState:
    state = _base(app, step)
    state.phase = CasePhase.REFUSED
    state.finished_at = step.now
    state.refusal = list(problems)
    state.note(step.now, "refused", detail=f"{len(problems)} problem(s)")
    step.emit(refused_event(state, step))
    return state


def _pin(app: ApplicationSubmitted, checked: Accepted, step: Step) -> CaseState:
    bundle, items, catalog = checked.bundle, checked.items, checked.catalog
    state = _base(app, step)
    chosen = {item.code for item in items}
    state.bundle_code, state.bundle_name = bundle.code, bundle.name
    state.catalogue_fingerprint = checked.catalog.fingerprint
    state.lead_department = bundle.lead_department or items[0].department
    state.time_limit_days = bundle.time_limit_days or max(i.time_limit_days for i in items)
    state.independent = bundle.independent
    state.accepted_at = step.now
    fields = {code for item in items for code in item.fields}
    personal = {code for code in fields if catalog.field(code).personal}
    state.plan = {
        item.code: _planned(catalog.fingerprint, bundle.code, item,
                            tuple(p for p in item.prerequisite_codes if p in chosen), personal)
        for item in items
    }  # fmt: skip
    state.runs = {code: ItemRun() for code in state.plan}
    form = {code: value for code, value in app.form.items() if code in fields}
    keep_form(state, form, personal, step.policy.sealer)
    state.materials = {m.material_code: m for m in app.materials}
    state.commitments = {
        c.material_code: CommitmentState(
            due_date=c.due_date,
            dependent_items=[i.code for i in items if c.material_code in i.materials],
        )
        for c in app.commitments
    }
    state.note(step.now, "accepted", detail=f"{len(items)} item(s), lead {state.lead_department}")
    return state


_PLANNED: dict[tuple[str, str, str, tuple[str, ...]], PlannedItem] = {}


def _planned(
    fingerprint: str,
    bundle_code: str,
    item: Item,
    prerequisites: tuple[str, ...],
    personal: set[str],
) -> PlannedItem:
    """The pinned item, built once per catalogue, bundle, item and chosen prerequisites and
    shared by the cases that pin it (frozen): building it for every case showed in the case
    agent's profile (streams/PERFORMANCE.md)."""
    key = (fingerprint, bundle_code, item.code, prerequisites)
    planned = _PLANNED.get(key)
    if planned is None:
        if len(_PLANNED) >= 10_000:  # catalogues replaced many times over: start again
            _PLANNED.clear()
        inputs = [f"{p.item}.{output}" for p in item.prerequisites if p.item in prerequisites
                  for output in p.outputs]  # fmt: skip
        planned = _PLANNED[key] = PlannedItem(
            code=item.code, name=item.name, department=item.department,
            prerequisites=list(prerequisites), inputs=inputs, fields=list(item.fields),
            personal=[code for code in item.fields if code in personal],
            materials=list(item.materials), certificate_types=list(item.certificate_types()),
            time_limit_days=item.time_limit_days, optional=item.optional,
        )  # fmt: skip
    return planned
