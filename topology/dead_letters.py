"""Dead letters, built one way for every consumer of the bus: the record as received, with
Kafka Connect's ``__connect.errors.*`` headers (so existing tooling reads them) and a reason
from which personal data is masked."""

from __future__ import annotations

from collections.abc import Iterable

from topology.logs import mask_text

ERROR_HEADER_PREFIX = "__connect.errors."
_MAX_REASON_BYTES = 4000


def dead_letter_reason(error: BaseException, reason: str | None = None) -> str:
    """What the reason header says: never a personal number in clear."""
    return mask_text(reason or str(error) or type(error).__name__)


def error_headers(
    topic: str, partition: int, offset: int, error: BaseException, reason: str | None = None
) -> list[tuple[str, bytes]]:
    """Headers naming where a message came from and why it could not be processed."""
    message = dead_letter_reason(error, reason)
    return [
        (f"{ERROR_HEADER_PREFIX}topic", topic.encode()),
        (f"{ERROR_HEADER_PREFIX}partition", str(partition).encode()),
        (f"{ERROR_HEADER_PREFIX}offset", str(offset).encode()),
        (f"{ERROR_HEADER_PREFIX}exception.class.name", type(error).__qualname__.encode()),
        (f"{ERROR_HEADER_PREFIX}exception.message", message.encode()[:_MAX_REASON_BYTES]),
    ]


def dead_letter_headers(
    passthrough: Iterable[tuple[str, bytes]], origin: tuple[str, int, int],
    error: BaseException, reason: str | None = None,
) -> list[tuple[str, bytes]]:  # fmt: skip
    """The headers of a dead letter: the record's own (earlier error headers dropped), then
    where it first arrived (topic, partition, offset) and why it failed."""
    kept = [(k, v) for k, v in passthrough if not k.startswith(ERROR_HEADER_PREFIX)]
    return [*kept, *error_headers(*origin, error, reason)]
