"""Working-day arithmetic for statutory time limits."""

from datetime import UTC, date, datetime, timedelta

import pytest

from topology.workdays import CHINA_TZ, WorkCalendar

pytestmark = pytest.mark.unit

FRIDAY_NOON = datetime(2026, 11, 20, 12, 0, tzinfo=CHINA_TZ)


def test_weekends_do_not_count():
    due = WorkCalendar().add_workdays(FRIDAY_NOON, 1)
    assert due.astimezone(CHINA_TZ).date() == date(2026, 11, 23)  # Monday


def test_holidays_skip_and_make_up_days_count():
    calendar = WorkCalendar.build(
        holidays=[date(2026, 11, 23)], extra_workdays=[date(2026, 11, 22)]
    )
    due = calendar.add_workdays(FRIDAY_NOON, 2)
    assert due.astimezone(CHINA_TZ).date() == date(2026, 11, 24)  # Sun (调休), then Tue


def test_marks_are_ordered_and_pause_pushes_them():
    calendar = WorkCalendar()
    plain = calendar.marks(FRIDAY_NOON, 5)
    assert plain.warning_at < plain.due_at < plain.escalate_at
    paused = calendar.marks(FRIDAY_NOON, 5, paused=timedelta(hours=30))
    assert paused.due_at - plain.due_at == timedelta(hours=30)


def test_compressed_calendar_for_demos():
    calendar = WorkCalendar(day_seconds=2.0)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert calendar.add_workdays(start, 3) == start + timedelta(seconds=6)
    marks = calendar.marks(start, 5)
    assert marks.due_at == start + timedelta(seconds=10)
    assert marks.warning_at == start + timedelta(seconds=8)
    assert marks.escalate_at == start + timedelta(seconds=12)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        WorkCalendar().add_workdays(datetime(2026, 1, 1), 1)  # noqa: DTZ001
