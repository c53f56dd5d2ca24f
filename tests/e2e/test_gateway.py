"""The gateway on the real bus: an application posted as JSON becomes a case that completes
with its certificates, and its status is read back over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from deploy.gateway.app import create_app, streams_case_reader
from tests.unit.test_gateway import valid_body
from topology.events import ApplicationSubmitted, BundleCompleted

pytestmark = pytest.mark.e2e


@pytest.fixture
async def gateway(bus) -> AsyncIterator[httpx.AsyncClient]:
    async def publish(application: ApplicationSubmitted) -> None:
        await bus.portal.submit(application)
        await bus.portal.flush()

    async with httpx.AsyncClient() as streams:
        reader = streams_case_reader(f"http://127.0.0.1:{bus.settings.streams_web_port}", streams)
        transport = httpx.ASGITransport(app=create_app(publish, reader))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


async def _until_phase(client: httpx.AsyncClient, case_id: str, phase: str,
                       within_s: float = 90.0) -> dict[str, Any]:  # fmt: skip
    """GET /cases/{id} until its phase is ``phase`` (bounded)."""
    deadline, last = time.monotonic() + within_s, None
    while time.monotonic() < deadline:
        answer = await client.get(f"/cases/{case_id}")
        if answer.status_code == 200:
            last = dict(answer.json())
            if last["phase"] == phase:
                return last
        else:
            # 404: not in the table yet; 503: the worker that owns it is not answering yet
            # (a rebalance moved the partition); both say "ask again".
            assert answer.status_code in (404, 503), answer.text
        await asyncio.sleep(0.2)
    raise AssertionError(f"case {case_id} not {phase} within {within_s:g}s; last: {last}")


async def test_a_posted_application_completes_and_its_status_is_read_over_http(
    bus, gateway
) -> None:
    key = {"Idempotency-Key": f"e2e-{time.time_ns()}"}
    answer = await gateway.post("/applications", json=valid_body(), headers=key)
    assert answer.status_code == 202, answer.text
    case_id = answer.json()["case_id"]
    retried = await gateway.post("/applications", json=valid_body(), headers=key)
    assert retried.json()["case_id"] == case_id
    case = await _until_phase(gateway, case_id, "completed")
    assert set(case["items"])
    assert {i["status"] for i in case["items"].values()} == {"approved"}
    await bus.wait(lambda seen: any(c == case_id for c, _ in seen.certificates), 60,
                   "its certificates")  # fmt: skip
    completions = [e for e in bus.observer.seen.events_of(BundleCompleted) if e.case_id == case_id]
    assert len(completions) == 1
    assert len(bus.observer.seen.audit.completions[case_id]) == 1


async def test_a_body_with_three_problems_is_one_422_listing_all_three(bus, gateway) -> None:
    body = valid_body()
    body["applicant"]["id_number"] = body["applicant"]["id_number"][:17]
    body["form"].pop(next(iter(body["form"])))
    body["item_codes"] = ["no_such_item"]
    answer = await gateway.post("/applications", json=body)
    assert answer.status_code == 422
    assert len(answer.json()["problems"]) == 3
