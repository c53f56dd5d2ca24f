"""DepartmentRouter: a department declares how each of its items is performed; the SDK does
the rest. An item is either forwarded to the department system as it is, or has a typed
handler with the department's own rules:

router = DepartmentRouter("public_security", backend=PublicSecurityClient)
router.forwards("注销驾驶证")

@router.handles("户口登记")
async def register_birth(task: ItemTask, backend: PublicSecurityClient) -> ItemOutcome: ...
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from adapters.sdk.backend import DepartmentSystem
from adapters.sdk.client import ActClient
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.replies import outcome_of
from adapters.sdk.task import ItemTask
from topology.catalog import Catalog, CatalogError, Item, normalise_name

if TYPE_CHECKING:
    from adapters.simulator.settings import SimulatorSettings

B = TypeVar("B")
Handler = Callable[[ItemTask, B], Awaitable[ItemOutcome]]
SimulatorFactory = Callable[[str, "SimulatorSettings", Catalog], DepartmentSystem]
"""Builds the simulator of a department system: (system code, settings, catalogue)."""
Prerequisite = tuple[str | tuple[str, ...], str]
"""(item, output) of a prerequisite item (前置事项), as :meth:`ItemTask.prerequisite` takes
them: a tuple of items names the first of them the case ran."""
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _system(system: DepartmentSystem) -> DepartmentSystem:
    return system


@dataclass(frozen=True)
class Forward:
    """The handler of a forwarded item: the task's fields, plus ``extra`` request fields
    taken from prerequisite outputs, sent as they are; the reply reported as it is."""

    extra: tuple[tuple[str, Prerequisite], ...] = ()

    async def __call__(self, task: ItemTask, backend: ActClient) -> ItemOutcome:
        found = ((name, task.prerequisite(*source)) for name, source in self.extra)
        extra = {name: value for name, value in found if value}
        return outcome_of(await backend.perform(task, extra))


_AS_IT_IS = Forward()


@dataclass(frozen=True)
class Route:
    """A handler, how to build its backend from a system, and whose system serves it."""

    handler: Handler[Any]
    backend: Callable[[DepartmentSystem], Any]
    system: str
    needs: tuple[Prerequisite, ...] = ()
    """The prerequisite outputs the handler reads, which the catalogue must forward to it."""


@dataclass(frozen=True)
class Binding:
    """A router resolved against one catalogue: a route for every item of the department."""

    department: str
    routes: dict[str, Route]
    items: dict[tuple[str, str], Item]
    missing: tuple[str, ...]
    unknown_keys: tuple[str, ...]
    fallbacks: tuple[str, ...] = ()
    """Items served by the generic registration fallback, not a declared handler."""

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(sorted({route.system for route in self.routes.values()}))

    def undeclared_needs(self) -> list[str]:
        """Prerequisite outputs a handler reads that the catalogue does not forward to its
        item (a task carries only the outputs its item declares), as ``bundle/item: pre.output``."""
        found: list[str] = []
        for (bundle, code), item in self.items.items():
            route = self.routes.get(code)
            declared = {(p.item, o) for p in item.prerequisites for o in p.outputs}
            ran = set(item.prerequisite_codes)
            for items, output in route.needs if route else ():
                sources = [i for i in ((items,) if isinstance(items, str) else items) if i in ran]
                if sources and not any((i, output) in declared for i in sources):
                    found.append(f"{bundle}/{code}: {'|'.join(sources)}.{output}")
        return found


@dataclass
class DepartmentRouter(Generic[B]):
    """The handlers of one department, keyed by item code or Chinese item name."""

    department: str
    backend: Callable[[DepartmentSystem], B] = _system  # type: ignore[assignment]
    simulator: SimulatorFactory | None = None
    fallback: bool = False
    """Forward catalogue items without a handler as they are (a generic registration)."""
    description: str = ""
    _routes: dict[str, Route] = field(default_factory=dict, repr=False)
    _systems: dict[str, SimulatorFactory | None] = field(default_factory=dict, repr=False)

    def handles(
        self, *keys: str, needs: tuple[Prerequisite, ...] = ()
    ) -> Callable[[Handler[B]], Handler[B]]:
        """Register a handler for items named by code (``hukou_registration``) or name;
        ``needs`` names the prerequisite outputs it reads (checked against the catalogue)."""

        def register(handler: Handler[B]) -> Handler[B]:
            for key in keys:
                self._add(key, Route(handler, self.backend, self.department, tuple(needs)))
            return handler

        return register

    def forwards(self, *keys: str, extra: Mapping[str, Prerequisite] | None = None) -> None:
        """These items (by code or name) are sent to the department system as they are and
        its reply is reported as it is: no handler to write. ``extra`` adds request fields
        taken from prerequisite outputs, e.g. ``{"credit_code": ("establishment_registration",
        "credit_code")}``; a field whose output the task does not carry (or carries empty) is
        left out. Items with rules of their own (checks, amounts) get a handler instead."""
        sources = tuple((extra or {}).items())
        route = Route(Forward(sources), ActClient, self.department, tuple(s for _, s in sources))
        for key in keys:
            self._add(key, route)

    def include(self, other: DepartmentRouter[Any]) -> None:
        """Serve ``other``'s items too, through ``other``'s system (e.g. 住建 routes 公积金)."""
        for key, route in other._routes.items():
            self._add(key, route)
        self._systems.setdefault(other.department, other.simulator)
        self._systems.update({k: v for k, v in other._systems.items() if k not in self._systems})

    def simulator_for(self, system: str) -> SimulatorFactory | None:
        """The simulator factory of a system this router's routes call."""
        return self.simulator if system == self.department else self._systems.get(system)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._routes)

    def bind(self, catalog: Catalog) -> Binding:
        """Resolve names to codes for this catalogue; say which items have no handler."""
        try:
            pairs = catalog.items_for_department(self.department)
        except CatalogError:
            pairs = []  # a department the catalogue does not know yet (a new adapter)
        by_name = {normalise_name(k): r for k, r in self._routes.items() if not _CODE.match(k)}
        routes = {k: r for k, r in self._routes.items() if _CODE.match(k)}
        used: set[str] = set()
        missing: list[str] = []
        fallbacks: list[str] = []
        for _, item in pairs:
            route = routes.get(item.code) or by_name.get(normalise_name(item.name))
            if route is None and self.fallback:
                route = Route(_AS_IT_IS, ActClient, self.department)
                fallbacks.append(item.code)
            if route is None:
                missing.append(item.code)
                continue
            routes[item.code] = route
            used.update({item.code, normalise_name(item.name)})
        unknown = tuple(k for k in by_name if k not in used)
        items = {(bundle.code, item.code): item for bundle, item in pairs}
        return Binding(
            self.department,
            routes,
            items,
            tuple(dict.fromkeys(missing)),
            unknown,
            tuple(dict.fromkeys(fallbacks)),
        )

    def _add(self, key: str, route: Route) -> None:
        if key in self._routes and self._routes[key] != route:
            raise ValueError(f"{self.department}: item {key!r} already has a handler")
        self._routes[key] = route
