"""Supplement (一次反馈 / 补正) and commitment (容缺 + 告知承诺) events."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from topology.events._base import Code, Event, Record
from topology.events._parts import MaterialRef, Sealed, SupplementProblem


class RequestedSupplement(Record):
    """One entry of the consolidated request: which department needs what."""

    item_code: Code = Field(description="The item that needs it.")
    department: Code = Field(description="The department that asked.")
    code: Code = Field(description="The material code or form field code concerned.")
    problem: SupplementProblem = Field(description="Missing, invalid or expired.")
    message: str = Field(description="What the applicant should do.")


class SupplementRequested(Event):
    """One consolidated request covering every department (一次反馈); the clock pauses."""

    supplements: tuple[RequestedSupplement, ...] = Field(
        min_length=1, description="Everything every department needs, at once."
    )
    due_date: date = Field(description="The date by which the applicant should answer.")


class SupplementProvided(Event):
    """The applicant answered a supplement request; the clock resumes."""

    form_updates: dict[str, str] = Field(
        default_factory=dict, description="Form field code → corrected value."
    )
    materials: tuple[MaterialRef, ...] = Field(
        default=(), description="New or newer materials, each with its version."
    )
    sealed: dict[str, Sealed] = Field(
        default_factory=dict,
        description="form: the corrected personal values sealed to streams as one group; "
        "they are not in `form_updates`.",
    )


class CommitmentAccepted(Event):
    """Processing goes on without a material, on the applicant's written promise (容缺)."""

    material_code: Code = Field(description="The material promised.")
    due_date: date = Field(description="The date by which it is promised.")
    dependent_items: tuple[Code, ...] = Field(
        default=(), description="Items that went ahead on the promise."
    )


class CommitmentFulfilled(Event):
    """The promised material arrived in time."""

    material_code: Code = Field(description="The material promised.")
    due_date: date = Field(description="The date by which it was promised.")
    dependent_items: tuple[Code, ...] = Field(
        default=(), description="Items that went ahead on the promise."
    )
    material: MaterialRef | None = Field(
        default=None, description="The material delivered, when delivered through the bus."
    )


class CommitmentOverdue(Event):
    """The promise was broken: dependent items face revocation (撤销) and post-check."""

    material_code: Code = Field(description="The material promised.")
    due_date: date = Field(description="The date by which it was promised.")
    dependent_items: tuple[Code, ...] = Field(
        default=(), description="Items that went ahead on the promise."
    )
