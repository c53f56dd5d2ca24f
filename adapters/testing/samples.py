"""Plausible, fictitious item tasks for tests and benchmarks: valid IDs, every material."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

from topology.catalog import Catalog, CatalogError, Item
from topology.events import ItemTaskDispatched, MaterialRef, derive_event_id
from topology.samples import field_value


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
