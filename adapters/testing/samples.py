"""Plausible, fictitious item tasks for tests and benchmarks: valid IDs, every material."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

from topology.catalog import Catalog, CatalogError, FieldSpec, Item
from topology.events import ItemTaskDispatched, MaterialRef, derive_event_id
from topology.identifiers import make_citizen_id, make_uscc

_SURNAMES = "王李张刘陈杨黄赵吴周"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def field_value(spec: FieldSpec, rng: random.Random) -> str:
    """A fictitious value of the field's kind."""
    match spec.kind:
        case "citizen_id":
            return make_citizen_id(rng)
        case "credit_code":
            return make_uscc(rng)
        case "name":
            return rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=2))
        case "phone":
            return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        case "date":
            return (
                (datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(365)))
                .date()
                .isoformat()
            )
        case "address":
            return f"广东省广州市越秀区示例路{rng.randrange(1, 300)}号"
        case "amount":
            return f"{rng.randrange(3000, 30000)}.00"
        case "enum":
            return spec.options[0] if spec.options else "其他"
        case _:
            return f"示例{spec.name}"


def material_ref(case_id: str, code: str) -> MaterialRef:
    digest = hashlib.sha256(f"{case_id}/{code}".encode()).hexdigest()
    return MaterialRef(
        material_code=code, uri=f"store://{case_id}/{code}/1", sha256=digest, version=1
    )


def sample_task(
    catalog: Catalog,
    bundle_code: str,
    item: Item,
    *,
    case_id: str,
    attempt: int = 1,
    rng: random.Random | None = None,
    department: str | None = None,
) -> ItemTaskDispatched:
    """A task for ``item`` with every field filled validly and every material supplied."""
    rng = rng or random.Random(case_id)  # noqa: S311 - test data
    fields = {}
    for code in item.fields:
        try:
            fields[code] = field_value(catalog.field(code), rng)
        except CatalogError:
            fields[code] = "示例"
    now = datetime.now(UTC)
    return ItemTaskDispatched(
        event_id=derive_event_id(case_id, f"dispatch:{item.code}:{attempt}"),
        case_id=case_id,
        occurred_at=now,
        bundle_code=bundle_code,
        item_code=item.code,
        department=department or item.department,
        attempt=attempt,
        fields=fields,
        materials=tuple(material_ref(case_id, m) for m in item.materials),
        deadline=now + timedelta(days=item.time_limit_days),
    )
