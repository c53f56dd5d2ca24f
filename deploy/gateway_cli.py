"""`onething gateway`: serve the HTTP API on 127.0.0.1, publishing as the ``portal``
principal and reading cases from the streams worker's web view."""

from __future__ import annotations

import asyncio

import httpx
import typer
import uvicorn
from rich.console import Console

from deploy.applicant import ApplicantPortal
from deploy.gateway.app import create_app, streams_case_reader
from topology.events import ApplicationSubmitted
from topology.kafka_access import kafka_access
from topology.sealing import sealer_for
from topology.settings import Settings, get_settings
from topology.topics import Topics

_err = Console(stderr=True)


def gateway(
    port: int | None = typer.Option(None, help="Port (default ONETHING_GATEWAY_PORT, 8000)."),
) -> None:
    """Serve the HTTP API for portals: GET /bundles, POST /applications, GET /cases/{id}."""
    settings = get_settings()
    asyncio.run(serve(settings, port or settings.gateway_port))


async def serve(settings: Settings, port: int) -> None:
    """Until cancelled or interrupted."""
    portal = ApplicantPortal(kafka_access(settings, "portal"), Topics(settings.topic_prefix),
                             sealer_for(settings, "portal"))  # fmt: skip

    async def publish(application: ApplicationSubmitted) -> None:
        await portal.submit(application)
        await portal.flush()

    async with httpx.AsyncClient() as client:
        reader = streams_case_reader(f"http://127.0.0.1:{settings.streams_web_port}", client)
        api = create_app(publish, reader)
        server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port,
                                               log_level="warning", access_log=False))  # fmt: skip
        await portal.start()
        try:
            _err.print(f"gateway on http://127.0.0.1:{port} (docs at /docs)")
            await server.serve()
        finally:
            await portal.stop()
