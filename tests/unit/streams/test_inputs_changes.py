"""What each input did, as the machine tells the runtime (an unchanged case is not written
again), and the bounds a request must keep (each problem named by its field)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.case.errors import InvalidInputError
from streams.case.machine import transition
from streams.case.policy import Step
from streams.case.requests import MAX_MATERIALS, MAX_TEXT_CHARS
from streams.case.state import RunStatus
from tests.unit.streams.harness import CaseRun, approve_all, report, submit
from tests.unit.streams.test_machine import withdrawal
from tests.unit.streams.test_ratings import rating_request
from topology.events import (
    ApplicationRefused,
    CaseTimerFired,
    EvaluationRequested,
    ItemStatus,
    MaterialRef,
    Rating,
    SupplementProvided,
    WithdrawalRequested,
    derive_event_id,
)
from topology.samples import Flaws
from topology.sealing import APPLICATION, OUTPUTS, Sealer, seal_group

pytestmark = pytest.mark.unit


def test_a_report_about_an_item_the_case_does_not_run_is_noted_only():
    run = submit("newborn_birth")
    (task,) = run.open_tasks()
    stray = task.model_copy(update={"item_code": "no_such_item"})
    assert run.send(report(stray, ItemStatus.APPROVED)) == []
    assert run.changed, "the note is a change"
    entry = run.state.timeline[-1]
    assert (entry.event, entry.item, entry.detail) == ("unknown_item_ignored", "no_such_item",
                                                        "APPROVED")  # fmt: skip
    assert run.state.runs[task.item_code].status == RunStatus.DISPATCHED


def test_a_timer_for_a_case_never_stored_changes_nothing():
    run = submit("newborn_birth")
    tick = CaseTimerFired(event_id=derive_event_id("case-gone", "tick"), case_id="case-gone",
                          occurred_at=run.now)  # fmt: skip
    done = transition(None, tick, Step(run.now, run.policy))
    assert (done.state, done.changed) == (None, False)


def test_a_redelivered_application_or_request_changes_nothing():
    run = submit("newborn_birth")
    assert run.application is not None
    run.send(run.application)
    assert not run.changed
    request = withdrawal(run)
    run.send(request)
    assert run.changed
    run.send(request)
    assert not run.changed


def test_a_tick_that_breaks_a_promise_changes_the_case():
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",),
                                             promise_days=1))  # fmt: skip
    run.tick(timedelta(days=3))
    assert run.changed


def test_free_text_may_be_as_long_as_the_bound_and_is_named_past_it():
    run = submit("newborn_birth")
    fine = WithdrawalRequested(event_id=derive_event_id(run.state.case_id, "w"),
                               case_id=run.state.case_id, occurred_at=run.now,
                               reason="x" * MAX_TEXT_CHARS)  # fmt: skip
    too_long = fine.model_copy(update={"event_id": derive_event_id(run.state.case_id, "w2"),
                                       "reason": "x" * (MAX_TEXT_CHARS + 1)})  # fmt: skip
    with pytest.raises(InvalidInputError, match=r"^WithdrawalRequested refused: reason: "):
        run.send(too_long)
    run.send(fine)
    assert run.changed


def test_a_rating_comment_past_the_bound_is_named():
    run = submit("newborn_birth")
    approve_all(run)
    rating: EvaluationRequested = rating_request(run).model_copy(
        update={"comment": "好" * (MAX_TEXT_CHARS + 1), "rating": Rating.SATISFIED}
    )
    with pytest.raises(InvalidInputError, match=r"^EvaluationRequested refused: comment: "):
        run.send(rating)
    run.send(rating.model_copy(update={"comment": None}))
    assert run.state.rating is Rating.SATISFIED


def materials(run: CaseRun, count: int) -> SupplementProvided:
    code = next(iter(run.state.plan.values())).materials[0]
    ref = MaterialRef(material_code=code, uri="store://m", sha256="d" * 64, version=2)
    return SupplementProvided(event_id=derive_event_id(run.state.case_id, f"m{count}"),
                              case_id=run.state.case_id, occurred_at=run.now,
                              materials=(ref,) * count)  # fmt: skip


def test_an_answer_may_carry_as_many_materials_as_the_bound_and_no_more():
    run = submit("newborn_birth")
    run.send(materials(run, MAX_MATERIALS))
    assert run.changed
    with pytest.raises(InvalidInputError, match=f"materials: {MAX_MATERIALS + 1} given, "
                                                f"at most {MAX_MATERIALS}"):  # fmt: skip
        run.send(materials(run, MAX_MATERIALS + 1))


def test_an_application_with_a_sealed_group_of_another_kind_is_refused_naming_it():
    run = submit("newborn_birth")
    app = run.application
    assert app is not None
    portal = Sealer(run.policy.sealer.keys, "portal")
    odd = seal_group(portal, {"x": "1"}, "streams", "case-odd", APPLICATION, OUTPUTS)
    other = CaseRun(policy=run.policy)
    other.send(app.model_copy(update={"case_id": "case-odd", "sealed": {OUTPUTS: odd}}))
    (refused,) = other.of(ApplicationRefused)
    assert [(p.field, p.code, p.expected) for p in refused.problems] == [
        ("sealed.outputs", "UNKNOWN_SEALED_GROUP", "sealed.applicant and sealed.form only")
    ]
