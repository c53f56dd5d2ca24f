"""The event models and ``avro/`` agree field by field: names, types, optionality, symbols."""

from __future__ import annotations

import json
import types
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import AwareDatetime

from topology.codec import default_avro_dir
from topology.codec.release import drift
from topology.codec.schemagen import render
from topology.events import AVRO_NAMESPACE, EVENT_CLASSES, EVENT_TYPES, Record
from topology.events._base import AvroType

pytestmark = pytest.mark.contract
AVRO = default_avro_dir()
_SCALARS: dict[Any, Any] = {
    str: "string", int: "int", bool: "boolean", bytes: "bytes",
    AwareDatetime: ("long", "timestamp-millis"), datetime: ("long", "timestamp-millis"),
    date: ("int", "date"),
}


class _Named:
    """Named types seen so far in one file: a later use may refer to them by full name."""

    def __init__(self) -> None:
        self.types: dict[str, dict[str, Any]] = {}

    def resolve(self, node: Any) -> Any:
        if isinstance(node, str) and node in self.types:
            return self.types[node]
        if isinstance(node, dict) and node.get("type") in {"record", "enum"}:
            assert node["namespace"] == AVRO_NAMESPACE
            assert node.get("doc"), f"{node['name']} needs a doc"
            self.types[f"{node['namespace']}.{node['name']}"] = node
        return node


def _agree(hint: Any, node: Any, named: _Named, where: str) -> None:
    node = named.resolve(node)
    origin, args = get_origin(hint), get_args(hint)
    uuid = False
    if origin is Annotated:
        uuid = any(isinstance(meta, AvroType) for meta in args[1:])
        hint, origin, args = args[0], get_origin(args[0]), get_args(args[0])
    if origin in (Union, types.UnionType):
        assert isinstance(node, list), f"{where}: optional in the model, not in the schema"
        assert node[0] == "null", where
        assert len(node) == 2, where
        (inner,) = [arg for arg in args if arg is not types.NoneType]
        return _agree(inner, node[1], named, where)
    assert not isinstance(node, list), f"{where}: optional in the schema, not in the model"
    if origin is tuple:
        assert node["type"] == "array", where
        return _agree(args[0], node["items"], named, f"{where}[]")
    if origin is dict:
        assert node["type"] == "map", where
        return _agree(args[1], node["values"], named, f"{where}{{}}")
    if isinstance(hint, type) and issubclass(hint, Enum):
        assert node["type"] == "enum", where
        assert node["name"] == hint.__name__, where
        assert node["symbols"] == [member.value for member in hint], f"{where}: symbols differ"
        return None
    if isinstance(hint, type) and issubclass(hint, Record):
        return _agree_record(hint, node, named)
    expected = _SCALARS[hint]
    if isinstance(expected, tuple):
        assert (node["type"], node["logicalType"]) == expected, where
    elif uuid:
        assert node == {"type": "string", "logicalType": "uuid"}, where
    else:
        assert node == expected, where
    return None


def _agree_record(cls: type[Record], node: dict[str, Any], named: _Named) -> None:
    assert node["type"] == "record"
    assert node["name"] == cls.__name__
    assert [f["name"] for f in node["fields"]] == list(cls.model_fields), cls.__name__
    for field, (name, info) in zip(node["fields"], cls.model_fields.items(), strict=True):
        where = f"{cls.__name__}.{name}"
        assert field.get("doc"), f"{where} needs a doc"
        assert ("default" in field) == (not info.is_required()), f"{where}: default differs"
        hint = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        _agree(hint, field["type"], named, where)


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_model_and_schema_agree_field_by_field(cls: type[Record]) -> None:
    schema = json.loads((AVRO / f"{cls.__name__}.avsc").read_text(encoding="utf-8"))
    _agree_record(cls, schema, _Named())


def test_event_ids_times_and_cases_are_on_every_event() -> None:
    for cls in EVENT_CLASSES:
        assert list(cls.model_fields)[:3] == ["event_id", "case_id", "occurred_at"]


def test_registry_is_keyed_by_avro_full_name_and_covers_avro_dir() -> None:
    assert {cls.avro_name for cls in EVENT_CLASSES} == set(EVENT_TYPES)
    assert all(name == f"{AVRO_NAMESPACE}.{cls.__name__}" for name, cls in EVENT_TYPES.items())
    assert {p.stem for p in AVRO.glob("*.avsc")} == {cls.__name__ for cls in EVENT_CLASSES}


def test_committed_schemas_are_rendered_from_the_models() -> None:
    assert drift(AVRO) == []
    for cls in EVENT_CLASSES:
        assert (AVRO / f"{cls.__name__}.avsc").read_text(encoding="utf-8") == render(cls)


def test_every_current_schema_is_released() -> None:
    for cls in EVENT_CLASSES:
        assert (Path(AVRO) / "history" / cls.__name__ / "v1.avsc").exists()
