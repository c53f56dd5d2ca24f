"""Valid, plausible numbers a department system issues: IDs with check digits, licences,
certificates, accounts. Deterministic per (seed, case, item, attempt)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date

from topology.catalog import Item
from topology.identifiers import citizen_id_problem, make_citizen_id, make_uscc, uscc_problem

Minter = Callable[[random.Random, Mapping[str, str], str], str]
_AREAS = {
    "110101": ("京", "北京市"),
    "310104": ("沪", "上海市"),
    "440106": ("粤", "广州市"),
    "440304": ("粤", "深圳市"),
    "232700": ("黑", "大兴安岭地区"),
    "140502": ("晋", "晋城市"),
    "320830": ("苏", "淮安市"),
    "510107": ("川", "成都市"),
}


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def _area(rng: random.Random) -> str:
    return rng.choice(sorted(_AREAS))


def _first_valid_id(form: Mapping[str, str], *codes: str) -> str | None:
    return next((form[c] for c in codes if c in form and not citizen_id_problem(form[c])), None)


def _citizen_id(rng: random.Random, form: Mapping[str, str], year: str) -> str:
    try:
        born = date.fromisoformat(form.get("newborn_birth_date", ""))
    except ValueError:
        born = None
    return make_citizen_id(rng, born)


def _credit_code(rng: random.Random, form: Mapping[str, str], year: str) -> str:
    given = form.get("credit_code", "")
    return given if given and not uscc_problem(given) else make_uscc(rng)


def _id_card(rng: random.Random, form: Mapping[str, str], year: str) -> str:
    return _first_valid_id(form, "applicant_id") or make_citizen_id(rng)


def _property(rng: random.Random, form: Mapping[str, str], year: str) -> str:
    short, city = _AREAS[_area(rng)]
    return f"{short}({year}){city}不动产权第{_digits(rng, 7)}号"


def _fire(rng: random.Random, form: Mapping[str, str], year: str) -> str:
    short, _ = _AREAS[_area(rng)]
    return f"{short}消安检字〔{year}〕第{_digits(rng, 4)}号"


def _disability(rng: random.Random, form: Mapping[str, str], year: str) -> str:
    person = _first_valid_id(form, "applicant_id") or make_citizen_id(rng)
    return f"{person}{rng.randint(1, 7)}{rng.randint(1, 4)}"  # 残疾人证号: ID + 类别 + 等级


def _account(field: str, digits: int) -> Minter:
    def mint(rng: random.Random, form: Mapping[str, str], year: str) -> str:
        return form.get(field) or _digits(rng, digits)  # 过户 keeps the meter's 户号

    return mint


def _prefixed(prefix: str, digits: int, *, area: bool = False, dated: bool = False) -> Minter:
    def mint(rng: random.Random, form: Mapping[str, str], year: str) -> str:
        middle = (_area(rng) if area else "") + (year if dated else "")
        return f"{prefix}{middle}{_digits(rng, digits)}"

    return mint


MINTERS: dict[str, Minter] = {
    "citizen_id": _citizen_id,
    "credit_code": _credit_code,
    "business_license": _credit_code,  # 三证合一: the licence number is the credit code
    "id_card": _id_card,
    "household_register": _prefixed("", 9, area=True),
    "food_business_license": _prefixed("JY1", 8, area=True),
    "social_security_card": lambda rng, form, year: rng.choice("ABCDEFGHJK") + _digits(rng, 8),
    "marriage_certificate": lambda rng, form, year: f"J{_area(rng)}-{year}-{_digits(rng, 6)}",
    "birth_medical_certificate": lambda rng, form, year: rng.choice("NOPQRS") + _digits(rng, 9),
    "death_certificate": _prefixed("", 6, area=True, dated=True),
    "cremation_certificate": _prefixed("HH", 6, dated=True),
    "vaccination_certificate": _prefixed("", 10, area=True),
    "disability_certificate": _disability,
    "property_certificate": _property,
    "fire_safety_permit": _fire,
    "water_account": _account("water_account_no", 10),
    "gas_account": _account("gas_account_no", 10),
    "electricity_account": _account("electricity_account_no", 10),
    "housing_fund_unit_account": _prefixed("", 12, area=True),
    "housing_fund_personal_account": _prefixed("", 12, area=True),
    "employer_insurance_account": _prefixed("", 10, area=True),
}


def reference_number(code: str) -> Minter:
    """A department record number: an upper-case tag, the year, eight digits."""
    tag = "".join(part[0] for part in code.split("_")).upper()
    return _prefixed(tag, 8, dated=True)


def mint_outputs(
    item: Item, form: Mapping[str, str], rng: random.Random, year: int
) -> dict[str, str]:
    """A value for every output of ``item``; outputs of one act share the same draw."""
    shared: dict[str, str] = {}
    for spec in item.outputs:
        mint = MINTERS.get(spec.code) or reference_number(spec.code)
        value = mint(rng, {**form, **shared}, str(year))
        shared[spec.code] = value
    if "credit_code" in shared and "business_license" in shared:
        shared["business_license"] = shared["credit_code"]
    return shared
