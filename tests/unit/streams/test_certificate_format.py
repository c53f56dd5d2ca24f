"""An issued certificate as a third party checks it: its number and event id are its case's
and type's own, and its signature covers the documented canonical JSON of its fields, so a
verifier that rebuilds those bytes itself (not with this code) finds it valid."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from streams.issuance.issuer import issue
from streams.issuance.ledger import CaseCertificates
from streams.issuance.signing import IssuerKey
from tests.unit.streams.harness import approve_all, submit
from topology.events import BundleCompleted, CertificateIssued

pytestmark = pytest.mark.unit
KEY = IssuerKey(Ed25519PrivateKey.generate())


def certificates(seed: int) -> tuple[BundleCompleted, list[CertificateIssued]]:
    run = submit("newborn_birth", seed=seed)
    approve_all(run)
    (done,) = run.of(BundleCompleted)
    return done, issue(done, CaseCertificates(), KEY)


def canonical(document: dict[str, object]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()  # fmt: skip


def test_numbers_and_ids_are_each_certificates_own():
    issued = [c for seed in (1, 2) for c in certificates(seed)[1]]
    assert len(issued) >= 4
    assert len({c.certificate_number for c in issued}) == len(issued)
    assert len({c.event_id for c in issued}) == len(issued)
    assert all(re.fullmatch(r"DZZZ-[0-9A-F]{20}", c.certificate_number) for c in issued)


def test_the_signature_covers_the_canonical_json_of_the_certificate():
    done, issued = certificates(3)
    for cert in issued:
        assert cert.item_code is not None
        assert cert.basis_digest is not None
        result = next(r for r in done.results if r.item_code == cert.item_code)
        basis: dict[str, object] = {"item_code": cert.item_code, "outputs": dict(result.outputs)}
        assert cert.basis_digest == hashlib.sha256(canonical(basis)).hexdigest()
        payload = canonical({
            "certificate_number": cert.certificate_number,
            "certificate_type": cert.certificate_type, "case_id": cert.case_id,
            "holder_ref": cert.holder_ref, "issued_at": cert.issued_at.isoformat(),
            "key_id": cert.key_id, "item_code": cert.item_code,
            "basis_digest": cert.basis_digest,
        })  # fmt: skip
        assert cert.payload_digest == hashlib.sha256(payload).hexdigest()
        KEY.public.verify(cert.signature, payload)  # raises when it does not verify
        assert cert.holder_ref == done.holder_ref
