"""Duplicates and amplification counted from the records themselves, as a relying party or an
auditor reading the topics would count them, never from a set of deterministic ids:
certificate numbers and event ids are derived from (case, type), so a set of them holds one
entry however many different certificates were signed for that pair."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from topology.events import BundleCompleted, CertificateIssued, CertificateRevoked, Event


@dataclass
class RecordAudit:
    """Folds every decoded record, copies included, in the order read."""

    signatures: dict[tuple[str, str], set[bytes]] = field(
        default_factory=lambda: defaultdict(set)
    )
    """(case, certificate type) -> each distinct signature seen for it."""
    signed_at: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    """(case, certificate type) -> the issue time of each distinct signature: what differs
    between two certificates for one pair, when there are two."""
    completions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """case -> the event id of each BundleCompleted record for it."""
    revoked: set[str] = field(default_factory=set)
    reissued: int = 0
    """CertificateIssued records for a number read after its revocation."""
    records: Counter[str] = field(default_factory=Counter)
    facts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def observe(self, event: Event) -> None:
        kind = type(event).__name__
        self.records[kind] += 1
        self.facts[kind].add(event.event_id)
        if isinstance(event, CertificateIssued):
            self.signatures[(event.case_id, event.certificate_type)].add(event.signature)
            self.signed_at[(event.case_id, event.certificate_type)].add(
                f"{event.issued_at.isoformat()} key {event.key_id}"
            )
            if event.certificate_number in self.revoked:
                self.reissued += 1
        elif isinstance(event, CertificateRevoked):
            self.revoked.add(event.certificate_number)
        elif isinstance(event, BundleCompleted):
            self.completions[event.case_id].add(event.event_id)

    def duplicates(self, cases: set[str] | None = None) -> dict[str, int]:
        """Each kind of duplicate (0 everywhere is the guarantee), over ``cases`` or all."""

        def mine(case_id: str) -> bool:
            return cases is None or case_id in cases

        return {
            "second_certificate": sum(len(signed) - 1 for (case_id, _), signed
                                      in self.signatures.items() if mine(case_id)),
            "second_completion": sum(len(ids) - 1 for case_id, ids in self.completions.items()
                                     if mine(case_id)),
            "certificate_without_completion": sum(
                1 for case_id, _ in self.signatures
                if mine(case_id) and not self.completions.get(case_id)
            ),
            "reissue_after_revocation": self.reissued,
        }  # fmt: skip

    def second_certificates(self, cases: set[str] | None = None) -> list[dict[str, object]]:
        """Each (case, type) with more than one distinct signature, with the issue time and
        key of each signature (two of one time and key differ in what was signed on)."""
        return [
            {"case_id": case_id, "certificate_type": kind,
             "signatures": len(signed), "signed": sorted(self.signed_at[(case_id, kind)])}
            for (case_id, kind), signed in sorted(self.signatures.items())
            if len(signed) > 1 and (cases is None or case_id in cases)
        ]  # fmt: skip

    def amplification(self) -> dict[str, float]:
        """Records per distinct fact (event id), per event type: 1.0 when nothing was sent
        twice."""
        return {kind: round(self.records[kind] / len(self.facts[kind]), 3)
                for kind in sorted(self.records)}  # fmt: skip
