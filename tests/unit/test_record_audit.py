"""Duplicates are counted from the records: a second signature for one (case, type) is a
second certificate even though its number and event id are the first one's."""

from __future__ import annotations

from datetime import UTC, datetime

from deploy.record_audit import RecordAudit
from topology.events import BundleCompleted, CertificateIssued, CertificateRevoked, derive_event_id

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
DIGEST = "0" * 64


def _certificate(case_id: str, signature: bytes) -> CertificateIssued:
    return CertificateIssued(
        event_id=derive_event_id(case_id, "certificate:birth_medical_certificate"),
        case_id=case_id, occurred_at=NOW, certificate_type="birth_medical_certificate",
        certificate_number=f"N-{case_id}", holder_ref=DIGEST, issued_at=NOW,
        signature=signature, key_id="k1", payload_digest=DIGEST,
    )  # fmt: skip


def _completed(case_id: str, event_id: str | None = None) -> BundleCompleted:
    return BundleCompleted(event_id=event_id or derive_event_id(case_id, "completed"),
                           case_id=case_id, occurred_at=NOW, bundle_code="newborn_birth",
                           results=())  # fmt: skip


def test_a_redelivered_copy_is_amplification_not_a_duplicate() -> None:
    audit = RecordAudit()
    for event in (_completed("c1"), _certificate("c1", b"s1"), _certificate("c1", b"s1")):
        audit.observe(event)
    assert set(audit.duplicates().values()) == {0}
    assert audit.amplification() == {"BundleCompleted": 1.0, "CertificateIssued": 2.0}


def test_a_second_signature_for_the_same_number_and_event_id_is_a_second_certificate() -> None:
    audit = RecordAudit()
    for event in (_completed("c1"), _certificate("c1", b"s1"), _certificate("c1", b"s2")):
        audit.observe(event)
    assert audit.duplicates()["second_certificate"] == 1
    assert audit.duplicates(cases={"other"})["second_certificate"] == 0


def test_second_completion_certificate_without_completion_and_reissue_after_revocation() -> None:
    audit = RecordAudit()
    other = "5b0ac5f2-6e8a-5c51-9d47-000000000000"
    audit.observe(_completed("c1"))
    audit.observe(_completed("c1", other))
    audit.observe(_certificate("c2", b"s"))
    revoked = _certificate("c1", b"s1")
    audit.observe(revoked)
    audit.observe(CertificateRevoked(event_id=derive_event_id("c1", "revoke"), case_id="c1",
                                     occurred_at=NOW, certificate_number=revoked.certificate_number,
                                     reason="commitment overdue"))  # fmt: skip
    audit.observe(revoked)
    assert audit.duplicates() == {"second_certificate": 0, "second_completion": 1,
                                  "certificate_without_completion": 1,
                                  "reissue_after_revocation": 1}  # fmt: skip


def test_a_second_certificate_is_listed_with_the_time_each_was_signed_for() -> None:
    audit = RecordAudit()
    later = _certificate("c1", b"s2").model_copy(update={"issued_at": NOW.replace(hour=10)})
    for event in (_completed("c1"), _certificate("c1", b"s1"), later, _certificate("c2", b"s")):
        audit.observe(event)
    assert audit.second_certificates() == [{
        "case_id": "c1", "certificate_type": "birth_medical_certificate", "signatures": 2,
        "signed": ["2026-12-03T09:00:00+00:00 key k1", "2026-12-03T10:00:00+00:00 key k1"],
    }]  # fmt: skip
    assert audit.second_certificates({"c2"}) == []
