"""The state of one case (办件), as the join table keeps it: plan pinned at intake, item runs,
supplements, commitments, deadlines and a timeline. Serialised as JSON in a Faust table."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from topology.events import (
    DeadlineLevel,
    MaterialRef,
    Problem,
    Rating,
    Sealed,
    SupplementProblem,
)

RECENT_INPUTS = 64
"""How many input event ids a case (or a certificate ledger) remembers to spot a redelivery.
Kafka redelivers what came after the last committed offset, a batch or two per partition,
so the same id comes back within a few inputs of the case, never dozens later."""


def remember_input(seen: list[str], event_id: str) -> bool:
    """Record an input event id in ``seen`` (kept to the last ``RECENT_INPUTS``); False when
    it was there already: a redelivery."""
    if event_id in seen:
        return False
    seen.append(event_id)
    del seen[:-RECENT_INPUTS]
    return True


class CasePhase(StrEnum):
    ACTIVE = "active"
    AWAITING_APPLICANT = "awaiting_applicant"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = {CasePhase.COMPLETED, CasePhase.REJECTED, CasePhase.WITHDRAWN, CasePhase.REFUSED}


class RunStatus(StrEnum):
    WAITING = "waiting"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    REJECTED = "rejected"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    CANCELLED = "cancelled"

    @property
    def in_flight(self) -> bool:
        return self in (RunStatus.DISPATCHED, RunStatus.IN_PROGRESS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlannedItem(_Model):
    """An item as the catalogue described it when the case was accepted (pinned); frozen, so
    cases accepted under the same catalogue can share one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    department: str
    prerequisites: list[str] = Field(default_factory=list)
    inputs: list[str] | None = None
    """The prerequisite outputs its task carries, as ``<item>.<output>``. None in a case
    pinned before the catalogue declared them: it keeps what it was accepted under (all)."""
    fields: list[str] = Field(default_factory=list)
    personal: list[str] = Field(default_factory=list)
    """Its fields the catalogue marks personal: sealed to its department in the task."""
    materials: list[str] = Field(default_factory=list)
    certificate_types: list[str] = Field(default_factory=list)
    time_limit_days: int
    optional: bool = False


class ItemRun(_Model):
    """Where one item of the case stands."""

    status: RunStatus = RunStatus.WAITING
    attempt: int = 0
    outputs: dict[str, str] = Field(default_factory=dict)
    sealed: dict[str, Sealed] = Field(default_factory=dict)
    """Its personal outputs, sealed to streams by the department, by place ``<item>.<output>``."""
    reason: str | None = None
    dispatched_at: datetime | None = None
    finished_at: datetime | None = None
    deadline_levels: list[DeadlineLevel] = Field(default_factory=list)


class PendingSupplement(_Model):
    item_code: str
    department: str
    code: str
    problem: SupplementProblem
    message: str


class CommitmentState(_Model):
    due_date: date
    dependent_items: list[str]
    fulfilled: bool = False
    overdue: bool = False


class TimelineEntry(_Model):
    at: datetime
    event: str
    item: str | None = None
    department: str | None = None
    detail: str = ""


class CaseState(_Model):
    """Everything the bus knows about one case; the single source for transitions."""

    case_id: str
    bundle_code: str
    bundle_name: str
    region: str
    catalogue_version: str
    catalogue_fingerprint: str
    lead_department: str
    time_limit_days: int
    independent: bool = False
    partial_consent: bool = False
    phase: CasePhase = CasePhase.ACTIVE
    submitted_at: datetime
    accepted_at: datetime | None = None
    finished_at: datetime | None = None
    applicant_ref: str = ""
    plan: dict[str, PlannedItem] = Field(default_factory=dict)
    runs: dict[str, ItemRun] = Field(default_factory=dict)
    form: dict[str, str] = Field(default_factory=dict)
    """The form's values that are not personal; personal ones are only in `sealed`."""
    sealed: dict[str, Sealed] = Field(default_factory=dict)
    """Personal values sealed to streams, by place (``form.<field>``): the changelog, the
    dead-letter copies and the operators' views never hold them in clear."""
    materials: dict[str, MaterialRef] = Field(default_factory=dict)
    pending: list[PendingSupplement] = Field(default_factory=list)
    window_until: datetime | None = None
    supplement_round: int = 0
    last_request: list[PendingSupplement] = Field(default_factory=list)
    paused_since: datetime | None = None
    paused_seconds: float = 0.0
    commitments: dict[str, CommitmentState] = Field(default_factory=dict)
    bundle_levels: list[DeadlineLevel] = Field(default_factory=list)
    refusal: list[Problem] = Field(default_factory=list)
    outcome_reason: str | None = None
    outcome_item: str | None = None
    rating: Rating | None = None
    rating_comment_given: bool = False
    erased_at: datetime | None = None
    """When the case's personal data was erased (it is finished for good then)."""
    erasure_reason: str | None = None
    seen: list[str] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)

    def note(self, at: datetime, event: str, item: str | None = None, detail: str = "") -> None:
        department = self.plan[item].department if item in self.plan else None
        self.timeline.append(
            TimelineEntry(at=at, event=event, item=item, department=department, detail=detail)
        )

    def remember(self, event_id: str) -> bool:
        """Record an input event id; False when it was seen already (a redelivery)."""
        return remember_input(self.seen, event_id)
