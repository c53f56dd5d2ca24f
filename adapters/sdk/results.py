"""Turning an outcome into the ItemStatusReported event the bus joins on."""

from __future__ import annotations

from datetime import datetime

from adapters.sdk.outcome import ItemOutcome
from topology.catalog import Item
from topology.events import ItemStatus, ItemStatusReported, ItemTaskDispatched, derive_event_id


class InvalidOutcomeError(ValueError):
    """A handler returned something the bus cannot accept (a bug in the handler)."""


def check_outcome(outcome: ItemOutcome, item: Item, *, known: bool) -> None:
    """Approvals carry exactly the catalogue item's outputs (any extra ones are typos)."""
    if outcome.status is not ItemStatus.APPROVED:
        return
    wanted = {spec.code for spec in item.outputs}
    missing = sorted(wanted - set(outcome.outputs))
    extra = sorted(set(outcome.outputs) - wanted) if known else []
    empty = sorted(code for code, value in outcome.outputs.items() if not value)
    if missing or extra or empty:
        raise InvalidOutcomeError(
            f"approval of {item.code}: missing outputs {missing}, unknown "
            f"outputs {extra}, empty outputs {empty}"
        )


def status_event(
    task: ItemTaskDispatched, outcome: ItemOutcome, status: ItemStatus, now: datetime
) -> ItemStatusReported:
    """The status report; its id is deterministic, so a redelivery reports the same event."""
    final = status == outcome.status
    return ItemStatusReported(
        event_id=derive_event_id(
            task.case_id, f"result:{task.item_code}:{task.attempt}:{status.value}"
        ),
        case_id=task.case_id,
        occurred_at=now,
        item_code=task.item_code,
        department=task.department,
        attempt=task.attempt,
        status=status,
        outputs=dict(outcome.outputs) if final else {},
        reason=outcome.reason if final else None,
        supplements=outcome.supplements if final else (),
        handled_at=now,
    )
