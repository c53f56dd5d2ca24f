"""The certificate service and the ratings aggregator under Faust's test_context()."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from streams.issuance.signing import basis_digest, verify
from streams.runtime.app import StreamsConfig
from streams.runtime.worker import build_issuance, build_streams, issuer_key
from tests.unit.streams.feed import Feed, offline_producer
from topology.codec import cloudevent_headers, default_codec
from topology.events import (
    BundleCompleted,
    BundleRejected,
    CertificateIssued,
    CertificateRevoked,
    EvaluationSubmitted,
    ItemResult,
    Rating,
    derive_event_id,
)
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


async def test_one_signed_certificate_per_type_even_when_redelivered(issuance):
    settings, agent, sent = issuance
    await put(agent, completed())
    await put(agent, completed())  # redelivered
    issued = [e for e in sent if isinstance(e, CertificateIssued)]
    assert {e.certificate_type for e in issued} == {"出生医学证明", "社会保障卡"}
    by_type: dict[str, set[str]] = {}
    for event in issued:
        by_type.setdefault(event.certificate_type, set()).add(event.certificate_number)
    assert all(len(numbers) == 1 for numbers in by_type.values()), "never a second number"
    key = issuer_key(settings)
    assert all(verify(event, key.public) is None for event in issued)
    tampered = issued[0].model_copy(update={"certificate_number": "DZZZ-FORGED"})
    assert verify(tampered, key.public) is not None


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


async def test_a_rejection_after_issue_revokes(issuance):
    _, agent, sent = issuance
    await put(agent, completed("case-cert-2"))
    await put(agent, rejected("case-cert-2"))
    revoked = {e.certificate_number for e in sent if isinstance(e, CertificateRevoked)}
    issued = {e.certificate_number for e in sent if isinstance(e, CertificateIssued)}
    assert revoked == issued


async def test_a_replay_after_revocation_issues_nothing(issuance):
    _, agent, sent = issuance
    await put(agent, completed("case-cert-4"))
    await put(agent, rejected("case-cert-4"))
    issued_before = sum(isinstance(e, CertificateIssued) for e in sent)
    await put(agent, completed("case-cert-4"))  # the same completion, replayed
    assert sum(isinstance(e, CertificateIssued) for e in sent) == issued_before
    assert {e.certificate_type for e in sent if isinstance(e, CertificateIssued)} == {
        "出生医学证明", "社会保障卡"}


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


async def test_ratings_count_each_case_once(tmp_path, monkeypatch):
    built = build_streams(StreamsConfig(Settings(state_dir=tmp_path, topic_prefix="unitrate"),
                                        web_enabled=False))  # fmt: skip
    built.app.finalize()
    # The totals table is keyed by bundle|department (use_partitioner).
    offline_producer(monkeypatch, built.app)
    rating = EvaluationSubmitted(
        event_id=derive_event_id("case-rate-1", "evaluation"), case_id="case-rate-1",
        occurred_at=NOW, rating=Rating.SATISFIED, lead_department="health",
        bundle_code="newborn_birth",
    )  # fmt: skip
    async with built.ratings.agent.test_context() as agent:
        await agent.put(key=b"case-rate-1", value=default_codec().encode(rating))
        await agent.put(key=b"case-rate-1", value=default_codec().encode(rating))
    totals = built.ratings.totals[b"newborn_birth|health"]
    assert totals == b'{"SATISFIED": 1}'


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
