"""The reference simulator of a department system: in process, or behind `onething simulate`."""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter

from adapters.sdk.backend import ActReply, ActRequest, BackendRefusedError, TransientBackendError
from adapters.simulator.rules import act_rng, decide
from adapters.simulator.settings import SimulatorSettings
from topology.catalog import Catalog, Item, all_catalogs


def acts_of_every_region(served: Catalog) -> dict[tuple[str, str], Item]:
    """(bundle, item) -> item, the served catalogue first, then every regional overlay:
    the bus accepts applications from any region of the catalogue."""
    catalogs = [served, *(c for c in all_catalogs() if c.region != served.region)]
    acts: dict[tuple[str, str], Item] = {}
    for catalog in catalogs:
        for bundle in catalog.bundles:
            for item in bundle.items:
                acts.setdefault((bundle.code, item.code), item)
    return acts


class SimulatedTimeoutError(TransientBackendError):
    """The simulated system did not answer in time."""


class ReferenceSimulator:
    """A DepartmentSystem that decides like a department would, from a seeded RNG.

    It deduplicates on the idempotency key: a repeated call answers the recorded reply and
    ``acts`` counts only the acts actually performed.
    """

    def __init__(self, department: str, settings: SimulatorSettings, catalog: Catalog) -> None:
        self.department, self.settings, self.catalog = department, settings, catalog
        self.calls = 0
        self.acts = 0
        self._replies: dict[str, ActReply] = {}
        self._calls_per_key: Counter[str] = Counter()
        self._started: dict[str, float] = {}
        self._items = acts_of_every_region(catalog)

    @property
    def name(self) -> str:
        return self.department

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        self.calls += 1
        self._calls_per_key[idempotency_key] += 1
        await self._latency(request, idempotency_key)
        self._fail_maybe(request, idempotency_key)
        recorded = self._replies.get(idempotency_key)
        if recorded is not None:
            return recorded
        reply = self._decide(request, idempotency_key)
        if reply.decision != "in_progress":
            self._replies[idempotency_key] = reply
            self.acts += 1
        return reply

    async def aclose(self) -> None:
        return None

    def item(self, request: ActRequest) -> Item:
        item = self._items.get((request.bundle, request.act))
        if item is None:
            raise BackendRefusedError(
                f"{self.department} does not perform {request.bundle}/{request.act}"
            )
        return item

    def _decide(self, request: ActRequest, key: str) -> ActReply:
        item = self.item(request)
        if key not in self._started:
            reply = decide(request, item, self.catalog, self.settings)
            if reply.decision == "in_progress":
                self._started[key] = time.monotonic()
            return reply
        if time.monotonic() - self._started[key] < self.settings.in_progress_s:
            return ActReply(
                decision="in_progress", reason="审核中", poll_after_s=self.settings.in_progress_s
            )
        return decide(request, item, self.catalog, self.settings, allow_in_progress=False)

    async def _latency(self, request: ActRequest, key: str) -> None:
        if self.settings.latency_ms <= 0:
            return
        rng = act_rng(self.settings, request, f"latency{self._calls_per_key[key]}")
        median = self.settings.latency_ms / 1000
        await asyncio.sleep(median * math.exp(self.settings.latency_sigma * rng.gauss(0, 1)))

    def _fail_maybe(self, request: ActRequest, key: str) -> None:
        settings = self.settings
        if settings.transient_failure_rate <= 0 and settings.timeout_rate <= 0:
            return
        throw = act_rng(settings, request, f"failure{self._calls_per_key[key]}").random()
        if throw < settings.transient_failure_rate:
            raise TransientBackendError(f"{self.department} answered 503 (simulated)")
        if throw < settings.transient_failure_rate + settings.timeout_rate:
            raise SimulatedTimeoutError(f"{self.department} timed out (simulated)")
