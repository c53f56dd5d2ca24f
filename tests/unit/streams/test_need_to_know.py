"""Data minimisation: a task carries the materials its item declares and the prerequisite
outputs its item names (catalogue ``Prerequisite.outputs``), in clear or sealed, and nothing
else of the case: never every output and material to every task."""

from __future__ import annotations

import random

import pytest

from tests.unit.streams.harness import CaseRun, approve_all, report, submit
from topology.catalog import load_catalog
from topology.events import ItemStatus, ItemTaskDispatched
from topology.sealing import OUTPUTS, PREREQUISITES, Sealer, open_group, seal_group

pytestmark = pytest.mark.unit

CATALOG = load_catalog()
NATIONAL = [bundle.code for bundle in CATALOG.bundles]
WITH_PREREQUISITES = [b.code for b in CATALOG.bundles if any(i.prerequisites for i in b.items)]


@pytest.mark.parametrize("bundle_code", NATIONAL)
def test_a_task_carries_only_the_materials_its_item_declares(bundle_code):
    run = submit(bundle_code)
    approve_all(run)
    given = {m.material_code: m for m in run.application.materials}
    bundle = CATALOG.bundle(bundle_code)
    tasks = run.of(ItemTaskDispatched)
    assert tasks
    for task in tasks:
        declared = set(bundle.item(task.item_code).materials)
        assert {m.material_code for m in task.materials} == declared & set(given), task.item_code
        assert all(m == given[m.material_code] for m in task.materials)


class Department:
    """Answers each task with every output its item declares and one it does not: the
    catalogue's personal outputs sealed to streams, the others in clear. Values are drawn at
    random and remembered per item, so what a dependent should receive can be computed."""

    def __init__(self, run: CaseRun, rng: random.Random) -> None:
        self.run, self.rng = run, rng
        self.clear: dict[str, dict[str, str]] = {}
        self.sealed: dict[str, dict[str, str]] = {}

    def value(self, task: ItemTaskDispatched, name: str) -> str:
        return f"{task.item_code}.{name}-{self.rng.randrange(10**9)}"

    def answer(self, task: ItemTaskDispatched) -> None:
        item = CATALOG.bundle(task.bundle_code).item(task.item_code)
        clear = {o.code: self.value(task, o.code) for o in item.outputs if not o.personal}
        private = {o.code: self.value(task, o.code) for o in item.outputs if o.personal}
        clear["internal_ref"] = self.value(task, "ref")  # declared by no item
        private["case_note"] = self.value(task, "note")  # declared by no item
        self.clear[task.item_code], self.sealed[task.item_code] = clear, private
        sealer = Sealer(self.run.policy.sealer.keys, task.department)
        group = seal_group(sealer, private, "streams", task.case_id, task.item_code, OUTPUTS)
        self.run.send(report(task, ItemStatus.APPROVED, outputs=clear, sealed={OUTPUTS: group}))


def wanted(task: ItemTaskDispatched, produced: dict[str, dict[str, str]]) -> dict[str, str]:
    """The prerequisite outputs the catalogue says ``task``'s item needs, from ``produced``."""
    item = CATALOG.bundle(task.bundle_code).item(task.item_code)
    return {f"{p.item}.{name}": produced[p.item][name]
            for p in item.prerequisites if p.item in produced
            for name in p.outputs if name in produced[p.item]}  # fmt: skip


def run_answering(bundle_code: str, seed: int) -> tuple[CaseRun, Department]:
    run = submit(bundle_code, seed=seed)
    department = Department(run, random.Random(seed))
    for _ in range(50):
        tasks = run.open_tasks()
        if not tasks:
            return run, department
        for task in tasks:
            department.answer(task)
    raise AssertionError("the case never stopped dispatching")


def opened_inputs(run: CaseRun, task: ItemTaskDispatched) -> dict[str, str]:
    if PREREQUISITES not in task.sealed:
        return {}
    sealer = Sealer(run.policy.sealer.keys, task.department)
    return open_group(sealer, task.sealed[PREREQUISITES], task.case_id, task.item_code,
                      PREREQUISITES)  # fmt: skip


@pytest.mark.parametrize("bundle_code", WITH_PREREQUISITES)
def test_a_task_carries_only_the_prerequisite_outputs_its_item_declares(bundle_code):
    """Every item answers with outputs in clear and sealed, some declared by no dependent:
    each task gets exactly what its item declares, each kind in its own channel."""
    run, department = run_answering(bundle_code, seed=len(bundle_code))
    tasks = run.of(ItemTaskDispatched)
    assert [t for t in tasks if run.state.plan[t.item_code].prerequisites], "dependents ran"
    for task in tasks:
        assert task.prerequisite_outputs == wanted(task, department.clear), task.item_code
        assert opened_inputs(run, task) == wanted(task, department.sealed), task.item_code
