"""Run department adapters in one event loop: what `onething adapter run`, the demo and the
benchmark call. Each department is its own Kafka principal, so each has its own producer,
consumer and consumer group (``Topics.adapter_group(code)``), connected with its own
credentials; one process may host many, never under one identity."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from adapters.discovery import installed_adapters
from adapters.regions import bind_all_regions
from adapters.sdk.backend import DepartmentSystem
from adapters.sdk.guarded import GuardedSystem
from adapters.sdk.http import HttpDepartmentSystem
from adapters.sdk.kafka import load_ledgers, make_consumer, make_producer
from adapters.sdk.ledger import Ledger
from adapters.sdk.log import log
from adapters.sdk.metrics import AdapterMetrics
from adapters.sdk.processor import TaskProcessor
from adapters.sdk.resilience import CircuitBreaker
from adapters.sdk.router import DepartmentRouter
from adapters.sdk.runner import AdapterRunner
from adapters.sdk.settings import AdapterSettings
from adapters.simulator import ReferenceSimulator, SimulatorSettings
from topology.catalog import Catalog, load_catalog
from topology.codec import default_codec
from topology.kafka_access import kafka_access
from topology.sealing import sealer_for
from topology.settings import Settings
from topology.topics import Topics

SystemFactory = Callable[[DepartmentRouter[Any], str], DepartmentSystem]


def departments_with_items(catalog: Catalog) -> list[str]:
    return [d.code for d in catalog.departments if catalog.items_for_department(d.code)]


def routers_for(catalog: Catalog, departments: Sequence[str] | None) -> list[DepartmentRouter[Any]]:
    """The installed router of each department; a department of the catalogue without one
    gets the generic registration adapter (with a warning), an unknown one is an error."""
    installed = installed_adapters()
    wanted = list(departments) if departments else departments_with_items(catalog)
    routers: list[DepartmentRouter[Any]] = []
    for code in wanted:
        if code in installed:
            routers.append(installed[code].router)
        elif catalog.items_for_department(code):
            log().warning("adapter_generic_fallback", department=code)
            routers.append(DepartmentRouter(code, fallback=True))
        else:
            raise LookupError(
                f"no adapter installed for {code!r}; installed: {', '.join(sorted(installed))}"
            )
    return routers


def consumer_group(prefix: str, department: str) -> str:
    """The consumer group of one department's adapter (``Topics.adapter_group``)."""
    return Topics(prefix).adapter_group(department)


class AdapterHost:
    """Builds and runs the adapters of several departments, each over its own clients as its
    own principal; ``processors`` and ``runners`` (by department) and ``systems`` are exposed
    for tests and the benchmark."""

    def __init__(
        self,
        settings: Settings,
        routers: Sequence[DepartmentRouter[Any]],
        *,
        catalog: Catalog,
        options: AdapterSettings | None = None,
        simulator: SimulatorSettings | None = None,
        system_factory: SystemFactory | None = None,
    ) -> None:
        if not routers:
            raise ValueError("an adapter host needs at least one department")
        self.settings, self.routers, self.catalog = settings, list(routers), catalog
        self.options = options or AdapterSettings()
        self.simulator = simulator or SimulatorSettings()
        self.system_factory = system_factory or self._default_system
        self.topics = Topics(settings.topic_prefix)
        self.groups = {r.department: consumer_group(settings.topic_prefix, r.department)
                       for r in routers}  # fmt: skip
        self.processors: dict[str, TaskProcessor] = {}
        self.runners: dict[str, AdapterRunner] = {}
        self._producers: list[AIOKafkaProducer] = []
        self.systems: dict[tuple[str, str], DepartmentSystem] = {}

    def _default_system(self, router: DepartmentRouter[Any], name: str) -> DepartmentSystem:
        if self.options.backend == "http":
            return HttpDepartmentSystem.from_settings(name, self.options)
        factory = router.simulator_for(name) or ReferenceSimulator
        return factory(name, self.simulator, self.catalog)

    @property
    def runner(self) -> AdapterRunner:
        """The runner of a host of one department (tests)."""
        [only] = self.runners.values()
        return only

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Run until ``stop``; then finish the batches in hand, commit and close."""
        try:
            await asyncio.gather(*(self._open(router) for router in self.routers))
            await self._serve(stop, ready)
        finally:
            for runner in self.runners.values():
                await runner.close()
            for producer in self._producers:
                await producer.stop()
            for system in self.systems.values():
                await system.aclose()

    async def _open(self, router: DepartmentRouter[Any]) -> None:
        """One department's clients, as its principal: producer, ledger, consumer, runner."""
        dept = router.department
        access = kafka_access(self.settings, dept)
        producer = make_producer(access, self.options, client_id=f"onething-adapter-{dept}")
        await producer.start()
        self._producers.append(producer)
        ledgers = await load_ledgers(access, [self.topics.department(dept)], default_codec(),
                                     producer)  # fmt: skip
        self.processors[dept] = self._build(router, ledgers[dept])
        consumer = make_consumer(access, self.groups[dept])
        runner = AdapterRunner([self.processors[dept]], consumer, producer, self.options)
        self.runners[dept] = runner
        await runner.start()

    def _build(self, router: DepartmentRouter[Any], ledger: Ledger) -> TaskProcessor:
        dept = router.department
        binding = bind_all_regions(router, self.catalog)
        metrics = AdapterMetrics(dept)
        processor = TaskProcessor(
            binding,
            self._guarded(router, binding.systems, metrics),
            self.topics.department(dept),
            self.options,
            codec=default_codec(),
            ledger=ledger,
            metrics=metrics,
            source=f"/onething/adapters/{dept}",
            sealer=sealer_for(self.settings, dept),
        )
        log().info(
            "adapter_built",
            department=dept,
            items=len(binding.routes),
            ledger=len(ledger),
            backend=self.options.backend,
            group=self.groups[dept],
        )
        return processor

    def _guarded(
        self, router: DepartmentRouter[Any], names: Iterable[str], metrics: AdapterMetrics
    ) -> dict[str, DepartmentSystem]:
        """The department's systems, each behind its own circuit breaker."""
        systems: dict[str, DepartmentSystem] = {}
        for name in names:
            inner = self.systems[(router.department, name)] = self.system_factory(router, name)
            breaker = CircuitBreaker(
                name, self.options.breaker_failures, self.options.breaker_reset_s
            )
            systems[name] = GuardedSystem(inner, breaker, metrics)
        return systems

    async def _serve(self, stop: asyncio.Event, ready: asyncio.Event | None) -> None:
        signal = asyncio.create_task(self._signal_ready(ready))
        try:
            await asyncio.gather(*(runner.run(stop) for runner in self.runners.values()))
        finally:
            signal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await signal

    async def _signal_ready(self, ready: asyncio.Event | None) -> None:
        """Ready once every department's consumer has its partitions."""
        if ready is None:
            return
        await asyncio.gather(*(runner.assigned.wait() for runner in self.runners.values()))
        log().info("adapters_ready", departments=len(self.processors), groups=len(self.groups))
        ready.set()


async def run_adapters(
    settings: Settings,
    departments: Sequence[str] | None = None,
    *,
    simulator: SimulatorSettings | None = None,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event,
    options: AdapterSettings | None = None,
) -> None:
    """Run the adapters of ``departments`` (None: every department with items in the
    catalogue of ``settings.region``) with in-process simulators, until ``stop`` is set.

    ``ready`` is set once the host's consumer has its partitions. ``options`` (default: from
    ``ONETHING_ADAPTER_*``) can switch to the HTTP backend or report RECEIVED statuses.
    """
    catalog = load_catalog(settings.region)
    host = AdapterHost(
        settings,
        routers_for(catalog, departments),
        catalog=catalog,
        options=options,
        simulator=simulator,
    )
    await host.run(stop, ready)
