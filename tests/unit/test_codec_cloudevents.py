"""CloudEvents binary-mode Kafka headers around the Avro body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from topology.codec import Codec, InvalidHeaders, cloudevent_headers, parse_cloudevent_headers
from topology.events import CertificateRevoked, derive_event_id

pytestmark = pytest.mark.unit
TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def revoked() -> CertificateRevoked:
    return CertificateRevoked(
        event_id=derive_event_id("case-7", "revoked"), case_id="case-7",
        occurred_at=datetime(2024, 5, 1, 16, 0, 0, 250000, tzinfo=timezone(timedelta(hours=8))),
        certificate_number="BL-2024-0001", reason="承诺未履行",
    )


def test_headers_carry_every_attribute() -> None:
    codec = Codec.load()
    event = revoked()
    headers = cloudevent_headers(event, source="/onething/certificates", traceparent=TRACE)
    assert all(isinstance(value, bytes) for _, value in headers)
    attrs = {key: value.decode() for key, value in headers}
    fingerprint = codec.schema_of(CertificateRevoked).fingerprint_hex
    assert attrs == {
        "ce_specversion": "1.0",
        "ce_id": event.event_id,
        "ce_source": "/onething/certificates",
        "ce_type": "io.onething.events.CertificateRevoked",
        "ce_time": "2024-05-01T08:00:00.250Z",
        "ce_subject": "case-7",
        "ce_dataschema": f"avro/CertificateRevoked.avsc#{fingerprint}",
        "content-type": "application/avro",
        "traceparent": TRACE,
    }
    assert codec.encode(event)[2:10].hex() == fingerprint


def test_headers_parse_back_to_attributes() -> None:
    headers = cloudevent_headers(revoked(), source="/s")
    headers.append(("x-other", b"ignored"))
    attrs = parse_cloudevent_headers(headers)
    assert attrs["type"] == CertificateRevoked.avro_name
    assert attrs["datacontenttype"] == "application/avro"
    assert attrs["subject"] == "case-7"
    assert "traceparent" not in attrs
    assert datetime.fromisoformat(attrs["time"]) == revoked().occurred_at.astimezone(UTC)


@pytest.mark.parametrize(
    "headers",
    [
        [("ce_specversion", b"1.0"), ("ce_id", b"1"), ("ce_source", b"/s")],
        [("ce_specversion", b"0.3"), ("ce_id", b"1"), ("ce_source", b"/s"), ("ce_type", b"t")],
        [("ce_specversion", b"\xff"), ("ce_id", b"1"), ("ce_source", b"/s"), ("ce_type", b"t")],
    ],
)
def test_headers_that_are_not_cloudevents_are_refused(headers: list[tuple[str, bytes]]) -> None:
    with pytest.raises(InvalidHeaders, match="topic=t, partition=1, offset=2"):
        parse_cloudevent_headers(headers, topic="t", partition=1, offset=2)
