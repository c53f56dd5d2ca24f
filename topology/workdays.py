"""Working-day calendar for 办结时限: statutory limits count working days, not calendar days.

The deployment configures holidays and make-up working days (调休). A compressed calendar
(``day_seconds``) makes one working day last a few seconds, for demos and tests that must see
a deadline pass without waiting a week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
_END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class DeadlineMarks:
    """When to warn, when the limit falls due, and when to escalate (督办)."""

    warning_at: datetime
    due_at: datetime
    escalate_at: datetime


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, and how to add working days to an instant."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    day_seconds: float | None = None

    @classmethod
    def build(
        cls,
        holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        day_seconds: float | None = None,
    ) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(extra_workdays), day_seconds)

    def today(self, now: datetime) -> date:
        """The calendar date in China at ``now``."""
        return now.astimezone(CHINA_TZ).date()

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_workdays(self, start: datetime, days: float) -> datetime:
        """The end of the ``days``-th working day after ``start`` (aware datetimes only)."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if self.day_seconds is not None:
            return start + timedelta(seconds=self.day_seconds * days)
        return _end_of_workday(self, start.astimezone(CHINA_TZ).date(), int(days))

    def marks(
        self, start: datetime, limit_days: int, paused: timedelta = timedelta()
    ) -> DeadlineMarks:
        """Warning one working day before the limit, escalation one working day after.

        Time spent waiting for the applicant (补正) is ``paused`` and pushes every mark."""
        due = self.add_workdays(start, limit_days) + paused
        warning = self.add_workdays(start, max(limit_days - 1, limit_days * 0.8)) + paused
        escalate = self.add_workdays(due, 1)
        return DeadlineMarks(min(warning, due), due, escalate)


@lru_cache(maxsize=8192)
def _end_of_workday(calendar: WorkCalendar, start: date, whole: int) -> datetime:
    """The end of the ``whole``-th working day after ``start``: a walk day by day, so cached
    (every case's every clock asks it again on each change of the case)."""
    day, counted = start, 0
    while counted < whole:
        day += timedelta(days=1)
        counted += calendar.is_workday(day)
    return datetime.combine(day, _END_OF_DAY, tzinfo=CHINA_TZ).astimezone(UTC)
