"""Check digits of resident ID numbers and unified social credit codes."""

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topology.identifiers import (
    citizen_id_problem,
    is_citizen_id,
    is_uscc,
    make_citizen_id,
    make_uscc,
    uscc_problem,
)

pytestmark = pytest.mark.unit

# The worked example of GB 11643-1999 and a code printed in GB 32100-2015's annex.
STANDARD_CITIZEN_ID = "11010519491231002X"
STANDARD_USCC = "91350100M000100Y43"


def test_standard_examples_are_valid():
    assert is_citizen_id(STANDARD_CITIZEN_ID)
    assert is_uscc(STANDARD_USCC)


def test_wrong_check_digit_names_the_expected_one():
    assert citizen_id_problem("110105194912310021") == "check digit should be X"
    assert uscc_problem("91350100M000100Y40") == "check character should be 3"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1101051949123100", "18 characters"),
        ("11010519491331002X", "not a calendar date"),
        ("1101051949123100A2", "17 digits"),
    ],
)
def test_malformed_citizen_ids_say_why(value, fragment):
    problem = citizen_id_problem(value)
    assert problem is not None
    assert fragment in problem


def test_uscc_rejects_letters_outside_the_alphabet():
    problem = uscc_problem("91350100I000100Y43")
    assert problem is not None
    assert "alphabet" in problem


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_numbers_are_valid(seed):
    rng = random.Random(seed)
    assert is_citizen_id(make_citizen_id(rng))
    assert is_uscc(make_uscc(rng))


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=16))
def test_one_changed_digit_is_detected(seed, position):
    value = make_citizen_id(random.Random(seed), born=date(1990, 5, 17))
    digit = value[position]
    changed = value[:position] + str((int(digit) + 1) % 10) + value[position + 1 :]
    assert not is_citizen_id(changed)
