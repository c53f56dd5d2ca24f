"""Bundle events: deadlines (办结时限) and how a case ends (办结, 不予办理, 撤回)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from topology.events._base import Code, Event, Sha256Hex, Timestamp
from topology.events._parts import ItemResult


class DeadlineScope(StrEnum):
    """Whether a deadline is one item's or the whole bundle's."""

    ITEM = "ITEM"
    BUNDLE = "BUNDLE"


class DeadlineLevel(StrEnum):
    """How far past its time limit a case is: warned, overdue, escalated (督办)."""

    WARNING = "WARNING"
    OVERDUE = "OVERDUE"
    ESCALATED = "ESCALATED"


class Requester(StrEnum):
    """Who asked for a withdrawal."""

    APPLICANT = "APPLICANT"
    LEAD_DEPARTMENT = "LEAD_DEPARTMENT"
    SYSTEM = "SYSTEM"


class DeadlineReached(Event):
    """A time limit (办结时限) was approached or passed."""

    scope: DeadlineScope = Field(description="Item or bundle.")
    item_code: Code | None = Field(default=None, description="The item, when scope is ITEM.")
    department: Code | None = Field(default=None, description="Its department, for ITEM scope.")
    level: DeadlineLevel = Field(description="Warning, overdue or escalated (督办).")
    due_at: Timestamp = Field(description="The time limit concerned.")


class BundleCompleted(Event):
    """Every chosen item is done (办结); results go out together (统一出件), certificates next."""

    bundle_code: Code = Field(description="Catalogue code of the bundle.")
    results: tuple[ItemResult, ...] = Field(description="Every item's outputs.")
    certificate_types: tuple[Code, ...] = Field(
        default=(), description="Certificate types (电子证照) now due for issuance."
    )
    partial: bool = Field(
        default=False, description="True when completed without every item, by consent."
    )
    holder_ref: Sha256Hex | None = Field(
        default=None,
        description="HMAC-SHA256 (hex) of the applicant's id number under the bus's holder "
        "key, for the certificates; never the clear id, nor a bare hash of it. "
        "never the clear id. Null from v1 writers.",
    )


class BundleRejected(Event):
    """An item was refused, so the bundle cannot be completed (不予办理)."""

    bundle_code: Code = Field(description="Catalogue code of the bundle.")
    item_code: Code = Field(description="The item that was refused.")
    department: Code = Field(description="The department that refused it.")
    reason: str = Field(description="The department's reason.")


class WithdrawalRequested(Event):
    """The applicant asks to withdraw the case (申请撤回). A request, not a fact: the case
    agent checks it against the case and, while the case is not finished, withdraws it and
    publishes BundleWithdrawn."""

    reason: str = Field(description="Why the applicant withdraws, in their words.")


class BundleWithdrawn(Event):
    """The case was withdrawn (撤回); open item tasks get cancelled. Published only by the
    case agent, after it accepted a WithdrawalRequested."""

    bundle_code: Code = Field(description="Catalogue code of the bundle.")
    reason: str = Field(description="Why the case was withdrawn.")
    requested_by: Requester = Field(description="Who asked for the withdrawal.")


class CaseTimerFired(Event):
    """A case's own wake-up: the timer asks the case to check its clocks (办结时限, 容缺 dates,
    the 一次反馈 merge window). Internal to the bus; carries no personal data."""

    due_at: Timestamp | None = Field(
        default=None, description="The instant the case asked to be woken at, if known."
    )


class CaseErasureRequested(Event):
    """An operator asks that a finished case's personal data be erased now (个人信息删除),
    ahead of the retention period. A request: the case agent erases only a finished case."""

    reason: str = Field(description="Why, for the audit trail (no personal data).")
    requested_by: Code = Field(description="The operator or service that asked.")


class CaseErased(Event):
    """A finished case was reduced to what audit needs: its form, materials, item outputs
    and holder pseudonym are gone; phase, items, times and timeline remain."""

    reason: str = Field(description="On request (with its reason) or at the end of retention.")
