"""Item events: a task sent to a department (单项事) and what the department reports back."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from topology.events._base import Attempt, Code, Event, Timestamp
from topology.events._parts import MaterialRef, Sealed, SupplementNeed


class ItemStatus(StrEnum):
    """Where an item stands in its department."""

    RECEIVED = "RECEIVED"
    IN_PROGRESS = "IN_PROGRESS"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SUPPLEMENT_REQUIRED = "SUPPLEMENT_REQUIRED"


class ItemTaskDispatched(Event):
    """An item's task went to its department with only the data that item needs (按需共享)."""

    bundle_code: Code = Field(description="Catalogue code of the bundle.")
    item_code: Code = Field(description="Catalogue code of the item (单项事).")
    department: Code = Field(description="The department that performs the item.")
    attempt: Attempt = Field(default=1, description="Dispatch attempt, from 1; bumps on 补正.")
    fields: dict[str, str] = Field(
        default_factory=dict, description="The minimised form: only this item's field codes."
    )
    materials: tuple[MaterialRef, ...] = Field(
        default=(), description="References to the materials this item needs."
    )
    prerequisite_outputs: dict[str, str] = Field(
        default_factory=dict,
        description="Outputs of prerequisite items (前置事项), as item.output → value.",
    )
    deadline: Timestamp = Field(description="When the item must be done (办结时限).")
    sealed: dict[str, Sealed] = Field(
        default_factory=dict,
        description="Sealed to its department, in groups: form (this item's personal fields) "
        "and prerequisites (the personal prerequisite outputs it declares, item.output); "
        "they are not in `fields` or `prerequisite_outputs`.",
    )


class ItemTaskCancelled(Event):
    """An item's task was called off, e.g. the bundle was withdrawn or rejected."""

    item_code: Code = Field(description="Catalogue code of the item.")
    department: Code = Field(description="The department that had the task.")
    reason: str = Field(description="Why the task was cancelled.")


class ItemStatusReported(Event):
    """A department reported where an item stands, with its outputs or what it needs."""

    item_code: Code = Field(description="Catalogue code of the item.")
    department: Code = Field(description="The reporting department.")
    attempt: Attempt = Field(default=1, description="The dispatch attempt this report answers.")
    status: ItemStatus = Field(description="Where the item stands.")
    outputs: dict[str, str] = Field(
        default_factory=dict, description="Output name → value; set when APPROVED."
    )
    reason: str | None = Field(
        default=None, description="Why, when REJECTED or SUPPLEMENT_REQUIRED; else null."
    )
    supplements: tuple[SupplementNeed, ...] = Field(
        default=(), description="What must be supplied or corrected, when SUPPLEMENT_REQUIRED."
    )
    handled_at: Timestamp = Field(description="When the department system recorded the status.")
    sealed: dict[str, Sealed] = Field(
        default_factory=dict,
        description="outputs: the personal outputs sealed to streams as one group; they are "
        "not in `outputs`.",
    )
