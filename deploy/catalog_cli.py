"""`onething catalog list|show|check`: the bundle catalogue (一件事清单) of each region."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from topology.catalog import REGIONS, Bundle, Catalog, CatalogError, Item, load_catalog

catalog_app = typer.Typer(help="The bundle catalogue: national base list plus regional overlays.")
_out = Console()
_err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"


_REGION = typer.Option("national", "--region", "-r", help=f"One of: {', '.join(REGIONS)}.")
_FORMAT = typer.Option(Format.table, "--format", "-f", help="table or json.")


def _load(region: str) -> Catalog:
    try:
        return load_catalog(region)
    except CatalogError as error:
        _err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from error


def _summary(bundle: Bundle) -> dict[str, Any]:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "category": bundle.category,
        "life_stage": bundle.life_stage,
        "lead_department": bundle.lead_department,
        "time_limit_days": bundle.time_limit_days,
        "items": len(bundle.items),
        "itemised": bundle.itemised,
        "batch": bundle.rollout.batch if bundle.rollout else None,
    }


@catalog_app.command("list")
def list_bundles(region: str = _REGION, fmt: Format = _FORMAT) -> None:
    """The region's bundles with item counts, lead department and time limit."""
    catalog = _load(region)
    rows = [_summary(bundle) for bundle in catalog.bundles]
    if fmt is Format.json:
        head = {
            "region": catalog.region,
            "version": catalog.version,
            "fingerprint": catalog.fingerprint,
        }
        typer.echo(json.dumps({**head, "bundles": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{catalog.name} ({catalog.version}, {catalog.fingerprint[:12]})")
    for column in ("code", "name", "category", "lead", "days", "items", "itemised", "batch"):
        table.add_column(column, overflow="fold")
    for row in rows:
        lead = catalog.department(row["lead_department"]).name if row["lead_department"] else "-"
        table.add_row(
            row["code"],
            row["name"],
            row["category"],
            lead,
            str(row["time_limit_days"] or "-"),
            str(row["items"]),
            "yes" if row["itemised"] else "names only",
            row["batch"] or "",
        )
    _out.print(table)


def _item_detail(catalog: Catalog, item: Item) -> dict[str, Any]:
    return {
        **item.model_dump(mode="json"),
        "department_name": catalog.department(item.department).name,
        "field_names": [catalog.field(code).name for code in item.fields],
        "material_names": [
            catalog.material(code).name + ("（免提交）" if catalog.material(code).exempt else "")
            for code in item.materials
        ],
    }


@catalog_app.command()
def show(
    bundle: str = typer.Argument(..., help="Bundle code or Chinese name, e.g. 新生儿出生."),
    region: str = _REGION,
    fmt: Format = _FORMAT,
) -> None:
    """One resolved bundle: items, departments, prerequisites, outputs, fields, materials."""
    catalog = _load(region)
    try:
        found = catalog.bundle(bundle)
    except CatalogError as error:
        _err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from error
    items = [_item_detail(catalog, item) for item in found.topological_order()]
    if fmt is Format.json:
        body = {
            **found.model_dump(mode="json", exclude={"items"}),
            "items": items,
            "certificate_types": found.certificate_types(),
            "version": catalog.version,
        }
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    _print_bundle(catalog, found, items)


def _print_bundle(catalog: Catalog, bundle: Bundle, items: list[dict[str, Any]]) -> None:
    lead = catalog.department(bundle.lead_department).name if bundle.lead_department else "-"
    days = bundle.time_limit_days or "-"
    _out.print(
        f"[bold]{bundle.name}[/] ({bundle.code}) ★{lead}, {days} working days, "
        f"{bundle.category}/{bundle.life_stage}"
    )
    if bundle.aliases:
        _out.print(f"also: {', '.join(bundle.aliases)}")
    for group in bundle.situation_groups:
        options = ", ".join(
            f"{o.code}={o.name}" + (" (default)" if o.default else "") for o in group.options
        )
        _out.print(f"情形 {group.code} {group.name}: {options}")
    for together in bundle.required_together:
        _out.print(f"并行办理: {', '.join(together)}")
    if not bundle.itemised:
        _out.print("names only: the list gives no items for this bundle")
    for item in items:
        flags = [flag for flag, on in (("optional", item["optional"]),) if on]
        if item["situation"]:
            flags.append(f"{item['situation']['group']}={item['situation']['option']}")
        _out.print(
            f"\n[bold]{item['name']}[/] ({item['code']}) — {item['department_name']}, "
            f"{item['time_limit_days']} days {' '.join(flags)}",
            highlight=False,
        )
        for prerequisite in item["prerequisites"]:
            _out.print(f"  after {prerequisite['item']}: {prerequisite['rationale']}")
        for output in item["outputs"]:
            cert = f" [电子证照 {output['certificate_type']}]" if output["certificate_type"] else ""
            _out.print(f"  yields {output['name']}{cert}", markup=False)
        _out.print(f"  fields: {', '.join(item['field_names']) or '-'}")
        _out.print(f"  materials: {', '.join(item['material_names']) or '-'}")
        if item["tolerates_missing"]:
            _out.print(f"  容缺: {', '.join(item['tolerates_missing'])}")


@catalog_app.command()
def check() -> None:
    """Load every region; report OK or every error found."""
    failed = False
    for region in REGIONS:
        try:
            catalog = load_catalog(region)
        except CatalogError as error:
            failed = True
            _out.print(f"[red]FAIL[/] {region}: {len(error.problems)} problem(s)")
            for problem in error.problems:
                _out.print(f"  {problem}", markup=False, highlight=False)
            continue
        items = sum(len(bundle.items) for bundle in catalog.bundles)
        _out.print(
            f"[green]OK[/] {region}: {len(catalog.bundles)} bundles, {items} items, "
            f"{catalog.version} {catalog.fingerprint[:12]}"
        )
    if failed:
        raise typer.Exit(1)
