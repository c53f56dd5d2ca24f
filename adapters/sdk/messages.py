"""Records in and out of the adapter, and the headers it adds for retries and dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from topology.dead_letters import error_headers
from topology.logs import mask_text

Headers = Sequence[tuple[str, bytes]]
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
class Incoming:
    """One consumed record, whatever the transport."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name and value is not None:
                return value.decode("utf-8", "replace")
        return None

    def header_int(self, name: str, default: int = 0) -> int:
        text = self.header(name)
        return int(text) if text is not None and text.lstrip("-").isdigit() else default

    @property
    def origin(self) -> tuple[str, int, int]:
        """Where the task first arrived: the task topic, even when read from a retry topic."""
        topic = self.header(ORIGIN_TOPIC)
        if topic is None:
            return self.topic, self.partition, self.offset
        return topic, self.header_int(ORIGIN_PARTITION, -1), self.header_int(ORIGIN_OFFSET, -1)

    @property
    def due_ms(self) -> int:
        return self.header_int(RETRY_DUE_MS)

    def passthrough_headers(self) -> list[tuple[str, bytes]]:
        return [
            (k, v)
            for k, v in self.headers
            if k not in _OURS and not k.startswith("__connect.errors.")
        ]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One record to produce."""

    topic: str
    value: bytes | None
    key: bytes | None = None
    headers: Headers = ()

    def with_header(self, name: str, value: bytes) -> Outgoing:
        return Outgoing(self.topic, self.value, self.key, (*self.headers, (name, value)))


def retry_record(record: Incoming, topic: str, level: int, due_ms: int, polls: int = 0) -> Outgoing:
    """The task again, on a retry topic, with where it came from and when it is due."""
    origin_topic, partition, offset = record.origin
    headers = [
        *record.passthrough_headers(),
        (ORIGIN_TOPIC, origin_topic.encode()),
        (ORIGIN_PARTITION, str(partition).encode()),
        (ORIGIN_OFFSET, str(offset).encode()),
        (RETRY_LEVEL, str(level).encode()),
        (RETRY_DUE_MS, str(due_ms).encode()),
        (POLLS, str(polls).encode()),
    ]
    return Outgoing(topic, record.value, record.key, headers)


def dead_letter(
    record: Incoming, dlq: str, error: BaseException, reason: str | None = None
) -> Outgoing:
    """The record as received, with Kafka Connect's ``__connect.errors.*`` headers."""
    topic, partition, offset = record.origin
    message = mask_text(reason or str(error) or type(error).__name__)
    headers = [
        *record.passthrough_headers(),
        *error_headers(topic, partition, offset, error, reason=message),
    ]
    return Outgoing(dlq, record.value, record.key, headers)
