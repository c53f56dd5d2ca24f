"""Garbage and mismatches raise typed codec errors that say where the bytes came from."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from fastavro import schemaless_writer

from topology.codec import (
    Codec,
    CodecError,
    InvalidEvent,
    NotSingleObjectEncoded,
    SchemaMismatch,
    UnknownFingerprint,
)
from topology.events import (
    BundleWithdrawn,
    ItemStatus,
    ItemStatusReported,
    Requester,
    SupplementNeed,
    SupplementProblem,
    derive_event_id,
)

pytestmark = pytest.mark.unit
NOW = datetime(2024, 5, 1, 8, 30, 15, 123000, tzinfo=UTC)


@pytest.fixture(scope="module")
def codec() -> Codec:
    return Codec.load()


def status_report() -> ItemStatusReported:
    return ItemStatusReported(
        event_id=derive_event_id("case-1", "status/hukou/1"),
        case_id="case-1",
        occurred_at=NOW,
        item_code="hukou_registration",
        department="public_security",
        status=ItemStatus.SUPPLEMENT_REQUIRED,
        reason="出生医学证明缺失",
        supplements=(SupplementNeed(code="birth_cert", problem=SupplementProblem.MISSING,
                                    message="请补交出生医学证明"),),
        handled_at=NOW,
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", NotSingleObjectEncoded),
        (b"\xc3\x01\x00", NotSingleObjectEncoded),
        (b"Obj\x01" + bytes(20), NotSingleObjectEncoded),
        (b'{"event_id": "json is not avro"}', NotSingleObjectEncoded),
        (b"\xc3\x01" + bytes(8) + b"body", UnknownFingerprint),
    ],
)
def test_garbage_raises_typed_errors_naming_where(
    codec: Codec, data: bytes, error: type[CodecError]
) -> None:
    with pytest.raises(error) as caught:
        codec.decode(data, topic="onething.items.public_security", partition=3, offset=42)
    message = str(caught.value)
    assert "topic=onething.items.public_security" in message
    assert "partition=3" in message
    assert "offset=42" in message
    assert caught.value.offset == 42
    assert isinstance(caught.value, CodecError)


def test_truncated_body_is_invalid(codec: Codec) -> None:
    data = codec.encode(status_report())
    with pytest.raises(InvalidEvent, match=r"offset=7\).*body does not decode"):
        codec.decode(data[:-5], topic="t", offset=7)


def test_trailing_bytes_are_invalid(codec: Codec) -> None:
    with pytest.raises(InvalidEvent, match="bytes after"):
        codec.decode(codec.encode(status_report()) + b"\x00", topic="t", offset=8)


def test_body_that_breaks_the_model_is_invalid(codec: Codec) -> None:
    schema = codec.schema_of(ItemStatusReported)
    body = io.BytesIO()
    schemaless_writer(body, schema.parsed, {**status_report().model_dump(), "case_id": ""})
    with pytest.raises(InvalidEvent, match=r"offset=9\).*fails validation"):
        codec.decode(schema.header + body.getvalue(), topic="t", offset=9)


def test_decode_as_rejects_another_record(codec: Codec) -> None:
    data = codec.encode(status_report())
    with pytest.raises(SchemaMismatch, match=r"expected io\.onething\.events\.BundleWithdrawn"):
        codec.decode_as(data, BundleWithdrawn, topic="t", partition=0, offset=1)
    assert codec.decode_as(data, ItemStatusReported) == status_report()


def test_encode_rejects_what_pydantic_was_not_asked_to_check(codec: Codec) -> None:
    unchecked = ItemStatusReported.model_construct(**{**dict(status_report()), "attempt": 2**40})
    with pytest.raises(InvalidEvent, match="ItemStatusReported"):
        codec.encode(unchecked)


def test_encode_rejects_unregistered_types(codec: Codec) -> None:
    class Stray(BundleWithdrawn):
        """Not in the registry."""

    stray = Stray(event_id=derive_event_id("c", "w"), case_id="c", occurred_at=NOW,
                  bundle_code="b", reason="r", requested_by=Requester.APPLICANT)
    with pytest.raises(InvalidEvent, match="not a registered event type"):
        codec.encode(stray)


def test_event_ids_are_deterministic_and_times_are_wire_precise() -> None:
    assert derive_event_id("case-1", "submitted") == derive_event_id("case-1", "submitted")
    assert derive_event_id("case-1", "submitted") != derive_event_id("case-2", "submitted")
    precise = status_report().model_copy(update={"occurred_at": NOW.replace(microsecond=123456)})
    assert ItemStatusReported.model_validate(dict(precise)).occurred_at.microsecond == 123000
    naive = datetime(2024, 1, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone"):
        ItemStatusReported.model_validate({**dict(status_report()), "handled_at": naive})
