"""Redelivery without amplification: a duplicate re-announces a case's facts once per
assignment of its partition (a crash, which loses output, moves the partition), and the
copies a re-announcement brings back re-announce nothing."""

from __future__ import annotations

from collections import Counter

from streams.case.state import CaseState
from tests.unit.streams import test_case_processor as processor
from tests.unit.streams.harness import approve
from tests.unit.streams.test_case_processor import application, put, results_of
from topology.events import ApplicationAccepted, BundleCompleted, ItemTaskDispatched

worker, clock = processor.worker, processor.clock  # the case agent under test_context()


def _records(captured) -> Counter[str]:
    return Counter(type(event).__name__ for _, event in captured.sent)


async def test_an_application_sent_three_times_is_announced_twice_at_most(worker):
    built, agent, captured = worker
    app = application()
    for _ in range(3):
        await put(agent, app, built.cases.topics.applications)
    counted = _records(captured)
    assert counted["ApplicationAccepted"] == 2, "the original and one re-announcement"
    tasks = captured.events(ItemTaskDispatched)
    assert len(tasks) == 2
    assert len({task.event_id for task in tasks}) == 1


async def test_answers_to_re_sent_tasks_re_announce_nothing(worker):
    built, agent, captured = worker
    await put(agent, application(), built.cases.topics.applications)
    await put(agent, application(), built.cases.topics.applications)  # re-sends the task
    answer = approve(captured.events(ItemTaskDispatched)[0])
    for _ in range(3):  # the answer to the task, and to each copy of it
        await put(agent, answer, results_of(built))
    state = CaseState.model_validate_json(built.cases.table[b"case-unit-1"])
    assert state.runs["birth_medical_certificate"].status.value == "approved"
    later = [e for e in captured.events(ItemTaskDispatched)
             if e.item_code == "birth_medical_certificate"]  # fmt: skip
    assert len(later) == 2, "no third copy of the answered task"
    assert len(captured.events(ApplicationAccepted)) == 2


async def test_after_a_rebalance_the_first_duplicate_re_announces_again(worker):
    """A worker that took the partition over after a crash cannot know what the dead one
    flushed: its first duplicate re-announces."""
    built, agent, captured = worker
    app = application()
    await put(agent, app, built.cases.topics.applications)
    await put(agent, app, built.cases.topics.applications)
    await built.cases.reannounced._forget()
    await put(agent, app, built.cases.topics.applications)
    await put(agent, app, built.cases.topics.applications)
    assert len(captured.events(ApplicationAccepted)) == 3
    assert captured.events(BundleCompleted) == []
