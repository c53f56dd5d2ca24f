# ruff: noqa: S101 - a pytest suite: assert is how it speaks
"""The adapter contract suite: written once, subclassed per department.

    class TestPublicSecurityAdapter(AdapterContract):
        router = public_security.router

It proves that the adapter handles every item of its department in the catalogue (with an
approval carrying every output), is idempotent under redelivery, dead-letters undecodable
input and keeps going, and never logs personal data in clear.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator, MutableMapping
from typing import Any, ClassVar

import pytest
import structlog

from adapters.sdk.router import DepartmentRouter
from adapters.testing.harness import InMemoryAdapter
from adapters.testing.samples import sample_task
from topology.catalog import (
    Catalog,
    CatalogError,
    Item,
    all_catalogs,
    load_catalog,
    normalise_name,
)
from topology.events import ItemStatus, ItemTaskDispatched
from topology.logs import mask_personal_data

ERROR_HEADERS = (
    "__connect.errors.topic",
    "__connect.errors.partition",
    "__connect.errors.offset",
    "__connect.errors.exception.class.name",
    "__connect.errors.exception.message",
)


@contextlib.contextmanager
def captured_logs() -> Iterator[list[MutableMapping[str, Any]]]:
    """Every log event at debug level, as it would leave the process (after masking)."""
    entries: list[MutableMapping[str, Any]] = []

    def keep(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> Any:
        entries.append(dict(event))
        raise structlog.DropEvent

    previous = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            mask_personal_data,
            keep,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG),
        cache_logger_on_first_use=False,
    )
    try:
        yield entries
    finally:
        structlog.configure(**previous)


class AdapterContract:
    """Subclass with ``router = <your DepartmentRouter>``; pytest collects the tests."""

    router: ClassVar[DepartmentRouter[Any]]
    region: ClassVar[str] = "national"

    @pytest.fixture
    def catalog(self) -> Catalog:
        return load_catalog(self.region)

    @pytest.fixture
    def adapter(self, catalog: Catalog) -> InMemoryAdapter:
        return InMemoryAdapter(self.router, catalog=catalog)

    def tasks(self, catalog: Catalog) -> list[ItemTaskDispatched]:
        """One valid task per catalogue item of the department (or per declared item code,
        for a department the catalogue does not list yet)."""
        dept = self.router.department
        try:
            pairs = [(b.code, i) for b, i in catalog.items_for_department(dept)]
        except CatalogError:
            pairs = []
        if not pairs:  # routed elsewhere in this catalogue, or not in it at all (yet)
            known = {i.code: (b.code, i) for b in catalog.bundles for i in b.items}
            adhoc = {
                k: ("adhoc", Item(code=k, name=k, department=dept, time_limit_days=1))
                for k in self.router.keys
            }
            pairs = [known[k] for k in self.router.keys if k in known] or list(adhoc.values())
        return [
            sample_task(
                catalog, bundle, item, case_id=f"case-{uuid.uuid4().hex[:12]}", department=dept
            )
            for bundle, item in pairs
        ]

    def test_every_catalogue_item_has_a_handler(self, catalog: Catalog) -> None:
        """Declared, not left to the generic fallback (which only covers other regions)."""
        binding = self.router.bind(catalog)
        assert not binding.missing, f"items without a handler: {binding.missing}"
        assert not binding.fallbacks, f"items only the fallback serves: {binding.fallbacks}"

    def test_the_catalogue_forwards_what_each_handler_needs(self, catalog: Catalog) -> None:
        """A task carries only the prerequisite outputs its item declares (need to know)."""
        undeclared = self.router.bind(catalog).undeclared_needs()
        assert not undeclared, (
            "handlers read prerequisite outputs their items do not declare; add them to the "
            f"prerequisite's `outputs` in the catalogue: {undeclared}"
        )

    def test_every_named_item_exists_in_some_region(self) -> None:
        unresolved = {normalise_name(k) for k in self.router.keys if not k.isascii()}
        for catalog in all_catalogs():
            unresolved -= {normalise_name(i.name) for b in catalog.bundles for i in b.items}
        assert not unresolved, f"handler keys naming no catalogue item: {unresolved}"

    async def test_approves_every_item_with_all_its_outputs(
        self, adapter: InMemoryAdapter, catalog: Catalog
    ) -> None:
        tasks = self.tasks(catalog)
        assert tasks, "the adapter declares no item at all"
        for task in tasks:
            await adapter.send(task)
        results = {r.case_id: r for r in adapter.results()}
        for task in tasks:
            result = results.get(task.case_id)
            assert result is not None, f"no result for {task.item_code}"
            assert result.status is ItemStatus.APPROVED, (task.item_code, result.reason)
            item = adapter.binding.items.get((task.bundle_code, task.item_code))
            wanted = {o.code for o in item.outputs} if item else set()
            assert wanted <= set(adapter.outputs_of(result)), (task.item_code, result.outputs)
            personal = {o.code for o in item.outputs if o.personal} if item else set()
            assert not personal & set(result.outputs), "personal outputs travel sealed only"

    async def test_idempotent_under_redelivery(
        self, adapter: InMemoryAdapter, catalog: Catalog
    ) -> None:
        task = self.tasks(catalog)[0]
        await adapter.send(task)
        await adapter.send(task)  # redelivered by the same process: the same result again
        assert len({r.event_id for r in adapter.results()}) == 1
        adapter.restart()
        await adapter.send(task)  # redelivered after a restart: re-published, same id
        assert adapter.backend_calls(task.event_id) == 1
        assert len({r.event_id for r in adapter.results()}) == 1
        assert adapter.metrics.snapshot()["duplicates"] == 1

    async def test_dead_letters_undecodable_input_and_goes_on(
        self, adapter: InMemoryAdapter, catalog: Catalog
    ) -> None:
        await adapter.send(b"\x00 not an event")
        (dead,) = adapter.on(adapter.topics.dlq)
        headers = dict(dead.headers)
        assert all(name in headers for name in ERROR_HEADERS)
        assert headers["__connect.errors.topic"] == adapter.topics.tasks.encode()
        assert dead.value == b"\x00 not an event"
        task = self.tasks(catalog)[0]
        await adapter.send(task)
        assert [r.case_id for r in adapter.results()] == [task.case_id]

    async def test_never_logs_personal_data(
        self, adapter: InMemoryAdapter, catalog: Catalog
    ) -> None:
        tasks = self.tasks(catalog)
        personal = {v for t in tasks for k, v in t.fields.items() if _personal(catalog, k)}
        with captured_logs() as entries:
            for task in tasks:
                await adapter.send(task)
                await adapter.send(task)
            await adapter.send(b"garbage")
        assert entries, "the adapter logged nothing at all (is logging captured?)"
        text = repr(entries)
        assert not [v for v in personal if v and v in text]


def _personal(catalog: Catalog, code: str) -> bool:
    try:
        return catalog.field(code).personal
    except CatalogError:
        return False
