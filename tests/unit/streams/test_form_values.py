"""One form value, checked by the kind of its field: what each kind refuses, and the bound on
a value's length (the case state is written on every change)."""

from __future__ import annotations

import random

import pytest

from streams.case.form_checks import MAX_VALUE_CHARS, value_problem
from topology.catalog import load_catalog
from topology.identifiers import make_citizen_id, make_uscc

pytestmark = pytest.mark.unit
FIELD_OF_KIND = {"citizen_id": "applicant_id", "credit_code": "credit_code",
                 "phone": "applicant_phone", "amount": "registered_capital",
                 "date": "employment_start_date", "enum": "enterprise_type",
                 "text": "bank_account_no"}  # fmt: skip


def problem(kind: str, value: str) -> str | None:
    return value_problem(load_catalog().field(FIELD_OF_KIND[kind]), value)


@pytest.mark.parametrize(
    ("kind", "bad"),
    [("citizen_id", "110101199001011230"), ("credit_code", "91110000000000000X"),
     ("phone", "12345"), ("amount", "abc"), ("amount", "-1"), ("amount", "NaN"),
     ("date", "2026-13-01"), ("enum", "no such option")],
)  # fmt: skip
def test_each_kind_refuses_what_is_not_of_it(kind, bad):
    assert problem(kind, bad)


@pytest.mark.parametrize(
    ("kind", "good"),
    [("phone", "13912345678"), ("phone", "010-12345678"), ("amount", "1200.50"),
     ("amount", "0"), ("date", "2026-11-23"), ("text", "6222 0000 1111")],
)  # fmt: skip
def test_each_kind_takes_what_is_of_it(kind, good):
    assert problem(kind, good) is None


def test_generated_identifiers_pass():
    rng = random.Random(1)
    assert problem("citizen_id", make_citizen_id(rng)) is None
    assert problem("credit_code", make_uscc(rng)) is None


def test_a_value_may_be_as_long_as_the_bound_and_no_longer():
    assert problem("text", "x" * MAX_VALUE_CHARS) is None
    assert problem("text", "x" * (MAX_VALUE_CHARS + 1)) == (
        f"is longer than {MAX_VALUE_CHARS} characters"
    )
    assert problem("text", "   ") == "is empty"
