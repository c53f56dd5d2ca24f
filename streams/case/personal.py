"""Personal values in the case: opened from what the portal sealed to streams, checked in
clear, kept sealed in the state, and sealed again to each department for its task alone.
Values travel and rest in sealed groups (``topology.sealing.groups``): one per record and
kind, so a case pays a few seals, not one per value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from streams.case.errors import InvalidInputError
from streams.case.state import CaseState, PlannedItem, RunStatus
from topology.events import (
    Applicant,
    ApplicationSubmitted,
    ItemStatusReported,
    Problem,
    Sealed,
    SupplementProvided,
)
from topology.sealing import (
    APPLICANT,
    APPLICANT_FIELDS,
    APPLICATION,
    FORM,
    OUTPUTS,
    PREREQUISITES,
    Sealer,
    SealError,
    open_group,
    seal_group,
    unknown_groups,
)


def opened_application(app: ApplicationSubmitted, sealer: Sealer) -> ApplicationSubmitted | Problem:
    """``app`` with its sealed values in clear, for intake's checks (never stored so); a group
    that does not open is a problem told to the applicant's channel, naming it."""
    if not app.sealed:
        return app
    if unknown := unknown_groups(app.sealed, APPLICANT, FORM):
        return Problem(field=f"sealed.{unknown[0]}", code="UNKNOWN_SEALED_GROUP",
                       message=f"sealed groups {unknown} are not part of an application",
                       expected="sealed.applicant and sealed.form only")  # fmt: skip
    try:
        people, form = (
            open_group(sealer, app.sealed[key], app.case_id, APPLICATION, key)
            if key in app.sealed else {}
            for key in (APPLICANT, FORM)
        )  # fmt: skip
    except SealError as error:
        return Problem(field="sealed", code="UNREADABLE_SEALED_VALUE", message=str(error),
                       expected="values sealed to streams for this case")  # fmt: skip
    applicant = app.applicant
    updates = {name: people[name] for name in APPLICANT_FIELDS if name in people}
    if updates:
        applicant = Applicant.model_construct(**{**applicant.model_dump(), **updates})
    return app.model_copy(
        update={"applicant": applicant, "form": {**app.form, **form}, "sealed": {}}
    )


def opened_updates(answer: SupplementProvided, sealer: Sealer) -> dict[str, str]:
    """A supplement's corrected values, the sealed ones opened; raises SealError."""
    if unknown := unknown_groups(answer.sealed, FORM):
        raise SealError(f"{unknown}: not a group of a supplement (only form)")
    if FORM not in answer.sealed:
        return dict(answer.form_updates)
    opened = open_group(sealer, answer.sealed[FORM], answer.case_id, APPLICATION, FORM)
    return {**answer.form_updates, **opened}


def personal_fields(state: CaseState) -> set[str]:
    return {code for item in state.plan.values() for code in item.personal}


def kept_personal(state: CaseState, sealer: Sealer) -> dict[str, str]:
    """The case's personal form values, opened."""
    sealed = state.sealed.get(FORM)
    return {} if sealed is None else open_group(sealer, sealed, state.case_id, APPLICATION, FORM)


def keep_form(
    state: CaseState, values: Mapping[str, str], personal: Iterable[str], sealer: Sealer
) -> None:
    """Store ``values`` in the case: personal ones only in the case's sealed form group, the
    rest in clear."""
    private_codes = set(personal)
    private = {code: value for code, value in values.items() if code in private_codes}
    for code, value in values.items():
        if code in private:
            state.form.pop(code, None)
        else:
            state.form[code] = value
    if private:
        merged = {**kept_personal(state, sealer), **private}
        state.sealed[FORM] = seal_group(sealer, merged, sealer.principal, state.case_id,
                                        APPLICATION, FORM)  # fmt: skip


def check_sealed_outputs(report: ItemStatusReported, sealer: Sealer) -> None:
    """A result's sealed group is its outputs and opens for streams (so a bad one is
    dead-lettered now, not found when a dependent or the completion needs it)."""
    if unknown := unknown_groups(report.sealed, OUTPUTS):
        raise InvalidInputError(f"sealed.{unknown[0]}: a result seals only its outputs")
    try:
        open_group(sealer, report.sealed[OUTPUTS], report.case_id, report.item_code, OUTPUTS)
    except SealError as error:
        raise InvalidInputError(f"sealed.outputs: {error}") from None


def personal_outputs(state: CaseState, code: str, sealer: Sealer) -> dict[str, str]:
    """The personal outputs of item ``code``, opened (none: an empty map)."""
    sealed = state.runs[code].sealed.get(OUTPUTS) if code in state.runs else None
    return {} if sealed is None else open_group(sealer, sealed, state.case_id, code, OUTPUTS)


def completion_sealed(
    state: CaseState, code: str, recipient: str, sealer: Sealer
) -> dict[str, Sealed]:
    """Item ``code``'s personal outputs sealed again to ``recipient`` (the issuer)."""
    outputs = personal_outputs(state, code, sealer)
    if not outputs:
        return {}
    return {OUTPUTS: seal_group(sealer, outputs, recipient, state.case_id, code, OUTPUTS)}


def task_sealed(
    state: CaseState, code: str, item: PlannedItem, sealer: Sealer
) -> tuple[dict[str, str], dict[str, Sealed]]:
    """The item's fields in clear that are not personal, and the sealed groups of its task:
    its personal fields (kept sealed in the case, or filled from a personal output) and the
    personal prerequisite outputs it declares, sealed to its department alone."""
    fields, private = _task_fields(state, item, sealer)
    wanted = item.inputs
    needed = [pre for pre in item.prerequisites if pre in state.runs and state.runs[pre].sealed
              and (wanted is None or any(i.startswith(f"{pre}.") for i in wanted))]  # fmt: skip
    inputs = {
        f"{pre}.{name}": value
        for pre in needed
        for name, value in personal_outputs(state, pre, sealer).items()
        if wanted is None or f"{pre}.{name}" in wanted
    }
    sealed: dict[str, Sealed] = {}
    dept, case_id = item.department, state.case_id
    if private:
        sealed[FORM] = seal_group(sealer, private, dept, case_id, code, FORM)
    if inputs:
        sealed[PREREQUISITES] = seal_group(sealer, inputs, dept, case_id, code, PREREQUISITES)
    return fields, sealed


def _task_fields(
    state: CaseState, item: PlannedItem, sealer: Sealer
) -> tuple[dict[str, str], dict[str, str]]:
    kept = kept_personal(state, sealer) if FORM in state.sealed else {}
    approved = [c for c, run in state.runs.items() if run.status == RunStatus.APPROVED]
    produced = {  # outputs of any finished item fill the fields it produces (免提交)
        name: value for done in approved for name, value in state.runs[done].outputs.items()
    }
    fields: dict[str, str] = {}
    private: dict[str, str] = {}
    produced_private: dict[str, str] | None = None
    for f in item.fields:
        if f in kept:
            private[f] = kept[f]
            continue
        value = state.form.get(f) or produced.get(f)
        if not value:
            if produced_private is None:  # opened only when a field is still missing
                produced_private = {}
                for done in approved:
                    produced_private.update(personal_outputs(state, done, sealer))
            if f in produced_private:
                private[f] = produced_private[f]
            continue
        (private if f in item.personal else fields)[f] = value
    return fields, private
