"""The gateway's HTTP contract without Kafka: forms from the catalogue, every problem at once
with intake's messages, the Idempotency-Key. Publishing is recorded here; the real bus
behind the same API is tested in tests/e2e/test_gateway.py."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from deploy.gateway.app import create_app
from streams.case.intake import check_application
from topology.catalog import load_catalog
from topology.events import ApplicationSubmitted
from topology.samples import sample_application

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def valid_body(bundle: str = "newborn_birth") -> dict[str, Any]:
    """A clean sample application as a portal would post it (generated, valid check digits)."""
    catalog = load_catalog()
    app = sample_application(catalog, catalog.bundle(bundle), "case-x", random.Random(7), now=NOW)
    return app.model_dump(mode="json", include={
        "bundle_code", "region", "catalogue_version", "channel", "applicant", "form",
        "item_codes", "situations", "materials", "commitments"})  # fmt: skip


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[httpx.AsyncClient, list[ApplicationSubmitted]]]:
    published: list[ApplicationSubmitted] = []

    async def publish(application: ApplicationSubmitted) -> None:
        published.append(application)

    async def fetch(case_id: str) -> dict[str, Any] | None:
        return {"case_id": case_id, "phase": "accepted"} if published else None

    api = create_app(publish, fetch, clock=lambda: NOW)
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client, published


async def test_the_bundles_of_a_region_are_listed(gateway) -> None:
    client, _ = gateway
    answer = await client.get("/bundles", params={"region": "national"})
    assert answer.status_code == 200
    codes = [b["code"] for b in answer.json()["bundles"]]
    assert codes == [b.code for b in load_catalog().bundles]
    unknown = await client.get("/bundles", params={"region": "atlantis"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_a_bundle_form_has_kinds_options_rules_and_exempt_materials(gateway) -> None:
    client, _ = gateway
    form = (await client.get("/bundles/newborn_birth")).json()
    catalog = load_catalog()
    fields = {f["code"]: f for f in form["fields"]}
    assert fields, "the merged form has fields"
    for code, entry in fields.items():
        spec = catalog.field(code)
        assert (entry["kind"], entry["label"], entry["options"]) == (
            spec.kind, spec.name, list(spec.options))
        assert entry["rule"]
    materials = {m["code"]: m for m in form["materials"]}
    assert {code for code, m in materials.items() if m["exempt"]} == {
        code for code in materials if catalog.material(code).exempt}
    assert form["applies"] == [i.code for i in catalog.bundle("newborn_birth").applicable_items(
        None, {})]  # fmt: skip


async def test_a_valid_application_is_published_and_answered_202(gateway) -> None:
    client, published = gateway
    answer = await client.post("/applications", json=valid_body())
    assert answer.status_code == 202, answer.text
    case_id = answer.json()["case_id"]
    assert answer.headers["location"] == f"/cases/{case_id}"
    assert [p.case_id for p in published] == [case_id]
    assert not isinstance(check_application(published[0], NOW.date()), list)


async def test_three_problems_are_told_at_once_with_their_fields(gateway) -> None:
    client, published = gateway
    body = valid_body()
    body["applicant"]["id_number"] = body["applicant"]["id_number"][:17]
    first_field = next(iter(body["form"]))
    del body["form"][first_field]
    body["item_codes"] = ["no_such_item"]
    answer = await client.post("/applications", json=body)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    fields = [p["field"] for p in answer.json()["problems"]]
    assert fields == ["applicant.id_number", "item_codes", f"form.{first_field}"]
    assert not published, "nothing is published for a refused application"


async def test_a_missing_key_is_a_problem_naming_its_path(gateway) -> None:
    client, _ = gateway
    body = valid_body()
    del body["applicant"]
    answer = await client.post("/applications", json=body)
    assert answer.status_code == 422
    assert [p["field"] for p in answer.json()["problems"]] == ["applicant"]


async def test_a_retry_with_the_same_key_is_the_same_case_published_once(gateway) -> None:
    client, published = gateway
    body, key = valid_body(), {"Idempotency-Key": "portal-order-1"}
    first = await client.post("/applications", json=body, headers=key)
    again = await client.post("/applications", json=body, headers=key)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert len(published) == 1
    other = dict(body, situations={"x": "y"})
    reused = await client.post("/applications", json=other, headers=key)
    assert reused.status_code == 422
    assert "Idempotency-Key" in reused.json()["title"]
    fresh = await client.post("/applications", json=body, headers={"Idempotency-Key": "order-2"})
    assert fresh.json()["case_id"] != first.json()["case_id"]


async def test_a_case_not_yet_known_is_404(gateway) -> None:
    client, _ = gateway
    answer = await client.get("/cases/case-nobody")
    assert answer.status_code == 404
    assert answer.json()["status"] == 404
