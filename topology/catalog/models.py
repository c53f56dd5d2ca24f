"""The catalogue's building blocks: departments, form fields, materials, items (frozen models)."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A stable ASCII key (snake_case). Chinese names are display data, never keys."""

FieldKind = Literal[
    "citizen_id", "credit_code", "name", "phone", "date", "text", "address", "amount", "enum"
]
FIELD_KINDS: tuple[FieldKind, ...] = get_args(FieldKind)

DepartmentLevel = Literal["central", "local", "institution", "utility", "military"]
"""central: vertically managed by the central government (税务, 海关, 人民银行);
local: a department of the local people's government; institution: a public institution or
people's organisation (残联, 住房公积金管理中心, 疾控); utility: a public-utility enterprise;
military: the people's armed forces departments."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Department(Frozen):
    """A government department (or utility) that performs items, keyed by a stable code."""

    code: Code
    name: str
    name_en: str
    level: DepartmentLevel
    aliases: tuple[str, ...] = ()
    """Other Chinese names the seed lists use for it (省市场监管局, 地区市场监管局...)."""


class FieldSpec(Frozen):
    """One field of the merged application form (一表申请)."""

    code: Code
    name: str
    kind: FieldKind
    personal: bool
    """Personal data (names, ID numbers, phones, addresses): shared only on a need-to-know basis."""
    options: tuple[str, ...] = ()
    """The allowed values of an `enum` field."""


class MaterialSpec(Frozen):
    """One application material. Issued by a government department means looked up (免提交)."""

    code: Code
    name: str
    issued_by: Code | None = None

    @property
    def exempt(self) -> bool:
        """免提交: a department issued it, so it is fetched by data sharing, not asked for."""
        return self.issued_by is not None


class OutputSpec(Frozen):
    """What an item yields; `certificate_type` when it is an e-certificate or licence (电子证照)."""

    code: Code
    name: str
    certificate_type: str | None = None
    personal: bool = False
    """Personal data (a 公民身份号码, a 残疾人证号 that embeds it): sealed on Kafka to whoever
    needs it, as personal form fields are."""


class Prerequisite(Frozen):
    """An item that must complete first, and which of its outputs flows into this one."""

    item: Code
    rationale: str = Field(min_length=1)
    outputs: tuple[Code, ...] = ()
    """The outputs of `item` this item's department needs, forwarded in its task; none: the
    item only has to be done first (need to know: nothing else of it is sent)."""


class SituationOption(Frozen):
    code: Code
    name: str
    default: bool = False


class SituationGroup(Frozen):
    """情形: a question with exactly one applicable answer per case (正常死亡 / 非正常死亡)."""

    code: Code
    name: str
    options: tuple[SituationOption, ...] = Field(min_length=1)

    @property
    def default(self) -> SituationOption:
        return next((option for option in self.options if option.default), self.options[0])

    def option(self, code: str) -> SituationOption | None:
        return next((option for option in self.options if option.code == code), None)


class SituationRef(Frozen):
    """An item applies only when the case's answer to `group` is `option`."""

    group: Code
    option: Code


class Item(Frozen):
    """单项事: one administrative act of one department, a node of its bundle's DAG."""

    code: Code
    name: str
    department: Code
    cooperating_departments: tuple[Code, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()
    outputs: tuple[OutputSpec, ...] = ()
    fields: tuple[Code, ...] = ()
    materials: tuple[Code, ...] = ()
    optional: bool = False
    situation: SituationRef | None = None
    tolerates_missing: tuple[Code, ...] = ()
    """容缺: materials whose absence may be covered by a written commitment (告知承诺)."""
    time_limit_days: int = Field(ge=1, le=365)
    """Time limit in working days."""

    @property
    def prerequisite_codes(self) -> tuple[str, ...]:
        return tuple(prerequisite.item for prerequisite in self.prerequisites)

    def certificate_types(self) -> tuple[str, ...]:
        return tuple(o.certificate_type for o in self.outputs if o.certificate_type is not None)


class Rollout(Frozen):
    """A local list's batch (巩固提升 / 集中攻坚 / 探索拓展) and deadline, verbatim."""

    batch: str
    deadline: str
