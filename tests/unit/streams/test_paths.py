"""The other paths of a case: 一次告知, 一次反馈, rejection, 容缺."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.case.state import CasePhase, RunStatus
from tests.unit.streams.harness import approve, approve_all, report, submit, supplement
from topology.events import (
    ApplicationRefused,
    BundleCompleted,
    BundleRejected,
    CommitmentAccepted,
    CommitmentFulfilled,
    CommitmentOverdue,
    ItemStatus,
    ItemTaskCancelled,
    ItemTaskDispatched,
    MaterialRef,
    SupplementProvided,
    SupplementRequested,
    derive_event_id,
)
from topology.samples import Flaws

pytestmark = pytest.mark.unit


def test_refusal_lists_every_problem_at_once():
    flaws = Flaws(invalid_fields=("mother_id", "father_id"), missing_fields=("newborn_name",))
    run = submit("newborn_birth", flaws)
    refused = run.of(ApplicationRefused)
    assert len(refused) == 1
    fields = {p.field for p in refused[0].problems}
    assert {"form.mother_id", "form.father_id", "form.newborn_name"} <= fields
    assert all(p.expected for p in refused[0].problems)
    assert run.state.phase == CasePhase.REFUSED
    assert not run.of(ItemTaskDispatched)


def test_two_departments_supplements_become_one_request():
    run = submit("enterprise_opening")
    run.send(approve(run.open_tasks()[0]))
    one_per_department = {t.department: t for t in run.open_tasks()}
    assert len(one_per_department) >= 2
    first, second = list(one_per_department.values())[:2]
    run.send(supplement(first, "business_license"))
    run.send(supplement(second, "resident_id_card"))
    for task in run.open_tasks():
        run.send(approve(task))
    assert run.of(SupplementRequested) == []
    out = run.tick(run.policy.supplement_window)
    requests = [e for e in out if isinstance(e, SupplementRequested)]
    assert len(requests) == 1
    assert {s.department for s in requests[0].supplements} == {first.department, second.department}
    assert run.state.phase == CasePhase.AWAITING_APPLICANT
    assert run.tick(timedelta(seconds=30)) == [], "no second request, and the clock is paused"

    dispatched_before = len(run.of(ItemTaskDispatched))
    material = MaterialRef(
        material_code="business_license", uri="store://new", sha256="a" * 64, version=2
    )
    run.send(
        SupplementProvided(
            event_id=derive_event_id(run.state.case_id, "supp-1"),
            case_id=run.state.case_id,
            occurred_at=run.now,
            materials=(material,),
        )
    )
    redispatched = run.of(ItemTaskDispatched)[dispatched_before:]
    assert {t.item_code for t in redispatched} == {first.item_code, second.item_code}
    assert all(t.attempt == 2 for t in redispatched)
    assert run.state.paused_seconds >= 30
    approve_all(run)
    assert len(run.of(BundleCompleted)) == 1


def test_rejected_item_rejects_the_bundle_and_cancels_the_rest():
    run = submit("enterprise_opening")
    run.send(approve(run.open_tasks()[0]))
    tasks = run.open_tasks()
    assert len(tasks) >= 2
    run.send(report(tasks[0], ItemStatus.REJECTED, reason="名称不合规"))
    assert run.state.phase == CasePhase.REJECTED
    rejected = run.of(BundleRejected)
    assert len(rejected) == 1
    assert rejected[0].item_code == tasks[0].item_code
    cancelled = {e.item_code for e in run.of(ItemTaskCancelled)}
    assert cancelled == {t.item_code for t in tasks[1:]}
    run.send(approve(tasks[1]))
    assert run.of(BundleCompleted) == [], "a late approval never completes a rejected case"


def test_commitment_is_fulfilled_by_the_material_arriving():
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",)))
    accepted = run.of(CommitmentAccepted)
    assert [c.material_code for c in accepted] == ["premises_proof"]
    assert "establishment_registration" in accepted[0].dependent_items
    material = MaterialRef(
        material_code="premises_proof", uri="store://p", sha256="b" * 64, version=1
    )
    run.send(
        SupplementProvided(
            event_id=derive_event_id(run.state.case_id, "m"),
            case_id=run.state.case_id,
            occurred_at=run.now,
            materials=(material,),
        )
    )
    assert len(run.of(CommitmentFulfilled)) == 1
    approve_all(run)
    assert run.state.phase == CasePhase.COMPLETED
    run.tick(timedelta(days=30))
    assert run.of(CommitmentOverdue) == []


def test_missed_commitment_date_revokes_what_depended_on_it():
    run = submit(
        "enterprise_opening", Flaws(promised_materials=("premises_proof",), promise_days=1)
    )
    run.tick(timedelta(days=3))
    overdue = run.of(CommitmentOverdue)
    assert len(overdue) == 1
    assert run.state.phase == CasePhase.REJECTED
    assert run.state.runs["establishment_registration"].status == RunStatus.REJECTED
    assert len(run.of(BundleRejected)) == 1


def test_a_commitment_for_a_material_that_does_not_allow_it_is_refused():
    run = submit("enterprise_opening", Flaws(promised_materials=("articles_of_association",)))
    refused = run.of(ApplicationRefused)
    assert refused
    assert any(p.code == "COMMITMENT_NOT_ALLOWED" for p in refused[0].problems)
