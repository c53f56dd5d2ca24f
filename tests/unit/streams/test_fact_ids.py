"""The facts a case publishes carry ids of their own: consumers drop a copy by its id, so two
different facts (of one case, or of two cases) never share one, and the scheme stays as it is
(a case re-announcing its facts after an upgrade must bring the ids it sent before). Each fact
names what it is about (the item of an item deadline, the material of a kept promise)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import pytest

from streams.case.machine import transition
from streams.case.policy import Policy, Step
from tests.unit.streams.harness import (
    T0,
    CaseRun,
    approve,
    approve_all,
    report,
    submit,
    supplement,
)
from tests.unit.streams.test_machine import erasure_request, withdrawal
from tests.unit.streams.test_ratings import rating_request
from topology.catalog import load_catalog
from topology.events import (
    ApplicationAccepted,
    ApplicationRefused,
    BundleCompleted,
    BundleRejected,
    BundleWithdrawn,
    CaseErased,
    CommitmentAccepted,
    CommitmentFulfilled,
    CommitmentOverdue,
    DeadlineReached,
    DeadlineScope,
    EvaluationSubmitted,
    Event,
    ItemStatus,
    ItemTaskCancelled,
    ItemTaskDispatched,
    MaterialRef,
    SupplementProvided,
    SupplementRequested,
    derive_event_id,
)
from topology.identifiers import holder_reference
from topology.samples import Flaws, sample_application
from topology.workdays import WorkCalendar

pytestmark = pytest.mark.unit
PROOF = MaterialRef(material_code="premises_proof", uri="store://p", sha256="c" * 64, version=1)


def completed_with_everything(seed: int) -> CaseRun:
    """A promise kept through a supplement round, deadlines passed, completed, rated, erased."""
    policy = Policy(calendar=WorkCalendar(day_seconds=1.0))
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",)), seed,
                 policy)  # fmt: skip
    run.send(supplement(run.open_tasks()[0], "enterprise_name"))
    run.tick(policy.supplement_window)
    run.send(SupplementProvided(event_id=derive_event_id(run.state.case_id, "answer"),
                                case_id=run.state.case_id, occurred_at=run.now,
                                materials=(PROOF,)))  # fmt: skip
    run.tick(timedelta(seconds=run.state.time_limit_days + 2))
    approve_all(run)
    run.send(rating_request(run))
    run.send(erasure_request(run))
    return run


def rejected(seed: int) -> CaseRun:
    run = submit("enterprise_opening", seed=seed)
    run.send(approve(run.open_tasks()[0]))
    run.send(report(run.open_tasks()[0], ItemStatus.REJECTED, reason="名称不合规"))
    return run


def withdrawn(seed: int) -> CaseRun:
    run = submit("employee_hiring", seed=seed)
    run.send(withdrawal(run))
    return run


def refused(seed: int) -> CaseRun:
    return submit("newborn_birth", Flaws(missing_fields=("newborn_name",)), seed)


def overdue_promise(seed: int) -> CaseRun:
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",),
                                             promise_days=1), seed)  # fmt: skip
    run.tick(timedelta(days=3))
    return run


SCENARIOS: list[Callable[[int], CaseRun]] = [
    completed_with_everything, rejected, withdrawn, refused, overdue_promise,
]  # fmt: skip


ONCE_PER_CASE: dict[type[Event], str] = {
    ApplicationAccepted: "accepted", ApplicationRefused: "refused",
    BundleCompleted: "completed", BundleRejected: "rejected", BundleWithdrawn: "withdrawn",
    EvaluationSubmitted: "evaluation", CaseErased: "erased",
}  # fmt: skip


def cause(run: CaseRun, event: Event) -> str:
    """What the id of ``event`` is derived from, with its case id: the published scheme."""
    if type(event) in ONCE_PER_CASE:
        return ONCE_PER_CASE[type(event)]
    match event:
        case ItemTaskDispatched():
            return f"task:{event.item_code}:{event.attempt}"
        case ItemTaskCancelled():
            return f"cancel:{event.item_code}:{run.state.runs[event.item_code].attempt}"
        case CommitmentAccepted():
            return f"commitment:{event.material_code}"
        case CommitmentFulfilled():
            return f"commitment-fulfilled:{event.material_code}"
        case CommitmentOverdue():
            return f"commitment-overdue:{event.material_code}"
        case SupplementRequested():
            return f"supplement:{run.state.supplement_round}"
        case DeadlineReached():
            return f"deadline:{event.item_code or '*'}:{event.level.value}"
    raise AssertionError(f"no id scheme for {type(event).__name__}")


def kinds(events: list[Event]) -> set[str]:
    return {type(e).__name__ for e in events}


def test_no_two_facts_share_an_id_within_a_case_or_across_cases():
    runs = [scenario(10 * n + copy) for n, scenario in enumerate(SCENARIOS) for copy in (1, 2)]
    assert len({run.state.case_id for run in runs}) == len(runs)
    ids: dict[str, Event] = {}
    for run in runs:
        for event in run.emitted:
            other = ids.setdefault(event.event_id, event)
            assert other is event, f"{event!r} has the id of {other!r}"
    published = kinds([e for run in runs for e in run.emitted])
    assert {"ApplicationAccepted", "ApplicationRefused", "ItemTaskDispatched",
            "ItemTaskCancelled", "CommitmentAccepted", "CommitmentFulfilled",
            "CommitmentOverdue", "SupplementRequested", "DeadlineReached", "BundleCompleted",
            "BundleRejected", "BundleWithdrawn", "EvaluationSubmitted",
            "CaseErased"} <= published  # fmt: skip


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_fact_keeps_the_id_scheme(scenario):
    run = scenario(7)
    assert run.emitted
    for event in run.emitted:
        assert event.event_id == derive_event_id(run.state.case_id, cause(run, event)), event


def test_an_item_deadline_names_its_item_and_department():
    run = completed_with_everything(3)
    by_item = [d for d in run.of(DeadlineReached) if d.scope == DeadlineScope.ITEM]
    assert by_item
    for deadline in by_item:
        assert deadline.item_code is not None
        assert deadline.item_code in run.state.plan
        assert deadline.department == run.state.plan[deadline.item_code].department
    bundle = [d for d in run.of(DeadlineReached) if d.scope == DeadlineScope.BUNDLE]
    assert {(d.item_code, d.department) for d in bundle} == {(None, run.state.lead_department)}


def test_a_kept_promise_names_the_material_that_kept_it():
    run = completed_with_everything(4)
    (fulfilled,) = run.of(CommitmentFulfilled)
    assert (fulfilled.material_code, fulfilled.material) == ("premises_proof", PROOF)


def test_a_completion_names_its_holder_by_pseudonym():
    run = submit("newborn_birth")
    approve_all(run)
    (done,) = run.of(BundleCompleted)
    policy, applicant = run.policy, run.application.applicant
    expected = holder_reference(policy.holder_key, applicant.id_number, policy.pseudonym_hash)
    assert done.holder_ref == expected


def rated(seed: int) -> CaseRun:
    run = submit("newborn_birth", seed=seed)
    approve_all(run)
    run.send(rating_request(run))
    return run


@pytest.mark.parametrize(
    ("scenario", "ending"),
    [(rated, {BundleCompleted, EvaluationSubmitted}), (rejected, {BundleRejected}),
     (withdrawn, {BundleWithdrawn}), (refused, {ApplicationRefused})],
)  # fmt: skip
def test_a_finished_case_re_announces_how_it_ended_with_the_same_ids(scenario, ending):
    run = scenario(8)
    sent = {e.event_id for e in run.emitted}
    catalog = load_catalog()
    again = sample_application(catalog, catalog.bundle(run.state.bundle_code),
                               run.state.case_id, random.Random(8), now=T0)  # fmt: skip
    out = run.send(again)
    assert ending <= {type(e) for e in out}
    assert {e.event_id for e in out} <= sent
    first = {e.event_id: e for e in run.emitted[: -len(out)]}
    for event in out:
        if not isinstance(event, ItemTaskDispatched):  # a task's sealed values differ
            assert as_re_sent(event) == as_re_sent(first[event.event_id]), "as first sent"


def as_re_sent(event: Event) -> dict[str, object]:
    """What a re-sent fact repeats: all of it but a rating's comment (the state keeps none)
    and a cancellation's time (the state keeps none: it is the time of the re-send)."""
    return event.model_dump(exclude={"comment"} if isinstance(event, EvaluationSubmitted)
                            else {"occurred_at"} if isinstance(event, ItemTaskCancelled)
                            else set())  # fmt: skip


def test_a_re_sent_task_is_the_task_first_sent():
    run = submit("newborn_birth")
    run.send(approve(run.open_tasks()[0]))
    first = {t.item_code: t for t in run.open_tasks()}
    out = run.send(approve(run.of(ItemTaskDispatched)[0]), advance=timedelta(hours=3))
    again = {t.item_code: t for t in out if isinstance(t, ItemTaskDispatched)}
    assert again.keys() == first.keys()
    for code, task in again.items():
        sent = first[code]
        assert (task.event_id, task.occurred_at, task.deadline, task.fields) == (
            sent.event_id, sent.occurred_at, sent.deadline, sent.fields
        )  # fmt: skip


def test_the_runtime_is_asked_per_case_whether_to_re_announce():
    run = submit("newborn_birth")
    asked: list[str] = []

    def never(case_id: str) -> bool:
        asked.append(case_id)
        return False

    step = Step(run.now, run.policy, may_reannounce=never)
    assert run.application is not None
    transition(run.state, run.application, step)
    assert (asked, step.outbox) == ([run.state.case_id], [])


def test_a_withdrawal_cancels_the_tasks_in_flight_saying_so():
    run = withdrawn(9)
    cancelled = run.of(ItemTaskCancelled)
    assert cancelled
    assert {e.reason for e in cancelled} == {"case withdrawn"}


def test_a_completion_tells_when_each_item_was_handled():
    run = submit("newborn_birth")
    approve_all(run)
    (done,) = run.of(BundleCompleted)
    for result in done.results:
        assert result.handled_at == run.state.runs[result.item_code].finished_at
        assert result.handled_at is not None
