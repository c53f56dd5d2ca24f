"""What a transition needs besides the state and the event: time, calendar, windows."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from streams.case.intake import CatalogLoader
from topology.catalog import load_catalog
from topology.events import Event
from topology.sealing import MemoryKeyStore, Sealer
from topology.workdays import WorkCalendar

Clock = Callable[[], datetime]
"""Where the runtime takes the time of each transition from; tests pass their own."""


def wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Policy:
    """Deployment choices the case machine follows."""

    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    supplement_window: timedelta = timedelta(seconds=2)
    """Supplement requests arriving within this window are merged into one (一次反馈)."""
    supplement_due: timedelta = timedelta(days=15)
    loader: CatalogLoader = load_catalog
    erase_after: timedelta | None = None
    """A finished case keeps its personal data this long, then the timer erases it (None:
    until an operator asks, ``onething case erase``)."""
    sealer: Sealer = field(default_factory=lambda: Sealer(MemoryKeyStore(), "streams"))
    """Opens what is sealed to streams, seals each department's personal fields to it.
    Workers use the deployment's key store; the in-memory default serves tests."""
    pseudonym_hash: Literal["sha256", "sm3"] = "sha256"
    """The HMAC of holder pseudonyms: SM3 with the national suite."""
    holder_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    """Key of the holder pseudonyms (``holder_ref``). Workers load the deployment's from the
    state directory, so every worker and restart names a holder the same way; the random
    default serves tests, which compare no pseudonym across processes."""


def _always(_case_id: str) -> bool:
    return True


@dataclass
class Step:
    """One transition's context and the events it emits; the machine appends, the runtime
    publishes every one of them."""

    now: datetime
    policy: Policy
    outbox: list[Event] = field(default_factory=list)
    may_reannounce: Callable[[str], bool] = _always
    """Whether a duplicate input for this case may re-announce its facts now; the runtime
    allows it once per case after each (re)assignment, when a crash may have lost output."""

    def emit(self, event: Event) -> None:
        self.outbox.append(event)
