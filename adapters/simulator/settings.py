"""How a reference simulator behaves, read from ``ONETHING_SIM_*``: rates, latency, seed."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SimulatorSettings(BaseSettings):
    """Defaults approve everything at once: the demo and e2e tests rely on that."""

    model_config = SettingsConfigDict(env_prefix="ONETHING_SIM_", frozen=True, extra="ignore")

    seed: int = Field(default=0, description="Same seed, same decisions and numbers.")
    reject_rate: float = Field(default=0.0, ge=0, le=1)
    supplement_rate: float = Field(default=0.0, ge=0, le=1)
    in_progress_rate: float = Field(
        default=0.0, ge=0, le=1, description="Acts that take in_progress_s to decide."
    )
    transient_failure_rate: float = Field(default=0.0, ge=0, le=1, description="5xx per call.")
    timeout_rate: float = Field(default=0.0, ge=0, le=1, description="Timeouts per call.")
    latency_ms: float = Field(default=0.0, ge=0, description="Median latency (log-normal).")
    latency_sigma: float = Field(default=0.5, ge=0, description="Spread of the log-normal.")
    in_progress_s: float = Field(default=2.0, ge=0)
    hang_s: float = Field(default=30.0, ge=0, description="HTTP: how long a timeout hangs.")
    token: SecretStr | None = Field(default=None, description="HTTP: required bearer token.")

    @model_validator(mode="after")
    def _rates_fit(self) -> SimulatorSettings:
        if self.reject_rate + self.supplement_rate + self.in_progress_rate > 1:
            raise ValueError("reject + supplement + in_progress rates exceed 1")
        if self.transient_failure_rate + self.timeout_rate > 1:
            raise ValueError("transient_failure + timeout rates exceed 1")
        return self
