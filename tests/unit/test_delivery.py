"""The portal's sender: a record whose delivery fails is sent again until acknowledged.

The producer here is a fake of aiokafka's queue-then-acknowledge contract only (what a
broker answers is decided by the test); how Kafka itself fails a batch is exercised by
`onething chaos` and tests/e2e/test_chaos.py on real brokers.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, NotLeaderForPartitionError

from deploy.delivery import ConfirmedSender, DeliveryFailedError, Outgoing


class _Broker:
    """Answers each send from a script of outcomes per key (None: acknowledged)."""

    def __init__(self, script: dict[bytes, list[BaseException | None]]) -> None:
        self.script = script
        self.sent: list[bytes] = []
        self.acked: list[bytes] = []
        self._open: list[tuple[asyncio.Future[Any], BaseException | None, bytes]] = []

    async def send(
        self, topic: str, value: bytes | None = None, key: bytes | None = None, *,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> asyncio.Future[Any]:  # fmt: skip
        assert key is not None
        self.sent.append(key)
        outcome = self.script.get(key, [None]).pop(0) if self.script.get(key) else None
        if isinstance(outcome, KafkaTimeoutError) and key.startswith(b"nometa"):
            raise outcome
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._open.append((future, outcome, key))
        return future

    async def flush(self) -> None:
        opened, self._open = self._open, []
        for future, outcome, key in opened:
            if outcome is None:
                self.acked.append(key)
                future.set_result(None)
            else:
                future.set_exception(outcome)
        await asyncio.sleep(0)


def _record(key: str) -> Outgoing:
    return Outgoing("apps", b"v", key.encode(), (("ce_id", b"1"),))


async def test_a_record_whose_batch_expired_is_sent_again_until_acknowledged() -> None:
    broker = _Broker({b"b": [KafkaTimeoutError(), NotLeaderForPartitionError()]})
    sender = ConfirmedSender(broker, backoff_s=0)
    for key in ("a", "b", "c"):
        await sender.send(_record(key))
    await sender.flush()
    assert sorted(broker.acked) == [b"a", b"b", b"c"]
    assert broker.sent.count(b"b") == 3
    assert sender.resent == 2


async def test_a_failure_seen_before_the_next_send_is_retried_with_it() -> None:
    broker = _Broker({b"a": [KafkaTimeoutError()]})
    sender = ConfirmedSender(broker, backoff_s=0)
    await sender.send(_record("a"))
    await broker.flush()  # the batch expires while the portal keeps sending
    await asyncio.sleep(0)
    await sender.send(_record("b"))
    assert broker.sent == [b"a", b"a", b"b"]
    await sender.flush()
    assert sorted(broker.acked) == [b"a", b"b"]


async def test_a_send_refused_before_queueing_is_retried() -> None:
    broker = _Broker({b"nometa": [KafkaTimeoutError()]})
    sender = ConfirmedSender(broker, backoff_s=0)
    await sender.send(_record("nometa"))
    await sender.flush()
    assert broker.acked == [b"nometa"]


async def test_after_every_attempt_the_failure_names_the_topic_and_the_fix() -> None:
    broker = _Broker({b"a": [KafkaTimeoutError()] * 3})
    sender = ConfirmedSender(broker, attempts=3, backoff_s=0)
    await sender.send(_record("a"))
    await sender.send(_record("b"))
    with pytest.raises(DeliveryFailedError) as failed:
        await sender.flush()
    assert broker.sent.count(b"a") == 3
    assert broker.acked == [b"b"]
    assert [record.key for record, _ in failed.value.failures] == [b"a"]
    message = str(failed.value)
    assert "to apps" in message
    assert "KafkaTimeoutError" in message
    assert "onething broker status" in message
