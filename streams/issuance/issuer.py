"""Issue on completion, revoke on rejection, withdrawal or a broken promise (撤销).

Every output is deterministic: the certificate number, the event id, the issue time (the
completion's) and the Ed25519 signature. A redelivered completion therefore yields either
nothing (the ledger has it) or the very same certificate again, never a second one. A case
completed again later (its worker died between publishing the completion and storing the
state) carries a later time under the same event id; the ledger keeps each signed record,
and what is re-sent is that record, not a new signature over the later time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from functools import cache

from streams.case.errors import InvalidInputError
from streams.issuance.ledger import CaseCertificates, IssuedCertificate
from streams.issuance.signing import IssuerKey, basis_digest, payload_bytes
from topology.catalog import all_catalogs
from topology.events import (
    BundleCompleted,
    CertificateIssued,
    CertificateRevoked,
    ItemResult,
    derive_event_id,
)
from topology.sealing import OUTPUTS, Sealer, SealError, open_group


@cache
def certificate_outputs() -> dict[tuple[str, str], tuple[str, str]]:
    """(bundle, certificate type) -> (item code, output code), over every region."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for catalog in all_catalogs():
        for bundle in catalog.bundles:
            for item in bundle.items:
                for output in item.outputs:
                    if output.certificate_type:
                        key = (bundle.code, output.certificate_type)
                        found.setdefault(key, (item.code, output.code))
    return found


def certificate_number(case_id: str, certificate_type: str) -> str:
    digest = hashlib.sha256(f"{case_id}\x1f{certificate_type}".encode()).hexdigest()
    return f"DZZZ-{digest[:20].upper()}"


def issue(
    done: BundleCompleted, ledger: CaseCertificates, key: IssuerKey, opener: Sealer | None = None
) -> list[CertificateIssued]:
    """Certificates due for this completion and not yet in the ledger (which is updated);
    ``opener`` opens the personal outputs sealed to the certificate service."""
    ledger.bundle_code = done.bundle_code
    issued = []
    for certificate_type in done.certificate_types:
        if certificate_type in ledger.issued:
            continue
        item_code, _ = certificate_outputs().get((done.bundle_code, certificate_type), (None, ""))
        event = _sign(done, certificate_type, item_code, key, opener)
        ledger.issued[certificate_type] = kept(event)
        issued.append(event)
    return issued


def kept(event: CertificateIssued) -> IssuedCertificate:
    """What the ledger keeps of a certificate it issued."""
    return IssuedCertificate(
        number=event.certificate_number, item_code=event.item_code, event_id=event.event_id,
        issued_at=event.issued_at, holder_ref=event.holder_ref, key_id=event.key_id,
        signature_hex=event.signature.hex(), payload_digest=event.payload_digest,
        basis_digest=event.basis_digest,
    )  # fmt: skip


def as_issued(
    case_id: str, certificate_type: str, stored: IssuedCertificate, issued_at: datetime
) -> CertificateIssued:
    """The certificate the ledger kept (``issued_at`` is its stored time), as the record
    first sent: the same bytes signed."""
    return CertificateIssued(
        event_id=stored.event_id, case_id=case_id, occurred_at=issued_at,
        certificate_type=certificate_type, certificate_number=stored.number,
        holder_ref=stored.holder_ref, issued_at=issued_at,
        signature=bytes.fromhex(stored.signature_hex), key_id=stored.key_id,
        payload_digest=stored.payload_digest, item_code=stored.item_code,
        basis_digest=stored.basis_digest,
    )  # fmt: skip


def result_outputs(result: ItemResult, case_id: str, opener: Sealer | None) -> dict[str, str]:
    """Every output of ``result``, its sealed ones opened: what the certificate rests on."""
    if not result.sealed:
        return dict(result.outputs)
    if opener is None:
        raise InvalidInputError(f"{result.item_code}: sealed outputs and no key to open them")
    try:
        opened = open_group(opener, result.sealed[OUTPUTS], case_id, result.item_code, OUTPUTS)
    except (SealError, KeyError) as error:
        raise InvalidInputError(f"sealed.{error}") from None
    return {**result.outputs, **opened}


def _sign(
    done: BundleCompleted, certificate_type: str, item_code: str | None, key: IssuerKey,
    opener: Sealer | None,
) -> CertificateIssued:  # fmt: skip
    number = certificate_number(done.case_id, certificate_type)
    holder = done.holder_ref or hashlib.sha256(done.case_id.encode()).hexdigest()
    result = next((r for r in done.results if r.item_code == item_code), None)
    basis = None
    if result is not None:
        basis = basis_digest(result.item_code, result_outputs(result, done.case_id, opener))
    payload = payload_bytes(
        number=number, certificate_type=certificate_type, case_id=done.case_id,
        holder_ref=holder, issued_at=done.occurred_at.isoformat(), key_id=key.key_id,
        item_code=item_code if basis else None, basis=basis,
    )  # fmt: skip
    return CertificateIssued(
        event_id=derive_event_id(done.case_id, f"certificate:{certificate_type}"),
        case_id=done.case_id, occurred_at=done.occurred_at,
        certificate_type=certificate_type, certificate_number=number, holder_ref=holder,
        issued_at=done.occurred_at, signature=key.private.sign(payload), key_id=key.key_id,
        payload_digest=hashlib.sha256(payload).hexdigest(),
        item_code=item_code if basis else None, basis_digest=basis,
    )  # fmt: skip


def revoke(
    case_id: str, ledger: CaseCertificates, reason: str, now: datetime,
    items: Iterable[str] | None = None,
) -> list[CertificateRevoked]:  # fmt: skip
    """Revoke what is issued for the case (only what came from ``items``, when given)."""
    scope = None if items is None else set(items)
    revoked = []
    for certificate in ledger.issued.values():
        if certificate.revoked or (scope is not None and certificate.item_code not in scope):
            continue
        certificate.revoked = True
        revoked.append(CertificateRevoked(
            event_id=derive_event_id(case_id, f"revoke:{certificate.number}"),
            case_id=case_id, occurred_at=now, certificate_number=certificate.number,
            reason=reason,
        ))  # fmt: skip
    return revoked
