"""Sending a portal can answer for: every record is acknowledged by the broker, or sent again.

aiokafka's ``send`` only queues a record; its delivery result arrives later on a future
that nobody has to look at. While a broker is killed, a batch for a partition whose leader
was on it can expire (``request_timeout_ms``) before the leader moves, and a producer that
never reads its futures has lost those applications without a word: the chaos storm lost
two cases this way. Sending again is safe, because an application is known by its case id
and the case agent answers a second copy with the same acceptance (streams/README rule 6).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka.errors import KafkaError


class Producer(Protocol):
    """The part of aiokafka's producer this needs."""

    async def send(
        self, topic: str, value: bytes | None = None, key: bytes | None = None, *,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> asyncio.Future[Any]: ...  # fmt: skip

    async def flush(self) -> None: ...


@dataclass(frozen=True)
class Outgoing:
    """One record as it is sent."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: Sequence[tuple[str, bytes]] = ()


class DeliveryFailedError(RuntimeError):
    """Some records were not acknowledged after every attempt."""

    def __init__(self, failures: Sequence[tuple[Outgoing, BaseException]], attempts: int) -> None:
        self.failures = tuple(failures)
        topics = sorted({record.topic for record, _ in failures})
        cause = type(failures[-1][1]).__name__
        super().__init__(
            f"{len(failures)} record(s) to {', '.join(topics)} were not acknowledged after "
            f"{attempts} attempts (last: {cause}). Fix: check that the brokers are up "
            "(onething broker status) and send them again; a resent application is harmless"
        )


@dataclass
class _Attempt:
    record: Outgoing
    number: int


@dataclass
class ConfirmedSender:
    """Sends through ``producer`` and keeps each record until the broker acknowledged it; a
    record whose delivery failed is sent again, up to ``attempts`` times in all."""

    producer: Producer
    attempts: int = 10
    backoff_s: float = 1.0
    resent: int = 0
    """Records sent more than once (what the chaos report calls the portal's retries)."""
    _pending: dict[asyncio.Future[Any], _Attempt] = field(default_factory=dict)
    _failed: list[tuple[_Attempt, BaseException]] = field(default_factory=list)
    _given_up: list[tuple[Outgoing, BaseException]] = field(default_factory=list)

    async def send(self, record: Outgoing) -> None:
        """Queue ``record`` (and again any record whose delivery has failed since)."""
        await self._retry_failed()
        await self._send(_Attempt(record, 1))

    async def flush(self) -> None:
        """Until every record sent is acknowledged or given up; raises ``DeliveryFailedError``
        naming the records given up."""
        while True:
            await self.producer.flush()
            if self._pending:
                await asyncio.wait(list(self._pending))
            if not self._failed:
                break
            await asyncio.sleep(self.backoff_s)
            await self._retry_failed()
        if self._given_up:
            given_up, self._given_up = self._given_up, []
            raise DeliveryFailedError(given_up, self.attempts)

    async def _retry_failed(self) -> None:
        failed, self._failed = self._failed, []
        for attempt, _ in failed:
            self.resent += 1
            await self._send(_Attempt(attempt.record, attempt.number + 1))

    async def _send(self, attempt: _Attempt) -> None:
        record = attempt.record
        try:
            future = await self.producer.send(
                record.topic, record.value, key=record.key, headers=list(record.headers)
            )
        except KafkaError as error:  # no metadata in time, or the buffer stayed full
            self._failed_attempt(attempt, error)
            return
        self._pending[future] = attempt
        future.add_done_callback(self._settled)

    def _settled(self, future: asyncio.Future[Any]) -> None:
        attempt = self._pending.pop(future)
        if future.cancelled():
            self._failed_attempt(attempt, asyncio.CancelledError())
        elif (error := future.exception()) is not None:
            self._failed_attempt(attempt, error)

    def _failed_attempt(self, attempt: _Attempt, error: BaseException) -> None:
        if attempt.number >= self.attempts:
            self._given_up.append((attempt.record, error))
        else:
            self._failed.append((attempt, error))
