"""Every Python example of adapters/README.md runs, and its router serves what it declares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters import DepartmentRouter
from adapters.testing import InMemoryAdapter, sample_task
from topology.catalog import load_catalog
from topology.events import ItemStatus

pytestmark = pytest.mark.unit
README = Path(__file__).parents[2] / "adapters" / "README.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_examples():
    assert EXAMPLES


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda s: s.splitlines()[0][:40])
async def test_example_runs_and_its_declared_items_are_approved(source):
    namespace: dict[str, object] = {"__name__": "readme_example"}
    exec(compile(source, str(README), "exec"), namespace)  # noqa: S102 - our own docs
    routers = [v for v in namespace.values() if isinstance(v, DepartmentRouter)]
    assert routers, "an example declares a router"
    catalog = load_catalog()
    for router in routers:
        binding = router.bind(catalog)
        assert not binding.unknown_keys, f"names of no catalogue item: {binding.unknown_keys}"
        adapter = InMemoryAdapter(router, catalog=catalog)
        declared = [(b, i) for b, i in catalog.items_for_department(router.department)
                    if i.code not in binding.missing]
        assert declared
        for bundle, item in declared:
            await adapter.send(sample_task(catalog, bundle.code, item, case_id=f"doc-{item.code}"))
        assert [r.status for r in adapter.results()] == [ItemStatus.APPROVED] * len(declared)
