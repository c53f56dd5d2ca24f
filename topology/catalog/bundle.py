"""一件事: a bundle of items, with selection, situations and ordering of its dependency graph."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Literal

from pydantic import Field

from topology.catalog import graph
from topology.catalog.errors import CatalogError, Problem
from topology.catalog.models import Code, Frozen, Item, Rollout, SituationGroup

Category = Literal["enterprise", "personal"]


class Bundle(Frozen):
    """One life event as the applicant sees it; `itemised` is false for names-only entries."""

    code: Code
    name: str
    aliases: tuple[str, ...] = ()
    """Other names of the same bundle in the region's lists (企业准营（开餐饮店）...)."""
    category: Category
    life_stage: str
    lead_department: Code | None = None
    time_limit_days: int | None = Field(default=None, ge=1, le=365)
    itemised: bool = True
    independent: bool = True
    """Items may complete partially (the rest failing) if the applicant agreed to that."""
    required_together: tuple[tuple[Code, ...], ...] = ()
    """并行办理: groups of items the law requires to be handled together."""
    situation_groups: tuple[SituationGroup, ...] = ()
    items: tuple[Item, ...] = ()
    source: str = ""
    """The document that lists the bundle, verbatim (国办发〔2022〕32号...)."""
    rollout: Rollout | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @cached_property
    def _items(self) -> dict[str, Item]:
        return {item.code: item for item in self.items}

    def item(self, code: str) -> Item:
        """The item with this code (or this Chinese name)."""
        found = self._items.get(code) or next((i for i in self.items if i.name == code), None)
        if found is None:
            keys = [*self._items, *(i.name for i in self.items)]
            close = difflib.get_close_matches(code, keys, n=3, cutoff=0.4)
            raise CatalogError.single(
                f"no item {code!r}" + (f"; close matches: {', '.join(close)}" if close else ""),
                f"use one of: {', '.join(self._items)}",
                bundle=self.code,
            )
        return found

    def situation_group(self, code: str) -> SituationGroup | None:
        return next((group for group in self.situation_groups if group.code == code), None)

    def certificate_types(self) -> list[str]:
        """Every e-certificate type the bundle can yield, in item order, once each."""
        return list(dict.fromkeys(c for item in self.items for c in item.certificate_types()))

    def resolve_situations(
        self, situations: Mapping[str, str], selected: Iterable[str] = ()
    ) -> dict[str, str]:
        """The option of every group: given, else implied by a selected item, else the default."""
        problems: list[Problem] = []
        for group_code, option in situations.items():
            group = self.situation_group(group_code)
            if group is None or group.option(option) is None:
                known = {g.code: [o.code for o in g.options] for g in self.situation_groups}
                problems.append(
                    Problem(
                        f"unknown situation {group_code}={option}",
                        f"use one of {known}" if known else "this bundle has no situations",
                        bundle=self.code,
                    )
                )
        if problems:
            raise CatalogError(problems)
        implied = {
            item.situation.group: item.situation.option
            for item in map(self.item, selected)
            if item.situation is not None and item.situation.group not in situations
        }
        return {
            group.code: situations.get(group.code) or implied.get(group.code) or group.default.code
            for group in self.situation_groups
        }

    def applicable_items(
        self, selected: set[str] | None = None, situations: Mapping[str, str] | None = None
    ) -> list[Item]:
        """The items a case runs, in declared order.

        Situations pick the items of one option per group (default where unanswered). With
        `selected` None every applicable item runs; otherwise the non-optional items, the
        selected ones, their 并行办理 partners and the prerequisites of selected items run.
        """
        self._check_known(selected or set())
        chosen = self.resolve_situations(situations or {}, sorted(selected or ()))
        candidates = [
            i
            for i in self.items
            if i.situation is None or chosen[i.situation.group] == i.situation.option
        ]
        if selected is None:
            return candidates
        self._check_selection(selected, {i.code for i in candidates}, chosen)
        wanted = {i.code for i in candidates if not i.optional} | set(selected)
        for group in self.required_together:
            if wanted.intersection(group):
                wanted.update(group)
        optional = {i.code for i in candidates if i.optional}
        # A selected item brings in what it needs; a non-optional item never needs an optional
        # one (it runs without it), so its edges to optional items only order them if chosen.
        edges = {
            i.code: tuple(p for p in i.prerequisite_codes if i.optional or p not in optional)
            for i in candidates
        }
        keep = graph.closure(sorted(wanted), edges)
        return [i for i in candidates if i.code in keep]

    def _check_known(self, selected: set[str]) -> None:
        unknown = sorted(selected - set(self._items))
        if unknown:
            raise CatalogError.single(
                f"unknown items {', '.join(unknown)}",
                f"choose among: {', '.join(self._items)}",
                bundle=self.code,
            )

    def _check_selection(
        self, selected: set[str], candidates: set[str], chosen: dict[str, str]
    ) -> None:
        problems = [
            Problem(
                f"item {code} does not apply when "
                + ", ".join(f"{group}={option}" for group, option in chosen.items()),
                "choose the matching situation or leave the item out",
                bundle=self.code,
                item=code,
            )
            for code in sorted(selected - candidates)
        ]
        if problems:
            raise CatalogError(problems)

    def topological_order(self, items: Iterable[Item] | None = None) -> list[Item]:
        """Prerequisites before the items that need them; prerequisites outside `items` ignored."""
        chosen = list(self.items if items is None else items)
        edges = {i.code: i.prerequisite_codes for i in chosen}
        by_code = {i.code: i for i in chosen}
        return [by_code[code] for code in graph.topological(edges)]

    def stages(self, items: Iterable[Item] | None = None) -> list[list[Item]]:
        """Waves of items that can run in parallel (并联), each after the earlier waves."""
        chosen = list(self.items if items is None else items)
        by_code = {i.code: i for i in chosen}
        waves = graph.stages({i.code: i.prerequisite_codes for i in chosen})
        return [[by_code[code] for code in wave] for wave in waves]
