"""Derive Avro schemas from the event models: the models are the one source of truth.

``avro/*.avsc`` is rendered from here (``onething schemas generate``) and committed; a
contract test keeps the two equal. Shared enums and sub-records are inlined where a schema
first uses them, so every ``.avsc`` file stands alone.
"""

from __future__ import annotations

import inspect
import json
import types
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AwareDatetime
from pydantic.fields import FieldInfo

from topology.codec.errors import CodecError
from topology.events._base import AVRO_NAMESPACE, AvroType, Record

_PRIMITIVES: dict[object, Any] = {
    str: "string",
    int: "int",
    bool: "boolean",
    float: "double",
    bytes: "bytes",
    datetime: {"type": "long", "logicalType": "timestamp-millis"},
    AwareDatetime: {"type": "long", "logicalType": "timestamp-millis"},
    date: {"type": "int", "logicalType": "date"},
}


def avro_schema(cls: type[Record]) -> dict[str, Any]:
    """The Avro record schema of ``cls``, with its named types inlined at first use."""
    schema = _Generator().record(cls)
    assert isinstance(schema, dict)  # noqa: S101 - a fresh generator always defines the record
    return schema


def render(cls: type[Record]) -> str:
    """The ``.avsc`` text of ``cls`` as committed in ``avro/``."""
    return json.dumps(avro_schema(cls), indent=2, ensure_ascii=False) + "\n"


def _doc(obj: type) -> str:
    doc = inspect.getdoc(obj)
    if not doc or obj.__doc__ is None:
        raise CodecError(f"{obj.__qualname__} needs a docstring: it becomes the Avro doc")
    return doc


def _avro_default(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_avro_default(item) for item in value]
    if isinstance(value, dict):
        return {key: _avro_default(item) for key, item in value.items()}
    return value


class _Generator:
    def __init__(self) -> None:
        self._defined: set[str] = set()

    def record(self, cls: type[Record]) -> dict[str, Any] | str:
        if cls.avro_name in self._defined:
            return cls.avro_name
        self._defined.add(cls.avro_name)
        fields = [self._field(cls, name, info) for name, info in cls.model_fields.items()]
        return {
            "type": "record",
            "name": cls.__name__,
            "namespace": AVRO_NAMESPACE,
            "doc": _doc(cls),
            "fields": fields,
        }

    def _enum(self, cls: type[Enum]) -> dict[str, Any] | str:
        fullname = f"{AVRO_NAMESPACE}.{cls.__name__}"
        if fullname in self._defined:
            return fullname
        self._defined.add(fullname)
        return {
            "type": "enum",
            "name": cls.__name__,
            "namespace": AVRO_NAMESPACE,
            "doc": _doc(cls),
            "symbols": [member.value for member in cls],
        }

    def _field(self, owner: type[Record], name: str, info: FieldInfo) -> dict[str, Any]:
        if not info.description:
            raise CodecError(f"{owner.__name__}.{name} needs a description: it becomes the doc")
        field: dict[str, Any] = {
            "name": name,
            "doc": info.description,
            "type": self._type(info.annotation, info.metadata),
        }
        if not info.is_required():
            field["default"] = _avro_default(info.get_default(call_default_factory=True))
        return field

    def _type(self, hint: object, metadata: list[Any] | tuple[Any, ...] = ()) -> Any:
        for meta in metadata:
            if isinstance(meta, AvroType):
                return dict(meta.schema)
        origin, args = get_origin(hint), get_args(hint)
        if origin is Annotated:
            return self._type(args[0], args[1:])
        if origin in (Union, types.UnionType):
            return self._optional(hint, args)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self._type(args[0])}
        if origin is dict and args[0] is str:
            return {"type": "map", "values": self._type(args[1])}
        if isinstance(hint, type) and issubclass(hint, Enum):
            return self._enum(hint)
        if isinstance(hint, type) and issubclass(hint, Record):
            return self.record(hint)
        if hint in _PRIMITIVES:
            return _PRIMITIVES[hint]
        raise CodecError(f"no Avro mapping for {hint!r}")

    def _optional(self, hint: object, args: tuple[Any, ...]) -> list[Any]:
        others = [arg for arg in args if arg is not types.NoneType]
        if len(others) != 1 or len(args) != 2:
            raise CodecError(f"only `X | None` unions map to Avro: {hint!r}")
        return ["null", self._type(others[0])]
