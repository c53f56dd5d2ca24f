"""What the certificate service has issued for one case, and which item each came from."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class IssuedCertificate(BaseModel):
    """One certificate as it was signed: enough to send the very same record again.

    A case worker that crashes between publishing its completion and storing its state
    completes the case again later, with a later completion time; a certificate signed again
    from that completion would be a second, different certificate. So what is re-sent is
    what was signed, never a new signature.
    """

    number: str
    item_code: str | None = None
    event_id: str
    revoked: bool = False
    issued_at: datetime | None = None
    """None in ledgers written before the signed record was kept."""
    holder_ref: str = ""
    key_id: str = ""
    signature_hex: str = ""
    payload_digest: str = ""
    basis_digest: str | None = None


class CaseCertificates(BaseModel):
    """The issuance record of one case, keyed by certificate type (kept in a Faust table)."""

    bundle_code: str = ""
    issued: dict[str, IssuedCertificate] = Field(default_factory=dict)
    seen: list[str] = Field(default_factory=list)
