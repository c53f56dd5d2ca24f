"""A case admitted under one catalogue version finishes under that version after the
catalogue changes: its plan (items, departments, time limits, certificates) is pinned at
intake, and a newer catalogue served meanwhile changes nothing in it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from streams.case.state import CasePhase
from tests.unit.streams.harness import approve_all, submit
from topology.catalog import Catalog, load_catalog
from topology.events import BundleCompleted, ItemTaskDispatched

BUNDLE = "posthumous_affairs"


def _changed(original: Catalog) -> Catalog:
    """The same region one version later: the bundle lost its last item and every other
    item's time limit doubled."""
    data = original.model_dump()
    data["version"] = f"{original.version}-next"
    for bundle in data["bundles"]:
        if bundle["code"] == BUNDLE:
            bundle["items"] = bundle["items"][:-1]
            for item in bundle["items"]:
                item["time_limit_days"] = item["time_limit_days"] * 2
    return Catalog.model_validate(data)


def test_a_case_finishes_under_the_catalogue_it_was_admitted_with() -> None:
    original = load_catalog()
    run = submit(BUNDLE)
    assert run.state is not None
    admitted = {code: (item.department, item.time_limit_days)
                for code, item in run.state.plan.items()}  # fmt: skip
    first_wave = {t.item_code: t.deadline for t in run.of(ItemTaskDispatched)}
    newer = _changed(original)
    assert newer.bundle(BUNDLE).items != original.bundle(BUNDLE).items
    run.policy = dataclasses.replace(run.policy, loader=lambda _region: newer)
    approve_all(run)
    run.tick(timedelta(minutes=1))
    assert run.state.phase is CasePhase.COMPLETED
    assert run.state.catalogue_version == original.version
    assert {code: (item.department, item.time_limit_days)
            for code, item in run.state.plan.items()} == admitted  # fmt: skip
    tasks = run.of(ItemTaskDispatched)
    assert {t.item_code for t in tasks} == set(admitted)
    assert all(t.deadline == first_wave[t.item_code] for t in tasks if t.item_code in first_wave)
    [done] = run.of(BundleCompleted)
    assert {r.item_code for r in done.results} == set(admitted)
    pinned = original.bundle(BUNDLE).applicable_items()
    assert set(done.certificate_types) == {t for i in pinned for t in i.certificate_types()}
