"""Every event round-trips through the codec, and the bytes are standard Avro single-object."""

from __future__ import annotations

import io
import json
import types
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

import avro.io
import avro.schema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import AwareDatetime
from pydantic.fields import FieldInfo

from topology.codec import Codec
from topology.events import EVENT_CLASSES, Event, Record
from topology.events._base import AvroType

pytestmark = pytest.mark.unit

_TIMEZONES = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
# hypothesis takes naive bounds and attaches the time zones itself
_TIMES = st.datetimes(
    datetime(1970, 1, 2),  # noqa: DTZ001
    datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=_TIMEZONES,
)


def _constraints(metadata: tuple[Any, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for meta in metadata:
        if isinstance(meta, FieldInfo):
            found.update(_constraints(tuple(meta.metadata)))
        for key in ("min_length", "max_length", "ge", "le", "pattern"):
            if getattr(meta, key, None) is not None:
                found[key] = getattr(meta, key)
        if isinstance(meta, AvroType):
            found["avro"] = meta
    return found


def strategy_for(hint: Any, metadata: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:
    """A strategy for values of ``hint`` that pass the model's own validation."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return strategy_for(args[0], (*metadata, *args[1:]))
    rules = _constraints(metadata)
    if "avro" in rules:
        return st.uuids().map(str)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in args if arg is not types.NoneType]
        return st.none() | strategy_for(inner)
    if origin is tuple:
        items = strategy_for(args[0])
        return st.lists(items, min_size=rules.get("min_length", 0), max_size=3).map(tuple)
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), strategy_for(args[1]), max_size=3)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(list(hint))
    if isinstance(hint, type) and issubclass(hint, Record):
        return model_strategy(hint)
    return _scalar(hint, rules)


def _scalar(hint: Any, rules: dict[str, Any]) -> st.SearchStrategy[Any]:
    if hint is str and "pattern" in rules:
        return st.from_regex(rules["pattern"], fullmatch=True)
    if hint is str:
        low, high = rules.get("min_length", 0), min(rules.get("max_length", 16), 16)
        return st.text(min_size=low, max_size=high)
    if hint is int:
        return st.integers(rules.get("ge", -(2**31)), rules.get("le", 2**31 - 1))
    if hint is bool:
        return st.booleans()
    if hint is bytes:
        low = rules.get("min_length", 0)
        return st.binary(min_size=low, max_size=max(low, min(rules.get("max_length", 64), 64)))
    if hint in (datetime, AwareDatetime):
        return _TIMES
    if hint is date:
        return st.dates(date(1900, 1, 1), date(2200, 1, 1))
    raise AssertionError(f"no strategy for {hint!r}")


def model_strategy(cls: type[Record]) -> st.SearchStrategy[Any]:
    """Valid instances of ``cls``, field by field."""
    fields = {
        name: strategy_for(info.annotation, tuple(info.metadata))
        for name, info in cls.model_fields.items()
    }
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


@pytest.fixture(scope="module")
def codec() -> Codec:
    return Codec.load()


def _rabin(data: bytes) -> int:
    """CRC-64-AVRO written out from the Avro specification, independent of any library."""
    empty = 0xC15D213AA4D7A795
    table = []
    for byte in range(256):
        fp = byte
        for _ in range(8):
            fp = (fp >> 1) ^ (empty & -(fp & 1))
        table.append(fp)
    fp = empty
    for byte in data:
        fp = (fp >> 8) ^ table[(fp ^ byte) & 0xFF]
    return fp


def _strip_logical(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_logical(v) for k, v in node.items() if k != "logicalType"}
    if isinstance(node, list):
        return [_strip_logical(item) for item in node]
    return node


_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_every_event_round_trips(codec: Codec, cls: type[Event]) -> None:
    @_SETTINGS
    @given(model_strategy(cls))
    def round_trip(event: Event) -> None:
        assert codec.decode(codec.encode(event), topic="t", offset=1) == event
        assert codec.decode_as(codec.encode(event), cls) == event

    round_trip()


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_bytes_are_standard_single_object_encoding(codec: Codec, cls: type[Event]) -> None:
    schema = codec.schema_of(cls)
    reference = avro.schema.parse(json.dumps(schema.raw))
    spec_form = avro.schema.parse(json.dumps(_strip_logical(schema.raw))).canonical_form

    @_SETTINGS
    @given(model_strategy(cls))
    def standard(event: Event) -> None:
        data = codec.encode(event)
        assert data[:2] == b"\xc3\x01"
        assert data[2:10] == _rabin(spec_form.encode()).to_bytes(8, "little")
        body = avro.io.BinaryDecoder(io.BytesIO(data[10:]))
        record = avro.io.DatumReader(reference).read(body)
        assert cls.model_validate(record) == event

    assert schema.canonical == spec_form
    assert avro.schema.parse(spec_form).fingerprint() == schema.header[2:]
    standard()
