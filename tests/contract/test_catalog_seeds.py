"""The catalogue against the seed documents: every listed bundle and item, verbatim, in place.

The seeds are PDF conversions. Names are compared with whitespace removed (line breaks and
CJK/Latin spacing are conversion artefacts) but otherwise exactly, brackets' width included.
Departments are mapped from the seed's wording by this file's own keyword table, so a wrong
department code in the data fails here. The few cells the conversion visibly displaced are
repaired below, each with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from topology.catalog import DATA_DIR, Bundle, load_catalog, normalise_name

pytestmark = pytest.mark.contract

SEEDS = Path(__file__).parents[3] / "shared" / "seeds"
MISSING = (
    f"seed documents not found at {SEEDS}: the catalogue is checked against them, so these "
    "tests fail rather than skip without them. Fix: lay the project's shared/ folder beside "
    "this repository (its seeds/ holds 001_*.txt to 004_*.txt), as the developers' machines "
    "and CI have it."
)

DEPARTMENT_KEYWORDS = (
    ("行政审批", "administrative_approval"), ("营商环境", "business_environment"),
    ("发展改革", "development_reform"), ("市场监", "market_regulation"),
    ("公安", "public_security"), ("税务", "tax"), ("人力资源", "hr_social_security"),
    ("医保", "medical_insurance"), ("医疗保障", "medical_insurance"),
    ("住房公积金", "housing_fund"), ("住房", "housing_construction"),
    ("自然资源", "natural_resources"), ("卫生健康", "health"), ("疾控", "disease_control"),
    ("民政", "civil_affairs"), ("残联", "disabled_persons_federation"),
    ("退役军人", "veterans_affairs"), ("人民武装", "armed_forces"), ("消防", "fire_rescue"),
    ("能源", "energy"), ("供电", "electricity"), ("供气", "gas_utility"),
    ("供水", "water_utility"), ("网络运营商", "telecom_operator"),
    ("通信管理", "telecom_regulation"), ("教育", "education"), ("海关", "customs"),
    ("银行", "banking"), ("交通运输", "transport"), ("生态环境", "ecology_environment"),
    ("旅游", "culture_tourism"), ("应急管理", "emergency_management"),
    ("科技", "science_technology"), ("水务", "water_resources"),
    ("严重失信主体名单", "credit_list_authorities"),
)
# (region, item as in the seed) -> repaired (item name, department wording)
REPAIRS = {
    # 晋城 员工录用: the conversion shifted 医疗保障部门 one row up, onto the file transfer.
    ("jincheng_chengqu", "档案的接收和转递(流动人员)"): ("档案的接收和转递(流动人员)", "人力资源"),
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def departments(text: str) -> list[str]:
    """Department codes named in a cell, in order (first = the one that performs the item)."""
    found = []
    for part in re.split(r"[、\n]|及(?=供|网络)", text):
        code = next((code for key, code in DEPARTMENT_KEYWORDS if key in part), None)
        if code and code not in found:
            found.append(code)
    return found


@dataclass
class Row:
    bundle: str
    item: str
    departments: str
    category: str | None = None
    lead: str | None = None
    stage: str | None = None
    batch: str | None = None
    deadline: str | None = None
    together: bool = False


@dataclass
class Listing:
    region: str
    rows: list[Row] = field(default_factory=list)

    @property
    def bundles(self) -> list[str]:
        return list(dict.fromkeys(row.bundle for row in self.rows))


def test_the_seed_documents_are_there() -> None:
    assert all(seed(number).strip() for number in ("001", "002", "003", "004"))


def seed(number: str) -> str:
    """The text of seed ``number``; a missing seed fails the test that reads it, never skips."""
    if not SEEDS.is_dir():
        pytest.fail(MISSING, pytrace=False)
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not found:
        pytest.fail(f"seed {number}_*.txt not found in {SEEDS}", pytrace=False)
    return found[0].read_text(encoding="utf-8")


def parse_markdown(text: str, region: str, provincial: bool) -> Listing:
    """Seed 001: markdown tables (national: 责任单位; Guangdong: 配合部门 then 牵头部门)."""
    listing, bundle, dept, category = Listing(region), "", "", "enterprise"
    for line in text.splitlines():
        if "个人政务服务" in line:
            category = "personal"
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        filled = [cell for cell in cells if cell]
        if not filled or "序号" in filled:
            continue
        if filled[0].isdigit():
            _, bundle, *filled = filled
        item, *rest = filled
        together = any(squash(cell) == "并行办理" for cell in rest)
        rest = [cell for cell in rest if squash(cell) != "并行办理"]
        dept = rest[0] if rest else dept
        lead = rest[1] if provincial and len(rest) > 1 else None
        listing.rows.append(Row(squash(bundle), squash(item), squash(dept), category, lead,
                                together=together))
    return listing


def parse_daxinganling(text: str) -> Listing:
    """Seed 002: one cell per tab-led line, continuation lines, five cells a row."""
    cells: list[str] = []
    for line in text.split("“一件事”牵头部门)")[1].splitlines():
        if line.startswith("\t"):
            cells.append(line[1:])
        elif line.strip() and cells:
            cells[-1] += "\n" + line
    listing, category, stage, dept, bundle = Listing("daxinganling"), "", "", "", ""
    rows: list[tuple[str, list[str]]] = []
    for cell in cells:
        if re.fullmatch(r"\(.\)(企业|个人)事项", cell.strip()):
            category = "enterprise" if "企业" in cell else "personal"
            continue
        if not rows or len(rows[-1][1]) == 5:
            rows.append((category, []))
        rows[-1][1].append(cell)
    for category, (stage_cell, number, name, item, dept_cell) in rows:
        stage = squash(stage_cell) or stage
        bundle = squash(name) if number.strip() else bundle
        dept = dept_cell if dept_cell.strip() else dept
        lead = dept if "★" in dept_cell else None
        listing.rows.append(Row(bundle, squash(item), dept, category, lead, stage))
    return listing


def parse_jincheng(text: str) -> Listing:
    """Seed 003: tab-separated rows under batch headings; the deadline cell is merged."""
    listing, batch, bundle, dept, deadline = Listing("jincheng_chengqu"), "", "", "", ""
    for line in text.split("晋城市城区“高效办成一件事”重点事项清单")[-1].splitlines():
        cells = line.split("\t")
        if heading := re.match(r"(巩固提升|集中攻坚|探索拓展)", line):
            batch = heading.group(1)
            continue
        if len(cells) < 4 or cells[0] == "序号":
            continue
        number, name, item, *rest = cells
        if number.strip():
            bundle, dept = squash(name), ""
        filled = [cell for cell in rest if cell.strip()]
        named = [cell for cell in filled if departments(cell)]
        dept = named[0] if named else dept
        deadline = next((squash(c) for c in filled if "年" in c), deadline)
        item, row_dept = REPAIRS.get(("jincheng_chengqu", squash(item)), (item, dept))
        lead = dept if number.strip() else None
        listing.rows.append(Row(bundle, squash(item), row_dept, None, lead, None, batch, deadline))
    return listing


def parse_xuyi(text: str) -> dict[str, list[str]]:
    """Seed 004: four names-only lists, `N<TAB>name` rows under a title line."""
    lists: dict[str, list[str]] = {}
    current = ""
    for line in text.split("事项清单", 1)[1].splitlines():
        if line.endswith("事项清单"):
            current = squash(line)
            lists[current] = []
        elif current and (match := re.fullmatch(r"(\d+)\t(.+)", line.strip())):
            lists[current].append(squash(match.group(2)))
    return lists


def split_001() -> tuple[str, str]:
    text = seed("001")
    national = text.split("企业政务服务“一件事一次办”事项基础清单（2022 年版）\n")[-1]
    start = text.index("附件 1\n\n企业政务服务“一件事一次办”事项办理分工表")
    guangdong = text[start : text.index("国办发〔2022〕32号\n")]
    return national, guangdong


LISTINGS = {
    "national": lambda: parse_markdown(split_001()[0], "national", provincial=False),
    "guangdong": lambda: parse_markdown(split_001()[1], "guangdong", provincial=True),
    "daxinganling": lambda: parse_daxinganling(seed("002")),
    "jincheng_chengqu": lambda: parse_jincheng(seed("003")),
}
EXPECTED_BUNDLES = {"national": 13, "guangdong": 13, "daxinganling": 13, "jincheng_chengqu": 18}


@pytest.fixture(scope="module", params=list(LISTINGS))
def listing(request: pytest.FixtureRequest) -> Listing:
    return LISTINGS[request.param]()


def test_the_seed_tables_parse_completely(listing: Listing) -> None:
    assert len(listing.bundles) == EXPECTED_BUNDLES[listing.region]
    assert all(row.item and row.departments for row in listing.rows)


def test_every_listed_bundle_is_in_the_region(listing: Listing) -> None:
    catalog = load_catalog(listing.region)
    keys = {normalise_name(name) for bundle in catalog.bundles for name in bundle.names}
    missing = [name for name in listing.bundles if normalise_name(name) not in keys]
    assert not missing, f"{listing.region} lacks bundles {missing}"


def test_every_item_is_verbatim_under_its_bundle_and_department(listing: Listing) -> None:
    catalog = load_catalog(listing.region)
    wrong: list[str] = []
    for row in listing.rows:
        bundle = catalog.bundle(row.bundle)
        items = {squash(item.name): item for item in bundle.items}
        if row.item not in items:
            wrong.append(f"{bundle.code}: no item named {row.item}")
            continue
        item, named = items[row.item], departments(row.departments)
        if not named or item.department != named[0]:
            wrong.append(f"{bundle.code}/{item.code}: department {item.department}, seed {named}")
        elif not set(named[1:]) <= set(item.cooperating_departments):
            wrong.append(f"{bundle.code}/{item.code}: cooperating {item.cooperating_departments}"
                         f", seed {named[1:]}")
    assert not wrong, "\n".join(wrong)


def test_listed_bundles_have_exactly_the_listed_items(listing: Listing) -> None:
    catalog = load_catalog(listing.region)
    for name in listing.bundles:
        bundle = catalog.bundle(name)
        listed = {row.item for row in listing.rows if row.bundle == name}
        assert {squash(item.name) for item in bundle.items} == listed, bundle.code


def test_leads_categories_stages_and_batches(listing: Listing) -> None:
    catalog = load_catalog(listing.region)
    for row in listing.rows:
        bundle = catalog.bundle(row.bundle)
        if row.lead:
            assert bundle.lead_department == departments(row.lead)[0], bundle.code
        if row.category:
            assert bundle.category == row.category, bundle.code
        if row.stage:
            assert bundle.life_stage == row.stage, bundle.code
        if row.batch:
            assert bundle.rollout is not None, bundle.code
            assert bundle.rollout.batch == row.batch, bundle.code
            assert squash(bundle.rollout.deadline) == row.deadline, bundle.code


def test_items_marked_parallel_are_required_together(listing: Listing) -> None:
    catalog = load_catalog(listing.region)
    for row in (row for row in listing.rows if row.together):
        bundle = catalog.bundle(row.bundle)
        code = next(item.code for item in bundle.items if squash(item.name) == row.item)
        assert any(code in group for group in bundle.required_together), bundle.code


def test_xuyi_lists_are_all_present_and_names_only_beyond_the_national_base() -> None:
    lists = {title: names for title, names in parse_xuyi(seed("004")).items() if names}
    assert [len(names) for names in lists.values()] == [13, 26, 20, 21]
    national = {bundle.code for bundle in load_catalog("national").bundles}
    xuyi = load_catalog("xuyi")
    for title, names in lists.items():
        for name in names:
            bundle = xuyi.bundle(name)
            assert bundle.code in national or (not bundle.itemised and not bundle.items), (
                f"{title}: {name} -> {bundle.code}"
            )
    for name in next(iter(lists.values())):
        load_catalog("national").bundle(name)


@pytest.mark.parametrize("region", ["guangdong", "daxinganling", "jincheng_chengqu", "xuyi"])
def test_every_region_keeps_the_national_base(region: str) -> None:
    codes = {bundle.code for bundle in load_catalog(region).bundles}
    assert {bundle.code for bundle in load_catalog("national").bundles} <= codes


def test_jincheng_keeps_the_seeds_wording_of_the_disability_certificate_item() -> None:
    # 城政发〔2024〕8号 reads 「挂失 补办」 (a space, no 、): the name is verbatim, unlike 002's.
    text = squash(seed("003"))
    assert "挂失补办" in text
    assert "挂失、补办" not in text
    item = load_catalog("jincheng_chengqu").bundle("残疾人服务").items[0]
    assert "挂失补办" in item.name
    assert squash(item.name) in text


def layer_data(region: str) -> Iterator[dict[str, object]]:
    for path in sorted((DATA_DIR / "layers" / region).glob("*.yaml")):
        yield yaml.safe_load(path.read_text(encoding="utf-8"))


def test_guangdong_patched_bundles_name_the_provincial_source() -> None:
    source = "粤府办〔2022〕36号"
    assert source in seed("001")
    patched = [str(p["bundle"]) for data in layer_data("guangdong") for p in data["patches"]]
    guangdong = load_catalog("guangdong")
    assert patched
    assert {code: guangdong.bundle(code).source for code in patched} == dict.fromkeys(
        patched, source
    )


def test_no_required_together_the_seed_does_not_mark_parallel(listing: Listing) -> None:
    """并行办理 comes from the seed's own marking; an unmarked bundle has no such group."""
    catalog = load_catalog(listing.region)
    for name in listing.bundles:
        bundle = catalog.bundle(name)
        marked = {squash(row.item) for row in listing.rows if row.bundle == name and row.together}
        for group in bundle.required_together:
            names = {squash(bundle.item(code).name) for code in group}
            assert names & marked, f"{bundle.code}: {group} is not marked 并行办理 in the seed"


# What a layer may add beyond its seed, the YAML key that holds it, and the header's word for it.
DERIVED = {
    "prerequisites": ("prerequisites", "set_prerequisites"),
    "situations": ("situation_groups", "situation"),
    "fields": ("fields",),
    "materials": ("materials",),
    "outputs": ("outputs",),
    "容缺": ("tolerates_missing",),
}


def keys_used(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in keys_used(value)}
    if isinstance(node, list):
        return {key for value in node for key in keys_used(value)}
    return set()


def header_comment(region: str) -> str:
    path = next(
        p for p in sorted((DATA_DIR / "layers" / region).glob("*.yaml"))
        if re.search(r"^layer:", p.read_text(encoding="utf-8"), re.M)
    )
    text = path.read_text(encoding="utf-8")
    lines = text[: text.index("\nlayer:")].splitlines()
    return " ".join(line.lstrip("#").strip() for line in lines if line.startswith("#"))


@pytest.mark.parametrize("region", ["guangdong", "daxinganling", "jincheng_chengqu", "xuyi"])
def test_each_layer_header_says_what_it_derives_beyond_its_seed(region: str) -> None:
    used = {key for data in layer_data(region) for key in keys_used(data.get("bundles") or [])}
    used |= {key for data in layer_data(region) for key in keys_used(data.get("patches") or [])}
    header = header_comment(region)
    assert "derived, not in the seed" in header.lower(), region
    for word, keys in DERIVED.items():
        if used & set(keys):
            assert word in header, f"{region}: the header does not say its {word} are derived"


def named(bundle: Bundle, seed_name: str) -> str:
    return next(item.code for item in bundle.items if squash(item.name) == squash(seed_name))


def test_daxinganling_external_works_approval_follows_the_connection_applications() -> None:
    rows = [r for r in LISTINGS["daxinganling"]().rows
            if normalise_name(r.bundle) == "水电气网联合报装"]
    assert rows[0].item == "水电气网接入外线工程联合审批"
    bundle = load_catalog("daxinganling").bundle("水电气网联合报装")
    approval = bundle.item(named(bundle, rows[0].item))
    connections = [bundle.item(named(bundle, row.item)) for row in rows[1:]]
    assert not any(approval.code in item.prerequisite_codes for item in connections)
    assert set(approval.prerequisite_codes) == {item.code for item in connections}
    assert all(item.optional for item in connections)


@pytest.mark.parametrize("region", ["daxinganling", "jincheng_chengqu"])
def test_credit_repairs_do_not_wait_on_the_repair_guidance(region: str) -> None:
    rows = [r for r in LISTINGS[region]().rows if normalise_name(r.bundle) == "信用修复"]
    assert rows[0].item.startswith("统筹在“信用中国”网站")  # a one-off task of the lead
    bundle = load_catalog(region).bundle("信用修复")
    guidance = bundle.item(named(bundle, rows[0].item))
    assert guidance.optional
    assert not any(guidance.code in item.prerequisite_codes for item in bundle.items)
