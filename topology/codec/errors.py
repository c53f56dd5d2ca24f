"""Typed codec errors; each names where the bad bytes came from (topic, partition, offset)."""

from __future__ import annotations

from typing import TypedDict


class Where(TypedDict):
    """Where the bytes came from, for error messages and log context."""

    topic: str
    partition: int
    offset: int


class CodecError(Exception):
    """Something could not be encoded or decoded; ``cause`` says why."""

    summary = "codec error"

    def __init__(self, cause: str, *, topic: str = "?", partition: int = -1, offset: int = -1):
        self.cause, self.topic, self.partition, self.offset = cause, topic, partition, offset
        super().__init__(
            f"{self.summary} (topic={topic}, partition={partition}, offset={offset}): {cause}"
        )


class NotSingleObjectEncoded(CodecError):  # noqa: N818 - the names are the API
    """The bytes lack the Avro single-object header (``C3 01`` + 8-byte fingerprint)."""

    summary = "not Avro single-object encoded"


class UnknownFingerprint(CodecError):  # noqa: N818 - the names are the API
    """The writer schema's fingerprint is in neither ``avro/`` nor ``avro/history/``."""

    summary = "unknown writer schema"


class SchemaMismatch(CodecError):  # noqa: N818 - the names are the API
    """The writer schema cannot be read as the expected record or under the reader schema."""

    summary = "schema mismatch"


class InvalidEvent(CodecError):  # noqa: N818 - the names are the API
    """The event or the body breaks its schema or its model's validation."""

    summary = "invalid event"


class InvalidHeaders(CodecError):  # noqa: N818 - the names are the API
    """Kafka headers that are not a CloudEvents binary-mode message."""

    summary = "invalid CloudEvents headers"
