"""Each catalogue validation error names its file, bundle and item, and says how to fix it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from topology.catalog import CatalogError, load_catalog_from

pytestmark = pytest.mark.unit

REGISTRY: dict[str, Any] = {
    "departments": [
        {"code": "health", "name": "卫生健康", "name_en": "Health", "level": "local"},
        {"code": "public_security", "name": "公安", "name_en": "Public Security", "level": "local"},
    ],
    "fields": [{"code": "newborn_name", "name": "新生儿姓名", "kind": "name", "personal": True}],
    "materials": [
        {"code": "household_register", "name": "居民户口簿", "issued_by": "public_security"},
        {"code": "photo", "name": "照片"},
    ],
}


def good_bundle() -> dict[str, Any]:
    return {
        "code": "newborn_birth",
        "name": "新生儿出生",
        "category": "personal",
        "life_stage": "出生",
        "lead_department": "health",
        "time_limit_days": 5,
        "situation_groups": [{"code": "place", "name": "出生地", "options": [
            {"code": "local", "name": "本市", "default": True},
            {"code": "elsewhere", "name": "外地"},
        ]}],
        "items": [
            {"code": "birth_certificate", "name": "出生医学证明签发", "department": "health",
             "fields": ["newborn_name"], "time_limit_days": 1},
            {"code": "hukou", "name": "户口登记", "department": "public_security",
             "prerequisites": [{"item": "birth_certificate", "rationale": "出生医学证明"}],
             "materials": ["household_register", "photo"], "tolerates_missing": ["photo"],
             "situation": {"group": "place", "option": "local"}, "time_limit_days": 1},
        ],
    }


def write(root: Path, bundle: dict[str, Any], registry: dict[str, Any] | None = None) -> Path:
    registry = registry or REGISTRY
    (root / "registry").mkdir(parents=True, exist_ok=True)
    for name in ("departments", "fields", "materials"):
        text = yaml.safe_dump({name: registry[name]}, allow_unicode=True)
        (root / "registry" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (root / "layers" / "national").mkdir(parents=True, exist_ok=True)
    layer = {"layer": {"region": "national", "name": "全国", "version": "t1"}, "bundles": [bundle]}
    (root / "layers" / "national" / "layer.yaml").write_text(
        yaml.safe_dump(layer, allow_unicode=True), encoding="utf-8"
    )
    return root


def problems(root: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        load_catalog_from(root, "national")
    return str(caught.value)


def test_the_good_catalogue_loads(tmp_path: Path) -> None:
    catalog = load_catalog_from(write(tmp_path, good_bundle()), "national")
    assert catalog.version == "national@t1"
    assert len(catalog.fingerprint) == 64
    assert catalog.bundle("新生儿出生").item("hukou").department == "public_security"


def test_fingerprint_changes_with_the_data(tmp_path: Path) -> None:
    first = load_catalog_from(write(tmp_path / "a", good_bundle()), "national").fingerprint
    changed = good_bundle()
    changed["items"][1]["time_limit_days"] = 2
    second = load_catalog_from(write(tmp_path / "b", changed), "national").fingerprint
    again = load_catalog_from(write(tmp_path / "c", good_bundle()), "national").fingerprint
    assert first != second
    assert first == again


def mutated(path: str, value: Any) -> dict[str, Any]:
    bundle = copy.deepcopy(good_bundle())
    *keys, last = path.split(".")
    target: Any = bundle
    for key in keys:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(last) if last.isdigit() else last] = value
    return bundle


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("items.1.department", "customs", ["unknown department customs", "item hukou"]),
        ("lead_department", "nobody", ["unknown lead department nobody"]),
        ("items.0.fields", ["newborn_name", "shoe_size"], ["unknown field shoe_size",
                                                           "item birth_certificate"]),
        ("items.1.materials", ["household_register", "passport"], ["unknown material passport"]),
        ("items.1.prerequisites", [{"item": "ghost", "rationale": "x"}],
         ["dangling prerequisite ghost", "item hukou"]),
        ("items.1.code", "birth_certificate", ["duplicate item code birth_certificate"]),
        ("items.1.situation", {"group": "weather", "option": "sunny"},
         ["situation weather=sunny is unknown", "item hukou"]),
        ("items.1.situation", {"group": "place", "option": "moon"}, ["place=moon is unknown"]),
        ("situation_groups.0.options.1.default", True, ["situation group place has 2 defaults"]),
        ("situation_groups.0.options.0.default", False, ["situation group place has 0 defaults"]),
        ("items.1.tolerates_missing", ["household_register", "marriage"],
         ["tolerates_missing names marriage"]),
        ("required_together", [["hukou", "ghost"]], ["required_together names unknown item ghost"]),
        ("items.1.time_limit_days", 0, ["items.1.time_limit_days", "item hukou"]),
        ("time_limit_days", 1, ["shorter than the longest prerequisite chain (2 days)"]),
    ],
)
def test_each_error_names_file_bundle_item_and_fix(
    tmp_path: Path, path: str, value: Any, expected: list[str]
) -> None:
    message = problems(write(tmp_path, mutated(path, value)))
    assert "file layers/national/layer.yaml" in message
    assert "bundle newborn_birth" in message
    assert "fix:" in message
    for fragment in expected:
        assert fragment in message


def test_a_cycle_is_named(tmp_path: Path) -> None:
    bundle = mutated("items.0.prerequisites", [{"item": "hukou", "rationale": "户口"}])
    message = problems(write(tmp_path, bundle))
    assert "prerequisite cycle" in message
    assert "hukou -> birth_certificate -> hukou" in message or (
        "birth_certificate -> hukou -> birth_certificate" in message
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bundle = mutated("items.1.department", "customs")
    bundle["items"][0]["fields"] = ["shoe_size"]
    with pytest.raises(CatalogError) as caught:
        load_catalog_from(write(tmp_path, bundle), "national")
    assert len(caught.value.problems) == 2


def test_duplicate_registry_codes_and_unknown_issuers(tmp_path: Path) -> None:
    registry = copy.deepcopy(REGISTRY)
    registry["departments"].append(dict(registry["departments"][0]))
    registry["materials"].append({"code": "will", "name": "遗嘱", "issued_by": "court"})
    message = problems(write(tmp_path, good_bundle(), registry))
    assert "file registry/departments.yaml" in message
    assert "duplicate code health" in message
    assert "material will issued_by unknown department court" in message


def test_duplicate_bundle_codes_in_one_layer(tmp_path: Path) -> None:
    root = write(tmp_path, good_bundle())
    layer = yaml.safe_load((root / "layers/national/layer.yaml").read_text(encoding="utf-8"))
    layer["bundles"].append(good_bundle())
    (root / "layers/national/layer.yaml").write_text(yaml.safe_dump(layer, allow_unicode=True))
    assert "duplicate bundle code" in problems(root)


def test_an_overlay_patch_of_an_unknown_item_is_named(tmp_path: Path) -> None:
    root = write(tmp_path, good_bundle())
    (root / "layers" / "province").mkdir()
    overlay = {
        "layer": {"region": "province", "name": "某省", "version": "p1", "base": "national"},
        "patches": [{"bundle": "newborn_birth", "rename_items": {"ghost": "幽灵事项"}}],
    }
    (root / "layers/province/layer.yaml").write_text(yaml.safe_dump(overlay, allow_unicode=True))
    with pytest.raises(CatalogError) as caught:
        load_catalog_from(root, "province")
    message = str(caught.value)
    assert "file layers/province/layer.yaml" in message
    assert "item ghost" in message


def test_an_overlay_replaces_and_keeps_the_base_name_as_alias(tmp_path: Path) -> None:
    root = write(tmp_path, good_bundle())
    (root / "layers" / "province").mkdir()
    local = good_bundle() | {"name": "新生儿出生（本省）", "lead_department": "public_security"}
    overlay = {
        "layer": {"region": "province", "name": "某省", "version": "p1", "base": "national"},
        "bundles": [local],
    }
    (root / "layers/province/layer.yaml").write_text(yaml.safe_dump(overlay, allow_unicode=True))
    catalog = load_catalog_from(root, "province")
    assert catalog.version == "national@t1+province@p1"
    assert catalog.bundle("新生儿出生").lead_department == "public_security"
    assert catalog.bundle("新生儿出生").aliases == ("新生儿出生",)


def test_an_overlay_patch_names_its_own_source(tmp_path: Path) -> None:
    root = write(tmp_path, good_bundle() | {"source": "国办发"})
    (root / "layers" / "province").mkdir()
    overlay = {
        "layer": {"region": "province", "name": "某省", "version": "p1", "base": "national"},
        "patches": [{"bundle": "newborn_birth", "source": "省办发", "remove_items": ["hukou"]}],
    }
    (root / "layers/province/layer.yaml").write_text(yaml.safe_dump(overlay, allow_unicode=True))
    assert load_catalog_from(root, "province").bundle("newborn_birth").source == "省办发"
    assert load_catalog_from(root, "national").bundle("newborn_birth").source == "国办发"
