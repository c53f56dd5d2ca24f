"""The certificate service as a Faust app of its own: completions in, certificates out."""

from __future__ import annotations

import faust

from streams.case.policy import Clock, wall_clock
from streams.case.state import remember_input
from streams.issuance.issuer import as_issued, issue, revoke
from streams.issuance.ledger import CaseCertificates
from streams.issuance.signing import IssuerKey
from streams.runtime.batched_table import BatchedTable
from streams.runtime.event_agent import EventAgent
from streams.runtime.outbox import Outbox
from streams.runtime.reannouncements import Reannouncements
from topology.codec import Codec
from topology.events import (
    BundleCompleted,
    BundleRejected,
    BundleWithdrawn,
    CommitmentOverdue,
    Event,
)
from topology.sealing import MemoryKeyStore, Sealer
from topology.topics import Topics


class IssuanceService(EventAgent):
    """Issues exactly one certificate per (case, type); revokes on rejection or broken promise.
    Revocation times come from ``clock``."""

    acts_on = (BundleCompleted, BundleRejected, BundleWithdrawn, CommitmentOverdue)
    accepts = frozenset(kind.avro_name.encode() for kind in acts_on)

    def __init__(
        self, app: faust.App, topics: Topics, codec: Codec, key: IssuerKey, *,
        clock: Clock = wall_clock, sealer: Sealer | None = None,
    ) -> None:  # fmt: skip
        self.app, self.codec, self.key, self.clock = app, codec, key, clock
        self.sealer = sealer or Sealer(MemoryKeyStore(), "certificates")
        self.outbox = Outbox(app, topics, codec, source=f"/{topics.prefix}/certificates")
        self.ledgers = BatchedTable(app, "certificates", CaseCertificates,
                                    help="Issued certificates by case id.")  # fmt: skip
        self.table = self.ledgers.table
        self.batched = (self.ledgers,)
        self.reannounced = Reannouncements(app)
        self.attach(app, "issuance", topics.completions, topics.case_events)

    def transition(self, event: Event) -> list[Event]:
        if not isinstance(event, self.acts_on):
            return []
        ledger = self.ledgers.get(event.case_id) or CaseCertificates()
        if not remember_input(ledger.seen, event.event_id):
            return self._reannounce(event, ledger)
        out: list[Event] = []
        now = self.clock()
        if isinstance(event, BundleCompleted):
            out += issue(event, ledger, self.key, self.sealer)
        elif isinstance(event, CommitmentOverdue):
            out += revoke(event.case_id, ledger, f"承诺材料逾期未补: {event.material_code}", now,
                          event.dependent_items)  # fmt: skip
        else:
            out += revoke(event.case_id, ledger, f"case {type(event).__name__}", now)
        self.ledgers.put(event.case_id, ledger)
        return out

    def _reannounce(self, event: Event, ledger: CaseCertificates) -> list[Event]:
        """A redelivered completion re-sends the same signed certificates (same ids), but
        never one that was revoked since: a replay after revocation issues nothing. Once per
        case after each assignment, as the case agent re-announces: only a crash loses the
        certificates a stored ledger promises, and the case re-announces its completion once
        per duplicate it sees."""
        if not isinstance(event, BundleCompleted) or not self.reannounced.first(event.case_id):
            return []
        again: list[Event] = []
        legacy = CaseCertificates()
        for certificate_type, stored in ledger.issued.items():
            if stored.revoked:
                continue
            if stored.issued_at is None:
                legacy.issued[certificate_type] = stored
            else:
                again.append(as_issued(event.case_id, certificate_type, stored, stored.issued_at))
        if legacy.issued:  # entries written before the signed record was kept: sign again
            unsigned = [t for t in event.certificate_types if t in legacy.issued]
            again += issue(event.model_copy(update={"certificate_types": tuple(unsigned)}),
                           CaseCertificates(), self.key, self.sealer)  # fmt: skip
        return again
