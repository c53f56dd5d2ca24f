"""The certificate service under Faust's test_context(): one certificate per (case, type),
revoked when the case is rejected or withdrawn or a promise it rested on is broken.

Duplicates are counted from the records (``RecordAudit``: distinct signatures per (case,
type)), never from certificate numbers: a number is a hash of (case, type), so a set of them
hides a second issuance."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from deploy.record_audit import RecordAudit
from streams.issuance.signing import basis_digest, verify
from streams.runtime.worker import build_issuance, issuer_key
from tests.unit.streams.feed import Feed, offline_producer
from tests.unit.streams.harness import approve_all, submit
from topology.catalog import load_catalog
from topology.codec import cloudevent_headers, default_codec
from topology.events import (
    BundleCompleted,
    BundleRejected,
    BundleWithdrawn,
    CertificateIssued,
    CertificateRevoked,
    CommitmentOverdue,
    Event,
    ItemResult,
    Requester,
    derive_event_id,
)
from topology.samples import Flaws
from topology.settings import Settings

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def completed(case_id: str = "case-cert-1") -> BundleCompleted:
    return BundleCompleted(
        event_id=derive_event_id(case_id, "completed"), case_id=case_id, occurred_at=NOW,
        bundle_code="newborn_birth",
        results=(ItemResult(item_code="birth_medical_certificate", department="health",
                            outputs={"birth_medical_certificate": "O440100001"}),),
        certificate_types=("出生医学证明", "社会保障卡"), holder_ref="a" * 64,
    )  # fmt: skip


@pytest.fixture
async def issuance(tmp_path, monkeypatch) -> AsyncIterator[tuple]:
    settings = Settings(state_dir=tmp_path, topic_prefix="unitcert")
    app, service = build_issuance(settings)
    sent: list = []

    async def send(topic, event, key=None):
        sent.append(event)

    async def dead_letter(topic, key, value, headers):
        sent.append(("dead", topic, dict(headers)))

    monkeypatch.setattr(service.outbox, "send", send)
    monkeypatch.setattr(service.outbox, "dead_letter", dead_letter)
    app.finalize()
    offline_producer(monkeypatch, app)
    async with service.agent.test_context() as agent:
        yield settings, Feed(agent, service), sent


def rejected(case_id: str) -> BundleRejected:
    return BundleRejected(
        event_id=derive_event_id(case_id, "rejected"), case_id=case_id, occurred_at=NOW,
        bundle_code="newborn_birth", item_code="birth_medical_certificate",
        department="health", reason="撤销",
    )  # fmt: skip


async def put(agent, event, topic: str | None = None) -> None:
    """Deliver ``event`` as read from its own topic, or from ``topic``."""
    topic = topic or agent.processor.outbox.topics.for_event(type(event).__name__)
    await agent.put(key=event.case_id.encode(), value=default_codec().encode(event), topic=topic)


def audited(sent: list) -> RecordAudit:
    """Every record the service sent, copies included, folded as an auditor would."""
    audit = RecordAudit()
    for record in sent:
        if isinstance(record, Event):
            audit.observe(record)
    return audit


def signatures(sent: list) -> dict[tuple[str, str], int]:
    """(case, certificate type) -> how many different signed certificates were sent for it."""
    return {pair: len(signed) for pair, signed in audited(sent).signatures.items()}


def issued(sent: list) -> list[CertificateIssued]:
    return [e for e in sent if isinstance(e, CertificateIssued)]


def revocations(sent: list) -> Counter[str]:
    """Revocation records per certificate number."""
    return Counter(e.certificate_number for e in sent if isinstance(e, CertificateRevoked))


async def test_one_signed_certificate_per_type_even_when_redelivered(issuance):
    settings, agent, sent = issuance
    await put(agent, completed())
    await put(agent, completed())  # redelivered
    types = completed().certificate_types
    assert signatures(sent) == {("case-cert-1", kind): 1 for kind in types}
    key = issuer_key(settings)
    assert all(verify(event, key.public) is None for event in issued(sent))
    tampered = issued(sent)[0].model_copy(update={"certificate_number": "DZZZ-FORGED"})
    assert verify(tampered, key.public) is not None


def completed_again(case_id: str, cause: str) -> BundleCompleted:
    """Another completion record of the same case: a new event id and a later time, so a
    certificate signed from it would differ from the first in its bytes."""
    later = {"event_id": derive_event_id(case_id, cause), "occurred_at": NOW + timedelta(hours=1)}
    return completed(case_id).model_copy(update=later)


async def test_a_second_completion_of_a_case_signs_nothing(issuance):
    _, agent, sent = issuance
    await put(agent, completed("case-cert-7"))
    first = list(sent)
    await put(agent, completed_again("case-cert-7", "completed-again"))
    assert sent == first, "a case already certified gets no certificate record again"
    assert set(signatures(sent).values()) == {1}


async def test_a_completion_after_revocation_reissues_nothing_whatever_its_id(issuance):
    _, agent, sent = issuance
    await put(agent, completed("case-cert-8"))
    await put(agent, rejected("case-cert-8"))
    revoked = len(sent)
    await put(agent, completed_again("case-cert-8", "completed-after-rejection"))
    await put(agent, completed("case-cert-8"))  # and the first one, replayed
    assert issued(sent[revoked:]) == []
    assert audited(sent).duplicates()["reissue_after_revocation"] == 0
    assert set(signatures(sent).values()) == {1}


async def test_events_it_does_not_act_on_are_passed_over_undecoded(issuance):
    _, agent, sent = issuance
    accepted = b"io.onething.events.ApplicationAccepted"
    # Not even Avro: decoding it would dead-letter it, and this fixture has no DLQ producer.
    topics = agent.processor.outbox.topics
    await agent.put(b"case-cert-3", b"not decoded", headers=[("ce_type", accepted)],
                    topic=topics.case_events)  # fmt: skip
    event = completed("case-cert-3")
    headers = cloudevent_headers(event, source="/test")
    await agent.put(b"case-cert-3", default_codec().encode(event), headers=headers,
                    topic=topics.completions)  # fmt: skip
    assert {type(e) for e in sent} == {CertificateIssued}


def withdrawn(case_id: str) -> BundleWithdrawn:
    return BundleWithdrawn(
        event_id=derive_event_id(case_id, "withdrawn"), case_id=case_id, occurred_at=NOW,
        bundle_code="newborn_birth", reason="不再需要", requested_by=Requester.APPLICANT,
    )  # fmt: skip


@pytest.mark.parametrize("ending", [rejected, withdrawn])
async def test_a_rejection_or_withdrawal_after_issue_revokes_each_certificate_once(
    issuance, ending
):
    _, agent, sent = issuance
    await put(agent, completed("case-cert-2"))
    await put(agent, ending("case-cert-2"))
    await put(agent, ending("case-cert-2"))  # redelivered
    assert revocations(sent) == Counter(e.certificate_number for e in issued(sent))
    assert len(revocations(sent)) == len(completed().certificate_types)


async def test_a_broken_commitment_revokes_the_certificates_that_rested_on_it(issuance):
    """容缺: a case completes on a promised material; when the promise falls due unkept, the
    case says so and the certificates of the items that went ahead on it are revoked, once;
    the others stay valid, and a replayed completion re-sends only those."""
    _, agent, sent = issuance
    run = submit("enterprise_operation_permit",
                 Flaws(promised_materials=("food_safety_rules",), promise_days=1))  # fmt: skip
    approve_all(run)
    [done] = run.of(BundleCompleted)
    run.tick(timedelta(days=3))
    [broken] = run.of(CommitmentOverdue)
    await put(agent, done)
    for _ in range(2):  # the second is a redelivery
        await put(agent, broken)
    bundle = load_catalog().bundle(done.bundle_code)
    rested = {kind for code in broken.dependent_items
              for kind in bundle.item(code).certificate_types()}  # fmt: skip
    assert rested
    assert set(done.certificate_types) - rested, "a certificate that did not rest on it"
    numbers = {e.certificate_type: e.certificate_number for e in issued(sent)}
    assert revocations(sent) == Counter(numbers[kind] for kind in rested)
    before = len(issued(sent))
    await put(agent, done)  # replayed
    assert {e.certificate_type for e in issued(sent)[before:]} == set(numbers) - rested


async def test_a_completion_forged_on_case_events_is_not_signed(issuance):
    """Only the completions topic (which only the streams principal may write) counts."""
    _, agent, sent = issuance
    forged = completed("case-cert-5")
    await agent.put(key=b"case-cert-5", value=default_codec().encode(forged),
                    headers=cloudevent_headers(forged, source="/forged"),
                    topic=agent.processor.outbox.topics.case_events)  # fmt: skip
    assert [e for e in sent if isinstance(e, CertificateIssued)] == []
    [(_, topic, headers)] = [e for e in sent if isinstance(e, tuple)]
    assert topic == agent.processor.outbox.topics.case_events
    assert headers["__connect.errors.exception.class.name"] == b"WrongTopicError"


async def test_what_a_certificate_rests_on_is_signed(issuance):
    settings, agent, sent = issuance
    await put(agent, completed("case-cert-6"))
    [birth] = [e for e in sent if isinstance(e, CertificateIssued)
               and e.certificate_type == "出生医学证明"]  # fmt: skip
    assert birth.item_code == "birth_medical_certificate"
    assert birth.basis_digest == basis_digest("birth_medical_certificate",
                                              {"birth_medical_certificate": "O440100001"})
    key = issuer_key(settings).public
    assert verify(birth, key) is None
    for forged in ({"basis_digest": basis_digest("birth_medical_certificate", {"x": "1"})},
                   {"item_code": "hukou_registration"}):
        assert verify(birth.model_copy(update=forged), key) is not None, forged


async def test_redelivered_completions_re_send_the_certificates_once_per_assignment(issuance):
    """Healing a crash needs one re-send; the copies of a completion a case re-announces
    must not each bring the certificates again."""
    _, agent, sent = issuance
    for _ in range(4):
        await put(agent, completed())
    types = completed().certificate_types
    assert len(issued(sent)) == 2 * len(types), "the first issue and one re-send"
    await agent.processor.reannounced._forget()  # partitions moved: maybe after a crash
    await put(agent, completed())
    assert len(issued(sent)) == 3 * len(types)
    assert set(signatures(sent).values()) == {1}


async def test_a_case_completed_again_later_gets_back_the_certificates_first_signed(issuance):
    """A case worker that crashed after publishing its completion but before storing its
    state completes the case again, later: the same event id with a later time. What the
    certificate service re-sends is what it signed first, byte for byte."""
    _, agent, sent = issuance
    await put(agent, completed())
    first = {c.certificate_type: c for c in issued(sent)}
    later = completed().model_copy(update={"occurred_at": NOW + timedelta(minutes=7)})
    await put(agent, later)
    again = issued(sent)[len(first):]
    assert len(again) == len(first), "the certificates are re-sent once"
    for certificate in again:
        assert certificate == first[certificate.certificate_type]
    assert set(signatures(sent).values()) == {1}
