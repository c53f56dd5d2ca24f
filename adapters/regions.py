"""One bus accepts applications from every region of the catalogue, so an adapter serves the
items regional overlays give its department too: by a declared handler when one matches,
else as a generic registration (logged once at start)."""

from __future__ import annotations

import dataclasses
from typing import Any

from adapters.sdk.log import log
from adapters.sdk.router import Binding, DepartmentRouter
from topology.catalog import Catalog, all_catalogs


def bind_all_regions(router: DepartmentRouter[Any], served: Catalog) -> Binding:
    """The served region's binding, extended with the other regions' items of the department."""
    binding = router.bind(served)
    routes, items = dict(binding.routes), dict(binding.items)
    generic = dataclasses.replace(router, fallback=True)
    regional: list[str] = []
    for catalog in all_catalogs():
        if catalog.region == served.region:
            continue
        other = generic.bind(catalog)
        for code, route in other.routes.items():
            if code not in routes:
                routes[code] = route
                regional += [code] if code in other.fallbacks else []
        for key, item in other.items.items():
            items.setdefault(key, item)
    if regional:
        log().warning("regional_items_generic", department=router.department, items=regional)
    return dataclasses.replace(
        binding, routes=routes, items=items,
        fallbacks=tuple(dict.fromkeys([*binding.fallbacks, *regional])),
    )  # fmt: skip
