"""The case agent under Faust's test_context(): decode, transition, table, outbox, DLQ."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from streams.case.state import CaseState
from streams.runtime.app import StreamsConfig
from streams.runtime.worker import build_streams
from tests.unit.streams.feed import Feed, offline_producer
from tests.unit.streams.harness import approve, report
from topology.catalog import load_catalog
from topology.codec import default_codec
from topology.events import (
    ApplicationAccepted,
    BundleWithdrawn,
    CaseTimerFired,
    DeadlineReached,
    ItemStatus,
    ItemTaskDispatched,
    Requester,
    SupplementProvided,
    derive_event_id,
)
from topology.records import ConsumedRecord
from topology.samples import sample_application
from topology.settings import Settings

pytestmark = pytest.mark.unit


class Captured:
    """Records what the processor publishes instead of handing it to the producer."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []
        self.dead: list[tuple[str, dict[str, bytes]]] = []
        self.changelog: list[tuple[str, bytes, bytes]] = []

    def events(self, kind: type) -> list:
        return [event for _, event in self.sent if isinstance(event, kind)]


class Clock:
    """The worker's time, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def worker(tmp_path, monkeypatch, clock) -> AsyncIterator[tuple]:
    settings = Settings(state_dir=tmp_path, topic_prefix="unit")
    built = build_streams(StreamsConfig(settings, web_enabled=False), clock=clock)
    captured = Captured()

    async def send(topic, event, key=None):
        captured.sent.append((topic, event))

    async def dead_letter(topic, key, value, headers):
        captured.dead.append((topic, dict(headers)))

    monkeypatch.setattr(built.cases.outbox, "send", send)
    monkeypatch.setattr(built.cases.outbox, "dead_letter", dead_letter)
    built.app.finalize()
    captured.changelog = offline_producer(monkeypatch, built.app)
    async with built.cases.agent.test_context() as agent:
        yield built, Feed(agent, built.cases), captured


def application(case_id: str = "case-unit-1"):
    catalog = load_catalog()
    return sample_application(catalog, catalog.bundle("newborn_birth"), case_id, random.Random(3))


async def put(agent, event, topic: str):
    """Deliver one encoded event as if it came from ``topic``."""
    codec = default_codec()
    await agent.put(key=event.case_id.encode(), value=codec.encode(event), topic=topic)


def results_of(built, department="health"):
    return str(built.cases.topics.department(department).results)


async def test_application_becomes_a_case_with_its_first_wave(worker):
    built, agent, captured = worker
    await put(agent, application(), built.cases.topics.applications)
    assert len(captured.events(ApplicationAccepted)) == 1
    tasks = captured.events(ItemTaskDispatched)
    assert [t.item_code for t in tasks] == ["birth_medical_certificate"]
    topic = next(topic for topic, event in captured.sent if event is tasks[0])
    assert topic == built.cases.topics.department("health").tasks
    state = CaseState.model_validate_json(built.cases.table[b"case-unit-1"])
    assert state.runs["birth_medical_certificate"].attempt == 1
    changelog = built.cases.table.changelog_topic.get_topic_name()
    assert captured.changelog == [(changelog, b"case-unit-1", built.cases.table[b"case-unit-1"])]


async def test_duplicate_result_changes_nothing_and_reannounces(worker):
    built, agent, captured = worker
    await put(agent, application(), built.cases.topics.applications)
    task = captured.events(ItemTaskDispatched)[0]
    result = approve(task)
    await put(agent, result, results_of(built))
    state_after_first = built.cases.table[b"case-unit-1"]
    dispatched = len(captured.events(ItemTaskDispatched))
    await put(agent, result, results_of(built))
    again = CaseState.model_validate_json(built.cases.table[b"case-unit-1"])
    assert again.runs == CaseState.model_validate_json(state_after_first).runs
    new = captured.events(ItemTaskDispatched)[dispatched:]
    assert all(t.attempt == 1 for t in new), "re-announced tasks keep their ids and attempts"
    assert {t.event_id for t in new} <= {
        t.event_id for t in captured.events(ItemTaskDispatched)[:dispatched]
    }


async def test_garbage_and_orphan_results_are_dead_lettered(worker):
    built, agent, captured = worker
    await agent.put(key=b"x", value=b"not avro at all", topic=results_of(built))
    orphan = approve(
        ItemTaskDispatched(
            event_id=application().event_id,
            case_id="nobody",
            occurred_at=application().occurred_at,
            bundle_code="newborn_birth",
            item_code="birth_medical_certificate",
            department="health",
            attempt=1,
            deadline=application().occurred_at,
        )
    )
    await put(agent, orphan, results_of(built))
    assert len(captured.dead) == 2
    reasons = [headers["__connect.errors.exception.class.name"] for _, headers in captured.dead]
    assert reasons[0] == b"NotSingleObjectEncoded"
    assert reasons[1] == b"UnknownCaseError"
    assert all("__connect.errors.offset" in headers for _, headers in captured.dead)


async def test_declared_tables_match_the_worker_tables(tmp_path):
    from topology.topics import FAUST_TABLES, Topics

    settings = Settings(state_dir=tmp_path, topic_prefix="decl")
    built = build_streams(StreamsConfig(settings, web_enabled=False))
    assert set(built.app.tables) == set(FAUST_TABLES["streams"])
    declared = {spec.name for spec in Topics("decl").all([])}
    for table in built.app.tables.values():
        assert table.changelog_topic.get_topic_name() in declared


async def test_a_duplicate_result_writes_nothing(worker):
    built, agent, captured = worker
    await put(agent, application(), built.cases.topics.applications)
    result = approve(captured.events(ItemTaskDispatched)[0])
    await put(agent, result, results_of(built))
    written = len(captured.changelog)
    await put(agent, result, results_of(built))
    assert len(captured.changelog) == written, "an unchanged case is not written again"


async def test_time_comes_from_the_clock(worker, clock):
    """Deadlines fire when the worker's clock passes them, not after a real wait."""
    built, agent, captured = worker
    await put(agent, application(), built.cases.topics.applications)
    await built.cases._fire_due_timers()
    assert captured.events(CaseTimerFired) == [], "nothing is due yet"
    clock.now += timedelta(days=60)
    await built.cases._fire_due_timers()
    [tick] = captured.events(CaseTimerFired)
    assert tick.occurred_at >= clock.now - timedelta(milliseconds=1)
    written = len(captured.changelog)
    await put(agent, tick, built.cases.topics.timers)
    levels = {e.level.value for e in captured.events(DeadlineReached) if e.item_code is None}
    assert levels == {"WARNING", "OVERDUE", "ESCALATED"}
    assert len(captured.changelog) == written + 1, "the fired levels are stored"
    await put(agent, tick, built.cases.topics.timers)
    assert len(captured.changelog) == written + 1, "a tick that changes nothing writes nothing"


async def test_a_forged_fact_is_dead_lettered_and_changes_nothing(worker):
    built, agent, captured = worker
    await put(agent, application(), built.cases.topics.applications)
    before = built.cases.table[b"case-unit-1"]
    forged = BundleWithdrawn(event_id=derive_event_id("case-unit-1", "forged"),
                             case_id="case-unit-1", occurred_at=datetime.now(UTC),
                             bundle_code="newborn_birth", reason="x",
                             requested_by=Requester.APPLICANT)  # fmt: skip
    await put(agent, forged, built.cases.topics.applicant)
    [(_, headers)] = captured.dead
    assert headers["__connect.errors.exception.class.name"] == b"WrongTopicError"
    assert built.cases.table[b"case-unit-1"] == before
    assert captured.events(BundleWithdrawn) == []


def _state(built):
    return CaseState.model_validate_json(built.cases.table[b"case-unit-1"])


async def test_a_result_slipped_in_behind_the_application_counts_for_nothing(worker):
    """A forged approval on the applications topic is refused; the department's own answer
    that follows is applied, not taken for a duplicate."""
    built, agent, captured = worker
    topics = built.cases.topics
    await put(agent, application(), topics.applications)
    task = captured.events(ItemTaskDispatched)[0]
    forged = approve(task).model_copy(update={"outputs": {"no": "FORGED"}})
    await put(agent, forged, topics.applications)
    [(dlq_of, headers)] = captured.dead
    assert dlq_of == topics.applications
    assert headers["__connect.errors.exception.message"].startswith(b"wrong-topic")
    assert _state(built).runs[task.item_code].status.value == "dispatched"
    genuine = report(task, ItemStatus.REJECTED, reason="材料不符")
    await put(agent, genuine, results_of(built, task.department))
    assert _state(built).phase.value == "rejected"
    assert built.cases.refused["WrongTopicError"] == 1


@pytest.mark.parametrize("claims", ["electricity", "health"])
async def test_a_result_from_another_department_is_refused(worker, claims):
    """On electricity's results topic, an answer for a health item is refused whether it
    names electricity (not its item) or health (not its topic)."""
    built, agent, captured = worker
    await put(agent, application(), built.cases.topics.applications)
    task = captured.events(ItemTaskDispatched)[0]
    assert task.department == "health"
    forged = approve(task).model_copy(update={"department": claims})
    await put(agent, forged, results_of(built, "electricity"))
    [(_, headers)] = captured.dead
    assert headers["__connect.errors.exception.message"].startswith(b"wrong-department")
    assert _state(built).runs[task.item_code].status.value == "dispatched"


async def test_a_bad_supplement_is_dead_lettered_alone_and_its_batch_goes_on(worker):
    """Today's probe: an empty field in form_updates crashed the agent and lost the batch."""
    built, agent, captured = worker
    topics, codec = built.cases.topics, default_codec()
    await put(agent, application(), topics.applications)
    task = captured.events(ItemTaskDispatched)[0]
    bad = SupplementProvided(event_id=derive_event_id("case-unit-1", "bad-answer"),
                             case_id="case-unit-1", occurred_at=datetime.now(UTC),
                             form_updates={"mother_name": ""})  # fmt: skip
    batch = [ConsumedRecord(topics.applicant, 0, 10, b"case-unit-1", codec.encode(bad)),
             ConsumedRecord(results_of(built), 0, 11, b"case-unit-1",
                            codec.encode(approve(task)))]  # fmt: skip
    await built.cases.handle_batch(batch)
    [(_, headers)] = captured.dead
    assert headers["__connect.errors.exception.class.name"] == b"InvalidInputError"
    assert b"form_updates.mother_name" in headers["__connect.errors.exception.message"]
    assert _state(built).runs[task.item_code].status.value == "approved"
