"""Who may speak on the bus: one Kafka principal per department and per service, as data.

A principal's name is its SCRAM user name and appears in ACLs as ``User:<name>``. Departments
are named by their catalogue code; the services have fixed names. ``admin`` is the broker's
only super user and needs no ACL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from topology.catalog import Catalog


@dataclass(frozen=True, order=True)
class Principal:
    """A Kafka identity of the bus."""

    name: str
    kind: ClassVar[str] = "principal"

    @property
    def user(self) -> str:
        """The principal as Kafka's authorizer names it."""
        return f"User:{self.name}"


@dataclass(frozen=True, order=True)
class DepartmentPrincipal(Principal):
    """A department's adapter (its own organisation's IT): reads its tasks, answers its
    results, nothing of any other department or of the case lifecycle."""

    kind: ClassVar[str] = "department"


@dataclass(frozen=True, order=True)
class StreamsPrincipal(Principal):
    """The case workers: read what applicants and departments say, write tasks and the case's
    facts and completions."""

    name: str = "streams"
    kind: ClassVar[str] = "service"


@dataclass(frozen=True, order=True)
class CertificatesPrincipal(Principal):
    """The e-certificate service: reads completions and case facts, writes certificates."""

    name: str = "certificates"
    kind: ClassVar[str] = "service"


@dataclass(frozen=True, order=True)
class PortalPrincipal(Principal):
    """The applicant side (一网通办 portal): writes applications and applicants' answers,
    reads nothing."""

    name: str = "portal"
    kind: ClassVar[str] = "service"


@dataclass(frozen=True, order=True)
class OpsPrincipal(Principal):
    """Operations: describes topics and consumer groups (partitions, lag), reads no record."""

    name: str = "ops"
    kind: ClassVar[str] = "service"


@dataclass(frozen=True, order=True)
class AdminPrincipal(Principal):
    """The broker's only super user (``super.users``): the launcher and ``topics``/``acls``
    apply use it; no application process does."""

    name: str = "admin"
    kind: ClassVar[str] = "super user"


SERVICES: tuple[Principal, ...] = (
    StreamsPrincipal(),
    CertificatesPrincipal(),
    PortalPrincipal(),
    OpsPrincipal(),
    AdminPrincipal(),
)
SERVICE_NAMES = frozenset(service.name for service in SERVICES)


def department_codes(catalogs: Iterable[Catalog]) -> tuple[str, ...]:
    """Every department of these catalogues (one bus serves every region), sorted."""
    return tuple(sorted({dept.code for catalog in catalogs for dept in catalog.departments}))


def bus_principals(departments: Iterable[str]) -> tuple[Principal, ...]:
    """The services and one principal per department, sorted by name. A department code that
    is also a service name would share its identity, so it is refused."""
    codes = sorted(set(departments))
    clash = SERVICE_NAMES.intersection(codes)
    if clash:
        raise ValueError(f"department codes {sorted(clash)} are service principal names")
    people = [*SERVICES, *(DepartmentPrincipal(code) for code in codes)]
    return tuple(sorted(people, key=lambda principal: principal.name))


def find_principal(principals: Iterable[Principal], name: str) -> Principal:
    """The principal called ``name``; ``KeyError`` names the known ones."""
    known = {principal.name: principal for principal in principals}
    if name not in known:
        raise KeyError(f"no principal {name!r}; known: {', '.join(sorted(known))}")
    return known[name]
