"""Personal values in the case machine: kept only sealed in the case state, and in a task
only sealed to that task's department, whether the portal sealed them or not."""

from __future__ import annotations

import random

import pytest

from streams.case.dispatching import task_event
from streams.case.errors import InvalidInputError
from streams.case.policy import Policy, Step
from streams.issuance.issuer import result_outputs
from tests.unit.streams.harness import T0, CaseRun, approve, approve_all, report, submit
from topology.catalog import load_catalog
from topology.events import (
    ApplicationAccepted,
    ApplicationRefused,
    ApplicationSubmitted,
    BundleCompleted,
    ItemStatus,
    ItemTaskDispatched,
)
from topology.samples import sample_application
from topology.sealing import (
    APPLICANT,
    APPLICATION,
    FORM,
    OUTPUTS,
    PREREQUISITES,
    Sealer,
    open_group,
    seal_group,
    sealed_application,
)

pytestmark = pytest.mark.unit
BUNDLES = ["newborn_birth", "enterprise_opening", "posthumous_affairs"]


def personal_values(app: ApplicationSubmitted) -> set[str]:
    catalog = load_catalog(app.region)
    form = {v for code, v in app.form.items() if catalog.field(code).personal}
    applicant = {app.applicant.name, app.applicant.id_number, app.applicant.phone or ""}
    return {value for value in form | applicant if len(value) >= 2}


def opened(task: ItemTaskDispatched, run: CaseRun, who: str, key: str = FORM) -> dict[str, str]:
    """A group of ``task``'s sealed values, opened as ``who``."""
    if key not in task.sealed:
        return {}
    sealer = Sealer(run.policy.sealer.keys, who)
    return open_group(sealer, task.sealed[key], task.case_id, task.item_code, key)


@pytest.mark.parametrize("bundle", BUNDLES)
def test_the_case_state_holds_no_personal_value_in_clear(bundle):
    run = submit(bundle)
    approve_all(run)
    assert run.state is not None
    assert run.application is not None
    secrets = personal_values(run.application)
    assert secrets, "the application has personal values to protect"
    text = run.state.model_dump_json()
    assert [value for value in secrets if value in text] == []
    catalog = load_catalog()
    kept = {code for item in run.state.plan.values() for code in item.fields}
    in_clear = {c: v for c, v in run.application.form.items()
                if c in kept and not catalog.field(c).personal}  # fmt: skip
    assert run.state.form == in_clear, "fields that are not personal stay in clear"
    kept_sealed = open_group(run.policy.sealer, run.state.sealed[FORM], run.state.case_id,
                             APPLICATION, FORM)  # fmt: skip
    assert kept_sealed == {c: v for c, v in run.application.form.items()
                           if c in kept and catalog.field(c).personal}  # fmt: skip


@pytest.mark.parametrize("bundle", BUNDLES)
def test_a_task_carries_its_personal_fields_sealed_to_its_department_only(bundle):
    run = submit(bundle)
    approve_all(run)
    assert run.application is not None
    catalog, form = load_catalog(), run.application.form
    tasks = run.of(ItemTaskDispatched)
    assert any(task.sealed for task in tasks)
    for task in tasks:
        personal = {f for f in run.state.plan[task.item_code].fields  # type: ignore[union-attr]
                    if catalog.field(f).personal and f in form}  # fmt: skip
        assert not personal & set(task.fields), "no personal field in clear"
        assert opened(task, run, task.department) == {f: form[f] for f in personal}
        if task.sealed:
            other = "tax" if task.department != "tax" else "public_security"
            with pytest.raises(ValueError, match=f"sealed to {task.department}"):
                opened(task, run, other)


def test_a_portal_sealed_application_runs_as_the_clear_one():
    clear = submit("newborn_birth")
    approve_all(clear)
    policy = Policy()
    catalog = load_catalog()
    app = sample_application(catalog, catalog.bundle("newborn_birth"), "case-newborn_birth-7",
                             random.Random(7), now=T0)  # fmt: skip
    sealed = sealed_application(app, catalog, Sealer(policy.sealer.keys, "portal"))
    assert sealed.applicant.id_number == ""
    assert set(sealed.sealed) == {APPLICANT, FORM}
    assert "applicant_name" not in sealed.form
    run = CaseRun(policy=policy, application=app)
    run.send(sealed)
    approve_all(run)
    assert run.of(ApplicationAccepted)
    assert run.state is not None
    assert clear.state is not None
    assert run.state.phase == clear.state.phase
    for task, twin in zip(run.of(ItemTaskDispatched), clear.of(ItemTaskDispatched), strict=True):
        assert opened(task, run, task.department) == opened(twin, clear, twin.department)


def test_a_value_sealed_for_another_case_is_refused():
    policy = Policy()
    catalog = load_catalog()
    bundle = catalog.bundle("newborn_birth")
    portal = Sealer(policy.sealer.keys, "portal")
    app = sample_application(catalog, bundle, "case-a", random.Random(1), now=T0)
    other = sealed_application(app.model_copy(update={"case_id": "case-b"}), catalog, portal)
    forged = sealed_application(app, catalog, portal).model_copy(
        update={"sealed": {**sealed_application(app, catalog, portal).sealed,
                           APPLICANT: other.sealed[APPLICANT]}}
    )  # fmt: skip
    run = CaseRun(policy=policy)
    run.send(forged)
    refused = run.of(ApplicationRefused)
    assert [(p.field, p.code) for p in refused[0].problems] == [
        ("sealed", "UNREADABLE_SEALED_VALUE")
    ]
    assert "application/applicant" in refused[0].problems[0].message
    assert app.applicant.id_number not in refused[0].model_dump_json()


def test_a_personal_output_reaches_only_the_dependents_that_declare_it_and_the_issuer():
    run = submit("newborn_birth")
    keys = run.policy.sealer.keys
    citizen_id = "110105202411230012"
    for _ in range(10):
        for task in run.open_tasks():
            if task.item_code != "hukou_registration":
                run.send(approve(task))
                continue
            sealed = seal_group(Sealer(keys, "public_security"), {"citizen_id": citizen_id},
                                "streams", task.case_id, task.item_code, OUTPUTS)  # fmt: skip
            run.send(report(task, ItemStatus.APPROVED, outputs={"household_register": "H1"},
                            sealed={OUTPUTS: sealed}))  # fmt: skip
    assert run.state is not None
    assert citizen_id not in run.state.model_dump_json()
    catalog = load_catalog()
    needs = {i.code for i in catalog.bundle("newborn_birth").items
             if any(p.item == "hukou_registration" and "citizen_id" in p.outputs
                    for p in i.prerequisites)}  # fmt: skip
    dependents = [t for t in run.of(ItemTaskDispatched) if t.item_code in needs]
    assert dependents, "items that need the new 公民身份号码 were dispatched"
    for task in run.of(ItemTaskDispatched):
        assert citizen_id not in task.model_dump_json()
        got = opened(task, run, task.department, PREREQUISITES)
        wanted = {"hukou_registration.citizen_id": citizen_id} if task in dependents else {}
        assert got == wanted, task.item_code
    # The same dependent, had its catalogue not declared the output, gets none of it.
    code = sorted(needs)[0]
    run.state.plan[code] = run.state.plan[code].model_copy(update={"inputs": []})
    undeclared = task_event(run.state, code, Step(run.now, run.policy))
    assert PREREQUISITES not in undeclared.sealed
    (done,) = run.of(BundleCompleted)
    (result,) = [r for r in done.results if r.item_code == "hukou_registration"]
    assert result.outputs == {"household_register": "H1"}
    certified = result_outputs(result, done.case_id, Sealer(keys, "certificates"))
    assert certified == {"household_register": "H1", "citizen_id": citizen_id}
    with pytest.raises(InvalidInputError, match="sealed to certificates, not to streams"):
        result_outputs(result, done.case_id, Sealer(keys, "streams"))
