"""Adapter settings, read from ``ONETHING_ADAPTER_*``: batching, retries, breaker, backend."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from topology.topics import RETRY_DELAYS_S


class AdapterSettings(BaseSettings):
    """How an adapter consumes, retries and reaches its department system."""

    model_config = SettingsConfigDict(env_prefix="ONETHING_ADAPTER_", frozen=True, extra="ignore")

    max_batch: int = Field(default=2000, ge=1, description="Records per getmany().")
    concurrency: int = Field(default=64, ge=1, description="Tasks in flight per batch.")
    linger_ms: int = Field(
        default=0,
        ge=0,
        description="Producer linger; 0 sends a quiet adapter's results at once (a batch's "
        "results still share requests).",
    )
    poll_timeout_ms: int = Field(default=100, ge=1, description="getmany() wait when idle.")
    commit_interval_ms: int = Field(
        default=1000,
        ge=0,
        description="Commit offsets at most this often (0: after every batch). A commit is a "
        "broker write; a crash redelivers at most this much, which the ledger makes harmless.",
    )
    backend_attempts: int = Field(
        default=3,
        ge=1,
        description="Calls per delivery before the task moves to the next retry topic.",
    )
    backoff_base_s: float = Field(default=0.05, ge=0, description="First backoff (full jitter).")
    backoff_max_s: float = Field(default=2.0, ge=0, description="Backoff ceiling.")
    retry_delays_s: tuple[float, ...] = Field(
        default=RETRY_DELAYS_S, description="Delay of each retry topic, retry.1 first."
    )
    breaker_failures: int = Field(
        default=5, ge=1, description="Consecutive failures that open a backend's circuit breaker."
    )
    breaker_reset_s: float = Field(default=10.0, gt=0, description="Open → half-open after.")
    max_polls: int = Field(default=50, ge=0, description="Re-asks of a long-running act.")
    report_received: bool = Field(
        default=False,
        description="Publish RECEIVED before the "
        "final status (more messages, finer applicant view).",
    )
    backend: Literal["simulator", "http"] = "simulator"
    backend_url: str = Field(
        default="http://127.0.0.1:8700",
        description="Base URL of the department system (HTTP backend).",
    )
    backend_urls: dict[str, str] = Field(
        default_factory=dict, description="Per-department base URLs (JSON)."
    )
    backend_token: SecretStr | None = Field(default=None, description="Bearer token.")
    backend_timeout_s: float = Field(default=10.0, gt=0)
    backend_connect_timeout_s: float = Field(default=2.0, gt=0)

    def url_for(self, department: str) -> str:
        return self.backend_urls.get(department, self.backend_url)
