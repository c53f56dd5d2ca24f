"""What each built-in adapter sends its department system: the task's fields, in their order,
plus the request fields each act adds (from a prerequisite's output, or computed)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal

import pytest

from adapters import ActReply, ActRequest, DepartmentRouter, ItemTask
from adapters.departments import public_security
from adapters.discovery import installed_adapters
from adapters.regions import bind_all_regions
from adapters.sdk.router import Route
from adapters.testing import sample_task
from topology.catalog import Catalog, all_catalogs, load_catalog
from topology.events import ItemTaskDispatched

pytestmark = pytest.mark.unit
ROUTERS = {code: adapter.router for code, adapter in installed_adapters().items()}
DEATH = "death_certificate.death_certificate"
CREDIT_CODE = {"credit_code": "establishment_registration.credit_code"}
EMPLOYER = {"employer_insurance_account":
            "enterprise_social_insurance_registration.employer_insurance_account"}
NEWBORN = {"insured_citizen_id": "hukou_registration.citizen_id"}
PERSONAL_ACCOUNT = {"unit_account": "housing_fund_account_opening.housing_fund_unit_account"}
DEED_TAX = {"deed_tax_estimate":
            lambda t: f"{Decimal(t.fields['transaction_price']) * Decimal('0.03'):.2f}"}
Extra = Mapping[str, str | Callable[[ItemTaskDispatched], str]]
EXTRA: dict[str, Extra] = {
    # item -> request field -> the prerequisite output it carries ("item.output"), or its value
    "hukou_registration": {
        "birth_certificate_no": "birth_medical_certificate.birth_medical_certificate"},
    "hukou_restoration": {
        "birth_certificate_no": "birth_medical_certificate.birth_medical_certificate"},
    "hukou_marital_status_change": {
        "marriage_certificate_no": "marriage_registration.marriage_certificate"},
    "hukou_migration": {"marriage_certificate_no": "marriage_registration.marriage_certificate"},
    "hukou_cancellation": {"death_certificate_no": DEATH},
    "seal_filing": CREDIT_CODE,
    "invoice_issuance": CREDIT_CODE,
    "real_estate_tax_declaration": DEED_TAX,
    "housing_tax_declaration": DEED_TAX,
    "flexible_contribution_declaration": {
        "contribution_base": lambda t: f"{Decimal(t.fields['contribution_base']):.2f}"},
    "enterprise_social_insurance_registration": EMPLOYER,
    "employee_social_insurance_registration": EMPLOYER,
    "social_insurance_registration": EMPLOYER,
    "employment_registration": EMPLOYER,
    "social_security_card_application": {"social_security_no": "hukou_registration.citizen_id"},
    "resident_pension_subsidy": {"death_certificate_no": DEATH},
    "military_pension_transfer": {"death_certificate_no": DEATH},
    "pension_account_payout": {"death_certificate_no": DEATH},
    "survivor_benefits": {"death_certificate_no": DEATH},
    "employee_medical_insurance_registration": NEWBORN,
    "resident_medical_insurance_registration": NEWBORN,
    "medical_insurance_enrolment": NEWBORN,
    "retiree_medical_insurance_registration": NEWBORN,
    "medical_account_withdrawal": {"death_certificate_no": DEATH},
    "housing_fund_account_opening": CREDIT_CODE,
    "personal_housing_fund_account": PERSONAL_ACCOUNT,
}
SOURCES = sorted({s for extra in EXTRA.values() for s in extra.values() if isinstance(s, str)}
                 | {"death_certificate_normal.death_certificate",
                    "death_certificate_abnormal.death_certificate"})


class Recorder:
    """A department system that keeps each request and refuses to answer."""

    def __init__(self) -> None:
        self.requests: list[tuple[ActRequest, str]] = []

    @property
    def name(self) -> str:
        return "recorder"

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        self.requests.append((request, idempotency_key))
        raise LookupError("recorded")

    async def aclose(self) -> None:
        return None


@functools.cache
def routes(department: str) -> dict[str, Route]:
    return bind_all_regions(ROUTERS[department], load_catalog()).routes


def task_of(catalog: Catalog, event: ItemTaskDispatched) -> ItemTask:
    return ItemTask(event, catalog.bundle(event.bundle_code).item(event.item_code))


async def sent(router: DepartmentRouter, catalog: Catalog, event: ItemTaskDispatched
               ) -> ActRequest:
    """The one request the router's route for the task sends, with the task's key (routes as
    an adapter serving the national catalogue binds them, for tasks of every region)."""
    route = routes(router.department)[event.item_code]
    recorder = Recorder()
    with pytest.raises(LookupError, match="recorded"):
        await route.handler(task_of(catalog, event), route.backend(recorder))
    ((request, key),) = recorder.requests
    assert key == event.event_id
    return request


def every_act() -> list[tuple[str, str, str, str]]:
    """(region, department, bundle, item) of every item of every region a built-in adapter
    serves (declared, or through its fallback)."""
    return [(catalog.region, department, bundle, item)
            for catalog in all_catalogs() for department, router in ROUTERS.items()
            for bundle, item in router.bind(catalog).items]


@pytest.mark.parametrize(("region", "department", "bundle", "item"), every_act())
async def test_each_act_sends_the_task_and_its_extra_fields(region, department, bundle, item):
    catalog = load_catalog(region)
    event = sample_task(catalog, bundle, catalog.bundle(bundle).item(item), case_id="case-rq",
                        department=department)
    event = event.model_copy(update={"prerequisite_outputs": {s: f"<{s}>" for s in SOURCES}})
    extra = {name: source(event) if callable(source) else f"<{source}>"
             for name, source in EXTRA.get(item, {}).items()}
    request = await sent(ROUTERS[department], catalog, event)
    assert request == ActRequest.of(task_of(catalog, event), {**event.fields, **extra})
    assert list(request.form) == list({**event.fields, **extra}), "the task's order, then extras"


@pytest.mark.parametrize("item", ["seal_filing", "hukou_cancellation"])
async def test_a_forwarded_act_without_its_prerequisite_sends_the_task_as_it_is(item):
    catalog = load_catalog()
    bundle, spec = next((b, i) for b, i in catalog.items_for_department("public_security")
                        if i.code == item)
    event = sample_task(catalog, bundle.code, spec, case_id="case-np")
    empty = event.model_copy(update={"prerequisite_outputs": {
        "establishment_registration.credit_code": "", DEATH: ""}})
    for task in (event, empty):
        assert (await sent(public_security.router, catalog, task)).form == event.fields


async def test_a_death_certificate_comes_from_whichever_death_item_the_case_ran():
    catalog = load_catalog()
    bundle, item = next((b, i) for b, i in catalog.items_for_department("public_security")
                        if i.code == "hukou_cancellation")
    event = sample_task(catalog, bundle.code, item, case_id="case-dc")
    ran = {"death_certificate_abnormal.death_certificate": "A",
           "death_certificate_normal.death_certificate": "N"}
    request = await sent(public_security.router, catalog,
                         event.model_copy(update={"prerequisite_outputs": ran}))
    assert request.form["death_certificate_no"] == "N", "normal comes before abnormal"
    request = await sent(public_security.router, catalog, event.model_copy(update={
        "prerequisite_outputs": {"death_certificate_abnormal.death_certificate": "A"}}))
    assert request.form["death_certificate_no"] == "A"
