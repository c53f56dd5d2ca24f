"""Well-formedness of one merged-form value, by the catalogue's field kind."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from topology.catalog import FieldSpec
from topology.identifiers import citizen_id_problem, uscc_problem

MAX_VALUE_CHARS = 1_000
"""The longest form value (an address or a name is far shorter): a case's state, written on
every change, does not grow with what a sender chooses to send."""
_PHONE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")

EXPECTED = {
    "citizen_id": "18-character 公民身份号码 with a valid GB 11643 check digit",
    "credit_code": "18-character 统一社会信用代码 with a valid GB 32100 check character",
    "date": "a date as YYYY-MM-DD",
    "phone": "an 11-digit mobile number or an area-code landline",
    "amount": "a non-negative decimal amount, e.g. 1200.50",
    "name": "a non-empty name",
    "text": "non-empty text",
    "address": "a non-empty address",
}


def value_problem(spec: FieldSpec, value: str) -> str | None:
    """Why ``value`` is not acceptable for ``spec``, or None."""
    if not value.strip():
        return "is empty"
    if len(value) > MAX_VALUE_CHARS:
        return f"is longer than {MAX_VALUE_CHARS} characters"
    match spec.kind:
        case "citizen_id":
            return citizen_id_problem(value)
        case "credit_code":
            return uscc_problem(value)
        case "date":
            return _date_problem(value)
        case "phone":
            return None if _PHONE.match(value) else "is not a phone number"
        case "amount":
            return _amount_problem(value)
        case "enum":
            return None if value in spec.options else f"is not one of {', '.join(spec.options)}"
        case _:
            return None


def expected(spec: FieldSpec) -> str:
    if spec.kind == "enum":
        return f"one of: {', '.join(spec.options)}"
    return EXPECTED.get(spec.kind, "a value")


def _date_problem(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return "is not a date (YYYY-MM-DD)"
    return None


def _amount_problem(value: str) -> str | None:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return "is not a number"
    return None if amount.is_finite() and amount >= 0 else "must be a non-negative amount"
