"""Bundle behaviour on the shipped catalogue: selection, situations, ordering, lookups."""

from __future__ import annotations

import pytest

from topology.catalog import REGIONS, CatalogError, load_catalog

pytestmark = pytest.mark.unit


def codes(items) -> list[str]:
    return [item.code for item in items]


def test_every_region_loads_and_is_cached() -> None:
    for region in REGIONS:
        catalog = load_catalog(region)
        assert catalog.region == region
        assert load_catalog(region) is catalog
    assert load_catalog() is load_catalog("national")


def test_unknown_region_is_refused() -> None:
    with pytest.raises(CatalogError, match="use one of: national"):
        load_catalog("atlantis")


def test_lookup_by_code_name_alias_and_pdf_spacing() -> None:
    national = load_catalog("national")
    assert national.bundle("企业准营 (以餐饮 店为例)").code == "enterprise_operation_permit"
    assert national.bundle("newborn_birth").name == "新生儿出生"
    xuyi = load_catalog("xuyi")
    assert xuyi.bundle("退休（企业职工退休）").code == "employee_retirement"
    daxinganling = load_catalog("daxinganling")
    assert daxinganling.bundle("企业信息变更“一件事”").code == "enterprise_info_change"


def test_unknown_bundle_lists_close_matches() -> None:
    with pytest.raises(CatalogError, match="close matches") as caught:
        load_catalog("national").bundle("newborn")
    assert "newborn_birth" in str(caught.value)


def test_posthumous_situation_picks_one_death_certificate() -> None:
    bundle = load_catalog("national").bundle("公民身后")
    default = codes(bundle.applicable_items(None, {}))
    assert "death_certificate_normal" in default
    assert "death_certificate_abnormal" not in default
    abnormal = codes(bundle.applicable_items(None, {"death_type": "abnormal"}))
    assert "death_certificate_abnormal" in abnormal
    assert "death_certificate_normal" not in abnormal
    applicable = bundle.applicable_items(None, {"death_type": "abnormal"})
    order = codes(bundle.topological_order(applicable))
    assert order.index("death_certificate_abnormal") < order.index("hukou_cancellation")
    assert order.index("hukou_cancellation") < order.index("survivor_benefits")


def test_retirement_situation_and_selection() -> None:
    bundle = load_catalog("national").bundle("企业职工退休")
    early = codes(bundle.applicable_items(set(), {"retirement_type": "early"}))
    assert early == ["early_retirement", "retiree_medical_insurance_registration"]
    # choosing an item of a situation implies that situation
    assert "early_retirement" in codes(bundle.applicable_items({"early_retirement"}, {}))


def test_selection_keeps_mandatory_items_and_prerequisites_of_chosen_ones() -> None:
    bundle = load_catalog("national").bundle("新生儿出生")
    chosen = codes(bundle.applicable_items({"social_security_card_application"}, {}))
    assert chosen == [
        "birth_medical_certificate", "hukou_registration", "social_security_card_application"
    ]
    assert codes(bundle.applicable_items(set(), {})) == ["birth_medical_certificate"]


def test_a_mandatory_item_does_not_drag_in_optional_prerequisites() -> None:
    bundle = load_catalog("daxinganling").bundle("退休")
    chosen = codes(bundle.applicable_items({"only_child_parent_reward"}, {}))
    assert "deemed_contribution_recognition" not in chosen
    assert "pension_benefit_determination" in chosen


def test_required_together_items_come_as_a_group() -> None:
    bundle = load_catalog("national").bundle("二手房转移登记及水电气联动过户")
    chosen = codes(bundle.applicable_items({"water_transfer"}, {}))
    assert {"contract_filing", "housing_tax_declaration", "real_estate_registration"} <= set(chosen)
    assert "gas_transfer" not in chosen


def test_bad_selection_and_situations_are_reported_together() -> None:
    bundle = load_catalog("national").bundle("公民身后")
    with pytest.raises(CatalogError, match="unknown items ghost"):
        bundle.applicable_items({"ghost"}, {})
    with pytest.raises(CatalogError, match="unknown situation death_type=maybe"):
        bundle.applicable_items(None, {"death_type": "maybe"})
    with pytest.raises(CatalogError, match="does not apply"):
        bundle.applicable_items({"death_certificate_normal"}, {"death_type": "abnormal"})


def test_stages_run_in_parallel_after_prerequisites() -> None:
    bundle = load_catalog("national").bundle("企业开办")
    stages = [codes(stage) for stage in bundle.stages()]
    assert stages[0] == ["establishment_registration"]
    assert set(stages[1]) == {
        "seal_filing", "invoice_issuance", "enterprise_social_insurance_registration",
        "housing_fund_account_opening",
    }


def test_certificates_and_department_items() -> None:
    national = load_catalog("national")
    assert national.bundle("新生儿出生").certificate_types() == [
        "出生医学证明", "预防接种证", "居民户口簿", "社会保障卡"
    ]
    public_security = national.items_for_department("公安")
    assert ("newborn_birth", "hukou_registration") in [(b.code, i.code) for b, i in public_security]
    assert all(item.department == "public_security" for _, item in public_security)
    helping = national.items_for_department("health", cooperating=True)
    assert "vaccination_certificate" in [item.code for _, item in helping]


def test_materials_issued_by_a_department_are_exempt() -> None:
    national = load_catalog("national")
    assert national.material("household_register").exempt
    assert not national.material("photo").exempt
    assert national.field("applicant_id").personal
    assert national.field("applicant_id").kind == "citizen_id"


def test_names_only_bundles_have_no_items() -> None:
    xuyi = load_catalog("xuyi")
    crayfish = xuyi.bundle("开龙虾店")
    assert not crayfish.itemised
    assert crayfish.items == ()
    assert crayfish.lead_department is None
