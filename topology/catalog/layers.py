"""Reading the YAML layers and laying a region's overlay over its base, as raw mappings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from topology.catalog.errors import CatalogError, Problem

Raw = dict[str, Any]
PATCH_KEYS = frozenset(
    {
        "bundle",
        "name",
        "add_aliases",
        "lead_department",
        "time_limit_days",
        "independent",
        "source",
        "rename_items",
        "reassign_items",
        "set_prerequisites",
        "remove_items",
        "add_items",
    }
)


@dataclass
class Resolved:
    """A region's bundles as raw mappings, with the file each bundle and item came from."""

    header: Raw
    versions: list[str] = field(default_factory=list)
    bundles: dict[str, Raw] = field(default_factory=dict)
    bundle_files: dict[str, list[str]] = field(default_factory=dict)
    item_files: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_yaml(path: Path, root: Path) -> Raw:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogError.single(
            f"not valid YAML: {error}", "fix the YAML syntax", file=_rel(path, root)
        ) from error
    if not isinstance(data, dict):
        raise CatalogError.single(
            "expected a mapping at the top level", "start with `bundles:`", file=_rel(path, root)
        )
    return data


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def layer_files(root: Path, region: str) -> list[Path]:
    folder = root / "layers" / region
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise CatalogError.single(
            f"no layer files for region {region!r} in {folder}",
            f"add {folder}/layer.yaml or use one of: "
            + ", ".join(sorted(p.name for p in (root / "layers").iterdir() if p.is_dir())),
        )
    return files


def resolve(root: Path, region: str, seen: tuple[str, ...] = ()) -> Resolved:
    """The region's base resolved first, then its bundles (replacing by code), then patches."""
    files = [(path, read_yaml(path, root)) for path in layer_files(root, region)]
    header = _header(files, region, root)
    base = header.get("base")
    if base in (*seen, region):
        raise CatalogError.single(f"layer base cycle {[*seen, region, base]}", "fix `base:`")
    out = resolve(root, str(base), (*seen, region)) if base else Resolved(header)
    out.header, out.versions = header, [*out.versions, f"{region}@{header.get('version')}"]
    defined: set[str] = set()
    for path, data in files:
        where = _rel(path, root)
        for raw in data.get("bundles") or []:
            _put_bundle(out, raw, where, defined)
        for patch in data.get("patches") or []:
            _apply_patch(out, patch, where)
    return out


def _header(files: list[tuple[Path, Raw]], region: str, root: Path) -> Raw:
    headers = [(path, data["layer"]) for path, data in files if "layer" in data]
    if len(headers) != 1 or not isinstance(headers[0][1], dict):
        raise CatalogError.single(
            f"region {region} needs exactly one `layer:` header, found {len(headers)}",
            "declare `layer: {region, name, version, source, base}` in one file",
            file=_rel(files[0][0], root),
        )
    header: Raw = headers[0][1]
    if header.get("region") != region or not header.get("version"):
        raise CatalogError.single(
            f"layer header must name region {region!r} and a version",
            "set `region:` to the folder name and declare `version:`",
            file=_rel(headers[0][0], root),
        )
    return header


def _put_bundle(out: Resolved, raw: Raw, where: str, defined: set[str]) -> None:
    code = str(raw.get("code"))
    if code in defined:
        out.problems.append(
            Problem(
                "duplicate bundle code in one layer",
                "give each bundle its own code "
                "(an overlay replaces a base bundle by reusing its code)",
                file=where,
                bundle=code,
            )
        )
        return
    defined.add(code)
    previous = out.bundles.get(code)
    if previous is not None:  # an overlay replacing a base bundle keeps its names as aliases
        names = [previous["name"], *previous.get("aliases", ())]
        aliases = [*raw.get("aliases", ()), *names]
        raw = {**raw, "aliases": [a for a in dict.fromkeys(aliases) if a != raw.get("name")]}
    out.bundles[code] = raw
    out.bundle_files[code] = [*(out.bundle_files.get(code, []) if previous else []), where]
    for item in raw.get("items") or []:
        out.item_files[(code, str(item.get("code")))] = where


def _apply_patch(out: Resolved, patch: Raw, where: str) -> None:
    code = str(patch.get("bundle"))
    raw = out.bundles.get(code)
    unknown = set(patch) - PATCH_KEYS
    if raw is None or unknown:
        out.problems.append(
            Problem(
                f"patch of unknown bundle {code}"
                if raw is None
                else f"unknown patch keys {unknown}",
                "patch a bundle of the base layer"
                if raw is None
                else f"use only: {', '.join(sorted(PATCH_KEYS))}",
                file=where,
                bundle=code,
            )
        )
        return
    raw = dict(raw)
    if "name" in patch:
        raw["aliases"] = [*raw.get("aliases", ()), raw["name"]]
    raw["aliases"] = [*raw.get("aliases", ()), *patch.get("add_aliases", ())]
    raw.update(
        {
            k: patch[k]
            for k in ("name", "lead_department", "time_limit_days", "independent", "source")
            if k in patch
        }
    )
    raw["items"] = _patch_items(out, code, list(raw.get("items") or []), patch, where)
    out.bundles[code] = raw
    out.bundle_files[code] = [*out.bundle_files[code], where]


def _patch_items(out: Resolved, code: str, items: list[Raw], patch: Raw, where: str) -> list[Raw]:
    by_code = {str(item.get("code")): i for i, item in enumerate(items)}
    edits = {
        **patch.get("rename_items", {}),
        **patch.get("reassign_items", {}),
        **patch.get("set_prerequisites", {}),
    }
    for item_code in [*edits, *patch.get("remove_items", ())]:
        if item_code not in by_code:
            out.problems.append(
                Problem(
                    f"patch names unknown item {item_code}",
                    f"use one of: {', '.join(by_code)}",
                    file=where,
                    bundle=code,
                    item=item_code,
                )
            )
    for key, attribute in (
        ("rename_items", "name"),
        ("reassign_items", "department"),
        ("set_prerequisites", "prerequisites"),
    ):
        for item_code, value in patch.get(key, {}).items():
            if item_code in by_code:
                index = by_code[item_code]
                items[index] = {**items[index], attribute: value}
                if attribute == "department":  # the new performer no longer merely cooperates
                    cooperating = items[index].get("cooperating_departments", ())
                    items[index]["cooperating_departments"] = [d for d in cooperating if d != value]
                out.item_files[(code, item_code)] = where
    removed = set(patch.get("remove_items", ()))
    added = list(patch.get("add_items", ()))
    for item in added:
        out.item_files[(code, str(item.get("code")))] = where
    return [item for item in items if item.get("code") not in removed] + added
