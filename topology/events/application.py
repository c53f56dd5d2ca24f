"""Intake events: the one application (一表申请) and its acceptance or refusal (一次告知)."""

from __future__ import annotations

from pydantic import Field

from topology.events._base import Code, Event, Record, Timestamp
from topology.events._parts import Applicant, Channel, Commitment, MaterialRef, Sealed


class ApplicationSubmitted(Event):
    """An applicant filed one merged application (一表申请) for a bundle (一件事)."""

    bundle_code: Code = Field(description="Catalogue code of the bundle (一件事).")
    catalogue_version: str = Field(min_length=1, description="Catalogue version applied for.")
    region: Code = Field(description="Region code where the application was filed.")
    channel: Channel = Field(description="Online, window, mobile, or proactive (免申即享).")
    applicant: Applicant = Field(description="Who applies.")
    form: dict[str, str] = Field(
        default_factory=dict, description="The merged form: field code → value (多表合一)."
    )
    item_codes: tuple[Code, ...] = Field(
        default=(), description="Items chosen (自主选择); empty means every item of the bundle."
    )
    situations: dict[str, str] = Field(
        default_factory=dict, description="Situation group → chosen option (情形选择)."
    )
    materials: tuple[MaterialRef, ...] = Field(
        default=(), description="Materials submitted once (一套材料), by reference."
    )
    commitments: tuple[Commitment, ...] = Field(
        default=(), description="Materials promised for later (容缺 + 告知承诺)."
    )
    partial_consent: bool | None = Field(
        default=None,
        description="Whether the applicant accepts partial completion; null if not asked.",
    )
    sealed: dict[str, Sealed] = Field(
        default_factory=dict,
        description="Personal values sealed to streams, in groups: applicant (name, "
        "id_number, phone) and form (its personal fields); their clear fields stay empty.",
    )


class ApplicationAccepted(Event):
    """The lead department accepted the application (一窗受理) and the clock started."""

    bundle_code: Code = Field(description="Catalogue code of the bundle.")
    lead_department: Code = Field(description="The lead department (牵头部门) answering for it.")
    item_codes: tuple[Code, ...] = Field(description="The items this case will handle.")
    due_at: Timestamp = Field(description="The bundle's statutory time limit (办结时限).")


class Problem(Record):
    """One thing wrong with an application; all of them are told at once (一次告知)."""

    field: str = Field(description="Path of the offending value, e.g. form.birth_date.")
    code: Code = Field(description="Machine-readable problem code, e.g. INVALID_CHECKSUM.")
    message: str = Field(description="What is wrong, for the applicant.")
    expected: str = Field(description="What a valid value looks like.")


class ApplicationRefused(Event):
    """The application cannot be accepted; every problem is listed at once (一次告知)."""

    bundle_code: Code = Field(description="Catalogue code of the bundle applied for.")
    problems: tuple[Problem, ...] = Field(min_length=1, description="Every problem found.")
