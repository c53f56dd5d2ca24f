"""An adapter opens its task's sealed fields with its own key, just for the department
system; a task whose values do not open for it is dead-lettered naming the place, never
the value."""

from __future__ import annotations

import pytest

from adapters.departments import tax
from adapters.testing import InMemoryAdapter, sample_task
from topology.catalog import load_catalog
from topology.events import ItemStatus, ItemTaskDispatched
from topology.sealing import FORM, MemoryKeyStore, Sealer, seal_group

pytestmark = pytest.mark.unit


def sealed_task(keys: MemoryKeyStore, recipient: str) -> tuple[ItemTaskDispatched, dict[str, str]]:
    """A tax task whose personal fields are sealed to ``recipient``, and their clear values."""
    catalog = load_catalog()
    bundle, item = next((b, i) for b, i in catalog.items_for_department("tax")
                        if any(catalog.field(f).personal for f in i.fields))  # fmt: skip
    task = sample_task(catalog, bundle.code, item, case_id="case-sealed")
    personal = {f: v for f, v in task.fields.items() if catalog.field(f).personal}
    sealed = seal_group(Sealer(keys, "streams"), personal, recipient, task.case_id,
                        task.item_code, FORM)  # fmt: skip
    clear = {f: v for f, v in task.fields.items() if f not in personal}
    return task.model_copy(update={"fields": clear, "sealed": {FORM: sealed}}), personal


async def test_the_department_system_gets_the_opened_values():
    keys = MemoryKeyStore()
    task, personal = sealed_task(keys, "tax")
    assert personal
    assert task.sealed
    adapter = InMemoryAdapter(tax.router, sealer=Sealer(keys, "tax"))
    await adapter.send(task)
    assert [r.status for r in adapter.results()] == [ItemStatus.APPROVED]
    (request,) = [r for system in adapter.systems.values() for r in system.requests]
    assert {f: request.form[f] for f in personal} == personal


async def test_a_task_sealed_to_another_department_is_dead_lettered_without_its_values():
    keys = MemoryKeyStore()
    task, personal = sealed_task(keys, "public_security")
    adapter = InMemoryAdapter(tax.router, sealer=Sealer(keys, "tax"))
    await adapter.send(task)
    assert adapter.results() == []
    assert not any(system.requests for system in adapter.systems.values())
    (dead,) = adapter.on(adapter.topics.dlq)
    reason = dict(dead.headers)["__connect.errors.exception.message"].decode()
    assert "sealed to public_security, not to tax" in reason
    assert not [value for value in personal.values() if value in reason]
