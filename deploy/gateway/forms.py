"""The catalogue as a portal renders it (一次告知 of what is needed, 表单自动生成): one merged
form per bundle, with each field's kind, options and rule, the materials (免提交 flagged),
the items that may be left out, the situations to choose, and what 容缺 allows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from streams.case.form_checks import expected
from topology.catalog import Bundle, Catalog, Item


def bundle_summaries(catalog: Catalog) -> list[dict[str, Any]]:
    """Every bundle a portal may offer in this region."""
    return [
        {"code": b.code, "name": b.name, "category": b.category, "life_stage": b.life_stage,
         "lead_department": b.lead_department, "time_limit_days": b.time_limit_days,
         "itemised": b.itemised, "items": len(b.items),
         "certificate_types": b.certificate_types()}
        for b in catalog.bundles
    ]  # fmt: skip


def bundle_form(
    catalog: Catalog, bundle: Bundle, chosen: Iterable[str] = (),
    situations: Mapping[str, str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The merged form of ``bundle`` for the items ``chosen`` (none: every item) and the
    ``situations`` answered; raises ``CatalogError`` on an unknown item or option."""
    items = bundle.applicable_items(set(chosen) or None, dict(situations or {}))
    produced = {output.code for item in items for output in item.outputs}
    return {
        "region": catalog.region,
        "catalogue_version": catalog.version,
        "bundle": {"code": bundle.code, "name": bundle.name, "category": bundle.category,
                   "time_limit_days": bundle.time_limit_days,
                   "applicant_kind": "PERSON" if bundle.category == "personal" else "ANY"},
        "items": [_item(item) for item in bundle.items],
        "applies": [item.code for item in items],
        "required_together": [list(group) for group in bundle.required_together],
        "situations": [
            {"code": g.code, "name": g.name, "default": g.default.code,
             "options": [{"code": o.code, "name": o.name} for o in g.options]}
            for g in bundle.situation_groups
        ],
        "fields": _fields(catalog, items, produced),
        "materials": _materials(catalog, items),
    }  # fmt: skip


def _item(item: Item) -> dict[str, Any]:
    return {
        "code": item.code, "name": item.name, "department": item.department,
        "optional": item.optional, "time_limit_days": item.time_limit_days,
        "situation": item.situation.model_dump() if item.situation else None,
        "certificate_types": list(item.certificate_types()),
    }  # fmt: skip


def _fields(catalog: Catalog, items: list[Item], produced: set[str]) -> list[dict[str, Any]]:
    """Each field the applicant fills in once (多表合一); one an item produces is not asked."""
    codes = dict.fromkeys(code for item in items for code in item.fields if code not in produced)
    return [
        {"code": spec.code, "label": spec.name, "kind": spec.kind, "required": True,
         "options": list(spec.options), "rule": expected(spec), "personal": spec.personal,
         "items": [item.code for item in items if spec.code in item.fields]}
        for spec in (catalog.field(code) for code in codes)
    ]  # fmt: skip


def _materials(catalog: Catalog, items: list[Item]) -> list[dict[str, Any]]:
    codes = dict.fromkeys(code for item in items for code in item.materials)
    tolerated = {code for item in items for code in item.tolerates_missing}
    return [
        {"code": spec.code, "name": spec.name, "exempt": spec.exempt,
         "issued_by": spec.issued_by, "may_be_promised": spec.code in tolerated,
         "items": [item.code for item in items if spec.code in item.materials]}
        for spec in (catalog.material(code) for code in codes)
    ]  # fmt: skip
