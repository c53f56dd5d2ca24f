"""The case machine: every national bundle completes once, whatever the delivery order."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from streams.case.deadlines import next_wakeup
from streams.case.errors import InvalidInputError, UnexpectedInputError, UnknownCaseError
from streams.case.policy import Policy, Step
from streams.case.state import CasePhase, RunStatus
from tests.unit.streams.harness import CaseRun, approve, approve_all, report, submit
from topology.catalog import load_catalog
from topology.events import (
    ApplicationAccepted,
    BundleCompleted,
    BundleWithdrawn,
    CaseErased,
    CaseErasureRequested,
    ItemStatus,
    ItemTaskCancelled,
    ItemTaskDispatched,
    Requester,
    SupplementProvided,
    WithdrawalRequested,
    derive_event_id,
)
from topology.samples import sample_application
from topology.workdays import WorkCalendar

pytestmark = pytest.mark.unit

NATIONAL = [bundle.code for bundle in load_catalog().bundles]


@pytest.mark.parametrize("bundle_code", NATIONAL)
def test_every_national_bundle_completes_once_with_its_certificates(bundle_code):
    run = submit(bundle_code)
    assert len(run.of(ApplicationAccepted)) == 1
    approve_all(run)
    completed = run.of(BundleCompleted)
    assert len(completed) == 1
    assert run.state.phase == CasePhase.COMPLETED
    done = completed[0]
    assert {r.item_code for r in done.results} == set(run.state.plan)
    expected = {c for item in run.state.plan.values() for c in item.certificate_types}
    assert set(done.certificate_types) == expected
    assert not done.partial


def test_prerequisites_go_first_and_outputs_flow_to_dependents():
    run = submit("enterprise_opening")
    first_wave = {t.item_code for t in run.of(ItemTaskDispatched)}
    assert first_wave == {"establishment_registration"}
    registration = run.open_tasks()[0]
    outputs = {"business_license": "L-1", "credit_code": "C-1"}
    run.send(report(registration, ItemStatus.APPROVED, outputs=outputs))
    dependents = [
        t for t in run.of(ItemTaskDispatched) if t.item_code != "establishment_registration"
    ]
    assert dependents, "the registration's dependents are dispatched at once, in parallel"
    bundle = load_catalog().bundle("enterprise_opening")
    for task in dependents:
        (prerequisite,) = bundle.item(task.item_code).prerequisites
        # Only what the dependent declares it needs travels (need to know).
        assert task.prerequisite_outputs == {
            f"establishment_registration.{name}": outputs[name] for name in prerequisite.outputs
        }
    assert any(task.prerequisite_outputs for task in dependents)
    assert any(not task.prerequisite_outputs for task in dependents)


def test_tasks_carry_only_their_items_fields():
    run = submit("newborn_birth")
    for task in run.of(ItemTaskDispatched):
        allowed = set(run.state.plan[task.item_code].fields)
        assert set(task.fields) <= allowed


@pytest.mark.parametrize("seed", range(5))
def test_results_twice_and_out_of_order_complete_once(seed):
    run = submit("posthumous_affairs", seed=seed)
    rng = random.Random(seed)
    for _ in range(50):
        tasks = run.open_tasks()
        if not tasks:
            break
        answers = [approve(t) for t in tasks] * 2
        rng.shuffle(answers)
        for answer in answers:
            run.send(answer)
    for answer in [approve(t) for t in run.of(ItemTaskDispatched)]:
        run.send(answer)  # late duplicates after completion
    assert len({e.event_id for e in run.of(BundleCompleted)}) == 1
    assert run.state.phase == CasePhase.COMPLETED


def test_redelivered_application_reannounces_with_the_same_ids():
    run = submit("newborn_birth")
    first = {e.event_id for e in run.emitted}
    catalog = load_catalog()
    again = sample_application(
        catalog, catalog.bundle("newborn_birth"), run.state.case_id, random.Random(7)
    )
    out = run.send(again)
    assert out, "a duplicate re-announces what the state implies"
    assert {e.event_id for e in out} <= first
    assert all(r.attempt <= 1 for r in run.state.runs.values())


def test_deadline_fires_on_tick_without_traffic():
    policy = Policy(calendar=WorkCalendar(day_seconds=1.0))
    run = submit("newborn_birth", policy=policy)
    limit = run.state.time_limit_days

    def bundle_levels(events):
        return [e.level.value for e in events if e.scope.value == "BUNDLE"]

    assert bundle_levels(run.tick(timedelta(seconds=0.1))) == []
    assert bundle_levels(run.tick(timedelta(seconds=limit))) == ["WARNING", "OVERDUE"]
    assert bundle_levels(run.tick(timedelta(seconds=1))) == ["ESCALATED"]
    assert bundle_levels(run.tick(timedelta(seconds=5))) == [], "each level fires once"


def withdrawal(run, cause: str = "withdraw-request") -> WithdrawalRequested:
    return WithdrawalRequested(event_id=derive_event_id(run.state.case_id, cause),
                               case_id=run.state.case_id, occurred_at=run.now,
                               reason="不再需要")  # fmt: skip


def test_a_withdrawal_request_withdraws_and_cancels_in_flight_tasks():
    run = submit("employee_hiring")
    open_before = {t.item_code for t in run.open_tasks()}
    run.send(withdrawal(run))
    assert run.state.phase == CasePhase.WITHDRAWN
    assert {e.item_code for e in run.of(ItemTaskCancelled)} == open_before
    assert all(r.status == RunStatus.CANCELLED for r in run.state.runs.values())
    [fact] = run.of(BundleWithdrawn)
    assert (fact.reason, fact.requested_by, fact.bundle_code) == (
        "不再需要", Requester.APPLICANT, "employee_hiring")


def test_a_withdrawal_request_after_completion_changes_nothing():
    run = submit("newborn_birth")
    approve_all(run)
    assert run.state.phase == CasePhase.COMPLETED
    run.send(withdrawal(run))
    assert run.state.phase == CasePhase.COMPLETED
    assert run.of(BundleWithdrawn) == []
    assert run.state.timeline[-1].event == "withdrawal_ignored"


def test_the_withdrawal_fact_is_not_an_input():
    """Only the case publishes BundleWithdrawn: one sent to it is refused, not applied."""
    run = submit("employee_hiring")
    forged = BundleWithdrawn(event_id=derive_event_id(run.state.case_id, "forged"),
                             case_id=run.state.case_id, occurred_at=run.now,
                             bundle_code="employee_hiring", reason="x",
                             requested_by=Requester.APPLICANT)  # fmt: skip
    with pytest.raises(UnexpectedInputError, match="WithdrawalRequested"):
        run.send(forged)
    assert run.state.phase == CasePhase.ACTIVE


def test_the_machine_says_when_nothing_changed():
    run = submit("newborn_birth")
    assert run.changed, "an accepted application is a new case"
    task = run.open_tasks()[0]
    run.send(approve(task))
    assert run.changed
    before = run.state.model_dump_json()
    run.send(approve(task))
    assert not run.changed, "a duplicate answer"
    run.tick(timedelta(seconds=1))
    assert not run.changed, "a tick with nothing due"
    assert run.state.model_dump_json() == before


def test_a_result_for_an_unknown_case_is_refused():
    run = submit("newborn_birth")
    task = run.open_tasks()[0].model_copy(update={"case_id": "case-nobody"})
    with pytest.raises(UnknownCaseError):
        CaseRun().send(approve(task))


def test_a_result_ahead_of_its_dispatch_counts_when_it_comes_again():
    """After a crash a worker may see an item's answer before it re-makes the dispatch."""
    run = submit("newborn_birth")
    registration = run.open_tasks()[0]
    ahead = registration.model_copy(
        update={"item_code": "hukou_registration", "department": "public_security"}
    )
    run.send(approve(ahead))
    assert run.state.runs["hukou_registration"].status == RunStatus.WAITING
    run.send(approve(registration))
    assert run.state.runs["hukou_registration"].status == RunStatus.DISPATCHED
    run.send(approve(ahead))  # the adapter answers the re-sent task: same result, same id
    assert run.state.runs["hukou_registration"].status == RunStatus.APPROVED


def test_a_duplicate_final_answer_reannounces_the_tasks_in_flight():
    run = submit("newborn_birth")
    registration = run.open_tasks()[0]
    run.send(approve(registration))
    in_flight = {t.event_id for t in run.open_tasks()}
    again = run.send(approve(registration))
    assert in_flight <= {e.event_id for e in again}
    assert run.state.runs["birth_medical_certificate"].attempt == 1


def supplement_answer(run, form, cause="answer"):
    return SupplementProvided(event_id=derive_event_id(run.state.case_id, cause),
                              case_id=run.state.case_id, occurred_at=run.now,
                              form_updates=form)  # fmt: skip


def test_a_supplement_with_unknown_or_empty_fields_is_refused_whole():
    run = submit("newborn_birth")
    before = run.state.model_dump_json()
    bad = supplement_answer(run, {"no_such_field": "x", "newborn_name": " "})
    with pytest.raises(InvalidInputError) as refused:
        run.send(bad)
    assert "form_updates.no_such_field: not a field of this case" in str(refused.value)
    assert "form_updates.newborn_name" in str(refused.value)
    assert "is empty" in str(refused.value)
    assert run.state.model_dump_json() == before, "nothing of it is applied, not even its id"


def test_a_form_value_past_the_bound_is_refused_at_intake_and_later():
    catalog = load_catalog()
    app = sample_application(catalog, catalog.bundle("newborn_birth"), "case-long",
                             random.Random(9))  # fmt: skip
    long = app.model_copy(update={"form": {**app.form, "birth_institution": "医" * 1001}})
    run = CaseRun()
    run.send(long)
    assert run.state.phase == CasePhase.REFUSED
    [problem] = run.state.refusal
    assert (problem.field, problem.code) == ("form.birth_institution", "INVALID_FIELD")
    assert "longer than 1000 characters" in problem.message
    ok = submit("newborn_birth")
    with pytest.raises(InvalidInputError, match="longer than 1000"):
        ok.send(supplement_answer(ok, {"birth_institution": "医" * 1001}))


def test_free_text_past_the_bound_is_refused():
    run = submit("employee_hiring")
    request = withdrawal(run).model_copy(update={"reason": "不" * 2001})
    with pytest.raises(InvalidInputError, match="reason: longer than 2000"):
        run.send(request)
    assert run.state.phase == CasePhase.ACTIVE


def test_the_case_keeps_only_the_form_fields_its_items_use():
    catalog = load_catalog()
    app = sample_application(catalog, catalog.bundle("newborn_birth"), "case-extra",
                             random.Random(9))  # fmt: skip
    run = CaseRun()
    run.send(app.model_copy(update={"form": {**app.form, "unrelated": "x" * 500}}))
    assert run.state.phase == CasePhase.ACTIVE
    assert "unrelated" not in run.state.form


def erasure_request(run, cause="erase"):
    return CaseErasureRequested(event_id=derive_event_id(run.state.case_id, cause),
                                case_id=run.state.case_id, occurred_at=run.now,
                                reason="申请人要求删除", requested_by="ops")  # fmt: skip


def test_a_finished_case_is_erased_on_request_and_says_only_that_afterwards():
    run = submit("newborn_birth")
    approve_all(run)
    assert run.state.form
    assert run.state.applicant_ref
    run.send(erasure_request(run))
    state = run.state
    assert (state.form, state.materials, state.applicant_ref) == ({}, {}, "")
    assert all(r.outputs == {} for r in state.runs.values())
    assert state.phase == CasePhase.COMPLETED, "what audit needs stays"
    assert [e.event for e in state.timeline][-1] == "erased"
    [erased] = run.of(CaseErased)
    assert "申请人要求删除" in erased.reason
    again = run.send(approve(run.of(ItemTaskDispatched)[0]))  # a redelivered answer
    assert [type(e) for e in again] == [CaseErased], "no fact re-sent with erased data"


def test_a_case_in_progress_is_not_erased():
    run = submit("newborn_birth")
    with pytest.raises(InvalidInputError, match="only a finished case"):
        run.send(erasure_request(run))
    assert run.state.form


def test_the_timer_erases_a_case_when_its_retention_ends():
    run = submit("newborn_birth", policy=Policy(erase_after=timedelta(days=30)))
    approve_all(run)
    state = run.state
    assert state is not None
    assert state.finished_at is not None
    wake = next_wakeup(state, Step(run.now, run.policy))
    assert wake == state.finished_at + timedelta(days=30), "the timer wakes the case then"
    run.tick(timedelta(days=29))
    assert run.state.erased_at is None
    run.tick(timedelta(days=2))
    assert run.state.erased_at is not None
    assert run.state.form == {}
    assert len(run.of(CaseErased)) == 1
