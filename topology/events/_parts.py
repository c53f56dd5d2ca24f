"""Enums and sub-records that several events share; each maps to one named Avro type."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import ConfigDict, Field

from topology.events._base import Code, Record, Sha256Hex, Timestamp


class Channel(StrEnum):
    """How the application reached the bus (一窗/一网/掌上办/免申即享)."""

    ONLINE = "ONLINE"
    WINDOW = "WINDOW"
    MOBILE = "MOBILE"
    PROACTIVE = "PROACTIVE"


class ApplicantKind(StrEnum):
    """Whether the applicant is a natural person or a company."""

    PERSON = "PERSON"
    COMPANY = "COMPANY"


class SupplementProblem(StrEnum):
    """What is wrong with a material or a field that a department asks to supplement (补正)."""

    MISSING = "MISSING"
    INVALID = "INVALID"
    EXPIRED = "EXPIRED"


class Sealed(Record):
    """A personal value encrypted to the one principal that may read it (AES-256-GCM or
    SM4-GCM), bound to its case and field: moved elsewhere, it does not open."""

    # Bytes travel as base64 where a sealed value sits in JSON (the case state's changelog).
    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_bytes="base64", val_json_bytes="base64"
    )

    key_id: str = Field(
        min_length=1, max_length=128,
        description="The recipient's data key, <principal>/<suite>/<serial>.",
    )  # fmt: skip
    nonce: bytes = Field(
        min_length=12, max_length=12, description="The 96-bit nonce, random for each value."
    )
    ciphertext: bytes = Field(
        min_length=16, max_length=65_552,
        description="The encrypted UTF-8 value followed by its 16-byte authentication tag.",
    )  # fmt: skip


class Applicant(Record):
    """Who applies: a person (公民身份号码) or a company (统一社会信用代码)."""

    kind: ApplicantKind = Field(description="Person or company.")
    # Empty when sealed (ApplicationSubmitted.sealed): intake checks the opened values.
    name: str = Field(max_length=200, description="Full name of the person or the company.")
    # No pattern here: a mistyped number (17 digits, a lower-case x) must reach intake and be
    # refused naming the field (一次告知), not fail decoding and end on a dead-letter topic.
    id_number: str = Field(
        max_length=64,
        description="公民身份号码 of a person or 统一社会信用代码 of a company (18 chars).",
    )
    phone: str | None = Field(default=None, description="Contact phone number, if given.")


class MaterialRef(Record):
    """A material (材料) by reference: the bytes live in the material store, never on Kafka."""

    material_code: Code = Field(description="Catalogue code of the material.")
    uri: str = Field(min_length=1, description="Where the material store keeps this version.")
    sha256: Sha256Hex = Field(description="SHA-256 of the material's bytes, lower-case hex.")
    version: int = Field(ge=1, le=2**31 - 1, description="Version of the material, from 1 up.")


class Commitment(Record):
    """告知承诺: the applicant promises to supply a material by a date (容缺办理)."""

    material_code: Code = Field(description="Catalogue code of the material promised.")
    due_date: date = Field(description="The date by which the material is promised.")


class SupplementNeed(Record):
    """One thing a department needs corrected or supplied before it can go on (补正)."""

    code: Code = Field(description="The material code or form field code concerned.")
    problem: SupplementProblem = Field(description="Missing, invalid or expired.")
    message: str = Field(description="What the applicant should do, in the department's words.")


class ItemResult(Record):
    """What one item (单项事) produced, as reported by its department."""

    item_code: Code = Field(description="Catalogue code of the item.")
    department: Code = Field(description="The department that handled the item.")
    outputs: dict[str, str] = Field(
        default_factory=dict, description="Output name → value, e.g. certificate numbers."
    )
    handled_at: Timestamp | None = Field(
        default=None, description="When the department finished the item, if it said so."
    )
    sealed: dict[str, Sealed] = Field(
        default_factory=dict,
        description="outputs: its personal outputs sealed to the certificate service as one "
        "group; they are not in `outputs`.",
    )
