"""Records out of the adapter, and the headers it adds to consumed records for retries and
dead letters (where a task first arrived, when it is due again)."""

from __future__ import annotations

from dataclasses import dataclass

from topology.dead_letters import ERROR_HEADER_PREFIX, dead_letter_headers
from topology.records import ConsumedRecord, Headers

RETRY_LEVEL = "onething.retry.level"
RETRY_DUE_MS = "onething.retry.due_ms"
POLLS = "onething.retry.polls"
ORIGIN_TOPIC = "onething.origin.topic"
ORIGIN_PARTITION = "onething.origin.partition"
ORIGIN_OFFSET = "onething.origin.offset"
LEDGER_KEY = "onething.ledger.key"
"""On a task attempt's final result: the attempt (case|item|attempt) it answers. The results
topic, read at start, is the ledger of answers (streams ignore the header)."""
_OURS = (RETRY_LEVEL, RETRY_DUE_MS, POLLS, ORIGIN_TOPIC, ORIGIN_PARTITION, ORIGIN_OFFSET)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One record to produce."""

    topic: str
    value: bytes | None
    key: bytes | None = None
    headers: Headers = ()

    def with_header(self, name: str, value: bytes) -> Outgoing:
        return Outgoing(self.topic, self.value, self.key, (*self.headers, (name, value)))


def origin(record: ConsumedRecord) -> tuple[str, int, int]:
    """Where the task first arrived: the task topic, even when read from a retry topic."""
    topic = record.header(ORIGIN_TOPIC)
    if topic is None:
        return record.topic, record.partition, record.offset
    return topic, record.header_int(ORIGIN_PARTITION, -1), record.header_int(ORIGIN_OFFSET, -1)


def due_ms(record: ConsumedRecord) -> int:
    """When a record of a retry topic is due (epoch ms); 0 for a task never retried."""
    return record.header_int(RETRY_DUE_MS)


def passthrough_headers(record: ConsumedRecord) -> list[tuple[str, bytes]]:
    """The record's headers without the ones the adapter adds (they are written afresh)."""
    return [
        (k, v)
        for k, v in record.headers
        if k not in _OURS and not k.startswith(ERROR_HEADER_PREFIX)
    ]


def retry_record(
    record: ConsumedRecord, topic: str, level: int, due: int, polls: int = 0
) -> Outgoing:
    """The task again, on a retry topic, with where it came from and when it is due."""
    origin_topic, partition, offset = origin(record)
    headers = [
        *passthrough_headers(record),
        (ORIGIN_TOPIC, origin_topic.encode()),
        (ORIGIN_PARTITION, str(partition).encode()),
        (ORIGIN_OFFSET, str(offset).encode()),
        (RETRY_LEVEL, str(level).encode()),
        (RETRY_DUE_MS, str(due).encode()),
        (POLLS, str(polls).encode()),
    ]
    return Outgoing(topic, record.value, record.key, headers)


def dead_letter(
    record: ConsumedRecord, dlq: str, error: BaseException, reason: str | None = None
) -> Outgoing:
    """The record as received, with Kafka Connect's ``__connect.errors.*`` headers naming
    where the task first arrived and why it failed (personal data masked)."""
    headers = dead_letter_headers(passthrough_headers(record), origin(record), error, reason)
    return Outgoing(dlq, record.value, record.key, headers)
