"""一次反馈 answered: the corrected values reach the case and the re-sent tasks (personal ones
sealed), and the clock resumes where it stood."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.case.state import CasePhase, RunStatus
from tests.unit.streams.harness import CaseRun, approve, approve_all, submit, supplement
from tests.unit.streams.test_personal_data import opened
from topology.events import (
    BundleCompleted,
    CommitmentFulfilled,
    ItemTaskDispatched,
    MaterialRef,
    SupplementProvided,
    SupplementRequested,
    derive_event_id,
)
from topology.samples import Flaws
from topology.sealing import APPLICATION, FORM, Sealer, open_group, seal_group

pytestmark = pytest.mark.unit
NAME, PHONE = "新名称科技有限公司", "13900001111"


def asked(window_wait: timedelta = timedelta()) -> tuple[CaseRun, ItemTaskDispatched]:
    """An enterprise opening whose registration asked for a supplement, the request sent."""
    run = submit("enterprise_opening")
    (task,) = run.open_tasks()
    run.send(supplement(task, "enterprise_name"))
    run.tick(run.policy.supplement_window + window_wait)
    assert run.state.phase == CasePhase.AWAITING_APPLICANT
    return run, task


def answer(run: CaseRun, **fields: object) -> SupplementProvided:
    return SupplementProvided(event_id=derive_event_id(run.state.case_id, "answer"),
                              case_id=run.state.case_id, occurred_at=run.now,
                              **fields)  # type: ignore[arg-type]  # fmt: skip


def test_the_corrected_values_reach_the_case_and_the_re_sent_task():
    run, first = asked()
    portal = Sealer(run.policy.sealer.keys, "portal")
    sealed = seal_group(portal, {"legal_rep_phone": PHONE}, "streams", run.state.case_id,
                        APPLICATION, FORM)  # fmt: skip
    run.send(answer(run, form_updates={"enterprise_name": NAME}, sealed={FORM: sealed}))

    assert run.state.phase == CasePhase.ACTIVE
    (again,) = run.open_tasks()
    assert (again.item_code, again.attempt) == (first.item_code, 2)
    assert again.fields["enterprise_name"] == NAME
    assert opened(again, run, again.department)["legal_rep_phone"] == PHONE
    assert run.state.form["enterprise_name"] == NAME
    assert PHONE not in run.state.model_dump_json(), "the personal value is kept sealed only"
    kept = open_group(run.policy.sealer, run.state.sealed[FORM], run.state.case_id,
                      APPLICATION, FORM)  # fmt: skip
    assert kept["legal_rep_phone"] == PHONE
    assert "legal_rep_name" in kept, "the other personal values are kept beside it"


def test_the_clock_stands_while_the_applicant_is_asked_and_resumes_on_the_answer():
    run, _ = asked()
    paused_at = run.state.paused_since
    assert paused_at == run.now
    run.send(answer(run, form_updates={"enterprise_name": NAME}), advance=timedelta(hours=5))
    assert run.state.paused_since is None
    assert run.state.paused_seconds == pytest.approx(5 * 3600 + 0.0, abs=1)
    approve_all(run)
    assert run.state.phase == CasePhase.COMPLETED
    assert len(run.of(BundleCompleted)) == 1


def test_an_answer_outside_a_request_is_kept_and_re_sends_nothing():
    run = submit("enterprise_opening")
    (task,) = run.open_tasks()
    run.send(answer(run, form_updates={"enterprise_name": NAME}))
    assert run.state.form["enterprise_name"] == NAME
    assert run.state.phase == CasePhase.ACTIVE
    assert run.open_tasks() == [task], "the task in flight is not sent again"
    assert run.state.runs[task.item_code].attempt == 1
    assert run.state.timeline[-1].event == "material_received"


def test_a_request_waits_while_other_departments_work_but_not_for_ever():
    run = submit("enterprise_opening")
    run.send(approve(run.open_tasks()[0]))
    busy = run.open_tasks()
    assert len(busy) >= 2
    run.send(supplement(busy[0], "enterprise_name"))
    window = run.policy.supplement_window
    assert run.tick(window) == [], "others still work: the request waits for their needs"
    assert run.tick(window * 3) == [], "four windows more at most"
    assert not run.changed, "a tick that waits changes nothing"
    assert run.state.runs[busy[1].item_code].status == RunStatus.DISPATCHED
    out = run.tick(window)
    assert [type(e) for e in out] == [SupplementRequested]


def test_needs_are_gathered_for_the_merge_window_before_the_request_goes():
    run = submit("enterprise_opening")
    (task,) = run.open_tasks()
    run.send(supplement(task, "enterprise_name"))
    window = run.policy.supplement_window
    assert run.tick(window / 2) == [], "the window is still open for other needs"
    assert run.state.phase == CasePhase.ACTIVE
    assert [type(e) for e in run.tick(window / 2)] == [SupplementRequested]


def test_each_round_is_its_own_request_and_the_pauses_add_up():
    run, _ = asked()
    (one,) = run.of(SupplementRequested)
    assert run.changed, "sending the request changed the case"
    assert one.due_date == run.policy.calendar.today(one.occurred_at + timedelta(days=15))
    run.send(answer(run, form_updates={"enterprise_name": NAME}), advance=timedelta(hours=2))
    (again,) = run.open_tasks()
    run.send(supplement(again, "registered_address"))
    run.tick(run.policy.supplement_window)
    two = run.of(SupplementRequested)[-1]
    assert run.state.supplement_round == 2
    assert two.event_id != one.event_id
    later = answer(run, form_updates={"registered_address": "新地址1号"})
    run.send(later.model_copy(update={"event_id": derive_event_id(run.state.case_id, "a2")}),
             advance=timedelta(hours=3))  # fmt: skip
    assert run.state.paused_seconds == pytest.approx(5 * 3600, abs=5)


def test_a_duplicate_while_the_applicant_is_asked_re_sends_the_request_as_it_was():
    run, _ = asked()
    (sent,) = run.of(SupplementRequested)
    assert run.application is not None
    out = run.send(run.application, advance=timedelta(hours=1))
    (again,) = [e for e in out if isinstance(e, SupplementRequested)]
    assert again == sent


def test_a_material_after_its_promise_fell_due_keeps_nothing():
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",),
                                             promise_days=1))  # fmt: skip
    run.tick(timedelta(days=3))
    assert run.state.commitments["premises_proof"].overdue
    proof = MaterialRef(material_code="premises_proof", uri="store://p", sha256="e" * 64,
                        version=1)  # fmt: skip
    run.send(answer(run, materials=(proof,)))
    assert run.of(CommitmentFulfilled) == []
    assert not run.state.commitments["premises_proof"].fulfilled
