"""Department adapters on the real broker: results, idempotency, retries, dead letters, HTTP,
and several departments sharing one consumer (one group) in one host."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterator, Callable, Sequence

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from adapters.discovery import installed_adapters
from adapters.host import AdapterHost, departments_with_items, run_adapters
from adapters.sdk.backend import ActReply, ActRequest, DepartmentSystem, TransientBackendError
from adapters.sdk.settings import AdapterSettings
from adapters.simulator import ReferenceSimulator, SimulatorSettings
from adapters.simulator.server import serve
from adapters.testing import CountingSystem, sample_task
from deploy.topics_admin import apply, plan
from tests.support.acls import allow_departments
from topology.catalog import Catalog, load_catalog
from topology.codec import default_codec
from topology.events import ItemStatus, ItemStatusReported, ItemTaskDispatched, derive_event_id
from topology.kafka_access import kafka_access
from topology.sealing import OUTPUTS, open_group, sealer_for
from topology.settings import Settings
from topology.topics import Topics

pytestmark = pytest.mark.integration
CATALOG = load_catalog()


@pytest.fixture
async def bus(kafka_bootstrap, kafka_admin, kafka_admin_access, unique) -> Settings:
    """This test's own topic prefix, with every department's topics and ACLs created."""
    settings = Settings(kafka_bootstrap=kafka_bootstrap, topic_prefix=f"it{unique}", partitions=2)
    specs = Topics(settings.topic_prefix).all([*departments_with_items(CATALOG), "housing_fund"],
                                             partitions=2)
    await apply(kafka_admin, plan(specs, {}))
    await allow_departments(kafka_admin_access, settings)
    return settings


@contextlib.asynccontextmanager
async def running(settings: Settings, departments: Sequence[str], *,
                  options: AdapterSettings | None = None,
                  factory: Callable[[str], DepartmentSystem] | None = None,
                  ) -> AsyncIterator[AdapterHost]:
    """Adapters running in the background, ready (partitions assigned) on entry."""
    routers = [installed_adapters()[d].router for d in departments]
    host = AdapterHost(settings, routers, catalog=CATALOG, options=options,
                       system_factory=(lambda router, name: factory(name)) if factory else None)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(host.run(stop, ready))
    await asyncio.wait_for(_either(ready, task), 60)
    try:
        yield host
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _either(ready: asyncio.Event, task: asyncio.Task) -> None:
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()  # raise what stopped the host


async def produce(settings: Settings, records: Sequence[tuple[str, bytes, bytes | None]]) -> None:
    producer = AIOKafkaProducer(**kafka_access(settings, "admin").aiokafka(), linger_ms=5)
    await producer.start()
    try:
        sent = [await producer.send(topic, value, key=key) for topic, value, key in records]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def collect(settings: Settings, topics: Sequence[str], done: Callable[[list], bool],
                  wait_s: float = 60.0) -> list:
    """Records of ``topics`` from the beginning until ``done(records)`` or the bound passes."""
    consumer = AIOKafkaConsumer(*topics, **kafka_access(settings, "admin").aiokafka(),
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    records: list = []
    deadline = time.monotonic() + wait_s
    try:
        while not done(records) and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=200, max_records=10_000)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def until(check: Callable[[], bool], within_s: float, what: str) -> None:
    """Wait for ``check()`` to hold, failing after ``within_s``."""
    deadline = time.monotonic() + within_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within_s:g}s: {what}")
        await asyncio.sleep(0.05)


async def groups_of(admin: AIOKafkaAdminClient, prefix: str) -> list[str]:
    return sorted(str(g[0]) for g in await admin.list_consumer_groups()
                  if str(g[0]).startswith(prefix))


def results_of(records: list) -> list[ItemStatusReported]:
    codec = default_codec()
    return [codec.decode_as(r.value, ItemStatusReported) for r in records]


def task_for(catalog: Catalog, department: str, case_id: str, index: int = 0
             ) -> ItemTaskDispatched:
    bundle, item = catalog.items_for_department(department)[index]
    return sample_task(catalog, bundle.code, item, case_id=case_id)


def encoded(settings: Settings, task: ItemTaskDispatched) -> tuple[str, bytes, bytes]:
    topic = Topics(settings.topic_prefix).department(task.department).tasks
    return topic, default_codec().encode(task), task.case_id.encode()


async def test_every_department_answers_every_item(bus):
    departments = departments_with_items(CATALOG)
    tasks = [sample_task(CATALOG, b.code, i, case_id=f"all-{d}-{n}")
             for d in departments for n, (b, i) in enumerate(CATALOG.items_for_department(d))]
    stop, ready = asyncio.Event(), asyncio.Event()
    host = asyncio.create_task(run_adapters(bus, None, ready=ready, stop=stop))
    await asyncio.wait_for(_either(ready, host), 90)
    await produce(bus, [encoded(bus, t) for t in tasks])
    topics = [Topics(bus.topic_prefix).department(d).results for d in departments]
    records = await collect(bus, topics, lambda rs: len(rs) >= len(tasks))
    stop.set()
    await asyncio.wait_for(host, 30)
    results = {(r.case_id, r.item_code): r for r in results_of(records)}
    assert len(records) == len(tasks)
    streams = sealer_for(bus, "streams")
    for task in tasks:
        result = results[(task.case_id, task.item_code)]
        assert result.status is ItemStatus.APPROVED
        item = CATALOG.bundle(task.bundle_code).item(task.item_code)
        opened = {} if OUTPUTS not in result.sealed else open_group(
            streams, result.sealed[OUTPUTS], task.case_id, task.item_code, OUTPUTS)
        assert {o.code for o in item.outputs} <= set(result.outputs) | set(opened)
        assert {o.code for o in item.outputs if o.personal} == set(opened), "sealed, only"


async def test_duplicate_task_calls_the_backend_once_and_reports_once(bus, kafka_admin):
    counters: dict[str, CountingSystem] = {}

    def factory(name: str) -> DepartmentSystem:
        counters[name] = CountingSystem(ReferenceSimulator(name, SimulatorSettings(), CATALOG))
        return counters[name]

    task = task_for(CATALOG, "tax", "dup-1")
    sentinel = task_for(CATALOG, "tax", "dup-1", index=1)  # same case: same partition, later
    async with running(bus, ["tax"], factory=factory):
        await produce(bus, [encoded(bus, task), encoded(bus, task), encoded(bus, sentinel)])
        topic = Topics(bus.topic_prefix).department("tax").results
        records = await collect(bus, [topic], lambda rs: any(
            r.status.value == "APPROVED" and r.item_code == sentinel.item_code
            for r in results_of(rs)))
    mine = [r for r in results_of(records) if r.item_code == task.item_code]
    assert len({r.event_id for r in mine}) == 1, "one result; a duplicate re-sends it, same id"
    assert counters["tax"].calls[task.event_id] == 1
    assert await groups_of(kafka_admin, bus.topic_prefix) == [f"{bus.topic_prefix}.adapter.tax"]


async def test_a_restarted_adapter_answers_an_old_task_from_the_results_topic(bus):
    """No ledger record per task: the final result, tagged with its attempt, is the record
    a new process reads at start. The task again after a restart: same answer, no call."""
    counters: list[CountingSystem] = []

    def factory(name: str) -> DepartmentSystem:
        counters.append(CountingSystem(ReferenceSimulator(name, SimulatorSettings(), CATALOG)))
        return counters[-1]

    task = task_for(CATALOG, "tax", "restart-1")
    topics = Topics(bus.topic_prefix).department("tax")
    records: list = []
    for run in (1, 2):
        async with running(bus, ["tax"], factory=factory):
            await produce(bus, [encoded(bus, task)])
            records = await collect(bus, [topics.results], functools.partial(_at_least, run))
    assert len(records) == 2
    first, again = results_of(records)
    assert first.status is ItemStatus.APPROVED
    assert again.event_id == first.event_id
    assert sum(c.calls[task.event_id] for c in counters) == 1, "the backend was called once"
    ledger_records = await collect(bus, [topics.ledger], lambda rs: False, wait_s=2.0)
    assert ledger_records == [], "answers are not written twice"


def _at_least(count: int, records: list) -> bool:
    return len(records) >= count


class FailingTwice:
    """A backend that fails its first ``failures`` calls (whatever the task), then answers."""

    def __init__(self, inner: DepartmentSystem, failures: int = 2) -> None:
        self.inner, self.calls, self.failures = inner, 0, failures

    @property
    def name(self) -> str:
        return self.inner.name

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        self.calls += 1
        if self.calls <= self.failures:
            raise TransientBackendError("503 (test)")
        return await self.inner.submit(request, idempotency_key=idempotency_key)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize("attempts", [3, 1], ids=["in-place-backoff", "via-retry-topics"])
async def test_backend_failing_twice_then_succeeding_yields_one_success(bus, attempts):
    flaky: list[FailingTwice] = []

    def factory(name: str) -> DepartmentSystem:
        flaky.append(FailingTwice(ReferenceSimulator(name, SimulatorSettings(), CATALOG)))
        return flaky[-1]

    options = AdapterSettings(backend_attempts=attempts, retry_delays_s=(0.3, 0.3, 0.3),
                              backoff_base_s=0.01)
    task = task_for(CATALOG, "medical_insurance", f"flaky-{attempts}")
    async with running(bus, ["medical_insurance"], options=options, factory=factory) as host:
        await produce(bus, [encoded(bus, task)])
        topic = Topics(bus.topic_prefix).department("medical_insurance").results
        records = await collect(bus, [topic], lambda rs: len(rs) >= 1)
        metrics = host.processors["medical_insurance"].metrics.snapshot()
    (result,) = results_of(records)
    assert result.status is ItemStatus.APPROVED
    assert flaky[0].calls == 3
    assert metrics["succeeded"] == 1
    assert metrics["retried"] == (0 if attempts == 3 else 2)


async def test_two_departments_each_have_their_group_and_a_paused_retry_holds_up_neither(
        bus, kafka_admin):
    def factory(name: str) -> DepartmentSystem:
        simulator = ReferenceSimulator(name, SimulatorSettings(), CATALOG)
        return FailingTwice(simulator, failures=1) if name == "tax" else simulator

    tax, health = (Topics(bus.topic_prefix).department(d) for d in ("tax", "health"))
    options = AdapterSettings(backend_attempts=1, retry_delays_s=(600, 600, 600))
    retried = task_for(CATALOG, "tax", "paused-1")
    answered = [task_for(CATALOG, "tax", "after-pause"), task_for(CATALOG, "health", "other")]
    async with running(bus, ["tax", "health"], options=options, factory=factory) as host:
        await produce(bus, [encoded(bus, retried)])  # fails once: on retry.1, due in 10 min
        paused = host.runners["tax"].paused
        await until(lambda: any(tp.topic == tax.retries[0] for tp in paused), 30,
                    "tax's retry.1 partition paused")
        await produce(bus, [encoded(bus, t) for t in answered])
        records = await collect(bus, [tax.results, health.results], lambda rs: {
            r.case_id for r in results_of(rs)} >= {t.case_id for t in answered})
        still_paused = {tp.topic for r in host.runners.values() for tp in r.paused}
    assert {r.case_id for r in results_of(records)} == {t.case_id for t in answered}
    assert still_paused == {tax.retries[0]}
    groups = [f"{bus.topic_prefix}.adapter.health", f"{bus.topic_prefix}.adapter.tax"]
    assert await groups_of(kafka_admin, bus.topic_prefix) == groups
    committed = {
        tp.topic for group in groups for tp in await kafka_admin.list_consumer_group_offsets(group)
    }
    assert {tax.tasks, health.tasks} <= committed
    assert tax.retries[0] not in committed, "the record not yet due is not committed"
    metrics = {d: p.metrics.snapshot() for d, p in host.processors.items()}
    assert (metrics["tax"]["retried"], metrics["tax"]["succeeded"]) == (1, 1)
    assert metrics["health"]["succeeded"] == 1


async def test_garbage_is_dead_lettered_with_reasons_and_the_adapter_goes_on(bus):
    topics = Topics(bus.topic_prefix).department("health")
    task = task_for(CATALOG, "health", "after-garbage")
    async with running(bus, ["health"]):
        await produce(bus, [(topics.tasks, b"\xde\xad\xbe\xef garbage", b"k")])
        await produce(bus, [encoded(bus, task)])
        dead = await collect(bus, [topics.dlq], lambda rs: len(rs) >= 1)
        results = await collect(bus, [topics.results], lambda rs: len(rs) >= 1)
    headers = dict(dead[0].headers)
    assert dead[0].value == b"\xde\xad\xbe\xef garbage"
    assert headers["__connect.errors.topic"] == topics.tasks.encode()
    assert headers["__connect.errors.offset"] == b"0"
    assert headers["__connect.errors.exception.class.name"] == b"NotSingleObjectEncoded"
    assert b"c301" in headers["__connect.errors.exception.message"]
    assert results_of(results)[0].case_id == task.case_id


async def test_http_backend_against_the_simulator_service(bus):
    simulator = ReferenceSimulator("public_security", SimulatorSettings(), CATALOG)
    server = await serve(simulator, "127.0.0.1", 0)
    port = server.addresses[0][1]
    options = AdapterSettings(backend="http", backend_url=f"http://127.0.0.1:{port}")
    good = task_for(CATALOG, "public_security", "http-good", index=1)
    bad_fields = dict(good.fields)
    bad_id = next(code for code in bad_fields if CATALOG.field(code).kind == "citizen_id")
    bad_fields[bad_id] = bad_fields[bad_id][:17] + ("0" if bad_fields[bad_id][17] != "0" else "1")
    bad = good.model_copy(update={"case_id": "http-bad", "fields": bad_fields,
                                  "event_id": derive_event_id("http-bad", "dispatch")})
    try:
        async with running(bus, ["public_security"], options=options):
            await produce(bus, [encoded(bus, good), encoded(bus, bad)])
            topic = Topics(bus.topic_prefix).department("public_security").results
            records = await collect(bus, [topic], lambda rs: len(rs) >= 2)
    finally:
        await server.cleanup()
    by_case = {r.case_id: r for r in results_of(records)}
    assert by_case["http-good"].status is ItemStatus.APPROVED
    assert by_case["http-bad"].status is ItemStatus.REJECTED
    assert bad_id in (by_case["http-bad"].reason or "")
    assert bad_fields[bad_id] not in (by_case["http-bad"].reason or "")
    assert simulator.acts == 2
