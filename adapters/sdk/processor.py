"""The heart of an adapter, free of Kafka: one consumed record in, the records to produce out.

Decoding, validation, idempotency, the handler call with retries, results, retry topics and
dead letters all happen here; the Kafka runner and the in-memory test harness share it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import structlog

from adapters.sdk.backend import BackendError, DepartmentSystem
from adapters.sdk.ledger import Ledger, ledger_key
from adapters.sdk.log import log
from adapters.sdk.messages import POLLS, Outgoing, dead_letter
from adapters.sdk.metrics import AdapterMetrics
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.resilience import backoff_s
from adapters.sdk.results import check_outcome, status_event
from adapters.sdk.retrying import RetryPlanner
from adapters.sdk.router import Binding, Route
from adapters.sdk.settings import AdapterSettings
from adapters.sdk.task import ItemTask
from topology.catalog import Item
from topology.codec import Codec, CodecError, cloudevent_headers
from topology.events import (
    Event,
    ItemStatus,
    ItemStatusReported,
    ItemTaskCancelled,
    ItemTaskDispatched,
)
from topology.records import ConsumedRecord
from topology.sealing import (
    FORM,
    OUTPUTS,
    PREREQUISITES,
    MemoryKeyStore,
    Sealer,
    SealError,
    open_group,
    seal_group,
    unknown_groups,
)
from topology.topics import DepartmentTopics


class UnroutableTaskError(LookupError):
    """A task this adapter must not or cannot handle (wrong department, no handler)."""


class TaskProcessor:
    """Processes the records of one department's task and retry topics."""

    def __init__(
        self,
        binding: Binding,
        systems: Mapping[str, DepartmentSystem],
        topics: DepartmentTopics,
        settings: AdapterSettings,
        *,
        codec: Codec,
        ledger: Ledger,
        metrics: AdapterMetrics,
        source: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self.binding, self.topics, self.settings = binding, topics, settings
        self.sealer = sealer or Sealer(MemoryKeyStore(), binding.department)
        self.codec, self.ledger, self.metrics, self.clock = codec, ledger, metrics, clock
        self.department, self.source = binding.department, source
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self.retries = RetryPlanner(topics, settings)
        self._backends = {
            code: route.backend(systems[route.system]) for code, route in binding.routes.items()
        }
        self._inflight: dict[str, asyncio.Future[None]] = {}

    async def process(self, record: ConsumedRecord) -> list[Outgoing]:
        """The records to produce for ``record``; never raises for a bad record."""
        self.metrics.count("received")
        with structlog.contextvars.bound_contextvars(
            department=self.department,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        ):
            try:
                event = self.codec.decode(
                    record.value or b"",
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                )
            except CodecError as error:
                return self._dead(record, error, f"undecodable task: {error}")
            if isinstance(event, ItemTaskCancelled):
                return self._cancel(event, record)
            if not isinstance(event, ItemTaskDispatched):
                return self._dead(
                    record,
                    UnroutableTaskError(type(event).__name__),
                    f"{event.avro_name} does not belong on a task topic",
                )
            with structlog.contextvars.bound_contextvars(
                case_id=event.case_id, item=event.item_code
            ):
                return await self._task(event, record)

    async def _task(self, event: ItemTaskDispatched, record: ConsumedRecord) -> list[Outgoing]:
        route = self.binding.routes.get(event.item_code)
        if event.department != self.department or route is None:
            why = (
                f"task for department {event.department}"
                if route is not None
                else f"no handler for item {event.item_code}"
            )
            return self._dead(record, UnroutableTaskError(why), f"{self.department} adapter: {why}")
        if self.ledger.cancelled(event.case_id, event.item_code, event.occurred_at):
            self.metrics.count("cancelled")
            log().info("task_cancelled_skipped")
            return []
        key = ledger_key(event.case_id, event.item_code, event.attempt)
        replay = await self._replay(key, event)
        if replay is not None:
            return replay
        try:
            opened = self._opened(event)
        except SealError as error:
            return self._dead(record, error, f"{self.department} adapter: {error}")
        future = self._inflight[key] = asyncio.get_running_loop().create_future()
        try:
            return await self._run(route, self._task_of(opened), record, key)
        finally:
            del self._inflight[key]
            future.set_result(None)

    async def _replay(self, key: str, event: ItemTaskDispatched) -> list[Outgoing] | None:
        """A duplicate of a task attempt: its recorded result again (same event id), never a
        second backend call. Always re-sent: the bus re-sends a task when a crash may have
        lost its state, and then needs the answer again; it drops copies by event id."""
        if key in self._inflight:
            await self._inflight[key]
        recorded, published = self.ledger.lookup(key)
        if recorded is None:
            return None
        self.metrics.count("duplicates")
        log().debug("task_duplicate", first_time_published=not published)
        self.ledger.mark_published(key)
        result = self.codec.decode(recorded, topic=self.ledger.topic)
        return [self._out(result.case_id, recorded, result)]

    async def _run(
        self, route: Route, task: ItemTask, record: ConsumedRecord, key: str
    ) -> list[Outgoing]:
        polls = record.header_int(POLLS)
        try:
            outcome = await self._call(route, task)
            known = (task.bundle_code, task.item_code) in self.binding.items
            check_outcome(outcome, task.item, known=known)
        except BackendError as error:
            if error.transient:
                return self._retry(record, error)
            return self._failed(record, error)
        except Exception as error:  # noqa: BLE001 - a handler bug must not stop the adapter
            return self._failed(record, error)
        out = self._statuses(task, outcome, first=polls == 0)
        if outcome.final:
            self.metrics.count("succeeded")
            out[-1] = self.ledger.record(out[-1], key)
            log().debug("task_done", status=outcome.status.value)
        elif outcome.poll_after_s is not None:
            poll = self.retries.poll(record, outcome.poll_after_s)
            out += (
                [poll]
                if poll
                else self._dead(
                    record,
                    TimeoutError("still in progress"),
                    f"still in progress after {polls} polls",
                )
            )
        return out

    async def _call(self, route: Route, task: ItemTask) -> ItemOutcome:
        """The handler, retried in place with backoff while the backend fails transiently."""
        backend = self._backends[task.item_code]
        for attempt in range(self.settings.backend_attempts):
            try:
                return await route.handler(task, backend)
            except BackendError as error:
                last = attempt + 1 == self.settings.backend_attempts
                if not error.transient or last or not self._still_wanted(task):
                    raise
                log().info("backend_retry", attempt=attempt + 1, error=type(error).__name__)
                await asyncio.sleep(
                    backoff_s(
                        attempt, self.settings.backoff_base_s, self.settings.backoff_max_s, self.rng
                    )
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def _still_wanted(self, task: ItemTask) -> bool:
        return not self.ledger.cancelled(task.case_id, task.item_code, task.event.occurred_at)

    def _statuses(self, task: ItemTask, outcome: ItemOutcome, *, first: bool) -> list[Outgoing]:
        statuses = [outcome.status]
        if self.settings.report_received and first:
            statuses.insert(0, ItemStatus.RECEIVED)
        if not outcome.final and not first:
            return []  # IN_PROGRESS was reported on the first ask; polls add nothing
        now = self.clock()
        out = []
        for status in statuses:
            event = self._sealed_outputs(task, status_event(task.event, outcome, status, now))
            out.append(self._out(task.case_id, self.codec.encode(event), event))
        return out

    def _sealed_outputs(self, task: ItemTask, event: ItemStatusReported) -> ItemStatusReported:
        """The report with the outputs the catalogue marks personal sealed to streams."""
        personal = {spec.code for spec in task.item.outputs if spec.personal}
        if not personal & set(event.outputs):
            return event
        private = {code: value for code, value in event.outputs.items() if code in personal}
        clear = {code: value for code, value in event.outputs.items() if code not in personal}
        sealed = seal_group(self.sealer, private, "streams", event.case_id, event.item_code,
                            OUTPUTS)  # fmt: skip
        return event.model_copy(update={"outputs": clear, "sealed": {OUTPUTS: sealed}})

    def _out(self, case_id: str, value: bytes, event: Event) -> Outgoing:
        headers = cloudevent_headers(event, source=self.source, codec=self.codec)
        return Outgoing(self.topics.results, value, case_id.encode(), headers)

    def _opened(self, event: ItemTaskDispatched) -> ItemTaskDispatched:
        """The task with its sealed fields opened, for the handler only (never logged, never
        put back on Kafka: results carry no form values)."""
        if not event.sealed:
            return event
        if unknown := unknown_groups(event.sealed, FORM, PREREQUISITES):
            raise SealError(f"{unknown}: not a group of a task (form, prerequisites)")
        form, outputs = (
            open_group(self.sealer, event.sealed[key], event.case_id, event.item_code, key)
            if key in event.sealed else {}
            for key in (FORM, PREREQUISITES)
        )  # fmt: skip
        return event.model_copy(update={
            "fields": {**event.fields, **form},
            "prerequisite_outputs": {**event.prerequisite_outputs, **outputs},
            "sealed": {},
        })  # fmt: skip

    def _task_of(self, event: ItemTaskDispatched) -> ItemTask:
        item = self.binding.items.get((event.bundle_code, event.item_code))
        if item is None:  # not in this catalogue: an adapter ahead of the catalogue
            item = Item(
                code=event.item_code,
                name=event.item_code,
                department=event.department,
                time_limit_days=1,
            )
        return ItemTask(event, item)

    def _cancel(self, event: ItemTaskCancelled, record: ConsumedRecord) -> list[Outgoing]:
        self.metrics.count("cancelled")
        log().info("task_cancelled", case_id=event.case_id, item=event.item_code)
        return [self.ledger.cancel(event, record.value or b"")]

    def _retry(self, record: ConsumedRecord, error: BackendError) -> list[Outgoing]:
        again = self.retries.again(record)
        if again is None:
            return self._dead(record, error, f"retries exhausted: {error}")
        self.metrics.count("retried")
        log().info("task_retry_scheduled", topic=again.topic, error=type(error).__name__)
        return [again]

    def _failed(self, record: ConsumedRecord, error: BaseException) -> list[Outgoing]:
        self.metrics.count("failed")
        return self._dead(record, error)

    def _dead(
        self, record: ConsumedRecord, error: BaseException, reason: str | None = None
    ) -> list[Outgoing]:
        self.metrics.count("dead_lettered")
        log().warning("task_dead_lettered", error=type(error).__name__)
        return [dead_letter(record, self.topics.dlq, error, reason)]
