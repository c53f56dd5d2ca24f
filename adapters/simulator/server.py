"""`onething simulate <department>`: the reference simulator as a small HTTP service.

It speaks what the HTTP backend sends (``POST /v1/acts/{act}``), so the adapters' HTTP path
is exercised for real: 503 for a simulated failure, a hang for a simulated timeout.
"""

from __future__ import annotations

import asyncio
import hmac

from aiohttp import web
from pydantic import ValidationError

from adapters.sdk.backend import ActRequest, BackendRefusedError, TransientBackendError
from adapters.simulator.engine import ReferenceSimulator, SimulatedTimeoutError

SIMULATOR_KEY = web.AppKey("simulator", ReferenceSimulator)


async def _act(request: web.Request) -> web.Response:
    simulator = request.app[SIMULATOR_KEY]
    token = simulator.settings.token
    if token is not None:
        expected = f"Bearer {token.get_secret_value()}"
        if not hmac.compare_digest(request.headers.get("Authorization", ""), expected):
            return web.json_response({"error": "unauthorised"}, status=401)
    key = request.headers.get("Idempotency-Key")
    if not key:
        return web.json_response({"error": "Idempotency-Key header required"}, status=400)
    try:
        act = ActRequest.model_validate_json(await request.read())
    except ValidationError as error:
        return web.json_response({"error": error.errors(include_input=False)}, status=422)
    if act.act != request.match_info["act"]:
        return web.json_response({"error": "act in path and body differ"}, status=422)
    try:
        reply = await simulator.submit(act, idempotency_key=key)
    except SimulatedTimeoutError:
        await asyncio.sleep(simulator.settings.hang_s)
        return web.json_response({"error": "timeout"}, status=504)
    except TransientBackendError as error:
        return web.json_response({"error": str(error)}, status=503)
    except BackendRefusedError as error:
        return web.json_response({"error": str(error)}, status=404)
    return web.Response(text=reply.model_dump_json(), content_type="application/json")


async def _health(request: web.Request) -> web.Response:
    simulator = request.app[SIMULATOR_KEY]
    return web.json_response(
        {"department": simulator.department, "calls": simulator.calls, "acts": simulator.acts}
    )


def make_app(simulator: ReferenceSimulator) -> web.Application:
    app = web.Application()
    app[SIMULATOR_KEY] = simulator
    app.router.add_post("/v1/acts/{act}", _act)
    app.router.add_get("/healthz", _health)
    return app


async def serve(simulator: ReferenceSimulator, host: str, port: int) -> web.AppRunner:
    """Start serving in the running loop; stop with ``await runner.cleanup()``."""
    runner = web.AppRunner(make_app(simulator), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
