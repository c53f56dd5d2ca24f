"""The SDK without Kafka: routing, outcomes, cancellation, retries, dead letters, polling,
and the runner's one consumer for several departments (on a fake consumer)."""

from __future__ import annotations

import asyncio
import random
import time
from types import SimpleNamespace

import pytest
from aiokafka.structs import TopicPartition

import adapters
from adapters import DepartmentRouter, ItemOutcome, ItemTask
from adapters.departments import public_security, tax
from adapters.departments.registrations import health
from adapters.host import consumer_group
from adapters.sdk.backend import TransientBackendError
from adapters.sdk.messages import RETRY_DUE_MS, RETRY_LEVEL, Outgoing, dead_letter, origin
from adapters.sdk.resilience import BreakerState, CircuitBreaker, backoff_s
from adapters.sdk.retrying import RetryPlanner
from adapters.sdk.runner import AdapterRunner
from adapters.sdk.settings import AdapterSettings
from adapters.simulator import SimulatorSettings
from adapters.testing import InMemoryAdapter, sample_task
from topology.catalog import load_catalog
from topology.events import ItemStatus, ItemTaskCancelled, derive_event_id
from topology.records import ConsumedRecord
from topology.topics import Topics

pytestmark = pytest.mark.unit
CATALOG = load_catalog()


def tax_task(case_id: str = "case-1", index: int = 0):
    bundle, item = CATALOG.items_for_department("tax")[index]
    return sample_task(CATALOG, bundle.code, item, case_id=case_id)


def test_router_resolves_chinese_names_and_refuses_two_handlers_for_one_item():
    binding = public_security.router.bind(CATALOG)
    assert binding.routes["hukou_registration"].handler.__name__ == "register_household"
    router: DepartmentRouter[object] = DepartmentRouter("x")

    @router.handles("a")
    async def first(task: ItemTask, backend: object) -> ItemOutcome:
        return ItemOutcome.approved()

    async def second(task: ItemTask, backend: object) -> ItemOutcome:
        return ItemOutcome.approved()

    with pytest.raises(ValueError, match="already has a handler"):
        router.handles("a")(second)


def test_the_public_api_is_pinned():
    assert sorted(adapters.__all__) == [
        "ActClient", "ActReply", "ActRequest", "AdapterSettings", "BackendError",
        "BackendRefusedError", "DepartmentRouter", "DepartmentSystem", "ItemOutcome", "ItemTask",
        "TransientBackendError", "amount", "check_citizen_id", "check_credit_code",
        "check_output", "invalid_amount", "outcome_of"]


def test_an_item_is_forwarded_one_way_only():
    router: DepartmentRouter[object] = DepartmentRouter("x")
    credit = {"credit_code": ("establishment_registration", "credit_code")}
    router.forwards("a", extra=credit)
    router.forwards("a", extra=dict(credit))  # the same declaration twice is one
    with pytest.raises(ValueError, match="already has a handler"):
        router.forwards("a")
    with pytest.raises(ValueError, match="already has a handler"):
        router.handles("a")(submit_nothing)


async def submit_nothing(task: ItemTask, backend: object) -> ItemOutcome:
    return ItemOutcome.approved()


def test_a_dead_letter_names_where_the_task_first_arrived_and_masks_the_reason():
    record = ConsumedRecord("t.retry.1", 0, 5, b"k", b"v", (
        ("trace", b"1"), ("onething.origin.topic", b"t.tasks"),
        ("onething.origin.partition", b"2"), ("onething.origin.offset", b"7"),
        ("onething.retry.level", b"1"), ("__connect.errors.topic", b"old")))
    out = dead_letter(record, "t.dlq", ValueError("x"), "bad 110101199003074514 id")
    headers = list(out.headers)
    assert headers[0] == ("trace", b"1"), "the task's own headers first, ours dropped"
    assert [k for k, _ in headers].count("__connect.errors.topic") == 1
    got = dict(headers)
    assert (got["__connect.errors.topic"], got["__connect.errors.partition"],
            got["__connect.errors.offset"]) == (b"t.tasks", b"2", b"7")
    assert b"199003" not in got["__connect.errors.exception.message"]
    assert (out.topic, out.key, out.value) == ("t.dlq", b"k", b"v")


def test_outcomes_say_what_they_are():
    assert ItemOutcome.missing("photo").supplements[0].code == "photo"
    assert ItemOutcome.in_progress(poll_after_s=5).final is False
    with pytest.raises(ValueError, match="reason"):
        ItemOutcome.rejected("")


def test_breaker_opens_half_opens_and_closes():
    now = [0.0]
    breaker = CircuitBreaker("s", failures=2, reset_s=10, clock=lambda: now[0])
    breaker.failed()
    assert breaker.allow()
    breaker.failed()
    assert breaker.state.value == "open"
    assert not breaker.allow()
    now[0] = 11
    assert breaker.allow()
    assert not breaker.allow()
    breaker.succeeded()
    assert breaker.state.value == BreakerState.CLOSED.value


def test_backoff_is_jittered_and_capped():
    rng = random.Random(1)
    delays = [backoff_s(n, 0.1, 1.0, rng) for n in range(10)]
    assert all(0 <= d <= 1.0 for d in delays)
    assert len(set(delays)) == 10


def test_retry_planner_climbs_the_levels_then_gives_up():
    topics = Topics("t").department("tax")
    planner = RetryPlanner(topics, AdapterSettings(), clock_ms=lambda: 0)
    record = ConsumedRecord(topics.tasks, 3, 42, b"k", b"v")
    for level, topic in enumerate(topics.retries, start=1):
        again = planner.again(record)
        assert again is not None
        assert again.topic == topic
        record = ConsumedRecord(topic, 0, level, again.key, again.value, again.headers)
        assert record.header_int(RETRY_LEVEL) == level
        assert origin(record) == (topics.tasks, 3, 42)
    assert planner.again(record) is None


async def test_duplicate_in_the_same_run_resends_the_same_result():
    adapter = InMemoryAdapter(tax.router, catalog=CATALOG)
    task = tax_task()
    await adapter.send(task)
    await adapter.send(task)
    results = adapter.results()
    assert len(results) == 2
    assert len({r.event_id for r in results}) == 1
    assert results[0] == results[1]
    assert adapter.backend_calls(task.event_id) == 1


async def test_cancelled_task_is_not_performed():
    adapter = InMemoryAdapter(tax.router, catalog=CATALOG)
    task = tax_task()
    cancel = ItemTaskCancelled(event_id=derive_event_id(task.case_id, "cancel"),
                               case_id=task.case_id, occurred_at=task.occurred_at,
                               item_code=task.item_code, department="tax", reason="withdrawn")
    await adapter.send(cancel)
    await adapter.send(task)
    assert adapter.results() == []
    assert adapter.backend_calls(task.event_id) == 0
    adapter.restart()  # the cancellation is durable in the ledger
    await adapter.send(task)
    assert adapter.results() == []


async def test_report_received_comes_first():
    adapter = InMemoryAdapter(tax.router, catalog=CATALOG,
                              options=AdapterSettings(report_received=True))
    await adapter.send(tax_task())
    assert [r.status for r in adapter.results()] == [ItemStatus.RECEIVED, ItemStatus.APPROVED]


async def test_transient_failures_go_to_the_retry_topic_with_their_origin():
    adapter = InMemoryAdapter(tax.router, catalog=CATALOG,
                              simulator=SimulatorSettings(transient_failure_rate=1.0),
                              options=AdapterSettings(backend_attempts=2, backoff_base_s=0))
    (out,) = await adapter.send(tax_task())
    assert out.topic == adapter.topics.retries[0]
    assert dict(out.headers)["onething.origin.topic"] == adapter.topics.tasks.encode()
    assert adapter.metrics.snapshot()["retried"] == 1


async def test_last_retry_level_dead_letters_naming_the_task_topic():
    adapter = InMemoryAdapter(tax.router, catalog=CATALOG,
                              simulator=SimulatorSettings(transient_failure_rate=1.0),
                              options=AdapterSettings(backend_attempts=1))
    headers = [("onething.retry.level", b"3"), ("onething.origin.topic", b"orig"),
               ("onething.origin.partition", b"2"), ("onething.origin.offset", b"9")]
    (out,) = await adapter.send(tax_task(), topic=adapter.topics.retries[2], headers=headers)
    got = dict(out.headers)
    assert out.topic == adapter.topics.dlq
    assert got["__connect.errors.topic"] == b"orig"
    assert got["__connect.errors.offset"] == b"9"
    assert got["__connect.errors.exception.class.name"] == TransientBackendError.__name__.encode()


async def test_long_running_act_reports_in_progress_then_polls():
    adapter = InMemoryAdapter(tax.router, catalog=CATALOG,
                              simulator=SimulatorSettings(in_progress_rate=1.0))
    out = await adapter.send(tax_task())
    assert [r.status for r in adapter.results()] == [ItemStatus.IN_PROGRESS]
    assert out[-1].topic in adapter.topics.retries


async def test_task_for_an_unknown_item_or_department_is_dead_lettered():
    adapter = InMemoryAdapter(tax.router, catalog=CATALOG)
    task = tax_task()
    await adapter.send(task.model_copy(update={"item_code": "no_such_item"}))
    await adapter.send(task.model_copy(update={"department": "health"}))
    assert len(adapter.on(adapter.topics.dlq)) == 2
    assert adapter.results() == []


async def test_an_approval_missing_outputs_is_a_handler_bug_dead_lettered():
    router: DepartmentRouter[object] = DepartmentRouter("tax")

    @router.handles("invoice_issuance")
    async def sloppy(task: ItemTask, backend: object) -> ItemOutcome:
        return ItemOutcome.approved({})

    adapter = InMemoryAdapter(router, catalog=CATALOG)
    await adapter.send(tax_task())
    (dead,) = adapter.on(adapter.topics.dlq)
    assert b"InvalidOutcomeError" in dict(dead.headers)["__connect.errors.exception.class.name"]


def test_each_department_has_its_own_group():
    assert consumer_group("p", "tax") == "p.adapter.tax"
    assert consumer_group("p", "health") == "p.adapter.health"


class FakeConsumer:
    """What AdapterRunner asks of AIOKafkaConsumer; ``batches`` are handed out one per
    getmany, then ``drained`` is set."""

    def __init__(self, batches):
        self.batches, self.drained = list(batches), asyncio.Event()
        self.topics: list[str] = []
        self.paused: set[TopicPartition] = set()
        self.seeks: dict[TopicPartition, int] = {}
        self.commits: list[dict[TopicPartition, int]] = []

    def subscribe(self, topics, listener):
        self.topics = list(topics)

    async def start(self):
        pass

    async def stop(self):
        pass

    async def getmany(self, timeout_ms, max_records):
        if not self.batches:
            self.drained.set()
            return {}
        return self.batches.pop(0)

    def seek(self, tp, offset):
        self.seeks[tp] = offset

    def pause(self, *tps):
        self.paused.update(tps)

    def resume(self, *tps):
        self.paused.difference_update(tps)

    async def commit(self, offsets):
        self.commits.append(dict(offsets))


class FakeProducer:
    def __init__(self):
        self.sent: list[tuple[str, bytes | None]] = []

    async def send(self, topic, value, key=None, headers=None):
        self.sent.append((topic, value))
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def message(offset: int, value: bytes, key: bytes = b"k", headers=()):
    return SimpleNamespace(offset=offset, key=key, value=value, headers=list(headers))


async def run_batches(processors, batches, settings: AdapterSettings | None = None):
    consumer, producer = FakeConsumer(batches), FakeProducer()
    runner = AdapterRunner(processors, consumer, producer, settings or AdapterSettings())
    await runner.start()
    await runner.run(consumer.drained)
    await runner.close()
    return runner, consumer, producer


async def test_one_consumer_routes_each_topic_to_its_department_and_pauses_only_the_due():
    adapters = [InMemoryAdapter(r, catalog=CATALOG) for r in (tax.router, health)]
    tax_topics, health_topics = (a.topics for a in adapters)
    (bundle, item), codec = CATALOG.items_for_department("health")[0], adapters[0].codec
    health_task = sample_task(CATALOG, bundle.code, item, case_id="case-h")
    later = str(int(time.time() * 1000) + 600_000).encode()
    tax_tasks, tax_retry = (TopicPartition(tax_topics.tasks, 0),
                            TopicPartition(tax_topics.retries[0], 1))
    health_tasks = TopicPartition(health_topics.tasks, 0)
    batch = {
        tax_retry: [message(7, codec.encode(tax_task("case-r")), headers=[(RETRY_DUE_MS, later)])],
        tax_tasks: [message(0, codec.encode(tax_task()))],
        health_tasks: [message(0, codec.encode(health_task))],
    }
    runner, consumer, producer = await run_batches([a.processor for a in adapters], [batch])
    assert consumer.topics == sorted([tax_topics.tasks, *tax_topics.retries,
                                      health_topics.tasks, *health_topics.retries])
    assert consumer.paused == {tax_retry}
    assert consumer.seeks == {tax_retry: 7}
    assert consumer.commits == [{tax_tasks: 1, health_tasks: 1}], "once, on close"
    results = [t for t, _ in producer.sent if t.endswith("results.v1")]
    assert results == [tax_topics.results, health_topics.results], "in record order"
    assert {d: p.metrics.snapshot()["succeeded"] for d, p in runner.processors.items()} == {
        "tax": 1, "health": 1}


async def test_concurrency_bounds_each_department_and_outputs_keep_record_order(monkeypatch):
    adapters = [InMemoryAdapter(r, catalog=CATALOG) for r in (tax.router, health)]
    inflight = {"tax": 0, "health": 0}
    peak = {**inflight, "both": 0}

    def tracked(department):
        async def process(record: ConsumedRecord) -> list[Outgoing]:
            inflight[department] += 1
            peak[department] = max(peak[department], inflight[department])
            peak["both"] = max(peak["both"], sum(inflight.values()))
            for _ in range(10 - record.offset):  # later records finish first
                await asyncio.sleep(0)
            inflight[department] -= 1
            return [Outgoing("out", record.value)]
        return process

    for adapter in adapters:
        monkeypatch.setattr(adapter.processor, "process", tracked(adapter.router.department))
    batch = {TopicPartition(a.topics.tasks, 0): [message(n, f"{a.router.department}{n}".encode())
                                                 for n in range(5)] for a in adapters}
    _, _, producer = await run_batches([a.processor for a in adapters], [batch],
                                       AdapterSettings(concurrency=2))
    assert peak == {"tax": 2, "health": 2, "both": 4}, "each department as on its own"
    assert [v for _, v in producer.sent] == [f"{d}{n}".encode() for d in ("tax", "health")
                                              for n in range(5)]


@pytest.mark.parametrize("region", ["national", "daxinganling", "jincheng_chengqu"])
def test_hukou_registration_runs_its_checks_in_every_region(region):
    """Regions name the item their own way (本市户口登记…): the handler is bound by code."""
    from topology.catalog import load_catalog

    binding = public_security.router.bind(load_catalog(region))
    assert "hukou_registration" not in binding.fallbacks
    assert binding.routes["hukou_registration"].handler.__name__ == "register_household"


async def test_a_host_of_several_departments_connects_each_as_itself(monkeypatch):
    """`adapter run --all` is one process, not one identity: each department its own
    principal and its own consumer group."""
    import asyncio

    import adapters.host as host_module
    from adapters.discovery import installed_adapters
    from adapters.host import AdapterHost
    from topology.settings import Settings

    asked: list[str] = []

    def refuse(settings, principal):
        asked.append(principal)
        raise LookupError("no broker in a unit test")

    monkeypatch.setattr(host_module, "kafka_access", refuse)
    routers = [installed_adapters()[code].router for code in ("tax", "health")]
    host = AdapterHost(Settings(topic_prefix="p"), routers, catalog=CATALOG)
    assert host.groups == {"tax": "p.adapter.tax", "health": "p.adapter.health"}
    with pytest.raises(LookupError):
        await host.run(asyncio.Event())
    assert sorted(asked) == ["health", "tax"]
