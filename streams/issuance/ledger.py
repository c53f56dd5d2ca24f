"""What the certificate service has issued for one case, and which item each came from."""

from __future__ import annotations

from pydantic import BaseModel, Field


class IssuedCertificate(BaseModel):
    number: str
    item_code: str | None = None
    event_id: str
    revoked: bool = False


class CaseCertificates(BaseModel):
    """The issuance record of one case, keyed by certificate type (kept in a Faust table)."""

    bundle_code: str = ""
    issued: dict[str, IssuedCertificate] = Field(default_factory=dict)
    seen: list[str] = Field(default_factory=list)
