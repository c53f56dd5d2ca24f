"""A region's resolved catalogue: registries, bundles, and the lookups the bus needs."""

from __future__ import annotations

import difflib
from functools import cached_property

from topology.catalog.bundle import Bundle
from topology.catalog.errors import CatalogError
from topology.catalog.models import Code, Department, FieldSpec, Frozen, Item, MaterialSpec
from topology.catalog.names import normalise_name


class Catalog(Frozen):
    """National base + one region's overlay, validated. Pin a case to `version`/`fingerprint`."""

    region: Code
    name: str
    version: str
    fingerprint: str
    """sha256 of the canonical resolved data: changes whenever anything a case relies on does."""
    departments: tuple[Department, ...]
    fields: tuple[FieldSpec, ...]
    materials: tuple[MaterialSpec, ...]
    bundles: tuple[Bundle, ...]

    @cached_property
    def _bundle_keys(self) -> dict[str, Bundle]:
        keys: dict[str, Bundle] = {}
        for bundle in self.bundles:
            keys.update({normalise_name(name): bundle for name in bundle.names})
        keys.update({bundle.code: bundle for bundle in self.bundles})
        return keys

    @cached_property
    def _departments(self) -> dict[str, Department]:
        keys: dict[str, Department] = {}
        for dept in self.departments:
            keys.update({normalise_name(name): dept for name in (dept.name, *dept.aliases)})
        keys.update({dept.code: dept for dept in self.departments})
        return keys

    def bundle(self, code_or_name: str) -> Bundle:
        """The bundle with this code, Chinese name or alias (spaces and bracket width ignored)."""
        found = self._bundle_keys.get(code_or_name) or self._bundle_keys.get(
            normalise_name(code_or_name)
        )
        if found is None:
            raise _unknown("bundle", code_or_name, list(self._bundle_keys), self.region)
        return found

    def department(self, code_or_name: str) -> Department:
        """The department with this code, Chinese name or alias."""
        found = self._departments.get(code_or_name) or self._departments.get(
            normalise_name(code_or_name)
        )
        if found is None:
            raise _unknown("department", code_or_name, list(self._departments), self.region)
        return found

    @cached_property
    def _fields(self) -> dict[str, FieldSpec]:
        return {spec.code: spec for spec in self.fields}

    def field(self, code: str) -> FieldSpec:
        found = self._fields.get(code)
        if found is None:
            raise _unknown("field", code, [spec.code for spec in self.fields], self.region)
        return found

    def material(self, code: str) -> MaterialSpec:
        found = next((spec for spec in self.materials if spec.code == code), None)
        if found is None:
            raise _unknown("material", code, [spec.code for spec in self.materials], self.region)
        return found

    def items_for_department(
        self, dept: str, *, cooperating: bool = False
    ) -> list[tuple[Bundle, Item]]:
        """Every (bundle, item) the department performs; with `cooperating`, also assists in."""
        code = self.department(dept).code
        return [
            (bundle, item)
            for bundle in self.bundles
            for item in bundle.items
            if item.department == code or (cooperating and code in item.cooperating_departments)
        ]


def _unknown(kind: str, key: str, known: list[str], region: str) -> CatalogError:
    close = difflib.get_close_matches(key, known, n=5, cutoff=0.3)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    return CatalogError.single(
        f"no {kind} {key!r} in the {region} catalogue{hint}",
        f"run `onething catalog list --region {region}` to see the codes and names",
    )
