"""Personal values in the case: opened from what the portal sealed to streams, checked in
clear, kept sealed in the state, and sealed again to each department for its task alone."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

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
from topology.sealing import Sealer, SealError, seal_context

APPLICANT_PLACES = ("name", "id_number", "phone")


def form_place(code: str) -> str:
    return f"form.{code}"


def opened_application(app: ApplicationSubmitted, sealer: Sealer) -> ApplicationSubmitted | Problem:
    """``app`` with its sealed values in clear, for intake's checks (never stored so); a value
    that does not open is a problem told to the applicant's channel, naming its place."""
    if not app.sealed:
        return app
    clear: dict[str, str] = {}
    for place, sealed in app.sealed.items():
        try:
            clear[place] = sealer.open(sealed, seal_context(app.case_id, place))
        except SealError as error:
            return Problem(
                field=place,
                code="UNREADABLE_SEALED_VALUE",
                message=str(error),
                expected="a value sealed to streams for this case and place",
            )
    applicant = app.applicant
    updates = {name: clear[f"applicant.{name}"] for name in APPLICANT_PLACES
               if f"applicant.{name}" in clear}  # fmt: skip
    if updates:
        applicant = Applicant.model_construct(**{**applicant.model_dump(), **updates})
    form = {**app.form, **{p[5:]: v for p, v in clear.items() if p.startswith("form.")}}
    return app.model_copy(update={"applicant": applicant, "form": form, "sealed": {}})


def opened_updates(answer: SupplementProvided, sealer: Sealer) -> dict[str, str]:
    """A supplement's corrected values, the sealed ones opened; raises SealError."""
    opened = {
        place[5:]: sealer.open(sealed, seal_context(answer.case_id, place))
        for place, sealed in answer.sealed.items()
        if place.startswith("form.")
    }
    return {**answer.form_updates, **opened}


def personal_fields(state: CaseState) -> set[str]:
    return {code for item in state.plan.values() for code in item.personal}


def keep_form(
    state: CaseState,
    values: Mapping[str, str],
    personal: Iterable[str],
    sealed: Mapping[str, Sealed],
    sealer: Sealer,
) -> None:
    """Store ``values`` in the case: personal ones only sealed to streams (the portal's own
    sealed value when it came sealed, else sealed here), the rest in clear."""
    private = set(personal)
    for code, value in values.items():
        if code not in private:
            state.form[code] = value
            continue
        place = form_place(code)
        state.form.pop(code, None)
        state.sealed[place] = sealed.get(place) or sealer.seal(
            value, sealer.principal, seal_context(state.case_id, place)
        )


def check_sealed_outputs(report: ItemStatusReported, sealer: Sealer) -> None:
    """Each sealed output names an output of the reported item and opens for streams (so a
    bad one is dead-lettered now, not found when a dependent or the completion needs it)."""
    for place, sealed in report.sealed.items():
        if not place.startswith(f"{report.item_code}."):
            raise InvalidInputError(f"sealed.{place}: not an output of {report.item_code}")
        try:
            sealer.open(sealed, seal_context(report.case_id, place))
        except SealError as error:
            raise InvalidInputError(f"sealed.{error}") from None


def resealed_outputs(
    state: CaseState, item_codes: Iterable[str], recipient: str, sealer: Sealer,
    wanted: Collection[str] | None = None,
) -> dict[str, Sealed]:  # fmt: skip
    """The sealed outputs of ``item_codes`` (those in ``wanted``, by ``<item>.<output>``, or
    all), sealed again to ``recipient``."""
    return {
        place: sealer.reseal(value, recipient, seal_context(state.case_id, place))
        for code in item_codes
        if code in state.runs
        for place, value in state.runs[code].sealed.items()
        if wanted is None or place in wanted
    }


def form_value(state: CaseState, code: str, sealer: Sealer) -> str | None:
    """A field's value in clear, opened when it is kept sealed."""
    place = form_place(code)
    if place in state.sealed:
        return sealer.open(state.sealed[place], seal_context(state.case_id, place))
    return state.form.get(code)


def task_fields(
    state: CaseState, item: PlannedItem, sealer: Sealer
) -> tuple[dict[str, str], dict[str, Sealed]]:
    """The item's fields for its task: in clear those that are not personal, sealed to its
    department those that are (kept sealed in the case, or filled from a personal output)."""
    approved = [c for c, run in state.runs.items() if run.status == RunStatus.APPROVED]
    produced = {  # outputs of any finished item fill the fields it produces (免提交)
        name: value for done in approved for name, value in state.runs[done].outputs.items()
    }
    produced_sealed = {
        place.split(".", 1)[1]: place for done in approved for place in state.runs[done].sealed
    }
    fields: dict[str, str] = {}
    sealed: dict[str, Sealed] = {}
    for f in item.fields:
        place = form_place(f)
        context = seal_context(state.case_id, place)
        if place in state.sealed:
            sealed[place] = sealer.reseal(state.sealed[place], item.department, context)
        elif f in produced_sealed and f not in state.form:
            source = produced_sealed[f]
            owner = state.runs[source.split(".", 1)[0]].sealed[source]
            opened = sealer.open(owner, seal_context(state.case_id, source))
            sealed[place] = sealer.seal(opened, item.department, context)
        elif value := state.form.get(f) or produced.get(f):
            if f in item.personal:
                sealed[place] = sealer.seal(value, item.department, context)
            else:
                fields[f] = value
    return fields, sealed
