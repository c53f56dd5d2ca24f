"""After completion: e-certificates (电子证照) issued or revoked, and the rating (好差评)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from topology.events._base import Code, Event, Sha256Hex, Timestamp


class Rating(StrEnum):
    """The five levels of 好差评, best first."""

    VERY_SATISFIED = "VERY_SATISFIED"
    SATISFIED = "SATISFIED"
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"
    DISSATISFIED = "DISSATISFIED"
    VERY_DISSATISFIED = "VERY_DISSATISFIED"


class CertificateIssued(Event):
    """An e-certificate was issued and signed, once per (case, certificate type)."""

    certificate_type: Code = Field(description="Catalogue code of the certificate type.")
    certificate_number: str = Field(min_length=1, description="The certificate's number.")
    holder_ref: Sha256Hex = Field(
        description="HMAC-SHA256 (hex) of the holder's id number under the bus's holder key; "
        "never the clear id."
    )
    issued_at: Timestamp = Field(description="When it was issued.")
    signature: bytes = Field(description="Signature over the certificate payload.")
    key_id: str = Field(min_length=1, description="Id of the signing key.")
    payload_digest: Sha256Hex = Field(description="SHA-256 (hex) of the signed payload.")
    item_code: Code | None = Field(
        default=None,
        description="The item whose output this certificate is; signed. Null from v1 writers.",
    )
    basis_digest: Sha256Hex | None = Field(
        default=None,
        description="SHA-256 (hex) of the canonical JSON of that item's code and outputs in "
        "the completion: what the certificate rests on, signed with it, without carrying "
        "the outputs themselves. Null from v1 writers.",
    )


class CertificateRevoked(Event):
    """An issued e-certificate was revoked (撤销), e.g. after a broken commitment."""

    certificate_number: str = Field(min_length=1, description="The certificate's number.")
    reason: str = Field(description="Why it was revoked.")


class EvaluationRequested(Event):
    """The applicant rates the service for the whole case (一键评价). A request, not a fact:
    the case agent accepts one per completed case and publishes EvaluationSubmitted."""

    rating: Rating = Field(description="One of the five 好差评 levels.")
    comment: str | None = Field(default=None, description="Free text, if any.")


class EvaluationSubmitted(Event):
    """The case's rating (好差评), accepted once for a completed case and routed to its lead
    department. Published only by the case agent, after it accepted an EvaluationRequested."""

    rating: Rating = Field(description="One of the five 好差评 levels.")
    comment: str | None = Field(default=None, description="Free text, if any.")
    lead_department: Code = Field(description="The lead department the rating is for.")
    bundle_code: str | None = Field(
        default=None, description="The bundle rated; set by the bus when it routes the rating."
    )
