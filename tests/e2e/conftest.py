"""One whole bus for the e2e tests: its own topic prefix, streams and certificate workers as
processes, every department's adapter in-process, except one left for tests to play."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.host import run_adapters
from deploy.applicant import ApplicantPortal
from deploy.broker.probe import free_port
from deploy.observer import Observer
from deploy.supervisor import Supervisor, bus_components
from deploy.topics_cli import plan_and_apply
from topology.catalog import load_catalog
from topology.kafka_access import kafka_access
from topology.sealing import sealer_for
from topology.settings import Settings
from topology.topics import Topics

SILENT_DEPARTMENT = "fire_rescue"
"""No adapter runs for it: its items are never answered, so their deadlines pass."""


@dataclass
class Bus:
    settings: Settings
    topics: Topics
    supervisor: Supervisor
    observer: Observer
    portal: ApplicantPortal

    async def wait(self, condition, within_s: float = 30.0, what: str = "condition") -> None:
        if not await self.observer.wait_for(condition, within_s):
            raise AssertionError(f"not within {within_s:g}s: {what}")


@pytest.fixture(scope="session")
async def bus(kafka_bootstrap, client_properties, tmp_path_factory) -> AsyncIterator[Bus]:
    prefix = f"e2e{uuid.uuid4().hex[:8]}"
    settings = Settings(
        kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix, workday_seconds=1.0,
        supplement_window_s=1.0, streams_web_port=free_port(),
        state_dir=tmp_path_factory.mktemp("state"), kafka_client_properties=client_properties,
    )  # fmt: skip
    topics = Topics(prefix)
    await plan_and_apply(kafka_access(settings, "admin"), settings, dry_run=False)
    departments = sorted(
        {item.department for b in load_catalog().bundles for item in b.items} - {SILENT_DEPARTMENT}
    )
    supervisor = Supervisor(settings, bus_components(adapters=False))
    stop, ready = asyncio.Event(), asyncio.Event()
    adapters = asyncio.create_task(run_adapters(settings, departments, ready=ready, stop=stop))
    supervisor.start()
    observer = Observer(kafka_access(settings, "admin"), topics, [*departments, SILENT_DEPARTMENT])
    portal = ApplicantPortal(
        kafka_access(settings, "portal"), topics, sealer_for(settings, "portal")
    )
    try:
        await supervisor.wait_ready()
        await asyncio.wait_for(ready.wait(), 60)
        await observer.start()
        await portal.start()
        yield Bus(settings, topics, supervisor, observer, portal)
    finally:
        stop.set()
        await asyncio.gather(adapters, return_exceptions=True)
        await portal.stop()
        await observer.stop()
        supervisor.stop()
