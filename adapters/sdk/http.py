"""The HTTP backend: a department system reached over HTTP (JSON), e.g. `onething simulate`.

``POST {base_url}/v1/acts/{act}`` with the act request as JSON, ``Idempotency-Key`` and an
optional bearer token; 5xx, 429 and timeouts are transient, other 4xx are refusals.
"""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from adapters.sdk.backend import ActReply, ActRequest, BackendRefusedError, TransientBackendError
from adapters.sdk.settings import AdapterSettings

ACTS_PATH = "/v1/acts/{act}"
IDEMPOTENCY_KEY = "Idempotency-Key"


class HttpDepartmentSystem:
    """DepartmentSystem over httpx, one pooled client per system."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        token: str | None = None,
        timeout_s: float = 10.0,
        connect_timeout_s: float = 2.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._name = name
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )

    @classmethod
    def from_settings(cls, name: str, settings: AdapterSettings) -> HttpDepartmentSystem:
        token = settings.backend_token.get_secret_value() if settings.backend_token else None
        return cls(
            name,
            settings.url_for(name),
            token=token,
            timeout_s=settings.backend_timeout_s,
            connect_timeout_s=settings.backend_connect_timeout_s,
        )

    @property
    def name(self) -> str:
        return self._name

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        try:
            response = await self._client.post(
                ACTS_PATH.format(act=request.act),
                content=request.model_dump_json(),
                headers={IDEMPOTENCY_KEY: idempotency_key, "Content-Type": "application/json"},
            )
        except httpx.TimeoutException as error:
            raise TransientBackendError(
                f"{self._name} timed out: {type(error).__name__}"
            ) from error
        except httpx.TransportError as error:
            raise TransientBackendError(f"{self._name} unreachable: {error}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientBackendError(f"{self._name} answered {response.status_code}")
        if response.status_code >= 400:
            raise BackendRefusedError(
                f"{self._name} refused the request: {response.status_code} {response.text[:200]}"
            )
        try:
            return ActReply.model_validate_json(response.content)
        except ValidationError as error:
            raise BackendRefusedError(
                f"{self._name} sent a reply that is not an act reply"
            ) from error

    async def aclose(self) -> None:
        await self._client.aclose()
