"""Where a case that never finished stands: the items dispatched and not answered finally."""

from __future__ import annotations

from datetime import UTC, datetime

from deploy.observer import Observation
from topology.events import ItemStatus, ItemStatusReported, ItemTaskDispatched, derive_event_id

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _task(item: str, department: str, attempt: int = 1) -> ItemTaskDispatched:
    return ItemTaskDispatched(
        event_id=derive_event_id("c1", f"task:{item}:{attempt}"), case_id="c1", occurred_at=NOW,
        bundle_code="newborn_birth", item_code=item, department=department, attempt=attempt,
        deadline=NOW,
    )  # fmt: skip


def _report(item: str, department: str, status: ItemStatus) -> ItemStatusReported:
    return ItemStatusReported(
        event_id=derive_event_id("c1", f"status:{item}:{status.value}"), case_id="c1",
        occurred_at=NOW, item_code=item, department=department, status=status, handled_at=NOW,
    )  # fmt: skip


def test_open_items_are_those_without_a_final_answer() -> None:
    seen = Observation()
    events = (
        _task("birth_certificate", "health"),
        _task("household_registration", "public_security"),
        _task("medical_insurance", "medical_insurance"),
        _report("birth_certificate", "health", ItemStatus.APPROVED),
        _report("household_registration", "public_security", ItemStatus.IN_PROGRESS),
        _task("social_security_card", "human_resources", attempt=2),
    )
    for event in events:
        seen.record(event, at=0.0)
    assert seen.cases["c1"].open_items() == [
        "household_registration@public_security:in_progress",
        "medical_insurance@medical_insurance:dispatched#1",
        "social_security_card@human_resources:dispatched#2",
    ]
