"""Principals as data: one per department of every region, one per service, no clashes."""

import pytest

from topology.catalog import all_catalogs, load_catalog
from topology.principals import (
    SERVICE_NAMES,
    AdminPrincipal,
    DepartmentPrincipal,
    bus_principals,
    department_codes,
    find_principal,
)

pytestmark = pytest.mark.unit


def test_one_principal_per_department_of_every_region_and_per_service():
    codes = department_codes(all_catalogs())
    names = [p.name for p in bus_principals(codes)]
    assert names == sorted(names)
    assert set(names) == set(codes) | {"streams", "certificates", "portal", "ops", "admin"}
    assert {d.code for d in load_catalog("guangdong").departments} <= set(names)


def test_departments_are_named_by_their_code_and_speak_as_users():
    tax = find_principal(bus_principals(["tax"]), "tax")
    assert tax == DepartmentPrincipal("tax")
    assert tax.user == "User:tax"
    assert tax.kind == "department"


def test_admin_is_the_only_super_user():
    people = bus_principals(["tax", "health"])
    assert [p for p in people if p.kind == "super user"] == [AdminPrincipal()]


def test_a_department_named_like_a_service_is_refused():
    with pytest.raises(ValueError, match="streams"):
        bus_principals(["tax", "streams"])
    assert "portal" in SERVICE_NAMES


def test_an_unknown_principal_names_the_known_ones():
    with pytest.raises(KeyError, match="known: admin"):
        find_principal(bus_principals(["tax"]), "taxx")
