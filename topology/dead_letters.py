"""Dead-letter headers in Kafka Connect's names, so existing tooling reads them."""

from __future__ import annotations


def error_headers(
    topic: str, partition: int, offset: int, error: BaseException, reason: str | None = None
) -> list[tuple[str, bytes]]:
    """Headers naming where a message came from and why it could not be processed."""
    message = reason or str(error)
    return [
        ("__connect.errors.topic", topic.encode()),
        ("__connect.errors.partition", str(partition).encode()),
        ("__connect.errors.offset", str(offset).encode()),
        ("__connect.errors.exception.class.name", type(error).__qualname__.encode()),
        ("__connect.errors.exception.message", message.encode()[:4000]),
    ]
