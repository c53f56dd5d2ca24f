"""The full demo: the whole bus on the local broker, every national bundle and every path."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from rich.live import Live

from adapters.host import run_adapters
from adapters.simulator.settings import SimulatorSettings
from deploy.acls_admin import remove_bus_acls
from deploy.applicant import ApplicantPortal
from deploy.demo_view import Summary, progress, summarise
from deploy.observer import Observer
from deploy.scenarios import SLOW_DEPARTMENT, Scenario, demo_scenarios
from deploy.streams_cli import print_case
from deploy.supervisor import Supervisor, bus_components
from deploy.topics_admin import delete_prefix
from deploy.topics_cli import plan_and_apply
from streams.issuance.signing import load_public_key, verify
from topology.catalog import load_catalog
from topology.events import (
    ApplicationAccepted,
    BundleCompleted,
    CommitmentAccepted,
    MaterialRef,
    Rating,
    SupplementRequested,
)
from topology.kafka_access import kafka_access
from topology.sealing import sealer_for
from topology.settings import Settings
from topology.topics import Topics


def departments_of(scenarios: list[Scenario]) -> set[str]:
    found = set()
    for scenario in scenarios:
        app = scenario.application
        bundle = load_catalog(app.region).bundle(app.bundle_code)
        found |= {item.department for item in bundle.items}
    return found


@contextlib.asynccontextmanager
async def running_bus(
    settings: Settings, departments: set[str], keep_topics: bool = False
) -> AsyncIterator[Supervisor]:
    """Topics applied, streams and certificate workers started, adapters serving; then stop."""
    await plan_and_apply(kafka_access(settings, "admin"), settings, dry_run=False)
    supervisor = Supervisor(settings, bus_components(adapters=False))
    stop = asyncio.Event()
    fast, slow = asyncio.Event(), asyncio.Event()
    late = SimulatorSettings(latency_ms=13_000, latency_sigma=0.0)
    adapters = [
        asyncio.create_task(run_adapters(settings, sorted(departments - {SLOW_DEPARTMENT}),
                                         ready=fast, stop=stop)),
        asyncio.create_task(run_adapters(settings, [SLOW_DEPARTMENT], simulator=late,
                                         ready=slow, stop=stop)),
    ]  # fmt: skip
    supervisor.start()
    try:
        await supervisor.wait_ready()
        await adapters_ready(adapters, [fast, slow])
        yield supervisor
    finally:
        stop.set()
        await asyncio.gather(*adapters, return_exceptions=True)
        supervisor.stop()
        if not keep_topics:
            await _delete_topics(settings)


async def _delete_topics(settings: Settings) -> None:
    """The run's topics, and the ACLs that named them."""
    access = kafka_access(settings, "admin")
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        await delete_prefix(admin, settings.topic_prefix)
    finally:
        await admin.close()
    await remove_bus_acls(access, Topics(settings.topic_prefix))


async def adapters_ready(
    tasks: list[asyncio.Task[None]], ready: list[asyncio.Event], within_s: float = 90.0
) -> None:
    """Wait for every adapter host to be ready; an adapter host that dies says why."""
    waiting: asyncio.Future[Any] = asyncio.ensure_future(
        asyncio.gather(*(event.wait() for event in ready))
    )
    pending: list[asyncio.Future[Any]] = [waiting, *tasks]
    done, _ = await asyncio.wait(pending, timeout=within_s, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        if task in done:
            waiting.cancel()
            raise RuntimeError(f"an adapter host stopped while starting: {task.exception()!r}")
    if waiting not in done:
        waiting.cancel()
        raise TimeoutError(f"adapters not ready after {within_s:g}s")


@dataclass
class Driver:
    """Plays the applicants: submits, answers supplement requests, delivers promises, rates."""

    portal: ApplicantPortal
    scenarios: dict[str, Scenario]
    submitted: dict[str, float] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)

    async def submit_all(self) -> None:
        for case_id, scenario in self.scenarios.items():
            await self.portal.submit(scenario.application)
            self.submitted[case_id] = time.monotonic()
        await self.portal.flush()

    async def react(self, observer: Observer) -> None:
        for case_id, case in list(observer.seen.cases.items()):
            scenario = self.scenarios.get(case_id)
            if scenario is None:
                continue
            for _, event in case.events:
                key = f"{case_id}:{event.event_id}"
                if key not in self.done:
                    self.done.add(key)
                    await self._answer(scenario, event)
        await self.portal.flush()

    async def _answer(self, scenario: Scenario, event: object) -> None:
        app = scenario.application
        if isinstance(event, SupplementRequested) and scenario.answers_supplements:
            fresh = tuple(_fresh(app.case_id, s.code) for s in event.supplements)
            await self.portal.supplement(app.case_id, fresh)
        elif isinstance(event, CommitmentAccepted) and scenario.delivers_promised:
            await self.portal.supplement(app.case_id, (_fresh(app.case_id, event.material_code),))
        elif isinstance(event, BundleCompleted) and scenario.rates:
            await self.portal.rate(app.case_id, Rating.VERY_SATISFIED)
        elif isinstance(event, ApplicationAccepted) and scenario.withdraws:
            await self.portal.withdraw(app.case_id, "申请人不再需要办理")


def _fresh(case_id: str, code: str) -> MaterialRef:
    digest = uuid.uuid5(uuid.NAMESPACE_URL, f"{case_id}/{code}/v2").hex * 2
    return MaterialRef(material_code=code, uri=f"store://materials/{case_id}/{code}/v2",
                       sha256=digest, version=2)  # fmt: skip


async def run_demo(
    settings: Settings, console: Console, within_s: float = 120.0, keep_topics: bool = False
) -> bool:
    """Run every scenario; True when each ended as expected with its certificates verified."""
    run = f"demo{uuid.uuid4().hex[:6]}"
    settings = settings.model_copy(update={"topic_prefix": f"{settings.topic_prefix}-{run}"})
    scenarios = {s.application.case_id: s for s in demo_scenarios(run)}
    departments = departments_of(list(scenarios.values()))
    topics = Topics(settings.topic_prefix)
    async with running_bus(settings, departments, keep_topics) as supervisor:
        # The observer reads what the demo shows (tasks included) as the launcher does.
        observer = Observer(kafka_access(settings, "admin"), topics, sorted(departments))
        portal = ApplicantPortal(
            kafka_access(settings, "portal"), topics, sealer_for(settings, "portal"),
            settings.producer_linger_ms,
        )  # fmt: skip
        await observer.start()
        await portal.start()
        try:
            driver = Driver(portal, scenarios)
            await _drive(driver, observer, console, within_s)
            return await _report(driver, observer, settings, console, supervisor)
        finally:
            await portal.stop()
            await observer.stop()


async def _drive(driver: Driver, observer: Observer, console: Console, within_s: float) -> None:
    began = time.monotonic()
    await driver.submit_all()
    with Live(console=console, refresh_per_second=4, transient=False) as live:
        while time.monotonic() - began < within_s:
            await driver.react(observer)
            live.update(progress(observer.seen, len(driver.scenarios), time.monotonic() - began))
            if observer.seen.finished(driver.scenarios) and _certified(observer, driver):
                break
            await asyncio.sleep(0.2)


def _certified(observer: Observer, driver: Driver) -> bool:
    """Every completed case has every certificate its completion named."""
    for case_id in driver.scenarios:
        for _, event in observer.seen.cases[case_id].events:
            if isinstance(event, BundleCompleted) and any(
                (case_id, t) not in observer.seen.certificates for t in event.certificate_types
            ):
                return False
    return True


async def _report(
    driver: Driver, observer: Observer, settings: Settings, console: Console,
    supervisor: Supervisor,
) -> bool:  # fmt: skip
    seen = observer.seen
    key = load_public_key(settings.state_dir / "keys" / "issuer-ed25519.pub.pem")
    verified = sum(verify(event, key) is None for event in seen.certificate_events)
    applications = [s.application for s in driver.scenarios.values()]
    summary: Summary = summarise(seen, driver.submitted, applications, verified)
    console.print(summary.table())
    failures = [
        f"{s.title}: expected {s.expect}, ended {seen.cases[case_id].phase}"
        for case_id, s in driver.scenarios.items()
        if seen.cases[case_id].phase != s.expect
    ]
    if summary.verified != summary.certificates or summary.duplicates:
        failures.append("certificates did not all verify, or one was issued twice")
    await _show_timeline(driver, settings, console)
    for failure in failures:
        console.print(f"[red]✗[/] {failure}")
    supervisor.check_alive()
    return not failures


async def _show_timeline(driver: Driver, settings: Settings, console: Console) -> None:
    case_id = next(c for c, s in driver.scenarios.items() if s.answers_supplements)
    url = f"http://127.0.0.1:{settings.streams_web_port}/cases/{case_id}/"
    async with httpx.AsyncClient(timeout=5.0) as client:
        response = await client.get(url)
    if response.status_code == 200:
        print_case(response.json())
    else:
        console.print(f"[red]case view {url} answered {response.status_code}[/]")
