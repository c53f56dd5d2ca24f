"""One consumed Kafka record, as both sides of the bus see it (streams and adapters alike)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class ConsumedRecord:
    """One consumed record, whatever the client that read it (Faust or aiokafka)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()

    def header_bytes(self, name: str) -> bytes | None:
        """The first header called ``name``, as sent."""
        for key, value in self.headers:
            if key == name and value is not None:
                return bytes(value)
        return None

    def header(self, name: str) -> str | None:
        """The first header called ``name``, decoded as UTF-8."""
        raw = self.header_bytes(name)
        return None if raw is None else raw.decode("utf-8", "replace")

    def header_int(self, name: str, default: int = 0) -> int:
        text = self.header(name)
        return int(text) if text is not None and text.lstrip("-").isdigit() else default
