"""The timer's marks fire at their instant, not a tick later, and only for clocks still
running: a finished item has no deadline left."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.case.deadlines import next_wakeup
from streams.case.policy import Policy, Step
from tests.unit.streams.harness import approve, approve_all, submit, supplement
from tests.unit.streams.test_supplement_answers import answer
from topology.events import (
    CaseErased,
    CommitmentOverdue,
    DeadlineLevel,
    DeadlineReached,
    DeadlineScope,
    Event,
    MaterialRef,
)
from topology.samples import Flaws
from topology.workdays import WorkCalendar

pytestmark = pytest.mark.unit
FAST = WorkCalendar(day_seconds=1.0)
INSTANT = timedelta(milliseconds=1)


def deadlines(events: list[Event], scope: DeadlineScope) -> list[DeadlineReached]:
    return [e for e in events if isinstance(e, DeadlineReached) and e.scope == scope]


def test_a_deadline_level_fires_at_its_instant():
    run = submit("newborn_birth", policy=Policy(calendar=FAST))
    assert run.state.accepted_at is not None
    marks = FAST.marks(run.state.accepted_at, run.state.time_limit_days)
    run.tick(marks.due_at - run.now - INSTANT)
    assert DeadlineLevel.OVERDUE not in {
        d.level for d in deadlines(run.emitted, DeadlineScope.BUNDLE)
    }
    fired = deadlines(run.tick(INSTANT), DeadlineScope.BUNDLE)
    assert [(d.level, d.due_at) for d in fired] == [(DeadlineLevel.OVERDUE, marks.due_at)]


def test_an_item_answered_in_time_raises_no_deadline_of_its_own():
    run = submit("newborn_birth", policy=Policy(calendar=FAST))
    (first,) = run.open_tasks()
    run.send(approve(first))
    running = {t.item_code for t in run.open_tasks()}
    run.tick(timedelta(seconds=60))
    by_item = {d.item_code for d in deadlines(run.emitted, DeadlineScope.ITEM)}
    assert by_item == running, "every item still running is late, the answered one is not"


def test_a_case_is_erased_at_the_instant_its_retention_ends():
    run = submit("newborn_birth", policy=Policy(erase_after=timedelta(days=30)))
    approve_all(run)
    assert run.state.finished_at == run.now
    run.tick(timedelta(days=30) - INSTANT)
    assert run.state.erased_at is None
    run.tick(INSTANT)
    assert run.state.erased_at == run.state.finished_at + timedelta(days=30)
    assert len(run.of(CaseErased)) == 1


def test_the_time_the_applicant_was_asked_pushes_every_mark():
    run = submit("enterprise_opening", policy=Policy(calendar=FAST))
    (task,) = run.open_tasks()
    run.send(supplement(task, "enterprise_name"))
    run.tick(run.policy.supplement_window)
    pause = timedelta(seconds=2)
    run.send(answer(run), advance=pause)
    paused = timedelta(seconds=run.state.paused_seconds)
    assert paused >= pause
    assert run.state.accepted_at is not None
    due = FAST.marks(run.state.accepted_at, run.state.time_limit_days).due_at + paused
    run.tick(due - run.now - INSTANT)
    assert DeadlineLevel.OVERDUE not in {
        d.level for d in deadlines(run.emitted, DeadlineScope.BUNDLE)
    }
    overdue = [d for d in deadlines(run.tick(INSTANT), DeadlineScope.BUNDLE)
               if d.level == DeadlineLevel.OVERDUE]  # fmt: skip
    assert [d.due_at for d in overdue] == [due]


def test_a_promise_due_today_is_not_yet_broken():
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",),
                                             promise_days=1))  # fmt: skip
    promise = run.state.commitments["premises_proof"]
    run.tick(timedelta(days=1))
    assert run.policy.calendar.today(run.now) == promise.due_date
    assert run.of(CommitmentOverdue) == [], "the promised day is not over"
    run.tick(timedelta(days=1))
    assert [c.material_code for c in run.of(CommitmentOverdue)] == ["premises_proof"]
    assert promise.overdue


def test_the_timer_wakes_a_case_for_what_can_change_it_next():
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",)))
    state = run.state
    assert state is not None
    wake = next_wakeup(state, Step(run.now, run.policy))
    assert wake == run.now + timedelta(minutes=10), "an open promise is looked at often"
    (task,) = run.open_tasks()
    run.send(supplement(task, "enterprise_name"))
    assert next_wakeup(state, Step(run.now, run.policy)) == state.window_until
    run.tick(run.policy.supplement_window)
    assert run.state.paused_since is not None
    asked = next_wakeup(state, Step(run.now, run.policy))
    assert asked == run.now + timedelta(minutes=10), "no deadline while the applicant is asked"


def test_an_erasing_tick_changes_the_case():
    run = submit("newborn_birth", policy=Policy(erase_after=timedelta(days=1)))
    approve_all(run)
    run.tick(timedelta(days=2))
    assert run.changed
    assert run.state.erased_at is not None


def test_a_case_waiting_for_the_applicant_wakes_for_nothing():
    run = submit("enterprise_opening")
    (task,) = run.open_tasks()
    run.send(supplement(task, "enterprise_name"))
    run.tick(run.policy.supplement_window)
    state = run.state
    assert state is not None
    assert state.paused_since is not None
    assert next_wakeup(state, Step(run.now, run.policy)) is None


def test_a_kept_promise_is_no_longer_looked_at():
    run = submit("enterprise_opening", Flaws(promised_materials=("premises_proof",)))
    proof = MaterialRef(material_code="premises_proof", uri="store://p", sha256="f" * 64,
                        version=1)  # fmt: skip
    run.send(answer(run, materials=(proof,)))
    state = run.state
    assert state is not None
    assert state.commitments["premises_proof"].fulfilled
    wake = next_wakeup(state, Step(run.now, run.policy))
    assert wake is not None
    assert wake > run.now + timedelta(hours=1), "only the deadlines are left"
