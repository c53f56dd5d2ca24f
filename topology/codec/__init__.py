"""The wire codec: Avro single-object encoding, CloudEvents headers, schema compatibility."""

from __future__ import annotations

from topology.codec.cloudevents import cloudevent_headers, parse_cloudevent_headers
from topology.codec.codec import Codec, default_codec
from topology.codec.errors import (
    CodecError,
    InvalidEvent,
    InvalidHeaders,
    NotSingleObjectEncoded,
    SchemaMismatch,
    UnknownFingerprint,
)
from topology.codec.schemas import SchemaVersion, default_avro_dir

__all__ = [
    "Codec",
    "CodecError",
    "InvalidEvent",
    "InvalidHeaders",
    "NotSingleObjectEncoded",
    "SchemaMismatch",
    "SchemaVersion",
    "UnknownFingerprint",
    "cloudevent_headers",
    "default_avro_dir",
    "default_codec",
    "parse_cloudevent_headers",
]
