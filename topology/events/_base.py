"""The base of every event and the field types they share: uuid text, wire-precision times."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

AVRO_NAMESPACE = "io.onething.events"
_EVENT_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://onething.io/events")
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class AvroType:
    """Field metadata naming the Avro type a Python annotation maps to, when not the obvious one."""

    schema: dict[str, Any]


def _uuid_text(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        return str(uuid.UUID(value))
    return value


def _wire_precision(value: datetime) -> datetime:
    """Times travel as UTC milliseconds; normalise here so a decoded event equals the original."""
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


UuidText = Annotated[
    str, BeforeValidator(_uuid_text), AvroType({"type": "string", "logicalType": "uuid"})
]
Timestamp = Annotated[AwareDatetime, AfterValidator(_wire_precision)]
Code = Annotated[str, Field(min_length=1, max_length=128)]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Attempt = Annotated[int, Field(ge=1, le=INT32_MAX)]


def derive_event_id(case_id: str, cause: str) -> str:
    """The deterministic event id of ``cause`` in ``case_id``: a replay yields the same id."""
    return str(uuid.uuid5(_EVENT_ID_NAMESPACE, f"{case_id}\x1f{cause}"))


class Record(BaseModel):
    """A frozen value that maps to one named Avro record in ``io.onething.events``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    avro_name: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.avro_name = f"{AVRO_NAMESPACE}.{cls.__name__}"


class Event(Record):
    """A fact about one case (办件), keyed by its case id; the unit of every Kafka message."""

    event_id: UuidText = Field(
        description="Deterministic id (uuid5 of case id and cause): a replay yields the same id."
    )
    case_id: Code = Field(description="The case (办件) this fact belongs to; the partition key.")
    occurred_at: Timestamp = Field(description="When the fact happened, UTC milliseconds.")
