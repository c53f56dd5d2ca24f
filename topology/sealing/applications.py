"""The portal's side: an application's and a supplement's personal values sealed to streams
before they leave for Kafka (the applicant block always; form fields the catalogue marks
personal, and any field it does not know, which intake then refuses by name)."""

from __future__ import annotations

from collections.abc import Mapping

from topology.catalog import Catalog, CatalogError
from topology.events import ApplicationSubmitted, Sealed, SupplementProvided
from topology.sealing.groups import APPLICANT, APPLICANT_FIELDS, APPLICATION, FORM, seal_group
from topology.sealing.sealer import Sealer

RECIPIENT = "streams"


def _personal(catalog: Catalog, code: str) -> bool:
    try:
        return catalog.field(code).personal
    except CatalogError:
        return True  # unknown to the catalogue: nothing says it is safe in clear


def _split(
    case_id: str, form: Mapping[str, str], catalog: Catalog, sealer: Sealer
) -> tuple[dict[str, str], dict[str, Sealed]]:
    private = {code: value for code, value in form.items() if _personal(catalog, code)}
    clear = {code: value for code, value in form.items() if code not in private}
    if not private:
        return clear, {}
    return clear, {FORM: seal_group(sealer, private, RECIPIENT, case_id, APPLICATION, FORM)}


def sealed_application(
    app: ApplicationSubmitted, catalog: Catalog, sealer: Sealer
) -> ApplicationSubmitted:
    """``app`` with its personal values only sealed: clear applicant fields emptied."""
    applicant = app.applicant
    given = {name: value for name in APPLICANT_FIELDS if (value := getattr(applicant, name))}
    sealed = {APPLICANT: seal_group(sealer, given, RECIPIENT, app.case_id, APPLICATION, APPLICANT)}
    form, sealed_form = _split(app.case_id, app.form, catalog, sealer)
    blank = applicant.model_copy(update={"name": "", "id_number": "", "phone": None})
    return app.model_copy(
        update={"applicant": blank, "form": form, "sealed": {**sealed, **sealed_form}}
    )


def sealed_supplement(
    answer: SupplementProvided, catalog: Catalog, sealer: Sealer
) -> SupplementProvided:
    """``answer`` with its personal corrections only sealed."""
    form, sealed = _split(answer.case_id, answer.form_updates, catalog, sealer)
    return answer.model_copy(update={"form_updates": form, "sealed": sealed})
