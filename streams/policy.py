"""What a transition needs besides the state and the event: time, calendar, windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from streams.intake import CatalogLoader
from topology.catalog import load_catalog
from topology.workdays import WorkCalendar


@dataclass(frozen=True)
class Policy:
    """Deployment choices the case machine follows."""

    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    supplement_window: timedelta = timedelta(seconds=2)
    """Supplement requests arriving within this window are merged into one (一次反馈)."""
    supplement_due: timedelta = timedelta(days=15)
    loader: CatalogLoader = load_catalog


@dataclass
class Step:
    """One transition's context and what it emits; the machine appends, the processor sends."""

    now: datetime
    policy: Policy
    outbox: list[object] = field(default_factory=list)

    def emit(self, event: object) -> None:
        self.outbox.append(event)
