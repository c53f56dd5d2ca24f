"""Loading a region's catalogue: YAML layers -> validated frozen models, fingerprinted, cached."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from topology.catalog.bundle import Bundle
from topology.catalog.catalog import Catalog
from topology.catalog.errors import CatalogError, Problem
from topology.catalog.layers import Raw, Resolved, read_yaml, resolve
from topology.catalog.models import Department, FieldSpec, MaterialSpec
from topology.catalog.validate import Checker, duplicates

DATA_DIR = Path(__file__).parent / "data"
REGIONS: tuple[str, ...] = ("national", "guangdong", "daxinganling", "jincheng_chengqu", "xuyi")
Model = TypeVar("Model", bound=BaseModel)


def load_catalog(region: str = "national") -> Catalog:
    """The region's resolved, validated catalogue (national base + the region's overlay)."""
    if region not in REGIONS:
        raise CatalogError.single(f"unknown region {region!r}", f"use one of: {', '.join(REGIONS)}")
    return _cached(region)


def all_catalogs() -> tuple[Catalog, ...]:
    """Every region's catalogue, in ``REGIONS`` order: one bus serves applications from each."""
    return tuple(load_catalog(region) for region in REGIONS)


@cache
def _cached(region: str) -> Catalog:
    return load_catalog_from(DATA_DIR, region)


def load_catalog_from(root: Path, region: str) -> Catalog:
    """Load from any data folder (tests use small ones); not cached. Raises CatalogError."""
    problems: list[Problem] = []
    departments = _registry(root, "departments", Department, problems)
    fields = _registry(root, "fields", FieldSpec, problems)
    materials = _registry(root, "materials", MaterialSpec, problems)
    dept_codes = {d.code for d in departments}
    problems += _registry_problems(dept_codes, fields, materials)
    resolved = resolve(root, region)
    problems += resolved.problems
    bundles = _bundles(resolved, problems)
    checker = Checker(
        dept_codes,
        {f.code for f in fields},
        {m.code for m in materials},
        lambda b, i: _where(resolved, b, i),
    )
    checker.check_names(bundles)
    for bundle in bundles:
        checker.check_bundle(bundle)
    problems += checker.problems
    if problems:
        raise CatalogError(problems)
    body: dict[str, Any] = {
        "region": region,
        "name": str(resolved.header.get("name", region)),
        "version": "+".join(resolved.versions),
        "departments": departments,
        "fields": fields,
        "materials": materials,
        "bundles": bundles,
    }
    return Catalog(fingerprint=_fingerprint(body), **body)


def _registry_problems(
    dept_codes: set[str], fields: list[FieldSpec], materials: list[MaterialSpec]
) -> list[Problem]:
    """What the registries get wrong on their own: unknown issuers, enums without options."""
    problems = [
        Problem(
            f"material {m.code} issued_by unknown department {m.issued_by}",
            "use a department code, or null if no government department issues it",
            file="registry/materials.yaml",
        )
        for m in materials
        if m.issued_by is not None and m.issued_by not in dept_codes
    ]
    problems += [
        Problem(
            f"enum field {f.code} has no options", "list its `options`", file="registry/fields.yaml"
        )
        for f in fields
        if f.kind == "enum" and not f.options
    ]
    return problems


def _where(resolved: Resolved, bundle: str, item: str | None) -> str:
    if item is not None and (bundle, item) in resolved.item_files:
        return resolved.item_files[(bundle, item)]
    return " + ".join(resolved.bundle_files.get(bundle, ["?"]))


def _registry(root: Path, name: str, model: type[Model], problems: list[Problem]) -> list[Model]:
    path = root / "registry" / f"{name}.yaml"
    where = f"registry/{name}.yaml"
    if not path.exists():
        raise CatalogError.single("missing registry file", f"create {path}", file=where)
    entries: list[Model] = []
    for raw in read_yaml(path, root).get(name) or []:
        try:
            entries.append(model.model_validate(raw))
        except ValidationError as error:
            problems.append(
                Problem(
                    _describe(error),
                    "fix the entry",
                    file=where,
                    item=str(raw.get("code")) if isinstance(raw, dict) else None,
                )
            )
    problems.extend(
        Problem(f"duplicate code {dup}", "give each entry its own code", file=where, item=dup)
        for dup in duplicates(getattr(entry, "code", "") for entry in entries)
    )
    return entries


def _bundles(resolved: Resolved, problems: list[Problem]) -> list[Bundle]:
    bundles: list[Bundle] = []
    for code, raw in resolved.bundles.items():
        try:
            bundles.append(Bundle.model_validate(raw))
        except ValidationError as error:
            for detail in error.errors():
                item = _item_at(raw, detail["loc"])
                problems.append(
                    Problem(
                        f"{'.'.join(map(str, detail['loc']))}: {detail['msg']}",
                        "fix the value to match the catalogue schema (topology/catalog/models.py)",
                        file=_where(resolved, code, item),
                        bundle=code,
                        item=item,
                    )
                )
    return bundles


def _item_at(raw: Raw, loc: tuple[int | str, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = raw.get("items") or []
        if loc[1] < len(items) and isinstance(items[loc[1]], dict):
            return str(items[loc[1]].get("code"))
    return None


def _describe(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())


def _fingerprint(body: dict[str, Any]) -> str:
    plain = {
        key: [entry.model_dump(mode="json") for entry in value]
        if isinstance(value, list)
        else value
        for key, value in body.items()
    }
    canonical = json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
