"""CloudEvents 1.0 binary-mode Kafka headers: ``ce_*`` attributes around an Avro body."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from topology.codec.codec import Codec, default_codec
from topology.codec.errors import InvalidHeaders, Where
from topology.events import Event

CONTENT_TYPE = "application/avro"
_REQUIRED = ("specversion", "id", "source", "type")
_PLAIN = {
    "content-type": "datacontenttype",
    "traceparent": "traceparent",
    "tracestate": "tracestate",
}


def cloudevent_headers(
    event: Event, *, source: str, traceparent: str | None = None, codec: Codec | None = None
) -> list[tuple[str, bytes]]:
    """The Kafka headers of ``event``; ``ce_dataschema`` names its schema file and fingerprint."""
    schema = (codec or default_codec()).schema_of(type(event))
    time = event.occurred_at.astimezone(UTC).isoformat(timespec="milliseconds")
    headers = [
        ("ce_specversion", "1.0"),
        ("ce_id", event.event_id),
        ("ce_source", source),
        ("ce_type", event.avro_name),
        ("ce_time", time.replace("+00:00", "Z")),
        ("ce_subject", event.case_id),
        ("ce_dataschema", f"avro/{schema.name}.avsc#{schema.fingerprint_hex}"),
        ("content-type", CONTENT_TYPE),
    ]
    if traceparent is not None:
        headers.append(("traceparent", traceparent))
    return [(key, value.encode()) for key, value in headers]


def parse_cloudevent_headers(
    headers: Iterable[tuple[str, bytes | None]],
    *,
    topic: str = "?",
    partition: int = -1,
    offset: int = -1,
) -> dict[str, str]:
    """CloudEvents attributes (``ce_`` stripped, ``content-type`` as ``datacontenttype``)."""
    where = Where(topic=topic, partition=partition, offset=offset)
    attributes: dict[str, str] = {}
    for key, value in headers:
        name = key[3:] if key.startswith("ce_") else _PLAIN.get(key.lower())
        if name is None or value is None:
            continue
        try:
            attributes[name] = value.decode()
        except UnicodeDecodeError as error:
            raise InvalidHeaders(f"header {key} is not UTF-8", **where) from error
    missing = [name for name in _REQUIRED if not attributes.get(name)]
    if missing:
        raise InvalidHeaders(f"missing {', '.join('ce_' + m for m in missing)}", **where)
    if attributes["specversion"] != "1.0":
        raise InvalidHeaders(f"specversion {attributes['specversion']} is not 1.0", **where)
    return attributes
