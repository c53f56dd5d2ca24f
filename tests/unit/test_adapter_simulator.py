"""The reference simulator's content rules, numbers and determinism."""

from __future__ import annotations

import pytest

from adapters.sdk.backend import ActRequest, BackendRefusedError, TransientBackendError
from adapters.simulator import ReferenceSimulator, SimulatorSettings, decide
from adapters.testing import material_ref, sample_task
from topology.catalog import load_catalog
from topology.events import MaterialRef, SupplementProblem
from topology.identifiers import citizen_id_problem, uscc_problem

pytestmark = pytest.mark.unit
CATALOG = load_catalog()


def request_for(item_code: str, bundle: str, case_id: str = "case-1", **changes) -> ActRequest:
    item = CATALOG.bundle(bundle).item(item_code)
    task = sample_task(CATALOG, bundle, item, case_id=case_id)
    request = ActRequest(act=item.code, bundle=bundle, case_id=case_id, attempt=1,
                         form=dict(task.fields), materials=task.materials)
    return request.model_copy(update=changes)


def decide_on(request: ActRequest, **settings):
    item = CATALOG.bundle(request.bundle).item(request.act)
    return decide(request, item, CATALOG, SimulatorSettings(**settings))


def test_defaults_approve_with_every_output_valid():
    reply = decide_on(request_for("establishment_registration", "enterprise_opening"))
    assert reply.decision == "approved"
    assert uscc_problem(reply.outputs["credit_code"]) is None
    assert reply.outputs["business_license"] == reply.outputs["credit_code"]


def test_newborn_citizen_id_is_valid_and_carries_the_birth_date():
    request = request_for("hukou_registration", "newborn_birth")
    reply = decide_on(request)
    citizen_id = reply.outputs["citizen_id"]
    assert citizen_id_problem(citizen_id) is None
    assert citizen_id[6:14] == request.form["newborn_birth_date"].replace("-", "")


def test_outputs_are_deterministic_per_case_item_and_attempt():
    request = request_for("social_security_card_application", "employee_hiring")
    assert decide_on(request).outputs == decide_on(request).outputs
    assert decide_on(request).outputs != decide_on(request.model_copy(update={"attempt": 2})
                                                   ).outputs
    assert decide_on(request).outputs != decide_on(request, seed=7).outputs


def test_unreadable_materials_need_supplements_one_each():
    request = request_for("establishment_registration", "enterprise_opening")
    zeros = tuple(m.model_copy(update={"sha256": "0" * 64}) for m in request.materials[:2])
    reply = decide_on(request.model_copy(update={"materials": zeros + request.materials[2:]}))
    assert reply.decision == "supplement"
    assert [(n.code, n.problem) for n in reply.supplements] == [
        (m.material_code, SupplementProblem.INVALID) for m in zeros]


def test_forged_material_is_rejected_naming_it():
    request = request_for("food_business_license", "enterprise_operation_permit")
    forged = MaterialRef(material_code="premises_layout", uri="forged://x", sha256="a" * 64,
                         version=1)
    reply = decide_on(request.model_copy(update={"materials": (*request.materials, forged)}))
    assert reply.decision == "rejected"
    assert "premises_layout" in (reply.reason or "")


@pytest.mark.parametrize(("field", "bundle", "item"), [
    ("mother_id", "newborn_birth", "hukou_registration"),
    ("credit_code", "enterprise_opening", "invoice_issuance"),
])
def test_malformed_id_is_rejected_naming_the_field_not_the_value(field, bundle, item):
    request = request_for(item, bundle)
    good = request.form[field]
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    reply = decide_on(request.model_copy(update={"form": {**request.form, field: bad}}))
    assert reply.decision == "rejected"
    assert field in (reply.reason or "")
    assert bad not in (reply.reason or "")


def test_rates_reject_supplement_and_hold():
    requests = [request_for("contract_filing", "second_hand_housing_transfer", f"c{n}")
                for n in range(300)]
    decisions = [decide_on(r, reject_rate=0.2, supplement_rate=0.2, in_progress_rate=0.2
                           ).decision for r in requests]
    expected = {"approved": 120, "rejected": 60, "supplement": 60, "in_progress": 60}
    for decision, count in expected.items():
        assert abs(decisions.count(decision) - count) < count / 2, decision


async def test_simulator_dedupes_on_the_idempotency_key_and_fails_transiently():
    simulator = ReferenceSimulator("tax", SimulatorSettings(), CATALOG)
    request = request_for("invoice_issuance", "enterprise_opening")
    first = await simulator.submit(request, idempotency_key="k1")
    assert await simulator.submit(request, idempotency_key="k1") == first
    assert (simulator.calls, simulator.acts) == (2, 1)
    failing = ReferenceSimulator("tax", SimulatorSettings(transient_failure_rate=1.0), CATALOG)
    with pytest.raises(TransientBackendError):
        await failing.submit(request, idempotency_key="k2")


async def test_simulator_refuses_an_act_it_does_not_know():
    simulator = ReferenceSimulator("tax", SimulatorSettings(), CATALOG)
    request = request_for("invoice_issuance", "enterprise_opening").model_copy(
        update={"act": "no_such_act"})
    with pytest.raises(BackendRefusedError):
        await simulator.submit(request, idempotency_key="k")


def test_material_ref_is_readable_and_genuine():
    ref = material_ref("case-1", "photo")
    assert ref.sha256 != "0" * 64
    assert not ref.uri.startswith("forged://")
