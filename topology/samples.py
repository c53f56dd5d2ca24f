"""Generated sample applications: valid check digits, fictitious people, never real data.

Used by the demo, the benchmark and the tests. Variations (`Flaws`) make the applications
that exercise the bus's other paths: refusals, supplements, rejections, 容缺.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from topology.catalog import Bundle, Catalog, FieldSpec, Item
from topology.events import (
    Applicant,
    ApplicantKind,
    ApplicationSubmitted,
    Channel,
    Commitment,
    MaterialRef,
    derive_event_id,
)
from topology.identifiers import make_citizen_id, make_uscc

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
_STREETS = ("示例路", "样本街", "测试大道", "演示巷")
UNREADABLE_SHA256 = "0" * 64


@dataclass(frozen=True)
class Flaws:
    """What to get wrong on purpose; the default is a clean application."""

    invalid_fields: tuple[str, ...] = ()
    """Form fields given a malformed value (a wrong check digit for ID fields)."""
    missing_fields: tuple[str, ...] = ()
    unreadable_materials: tuple[str, ...] = ()
    """Materials whose bytes cannot be read: departments ask to supplement them (补正)."""
    forged_materials: tuple[str, ...] = ()
    """Materials a department finds forged: it rejects the item."""
    promised_materials: tuple[str, ...] = ()
    """Materials left out on a written commitment (容缺), due ``promise_days`` from today."""
    promise_days: int = 5
    items: tuple[str, ...] = ()
    situations: dict[str, str] = field(default_factory=dict)


def fake_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def field_value(spec: FieldSpec, rng: random.Random) -> str:
    """A well-formed value for one merged-form field."""
    match spec.kind:
        case "citizen_id":
            return make_citizen_id(rng)
        case "credit_code":
            return make_uscc(rng)
        case "name":
            return fake_name(rng) + ("有限公司" if "enterprise" in spec.code else "")
        case "phone":
            return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        case "date":
            return (date(2026, 1, 1) + timedelta(days=rng.randrange(300))).isoformat()
        case "amount":
            return f"{rng.randrange(1000, 900000)}.00"
        case "enum":
            return rng.choice(spec.options)
        case "address":
            return f"示例省示例市示例区{rng.choice(_STREETS)}{rng.randrange(1, 999)}号"
        case _:
            return f"{spec.name}（示例）"


def material_ref(code: str, case_id: str, flaws: Flaws) -> MaterialRef:
    digest = hashlib.sha256(f"{case_id}/{code}".encode()).hexdigest()
    scheme = "forged" if code in flaws.forged_materials else "store"
    if code in flaws.unreadable_materials:
        digest = UNREADABLE_SHA256
    return MaterialRef(material_code=code, uri=f"{scheme}://materials/{case_id}/{code}",
                       sha256=digest, version=1)  # fmt: skip


def sample_application(
    catalog: Catalog,
    bundle: Bundle,
    case_id: str,
    rng: random.Random,
    flaws: Flaws | None = None,
    now: datetime | None = None,
) -> ApplicationSubmitted:
    """A complete application for ``bundle``, with the requested flaws."""
    flaws = flaws or Flaws()
    now = now or datetime.now(UTC)
    items = bundle.applicable_items(set(flaws.items) or None, flaws.situations)
    produced = {output.code for item in items for output in item.outputs}
    form = {
        code: field_value(catalog.field(code), rng)
        for code in dict.fromkeys(c for item in items for c in item.fields)
        if code not in produced and code not in flaws.missing_fields
    }
    for code in flaws.invalid_fields:
        form[code] = _malformed(form.get(code, ""))
    return ApplicationSubmitted(
        event_id=derive_event_id(case_id, "submitted"),
        case_id=case_id,
        occurred_at=now,
        bundle_code=bundle.code,
        catalogue_version=catalog.version,
        region=catalog.region,
        channel=Channel.ONLINE,
        applicant=_applicant(bundle, form, rng),
        form=form,
        item_codes=flaws.items,
        situations=flaws.situations,
        materials=tuple(material_ref(code, case_id, flaws) for code in _materials(catalog, items)
                        if code not in flaws.promised_materials),
        commitments=tuple(
            Commitment(material_code=code, due_date=now.date() + timedelta(days=flaws.promise_days))
            for code in flaws.promised_materials
        ),
    )  # fmt: skip


def _materials(catalog: Catalog, items: list[Item]) -> list[str]:
    codes = dict.fromkeys(code for item in items for code in item.materials)
    return [code for code in codes if not catalog.material(code).exempt]


def _applicant(bundle: Bundle, form: dict[str, str], rng: random.Random) -> Applicant:
    if bundle.category == "enterprise" and "credit_code" in form:
        name = form.get("enterprise_name") or fake_name(rng) + "有限公司"
        return Applicant(kind=ApplicantKind.COMPANY, name=name, id_number=form["credit_code"])
    id_number = next((v for k, v in form.items() if k.endswith("_id") and len(v) == 18), None)
    return Applicant(kind=ApplicantKind.PERSON, name=fake_name(rng),
                     id_number=id_number or make_citizen_id(rng),
                     phone=f"139{rng.randrange(10**8):08d}")  # fmt: skip


def _malformed(value: str) -> str:
    """The same value with its last character changed: a check digit that no longer fits."""
    if not value:
        return "0"
    last = value[-1]
    return value[:-1] + ("1" if last != "1" else "2")
