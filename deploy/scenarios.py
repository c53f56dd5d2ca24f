"""The demo's sample load: every national bundle, regional ones, and each other path of a case."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from topology.catalog import Catalog, load_catalog
from topology.events import ApplicationSubmitted
from topology.samples import Flaws, sample_application

SLOW_DEPARTMENT = "armed_forces"
"""In the demo this department answers late, so its cases show deadlines passing."""


@dataclass(frozen=True)
class Scenario:
    """One sample case and what the demo expects of it."""

    title: str
    application: ApplicationSubmitted
    expect: str  # completed | refused | rejected | withdrawn
    answers_supplements: bool = False
    delivers_promised: bool = False
    rates: bool = False
    withdraws: bool = False
    """The applicant asks to withdraw as soon as the case is accepted."""
    tags: tuple[str, ...] = field(default=())


def _one(
    catalog: Catalog, bundle: str, run: str, kind: str, rng: random.Random,
    flaws: Flaws | None = None,
) -> ApplicationSubmitted:  # fmt: skip
    return sample_application(catalog, catalog.bundle(bundle), f"{run}-{kind}-{bundle}", rng, flaws)


def demo_scenarios(run: str, seed: int = 2026) -> list[Scenario]:
    """Cases for one demo run; ``run`` makes the case ids unique."""
    rng = random.Random(seed)  # noqa: S311 - generated test data, not secrets
    national = load_catalog("national")
    found = [
        Scenario(f"{bundle.name}", _one(national, bundle.code, run, "n", rng), "completed",
                 rates=bundle.code == "newborn_birth", tags=("national",))
        for bundle in national.bundles
    ]  # fmt: skip
    found += _regional(run, rng)
    found += _paths(national, run, rng)
    return found


def _regional(run: str, rng: random.Random) -> list[Scenario]:
    found = []
    for region, bundle in (("guangdong", "新生儿出生"), ("guangdong", "企业开办"),
                           ("daxinganling", "退休")):  # fmt: skip
        catalog = load_catalog(region)
        code = catalog.bundle(bundle).code
        app = _one(catalog, code, run, region, rng)
        found.append(Scenario(f"{bundle} ({region})", app, "completed", tags=("regional",)))
    return found


def _paths(national: Catalog, run: str, rng: random.Random) -> list[Scenario]:
    make: Callable[..., ApplicationSubmitted] = lambda bundle, kind, flaws: _one(  # noqa: E731
        national, bundle, run, kind, rng, flaws
    )
    return [
        Scenario("refused: bad ID check digits and a missing field (一次告知)",
                 make("newborn_birth", "refused",
                      Flaws(invalid_fields=("mother_id", "father_id"),
                            missing_fields=("newborn_birth_date",))),
                 "refused", tags=("refused",)),
        Scenario("supplements from two departments, one request (一次反馈)",
                 make("posthumous_affairs", "supplement",
                      Flaws(unreadable_materials=("kinship_proof",))),
                 "completed", answers_supplements=True, tags=("supplement",)),
        Scenario("rejected: a forged material (不予办理)",
                 make("employee_hiring", "rejected", Flaws(forged_materials=("labour_contract",))),
                 "rejected", tags=("rejected",)),
        Scenario("容缺: premises proof promised, delivered later",
                 make("enterprise_opening", "promise",
                      Flaws(promised_materials=("premises_proof",))),
                 "completed", delivers_promised=True, tags=("commitment",)),
        Scenario(f"overdue: {SLOW_DEPARTMENT} answers late (办结时限)",
                 make("military_retirement", "overdue", None),
                 "completed", tags=("overdue",)),
        Scenario(f"withdrawn on request while {SLOW_DEPARTMENT} works (撤回)",
                 make("military_retirement", "withdrawn", None),
                 "withdrawn", withdraws=True, tags=("withdrawn",)),
    ]  # fmt: skip
