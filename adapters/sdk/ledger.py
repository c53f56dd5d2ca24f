"""The idempotency record: task attempt → its final result, and cancelled tasks.

Held in memory while the adapter runs, and read at start from two topics: the department's
results topic, whose final results carry the attempt they answer in a ``LEDGER_KEY`` header
(no second record per task; kept as long as the results, 7 days), and the compacted ledger
topic, which holds cancellations (a result found there is loaded too, and keeps protecting
its task).
"""

from __future__ import annotations

from datetime import datetime

from adapters.sdk.messages import LEDGER_KEY, Outgoing
from topology.codec import Codec, CodecError
from topology.events import ItemTaskCancelled

CANCELLED = "cancelled"


def ledger_key(case_id: str, item_code: str, attempt: int | str) -> str:
    return f"{case_id}|{item_code}|{attempt}"


class Ledger:
    """Results recorded per task attempt; a duplicate task gets its recorded result again.
    ``published`` says whether this process delivered it already (for the logs and metrics)."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._results: dict[str, bytes] = {}
        self._published: set[str] = set()
        self._cancelled: dict[tuple[str, str], datetime] = {}

    def __len__(self) -> int:
        return len(self._results)

    def load(self, key: bytes | None, value: bytes | None, codec: Codec) -> None:
        """Apply one record of the ledger topic, read from the beginning at start."""
        if key is None:
            return
        text = key.decode()
        if value is None:
            self._results.pop(text, None)
        elif text.endswith(f"|{CANCELLED}"):
            try:
                self._note_cancel(codec.decode_as(value, ItemTaskCancelled, topic=self.topic))
            except CodecError:
                return  # a record we cannot read protects nothing; the task topic decides
        else:
            self._results[text] = value

    def load_result(self, key: str | None, value: bytes | None) -> None:
        """Apply one record of the results topic: a final result tagged with its attempt."""
        if key is not None and value is not None:
            self._results[key] = value

    def lookup(self, key: str) -> tuple[bytes | None, bool]:
        """The recorded result of a task attempt, and whether this process delivered it."""
        return self._results.get(key), key in self._published

    def mark_published(self, key: str) -> None:
        self._published.add(key)

    def record(self, result: Outgoing, key: str) -> Outgoing:
        """A final result of attempt ``key``: remembered, and tagged to be found at start."""
        assert result.value is not None  # noqa: S101 - status events always have a body
        self._results[key] = result.value
        self._published.add(key)
        return result.with_header(LEDGER_KEY, key.encode())

    def cancel(self, event: ItemTaskCancelled, value: bytes) -> Outgoing:
        self._note_cancel(event)
        key = ledger_key(event.case_id, event.item_code, CANCELLED)
        return Outgoing(self.topic, value, key.encode())

    def cancelled(self, case_id: str, item_code: str, dispatched_at: datetime) -> bool:
        """Whether the task was called off after it was dispatched."""
        at = self._cancelled.get((case_id, item_code))
        return at is not None and at >= dispatched_at

    def _note_cancel(self, event: ItemTaskCancelled) -> None:
        previous = self._cancelled.get((event.case_id, event.item_code))
        if previous is None or previous < event.occurred_at:
            self._cancelled[(event.case_id, event.item_code)] = event.occurred_at
