"""An application as a portal posts it (JSON), checked at once with intake's own rules.

The body is read leniently (plain strings) so that every problem, whatever its kind, is
reported together with the others by ``streams.case.intake.check_application``, the same
function the case agent runs on the Kafka path: one module, one set of messages.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from streams.case.intake import check_application
from topology.catalog import CatalogError, load_catalog
from topology.events import (
    Applicant,
    ApplicantKind,
    ApplicationSubmitted,
    Channel,
    Commitment,
    MaterialRef,
    Problem,
    derive_event_id,
)

_CASES = uuid.UUID("3f7d1c2e-0b9a-4e57-9a51-6f1f0c1e2a10")
"""Namespace of case ids derived from a channel's Idempotency-Key."""
_SEPARATOR = "\x1f"


class ApplicantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ApplicantKind = Field(description="PERSON or COMPANY.")
    name: str = Field(default="", max_length=200, description="Full name.")
    id_number: str = Field(default="", max_length=64,
                           description="公民身份号码 or 统一社会信用代码.")  # fmt: skip
    phone: str | None = Field(default=None, max_length=32)


class MaterialIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    material_code: str = Field(min_length=1, max_length=64)
    uri: str = Field(min_length=1, max_length=2000, description="Where the store keeps it.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of its bytes, hex.")
    version: int = Field(default=1, ge=1, le=2**31 - 1)


class CommitmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    material_code: str = Field(min_length=1, max_length=64)
    due_date: date = Field(description="The date by which it is promised (容缺 + 告知承诺).")


class ApplicationIn(BaseModel):
    """One merged application (一表申请) for a bundle (一件事)."""

    model_config = ConfigDict(extra="forbid")

    bundle_code: str = Field(max_length=64, description="The bundle, from GET /bundles.")
    region: str = Field(default="national", max_length=64)
    catalogue_version: str | None = Field(
        default=None, max_length=64, description="The version the form was rendered from; "
        "the region's current one when left out.",
    )  # fmt: skip
    channel: Channel = Channel.ONLINE
    applicant: ApplicantIn
    form: dict[str, str] = Field(default_factory=dict, description="Field code → value.")
    item_codes: list[str] = Field(default_factory=list, description="Empty: every item.")
    situations: dict[str, str] = Field(default_factory=dict)
    materials: list[MaterialIn] = Field(default_factory=list)
    commitments: list[CommitmentIn] = Field(default_factory=list)
    partial_consent: bool | None = None


def case_id_for(channel: str, idempotency_key: str | None) -> str:
    """A retried POST with the same key names the same case, even across gateway restarts;
    the case agent answers a second copy of an application with the first's answer."""
    if idempotency_key is None:
        return f"case-{uuid.uuid4()}"
    return f"case-{uuid.uuid5(_CASES, channel + _SEPARATOR + idempotency_key)}"


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def submission(
    request: ApplicationIn, case_id: str, now: datetime
) -> ApplicationSubmitted | list[Problem]:
    """The event to publish, or every problem intake finds in it (一次告知)."""
    try:
        version = request.catalogue_version or load_catalog(request.region).version
    except CatalogError:
        version = request.catalogue_version or "unknown"  # intake names the unknown region
    try:
        event = ApplicationSubmitted(
            event_id=derive_event_id(case_id, "submitted"), case_id=case_id, occurred_at=now,
            bundle_code=request.bundle_code or "-", catalogue_version=version,
            region=request.region or "-", channel=request.channel,
            applicant=Applicant(**request.applicant.model_dump()), form=request.form,
            item_codes=tuple(request.item_codes), situations=request.situations,
            materials=tuple(MaterialRef(**m.model_dump()) for m in request.materials),
            commitments=tuple(Commitment(**c.model_dump()) for c in request.commitments),
            partial_consent=request.partial_consent,
        )  # fmt: skip
    except ValidationError as error:
        return [model_problem(e["loc"], e["msg"]) for e in error.errors(include_input=False)]
    checked = check_application(event, now.date())
    return checked if isinstance(checked, list) else event


def model_problem(loc: tuple[int | str, ...], message: str) -> Problem:
    """A shape problem of the body (a missing key, a wrong type), named by its path."""
    path = ".".join(str(part) for part in loc if part != "body")
    return Problem(field=path or "body", code="INVALID_SHAPE", message=message,
                   expected="see the schema at /openapi.json")  # fmt: skip
