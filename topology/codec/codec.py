"""Avro single-object encoding of events: ``C3 01``, CRC-64-AVRO fingerprint, binary body."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from fastavro import schemaless_reader, schemaless_writer
from fastavro.read import SchemaResolutionError
from fastavro.validation import ValidationError as AvroValidationError
from fastavro.validation import validate
from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from topology.codec.errors import (
    CodecError,
    InvalidEvent,
    NotSingleObjectEncoded,
    SchemaMismatch,
    UnknownFingerprint,
    Where,
)
from topology.codec.schemas import (
    MAGIC,
    SchemaVersion,
    default_avro_dir,
    load_current,
    load_history,
)
from topology.events import EVENT_TYPES, Event

E = TypeVar("E", bound=Event)
_HEADER = 10
_BODY_ERRORS = (EOFError, ValueError, TypeError, IndexError, KeyError, UnicodeDecodeError)
_WRITE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


@dataclass(frozen=True)
class _ReadPlan:
    writer: SchemaVersion
    reader: Any  # None when the writer is the current schema: no resolution needed
    cls: type[Event]


class Codec:
    """Encodes events under the current schemas; decodes any released version into the model."""

    def __init__(
        self,
        current: Mapping[str, SchemaVersion],
        history: Mapping[str, list[SchemaVersion]],
        types: Mapping[str, type[Event]] = EVENT_TYPES,
        *,
        validate: bool = True,
    ) -> None:
        self._validate = validate
        self._writers: dict[type[Event], SchemaVersion] = {}
        self._readers: dict[bytes, _ReadPlan] = {}
        for fullname, cls in types.items():
            schema = current.get(cls.__name__)
            if schema is None or schema.fullname != fullname:
                raise CodecError(f"no current schema avro/{cls.__name__}.avsc for {fullname}")
            self._writers[cls] = schema
            for old in history.get(cls.__name__, []):
                self._readers.setdefault(old.header[2:], _ReadPlan(old, schema.parsed, cls))
            self._readers[schema.header[2:]] = _ReadPlan(schema, None, cls)

    @classmethod
    def load(cls, avro_dir: Path | None = None, *, validate: bool = True) -> Codec:
        """Parse ``avro/`` (default: ``$ONETHING_AVRO_DIR`` or the repo's) and its history.

        ``validate`` checks each record against its schema before writing (about 7 µs), which
        catches what pydantic cannot, e.g. a ``model_construct``-ed event.
        """
        root = avro_dir if avro_dir is not None else default_avro_dir()
        return cls(load_current(root), load_history(root), validate=validate)

    def schema_of(self, cls: type[Event]) -> SchemaVersion:
        """The current (writer) schema of an event class."""
        try:
            return self._writers[cls]
        except KeyError:
            raise CodecError(f"{cls.__qualname__} is not a registered event type") from None

    def encode(self, event: Event) -> bytes:
        """The single-object encoding of ``event`` under its current schema."""
        schema = self._writers.get(type(event))
        if schema is None:
            raise InvalidEvent(f"{type(event).__qualname__} is not a registered event type")
        out = BytesIO()
        out.write(schema.header)
        try:
            record = event.model_dump(warnings="error")
            # Checked without building error objects first (half the cost: fastavro makes
            # one per union branch tried); again with them only to name what is wrong.
            if self._validate and not validate(record, schema.parsed, raise_errors=False):
                validate(record, schema.parsed, raise_errors=True)
            schemaless_writer(out, schema.parsed, record, strict=True)
        except (*_WRITE_ERRORS, AvroValidationError, PydanticSerializationError) as error:
            raise InvalidEvent(f"{schema.name} breaks its schema: {error}") from error
        return out.getvalue()

    def decode(
        self, data: bytes, *, topic: str = "?", partition: int = -1, offset: int = -1
    ) -> Event:
        """The event in ``data``, read with its writer's schema, resolved to the current one."""
        where = Where(topic=topic, partition=partition, offset=offset)
        return self._read(self._plan(data, where), data, where)

    def decode_as(
        self,
        data: bytes,
        cls: type[E],
        *,
        topic: str = "?",
        partition: int = -1,
        offset: int = -1,
    ) -> E:
        """Like :meth:`decode`, but the record must be a ``cls``."""
        where = Where(topic=topic, partition=partition, offset=offset)
        plan = self._plan(data, where)
        if plan.cls is not cls:
            raise SchemaMismatch(f"expected {cls.avro_name}, got {plan.cls.avro_name}", **where)
        event = self._read(plan, data, where)
        assert isinstance(event, cls)  # noqa: S101 - the plan's class built it
        return event

    def _plan(self, data: bytes, where: Where) -> _ReadPlan:
        if len(data) < _HEADER or data[:2] != MAGIC:
            raise NotSingleObjectEncoded(
                f"expected marker c301 and an 8-byte fingerprint, got {bytes(data[:_HEADER]).hex()}"
                f" ({len(data)} bytes)",
                **where,
            )
        plan = self._readers.get(bytes(data[2:_HEADER]))
        if plan is None:
            raise UnknownFingerprint(
                f"fingerprint {bytes(data[2:_HEADER]).hex()} is in neither avro/ nor avro/history/",
                **where,
            )
        return plan

    def _read(self, plan: _ReadPlan, data: bytes, where: Where) -> Event:
        body = BytesIO(data)
        body.seek(_HEADER)
        label = f"{plan.writer.name} {plan.writer.version}"
        try:
            record = schemaless_reader(body, plan.writer.parsed, plan.reader)
        except SchemaResolutionError as error:
            raise SchemaMismatch(f"{label} cannot be read as current: {error}", **where) from error
        except _BODY_ERRORS as error:
            raise InvalidEvent(f"{label} body does not decode: {error!r}", **where) from error
        if body.tell() != len(data):
            raise InvalidEvent(f"{len(data) - body.tell()} bytes after the {label} body", **where)
        try:
            return plan.cls.model_validate(record)
        except ValidationError as error:
            raise InvalidEvent(f"{label} fails validation: {validation_summary(error)}",
                               **where) from error  # fmt: skip


def validation_summary(error: ValidationError) -> str:
    """Each failed field and why, without the rejected values (they may be personal data)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'event'}: {problem['msg']}"
        for problem in error.errors(include_input=False, include_url=False)
    )


@lru_cache(maxsize=1)
def default_codec() -> Codec:
    """The process-wide codec over the default ``avro/`` folder, loaded once."""
    return Codec.load()
