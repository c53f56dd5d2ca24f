"""Semantic checks of a resolved catalogue. Reports every problem at once (一次告知)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from topology.catalog import graph
from topology.catalog.bundle import Bundle
from topology.catalog.errors import Problem
from topology.catalog.models import Item
from topology.catalog.names import normalise_name

Where = Callable[[str, str | None], str]
"""(bundle code, item code or None) -> the file that defined it."""


def duplicates(codes: Iterable[str]) -> list[str]:
    return [code for code, count in Counter(codes).items() if count > 1]


class Checker:
    """Checks bundles against the registries of departments, fields and materials."""

    def __init__(self, departments: set[str], fields: set[str], materials: set[str], where: Where):
        self.departments, self.fields, self.materials = departments, fields, materials
        self.where = where
        self.problems: list[Problem] = []

    def fail(self, bundle: str, item: str | None, message: str, fix: str) -> None:
        self.problems.append(
            Problem(message, fix, file=self.where(bundle, item), bundle=bundle, item=item)
        )

    def check_names(self, bundles: Iterable[Bundle]) -> None:
        owner: dict[str, str] = {}
        for bundle in bundles:
            for name in dict.fromkeys(map(normalise_name, bundle.names)):
                if name in owner and owner[name] != bundle.code:
                    self.fail(
                        bundle.code,
                        None,
                        f"name {name} is also bundle {owner[name]}'s",
                        "keep each bundle name and alias unique in a region",
                    )
                owner.setdefault(name, bundle.code)

    def check_bundle(self, bundle: Bundle) -> None:
        code = bundle.code
        if bundle.itemised and not (
            bundle.items and bundle.lead_department and bundle.time_limit_days
        ):
            self.fail(
                code,
                None,
                "an itemised bundle needs items, a lead department and a time limit",
                "add them, or set `itemised: false` for a names-only entry",
            )
        if not bundle.itemised and bundle.items:
            self.fail(
                code,
                None,
                "a names-only bundle (itemised: false) lists items",
                "drop the items or set `itemised: true`",
            )
        if bundle.lead_department and bundle.lead_department not in self.departments:
            self.fail(
                code,
                None,
                f"unknown lead department {bundle.lead_department}",
                "use a code from registry/departments.yaml or add the department there",
            )
        for dup in duplicates(item.code for item in bundle.items):
            self.fail(code, dup, f"duplicate item code {dup}", "give each item its own code")
        self._check_situations(bundle)
        item_codes = {item.code for item in bundle.items}
        for group in bundle.required_together:
            for missing in sorted(set(group) - item_codes):
                self.fail(
                    code,
                    missing,
                    f"required_together names unknown item {missing}",
                    f"use item codes of the bundle: {', '.join(sorted(item_codes))}",
                )
        for item in bundle.items:
            self._check_item(bundle, item, item_codes)
        self._check_graph(bundle)

    def _check_situations(self, bundle: Bundle) -> None:
        for dup in duplicates(group.code for group in bundle.situation_groups):
            self.fail(bundle.code, None, f"duplicate situation group {dup}", "rename one")
        for group in bundle.situation_groups:
            defaults = [o.code for o in group.options if o.default]
            if len(defaults) != 1:
                self.fail(
                    bundle.code,
                    None,
                    f"situation group {group.code} has {len(defaults)} defaults {defaults}",
                    "mark exactly one option `default: true`",
                )
            for dup in duplicates(option.code for option in group.options):
                self.fail(
                    bundle.code,
                    None,
                    f"situation group {group.code} repeats option {dup}",
                    "give each option its own code",
                )

    def _check_item(self, bundle: Bundle, item: Item, item_codes: set[str]) -> None:
        def fail(message: str, fix: str) -> None:
            self.fail(bundle.code, item.code, message, fix)

        for dept in (item.department, *item.cooperating_departments):
            if dept not in self.departments:
                fail(
                    f"unknown department {dept}",
                    "use a code from registry/departments.yaml or add the department there",
                )
        for name in sorted(set(item.fields) - self.fields):
            fail(f"unknown field {name}", "use a code from registry/fields.yaml or add it there")
        for name in sorted(set(item.materials) - self.materials):
            fail(
                f"unknown material {name}",
                "use a code from registry/materials.yaml or add it there",
            )
        for name in sorted(set(item.tolerates_missing) - set(item.materials)):
            fail(
                f"tolerates_missing names {name}, which the item does not need",
                "list it under `materials` too, or drop it from `tolerates_missing`",
            )
        for prerequisite in item.prerequisites:
            if prerequisite.item not in item_codes:
                fail(
                    f"dangling prerequisite {prerequisite.item}",
                    f"use an item code of bundle {bundle.code}: {', '.join(sorted(item_codes))}",
                )
                continue
            yields = {output.code for output in bundle.item(prerequisite.item).outputs}
            for name in sorted(set(prerequisite.outputs) - yields):
                fail(
                    f"prerequisite {prerequisite.item} has no output {name}",
                    f"name one of its outputs ({', '.join(sorted(yields)) or 'none'}) "
                    "or drop it from `outputs`",
                )
        for dup in duplicates(output.code for output in item.outputs):
            fail(f"duplicate output code {dup}", "give each output its own code")
        if item.situation is not None:
            group = bundle.situation_group(item.situation.group)
            if group is None or group.option(item.situation.option) is None:
                known = {g.code: [o.code for o in g.options] for g in bundle.situation_groups}
                fail(
                    f"situation {item.situation.group}={item.situation.option} is unknown",
                    f"declare it under `situation_groups` (known: {known})",
                )

    def _check_graph(self, bundle: Bundle) -> None:
        edges = {item.code: item.prerequisite_codes for item in bundle.items}
        cycle = graph.find_cycle(edges)
        if cycle:
            self.fail(
                bundle.code,
                cycle[0],
                f"prerequisite cycle {' -> '.join(cycle)}",
                "remove one of these prerequisites; the items must form a DAG",
            )
            return
        longest = _critical_path(bundle)
        if bundle.time_limit_days is not None and longest > bundle.time_limit_days:
            self.fail(
                bundle.code,
                None,
                f"time limit {bundle.time_limit_days} days is shorter than the longest "
                f"prerequisite chain ({longest} days)",
                "raise the bundle's time_limit_days or shorten the items' limits",
            )


def _critical_path(bundle: Bundle) -> int:
    finish: dict[str, int] = {}
    for item in bundle.topological_order():
        start = max((finish[p] for p in item.prerequisite_codes if p in finish), default=0)
        finish[item.code] = start + item.time_limit_days
    return max(finish.values(), default=0)
