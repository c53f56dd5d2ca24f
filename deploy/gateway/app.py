"""The gateway's HTTP API: the catalogue for forms, applications, and a case's status.

Errors are RFC 9457 problem details (``application/problem+json``). An accepted POST answers
202 only once the application is on Kafka (acknowledged by every in-sync replica), so a 202
is never lost; what the departments decide arrives later on the case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from deploy.gateway.filing import (
    ApplicationIn,
    body_digest,
    case_id_for,
    model_problem,
    submission,
)
from deploy.gateway.forms import bundle_form, bundle_summaries
from topology.catalog import CatalogError, load_catalog
from topology.events import ApplicationSubmitted, Problem

PROBLEM = "application/problem+json"
Publish = Callable[[ApplicationSubmitted], Awaitable[None]]
FetchCase = Callable[[str], Awaitable[dict[str, Any] | None]]


@dataclass
class Answered:
    """What a POST with an Idempotency-Key answered, to answer its retries the same."""

    digest: str
    status: int
    body: dict[str, Any]


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": f"https://onething.invalid/problems/{status}", "title": title,
            "status": status, "detail": detail, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _problems(found: list[Problem]) -> JSONResponse:
    return problem(
        422, "The application has problems",
        f"{len(found)} problem(s); fix them all and post again",
        problems=[{"field": p.field, "code": p.code, "message": p.message,
                   "expected": p.expected} for p in found],
    )  # fmt: skip


def create_app(publish: Publish, fetch_case: FetchCase, *, clock: Callable[[], datetime] = (
        lambda: datetime.now(UTC))) -> FastAPI:  # fmt: skip
    """The API, publishing through ``publish`` and reading cases through ``fetch_case``."""
    api = FastAPI(title="onething gateway", version="1",
                  description="Apply once for a bundle (一件事一次办), follow the case.")
    # Answers by (channel, key), in memory: after a restart a retry still names the same
    # case (its id is derived from the key) and the bus answers it the same way.
    answered: dict[tuple[str, str], Answered] = {}

    @api.exception_handler(RequestValidationError)
    async def shape(_: Request, error: RequestValidationError) -> JSONResponse:
        return _problems([model_problem(tuple(e["loc"]), e["msg"]) for e in error.errors()])

    @api.get("/bundles")
    async def bundles(region: str = "national") -> Any:
        try:
            catalog = load_catalog(region)
        except CatalogError as error:
            return problem(404, "No such region", str(error))
        return {"region": catalog.region, "catalogue_version": catalog.version,
                "bundles": bundle_summaries(catalog)}  # fmt: skip

    @api.get("/bundles/{code}")
    async def form(
        code: str, region: str = "national",
        items: Annotated[list[str] | None, Query()] = None,
        situations: Annotated[list[str] | None, Query(description="group:option")] = None,
    ) -> Any:  # fmt: skip
        try:
            catalog = load_catalog(region)
            bundle = catalog.bundle(code)
            chosen = dict(s.split(":", 1) for s in situations or () if ":" in s)
            return bundle_form(catalog, bundle, items or (), chosen)
        except CatalogError as error:
            return problem(404, "No such bundle, item or situation", str(error))

    @api.post("/applications", status_code=202)
    async def apply(
        application: ApplicationIn, request: Request,
        idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
    ) -> Any:  # fmt: skip
        channel = application.channel.value
        digest = body_digest(await request.body())
        if idempotency_key is not None and (done := answered.get((channel, idempotency_key))):
            if done.digest != digest:
                return problem(422, "Idempotency-Key reused", "this key was used for another "
                               "body; use a new key for a new application")  # fmt: skip
            return JSONResponse(done.body, status_code=done.status)
        case_id = case_id_for(channel, idempotency_key)
        checked = submission(application, case_id, clock())
        if isinstance(checked, list):
            return _problems(checked)
        await publish(checked)
        body = {"case_id": case_id, "status": "submitted", "status_url": f"/cases/{case_id}"}
        if idempotency_key is not None:
            answered[(channel, idempotency_key)] = Answered(digest, 202, body)
        return JSONResponse(body, status_code=202, headers={"Location": f"/cases/{case_id}"})

    @api.get("/cases/{case_id}")
    async def case(case_id: str) -> Any:
        try:
            found = await fetch_case(case_id)
        except httpx.HTTPError as error:
            why = (f"HTTP {error.response.status_code}" if isinstance(error, httpx.HTTPStatusError)
                   else type(error).__name__)  # fmt: skip
            return problem(503, "Case status unavailable", f"the streams worker did not answer "
                           f"({why}); try again shortly", headers={"Retry-After": "1"})  # fmt: skip
        if found is None:
            return problem(404, "No such case", f"no case {case_id} (yet: a case shows a moment "
                           "after its 202)")  # fmt: skip
        return found

    return api


def streams_case_reader(base_url: str, client: httpx.AsyncClient) -> FetchCase:
    """Reads a case from the streams worker's web view (routed to the partition's owner)."""

    async def fetch(case_id: str) -> dict[str, Any] | None:
        response = await client.get(f"{base_url}/cases/{case_id}/", timeout=5.0)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        found: dict[str, Any] = response.json()
        return found

    return fetch
