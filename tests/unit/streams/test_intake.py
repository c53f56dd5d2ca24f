"""Intake (一次告知): each kind of problem an application can have is named with its field,
code and what is expected instead, all of them at once; a clean one runs the items it chose."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from streams.case.intake import Accepted, check_application
from tests.unit.streams.harness import T0
from topology.catalog import load_catalog
from topology.codec import default_codec
from topology.events import ApplicantKind, ApplicationSubmitted, Commitment, Problem
from topology.identifiers import citizen_id_check_char
from topology.samples import Flaws, sample_application

pytestmark = pytest.mark.unit
TODAY = T0.date()


def application(sample_of: str, flaws: Flaws | None = None, catalogue: str = "national",
                **changes: object) -> ApplicationSubmitted:  # fmt: skip
    """A clean sample of bundle ``sample_of`` from the ``catalogue`` region, then ``changes``."""
    catalog = load_catalog(catalogue)
    app = sample_application(catalog, catalog.bundle(sample_of), f"case-{sample_of}",
                             random.Random(3), flaws, now=T0)  # fmt: skip
    return app.model_copy(update=changes)


def problems(app: ApplicationSubmitted) -> list[Problem]:
    checked = check_application(app, TODAY)
    assert isinstance(checked, list), "the application should have been refused"
    return checked


def named(app: ApplicationSubmitted) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in problems(app)]


def test_a_clean_application_runs_every_item_when_it_chooses_none():
    checked = check_application(application("enterprise_opening"), TODAY)
    assert isinstance(checked, Accepted)
    bundle = load_catalog().bundle("enterprise_opening")
    assert checked.bundle == bundle
    assert [i.code for i in checked.items] == [i.code for i in bundle.items]


def test_a_chosen_optional_item_runs_with_the_required_ones_only():
    checked = check_application(application("enterprise_opening", item_codes=("seal_filing",)),
                                TODAY)  # fmt: skip
    assert isinstance(checked, Accepted)
    assert [i.code for i in checked.items] == ["establishment_registration", "seal_filing"]


def test_an_unknown_region_is_the_only_problem_told():
    app = application("enterprise_opening", region="nowhere_at_all", catalogue_version="x")
    found = problems(app)
    assert [(p.field, p.code, p.expected) for p in found] == [
        ("region", "UNKNOWN_REGION", "a region of the catalogue")
    ]


def test_an_unknown_bundle_is_told_with_a_version_not_served():
    app = application("enterprise_opening", bundle_code="no_such_bundle", catalogue_version="0.1")
    found = problems(app)
    version = load_catalog().version
    assert [(p.field, p.code, p.expected) for p in found] == [
        ("catalogue_version", "UNKNOWN_CATALOGUE_VERSION", f"catalogue version {version}"),
        ("bundle_code", "UNKNOWN_BUNDLE", "a bundle of the national catalogue"),
    ]
    assert "0.1" in found[0].message


def test_a_bundle_listed_but_not_itemised_is_refused():
    xuyi = load_catalog("xuyi")
    app = application("enterprise_opening", catalogue="xuyi", region="xuyi",
                      bundle_code="talent_services", catalogue_version=xuyi.version)  # fmt: skip
    assert [(p.field, p.code, p.expected) for p in problems(app)] == [
        ("bundle_code", "BUNDLE_NOT_ITEMISED", "an itemised bundle")
    ]


def test_a_company_cannot_apply_for_a_personal_bundle():
    app = application("newborn_birth")
    company = app.applicant.model_copy(update={"kind": ApplicantKind.COMPANY})
    found = problems(app.model_copy(update={"applicant": company}))
    wrong = [p for p in found if p.code == "WRONG_APPLICANT_KIND"]
    assert [(p.field, p.expected) for p in wrong] == [("applicant.kind", "PERSON")]
    assert ("applicant.id_number", "INVALID_ID_NUMBER") in [(p.field, p.code) for p in found], (
        "a company is checked by its 统一社会信用代码"
    )


def test_the_applicant_needs_a_name_and_a_valid_id_number():
    app = application("newborn_birth")
    nameless = app.applicant.model_copy(update={"name": "  ", "id_number": "1" * 18})
    found = problems(app.model_copy(update={"applicant": nameless}))
    assert [(p.field, p.code) for p in found] == [
        ("applicant.name", "MISSING_NAME"), ("applicant.id_number", "INVALID_ID_NUMBER")
    ]  # fmt: skip
    assert found[1].expected == "a valid 公民身份号码"
    assert found[1].message.startswith("公民身份号码: ")


@pytest.mark.parametrize(("typed", "told"), [
    (lambda valid: valid[:17], "18 characters expected, got 17"),
    (lambda valid: valid[:17] + "x", "the check character is an upper-case X"),
])  # fmt: skip
def test_a_mistyped_id_number_survives_decoding_and_is_refused_naming_the_field(typed, told):
    """Plausible typos reach intake through the Kafka path (no hidden model pattern sends
    them to a dead-letter topic) and the applicant is told which field and what is wrong."""
    app = application("newborn_birth")
    valid = app.applicant.id_number
    if typed(valid)[-1] == "x" and valid[-1] != "X":
        valid = _with_x_check_character(valid)
    mistyped = app.applicant.model_copy(update={"id_number": typed(valid)})
    codec = default_codec()
    decoded = codec.decode(codec.encode(app.model_copy(update={"applicant": mistyped})),
                           topic="t", partition=0, offset=0)  # fmt: skip
    assert isinstance(decoded, ApplicationSubmitted)
    found = problems(decoded)
    assert [(p.field, p.code) for p in found] == [("applicant.id_number", "INVALID_ID_NUMBER")]
    assert found[0].message == f"公民身份号码: {told}"


def _with_x_check_character(valid: str) -> str:
    """A valid ID number of the same area and birth date whose check character is X."""
    for serial in range(1000):
        first17 = valid[:14] + f"{serial:03d}"
        if citizen_id_check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError("no serial gives the check character X")


def test_a_company_id_number_is_checked_as_a_credit_code():
    app = application("enterprise_opening")
    bad = app.applicant.model_copy(update={"kind": ApplicantKind.COMPANY, "id_number": "1" * 18})
    found = problems(app.model_copy(update={"applicant": bad}))
    assert [(p.field, p.code, p.expected) for p in found] == [
        ("applicant.id_number", "INVALID_ID_NUMBER", "a valid 统一社会信用代码")
    ]


def test_items_handled_together_must_be_chosen_together():
    app = application("second_hand_housing_transfer", item_codes=("contract_filing",))
    found = problems(app)
    assert [(p.field, p.code, p.expected) for p in found] == [
        ("item_codes", "REQUIRED_TOGETHER",
         "also select housing_tax_declaration, real_estate_registration")
    ]  # fmt: skip
    assert found[0].message.startswith("contract_filing must be handled together with ")


def test_an_unknown_item_is_an_invalid_selection_of_items():
    found = problems(application("enterprise_opening", item_codes=("no_such_item",)))
    assert [(p.field, p.code) for p in found] == [("item_codes", "INVALID_SELECTION")]
    assert found[0].expected


def test_an_unknown_item_does_not_hide_the_forms_problems():
    app = application("enterprise_opening", item_codes=("no_such_item",))
    missing = next(iter(app.form))
    found = problems(app.model_copy(update={"form": {k: v for k, v in app.form.items()
                                                     if k != missing}}))  # fmt: skip
    assert [(p.field, p.code) for p in found] == [
        ("item_codes", "INVALID_SELECTION"), (f"form.{missing}", "MISSING_FIELD")]


def test_an_unknown_situation_is_an_invalid_selection_of_situations():
    found = problems(application("employee_retirement", situations={"no_such_group": "x"}))
    assert [(p.field, p.code) for p in found] == [("situations", "INVALID_SELECTION")]


def test_a_field_an_earlier_item_produces_is_not_asked_of_the_applicant():
    app = application("enterprise_opening", item_codes=("seal_filing",))
    assert "credit_code" not in app.form
    assert isinstance(check_application(app, TODAY), Accepted)


def test_a_missing_material_is_named_with_how_to_make_up_for_it():
    app = application("enterprise_opening", materials=())
    found = [p for p in problems(app) if p.code == "MISSING_MATERIAL"]
    hints = {p.field: p.expected for p in found}
    assert hints["materials.premises_proof"] == "submit it, or promise it by a date (容缺)"
    assert hints["materials.articles_of_association"] == "submit it"


def test_a_promise_for_a_date_already_past_is_refused():
    app = application("enterprise_opening", Flaws(promised_materials=("premises_proof",)))
    past = Commitment(material_code="premises_proof", due_date=TODAY - timedelta(days=1))
    found = problems(app.model_copy(update={"commitments": (past,)}))
    assert [(p.field, p.code, p.expected) for p in found] == [
        ("commitments.premises_proof", "COMMITMENT_IN_PAST", f"a date from {TODAY} on")
    ]


def test_a_promise_for_today_is_kept():
    app = application("enterprise_opening", Flaws(promised_materials=("premises_proof",)))
    today = Commitment(material_code="premises_proof", due_date=TODAY)
    assert isinstance(check_application(app.model_copy(update={"commitments": (today,)}),
                                        TODAY), Accepted)  # fmt: skip


def test_a_malformed_value_is_told_with_the_form_its_kind_expects():
    app = application("enterprise_opening")
    form = {**app.form, "enterprise_type": "no such type", "registered_capital": "-5"}
    found = {p.field: p for p in problems(app.model_copy(update={"form": form}))}
    kind = found["form.enterprise_type"]
    options = load_catalog().field("enterprise_type").options
    assert (kind.code, kind.expected) == ("INVALID_FIELD", f"one of: {', '.join(options)}")
    capital = found["form.registered_capital"]
    assert (capital.code, capital.expected) == (
        "INVALID_FIELD", "a non-negative decimal amount, e.g. 1200.50"
    )  # fmt: skip


def test_a_missing_field_is_named_with_its_code_beside_the_other_problems():
    app = application("newborn_birth", Flaws(missing_fields=("newborn_name",)),
                      catalogue_version="0.1")  # fmt: skip
    nameless = app.applicant.model_copy(update={"name": ""})
    found = named(app.model_copy(update={"applicant": nameless}))
    assert found[:2] == [("catalogue_version", "UNKNOWN_CATALOGUE_VERSION"),
                         ("applicant.name", "MISSING_NAME")]  # fmt: skip
    assert ("form.newborn_name", "MISSING_FIELD") in found
