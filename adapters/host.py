"""Run department adapters in one event loop: what `onething adapter run`, the demo and the
benchmark call. One consumer group per department, one shared idempotent producer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from adapters.discovery import installed_adapters
from adapters.regions import bind_all_regions
from adapters.sdk.backend import DepartmentSystem
from adapters.sdk.guarded import GuardedSystem
from adapters.sdk.http import HttpDepartmentSystem
from adapters.sdk.kafka import load_ledger, make_consumer, make_producer
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


class AdapterHost:
    """Builds and runs the adapters of several departments; ``runners``/``systems`` are
    exposed for tests and the benchmark."""

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
        self.settings, self.routers, self.catalog = settings, list(routers), catalog
        self.options = options or AdapterSettings()
        self.simulator = simulator or SimulatorSettings()
        self.system_factory = system_factory or self._default_system
        self.topics = Topics(settings.topic_prefix)
        self.runners: dict[str, AdapterRunner] = {}
        self.systems: dict[tuple[str, str], DepartmentSystem] = {}

    def _default_system(self, router: DepartmentRouter[Any], name: str) -> DepartmentSystem:
        if self.options.backend == "http":
            return HttpDepartmentSystem.from_settings(name, self.options)
        factory = router.simulator_for(name) or ReferenceSimulator
        return factory(name, self.simulator, self.catalog)

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Run until ``stop``; then finish the batches in hand, commit and close."""
        producer = make_producer(self.settings.kafka_bootstrap, self.options)
        await producer.start()
        try:
            for router in self.routers:
                self.runners[router.department] = await self._build(router, producer)
            await asyncio.gather(*(r.start() for r in self.runners.values()))
            await self._run_all(stop, ready)
        finally:
            for runner in self.runners.values():
                await runner.close()
            await producer.stop()
            for system in self.systems.values():
                await system.aclose()

    async def _build(self, router: DepartmentRouter[Any], producer: Any) -> AdapterRunner:
        dept, codec = router.department, default_codec()
        binding = bind_all_regions(router, self.catalog)
        topics = self.topics.department(dept)
        metrics = AdapterMetrics(dept)
        systems: dict[str, DepartmentSystem] = {}
        for name in binding.systems:
            inner = self.systems[(dept, name)] = self.system_factory(router, name)
            breaker = CircuitBreaker(
                name, self.options.breaker_failures, self.options.breaker_reset_s
            )
            systems[name] = GuardedSystem(inner, breaker, metrics)
        ledger = await load_ledger(self.settings.kafka_bootstrap, topics.ledger, codec, producer)
        processor = TaskProcessor(
            binding,
            systems,
            topics,
            self.options,
            codec=codec,
            ledger=ledger,
            metrics=metrics,
            source=f"/onething/adapters/{dept}",
        )
        consumer = make_consumer(
            self.settings.kafka_bootstrap, f"{self.settings.topic_prefix}.adapter.{dept}"
        )
        log().info(
            "adapter_built",
            department=dept,
            items=len(binding.routes),
            ledger=len(ledger),
            backend=self.options.backend,
        )
        return AdapterRunner(processor, consumer, producer, topics, self.options)

    async def _run_all(self, stop: asyncio.Event, ready: asyncio.Event | None) -> None:
        halt = asyncio.Event()
        watch = asyncio.create_task(_relay(stop, halt))
        signal = asyncio.create_task(self._signal_ready(ready))
        tasks = [asyncio.create_task(r.run(halt)) for r in self.runners.values()]
        try:
            for done in asyncio.as_completed(tasks):
                try:
                    await done
                except Exception:
                    halt.set()  # one adapter failed: stop the others gracefully, then raise
                    await asyncio.gather(*tasks, return_exceptions=True)
                    raise
        finally:
            for task in (watch, signal):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _signal_ready(self, ready: asyncio.Event | None) -> None:
        if ready is None:
            return
        await asyncio.gather(*(r.assigned.wait() for r in self.runners.values()))
        log().info("adapters_ready", departments=len(self.runners))
        ready.set()


async def _relay(stop: asyncio.Event, halt: asyncio.Event) -> None:
    await stop.wait()
    halt.set()


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

    ``ready`` is set once every consumer has its partitions. ``options`` (default: from
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
