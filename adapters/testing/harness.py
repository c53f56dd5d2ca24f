"""An adapter without Kafka: the same TaskProcessor, records fed in by hand, output kept.

What FastStream's in-memory test broker is to a FastStream app: fast tests of handlers,
idempotency and dead-lettering. The integration tests run the same processor on Kafka.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from adapters.sdk.backend import ActReply, ActRequest, DepartmentSystem
from adapters.sdk.guarded import GuardedSystem
from adapters.sdk.ledger import Ledger
from adapters.sdk.messages import LEDGER_KEY, Outgoing
from adapters.sdk.metrics import AdapterMetrics
from adapters.sdk.processor import TaskProcessor
from adapters.sdk.resilience import CircuitBreaker
from adapters.sdk.router import DepartmentRouter
from adapters.sdk.settings import AdapterSettings
from adapters.simulator import ReferenceSimulator, SimulatorSettings
from topology.catalog import Catalog, load_catalog
from topology.codec import Codec, default_codec
from topology.events import Event, ItemStatusReported
from topology.records import ConsumedRecord, Headers
from topology.sealing import OUTPUTS, MemoryKeyStore, Sealer, open_group
from topology.topics import Topics


class CountingSystem:
    """Counts calls per idempotency key on the way to the real (or simulated) system."""

    def __init__(self, inner: DepartmentSystem) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.requests: list[ActRequest] = []
        """What the system was asked, in order (the task's fields as the handler sent them)."""

    @property
    def name(self) -> str:
        return self.inner.name

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        self.calls[idempotency_key] += 1
        self.requests.append(request)
        return await self.inner.submit(request, idempotency_key=idempotency_key)

    async def aclose(self) -> None:
        await self.inner.aclose()


class InMemoryAdapter:
    """One department's adapter fed by hand; ``produced`` is everything it would publish."""

    def __init__(
        self,
        router: DepartmentRouter[Any],
        *,
        catalog: Catalog | None = None,
        simulator: SimulatorSettings | None = None,
        options: AdapterSettings | None = None,
        codec: Codec | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self.router, self.catalog = router, catalog or load_catalog()
        self.sealer = sealer or Sealer(MemoryKeyStore(), router.department)
        self.options = options or AdapterSettings(backoff_base_s=0.0)
        self.codec = codec or default_codec()
        self.binding = router.bind(self.catalog)
        self.topics = Topics("mem").department(router.department)
        settings = simulator or SimulatorSettings()
        self.systems = {
            name: CountingSystem(
                (router.simulator_for(name) or ReferenceSimulator)(name, settings, self.catalog)
            )
            for name in self.binding.systems
        }
        self.produced: list[Outgoing] = []
        self._offsets: Counter[str] = Counter()
        self.processor = self._processor(Ledger(self.topics.ledger))

    def _processor(self, ledger: Ledger) -> TaskProcessor:
        self.metrics = AdapterMetrics(self.router.department)
        guarded = {
            name: GuardedSystem(system, CircuitBreaker(name), self.metrics)
            for name, system in self.systems.items()
        }
        return TaskProcessor(
            self.binding,
            guarded,
            self.topics,
            self.options,
            codec=self.codec,
            ledger=ledger,
            metrics=self.metrics,
            source="/onething/test",
            sealer=self.sealer,
        )

    def restart(self) -> None:
        """A new process: the ledger is re-read from the ledger and results topics."""
        ledger = Ledger(self.topics.ledger)
        for out in self.produced:
            if out.topic == self.topics.ledger:
                ledger.load(out.key, out.value, self.codec)
            elif out.topic == self.topics.results:
                tagged = ConsumedRecord(out.topic, 0, 0, out.key, out.value, out.headers)
                ledger.load_result(tagged.header(LEDGER_KEY), out.value)
        self.processor = self._processor(ledger)

    async def send(
        self, message: Event | bytes, *, topic: str | None = None, headers: Headers = ()
    ) -> list[Outgoing]:
        """Deliver one record (an event, or raw bytes) and keep what the adapter produces."""
        topic = topic or self.topics.tasks
        value = message if isinstance(message, bytes) else self.codec.encode(message)
        key = message.case_id.encode() if isinstance(message, Event) else None
        record = ConsumedRecord(topic, 0, self._offsets[topic], key, value, tuple(headers))
        self._offsets[topic] += 1
        out = await self.processor.process(record)
        self.produced.extend(out)
        return out

    def on(self, topic: str) -> list[Outgoing]:
        return [out for out in self.produced if out.topic == topic]

    def results(self) -> list[ItemStatusReported]:
        return [
            self.codec.decode_as(out.value or b"", ItemStatusReported)
            for out in self.on(self.topics.results)
        ]

    def outputs_of(self, result: ItemStatusReported) -> dict[str, str]:
        """A result's outputs as streams reads them: the clear ones and the sealed ones
        opened (the in-memory key store holds every principal's key)."""
        if OUTPUTS not in result.sealed:
            return dict(result.outputs)
        streams = Sealer(self.sealer.keys, "streams")
        opened = open_group(streams, result.sealed[OUTPUTS], result.case_id, result.item_code,
                            OUTPUTS)  # fmt: skip
        return {**result.outputs, **opened}

    def backend_calls(self, idempotency_key: str) -> int:
        return sum(system.calls[idempotency_key] for system in self.systems.values())
