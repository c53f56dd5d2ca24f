"""The timer's marks fire at their instant, not a tick later, and only for clocks still
running: a finished item has no deadline left."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.case.policy import Policy
from tests.unit.streams.harness import approve, approve_all, submit
from topology.events import CaseErased, DeadlineLevel, DeadlineReached, DeadlineScope, Event
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
