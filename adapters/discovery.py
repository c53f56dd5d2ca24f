"""Installed adapters, found through the ``onething.adapters`` entry point group.

A department's adapter can live in its own package: it declares
``[project.entry-points."onething.adapters"] <department> = "pkg.module:router"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from adapters.sdk.router import DepartmentRouter

GROUP = "onething.adapters"


class AdapterPluginError(RuntimeError):
    """An entry point that does not load, or that is not a DepartmentRouter."""


@dataclass(frozen=True)
class InstalledAdapter:
    department: str
    router: DepartmentRouter[Any]
    source: str
    """``module:attribute (distribution version)`` of the entry point."""


def _load(point: EntryPoint) -> InstalledAdapter:
    try:
        router = point.load()
    except Exception as error:
        raise AdapterPluginError(
            f"adapter {point.name} ({point.value}) does not load: {type(error).__name__}: {error}"
        ) from error
    if not isinstance(router, DepartmentRouter):
        raise AdapterPluginError(
            f"adapter {point.name} ({point.value}) is a "
            f"{type(router).__name__}, not a DepartmentRouter"
        )
    if router.department != point.name:
        raise AdapterPluginError(
            f"entry point {point.name} serves department {router.department}: name them the same"
        )
    dist = f" ({point.dist.name} {point.dist.version})" if point.dist else ""
    return InstalledAdapter(point.name, router, f"{point.value}{dist}")


def installed_adapters() -> dict[str, InstalledAdapter]:
    """Every installed adapter by department code; a broken plugin raises, naming itself."""
    found: dict[str, InstalledAdapter] = {}
    for point in sorted(entry_points(group=GROUP), key=lambda p: p.name):
        if point.name in found:
            raise AdapterPluginError(
                f"two packages install an adapter for {point.name}: "
                f"{found[point.name].source} and {point.value}"
            )
        found[point.name] = _load(point)
    return found
