"""One settings object for every process, read from ``ONETHING_*`` environment variables."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PRODUCER_BATCH_BYTES = 512 * 1024
"""Largest record batch per partition of every producer of the bus (clients' default: 16 KiB).
A send that finds its partition's batch full waits until that batch leaves, and with an
idempotent producer one batch per partition is in flight at a time: 16 KiB held three case
states (~5 KB each), so a table flush of many cases paid a broker round trip every three.
Below the broker's 1 MiB ``max.message.bytes``."""


def producer_options(linger_ms: float, client_id: str | None = None) -> dict[str, Any]:
    """What every producer of the bus is configured with, in aiokafka's names: acks=all and
    idempotent (a record is durable before the offset of what caused it is committed),
    ``ONETHING_PRODUCER_LINGER_MS``, batches of ``PRODUCER_BATCH_BYTES``."""
    options: dict[str, Any] = {"acks": "all", "enable_idempotence": True,
                               "linger_ms": linger_ms, "max_batch_size": PRODUCER_BATCH_BYTES}
    if client_id:
        options["client_id"] = client_id
    return options


class Settings(BaseSettings):
    """Deployment settings. Every field maps to ``ONETHING_<FIELD>`` (upper case)."""

    model_config = SettingsConfigDict(env_prefix="ONETHING_", frozen=True, extra="ignore")

    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092",
        description="Kafka bootstrap servers, host:port[,host:port].",
    )
    security: str = Field(
        default="on",
        pattern="^(on|off)$",
        description="on: SASL_SSL with SCRAM-SHA-512, TLS from the project CA and deny-by-"
        "default ACLs. off: PLAINTEXT development mode, open to any local process.",
    )
    kafka_client_properties: str | None = Field(
        default=None,
        description="A Kafka client properties file (`onething principals export NAME`) this "
        "process connects with; `{principal}` in the path stands for the principal's name. "
        "Unset: <state dir>/security/clients/<principal>.properties, written by the launcher.",
    )
    kafka_version: str = Field(default="4.3.1", description="Apache Kafka version to run locally.")
    broker_port: int = Field(default=9092, ge=1024, le=65535, description="Local broker port.")
    controller_port: int = Field(
        default=0, ge=0, le=65535, description="KRaft controller port; 0 means broker_port + 1."
    )
    broker_nodes: int | None = Field(
        default=None,
        ge=1,
        le=9,
        description="KRaft nodes of the local cluster (`broker start --nodes`); unset: as many "
        "as its storage was formatted for, or 1 for a new one. With three or more, topics get "
        "three replicas and min.insync.replicas=2.",
    )
    broker_heap: str = Field(default="1g", description="Local broker JVM heap (-Xmx/-Xms).")
    broker_start_timeout: float = Field(
        default=60.0, gt=0, description="Seconds to wait for the local broker to answer."
    )
    state_dir: Path = Field(
        default=Path(".onething"),
        description="Where the launcher keeps jars, broker data, logs and the pid file.",
    )
    partitions: int = Field(
        default=4, ge=1, le=256, description="Partitions of every case-keyed topic."
    )
    replication_factor: int | None = Field(
        default=None,
        ge=1,
        description="Replicas of every topic; unset: derived from the live cluster's size "
        "(three with three or more brokers, else one per broker).",
    )
    topic_prefix: str = Field(
        default="onething",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Prefix of every topic and consumer group of this bus.",
    )
    gateway_port: int = Field(
        default=8000, ge=1024, le=65535, description="The gateway's HTTP port (127.0.0.1)."
    )
    streams_web_port: int = Field(
        default=6066, ge=1024, le=65535, description="Streams worker web port (case status)."
    )
    streams_store: str = Field(
        default="memory://",
        description="Faust table store. Only memory:// (rebuilt from the compacted changelogs "
        "at start): the tables are written once per batch, and Faust's RocksDB store files "
        "each write under the partition of the event being processed, not of its key.",
    )
    streams_batch_ms: float = Field(
        default=60.0,
        ge=0,
        le=1000,
        description="The longest a busy stream agent waits to fill a batch (fewer table "
        "writes and produce requests per case); a quiet agent does not wait.",
    )
    producer_linger_ms: float = Field(
        default=0.0,
        ge=0,
        le=1000,
        description="Producer linger of the bus's own producers (stream workers, applicant "
        "portal, bench driver and its baseline). 0: a quiet bus sends at once; under load "
        "records still share requests, gathered while the previous request is in flight.",
    )
    workday_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Compress the working-day calendar: one working day lasts this many "
        "seconds (demos and tests). Unset: the real calendar.",
    )
    holidays: tuple[date, ...] = Field(default=(), description="Public holidays (no work).")
    extra_workdays: tuple[date, ...] = Field(default=(), description="Make-up working days (调休).")
    supplement_window_s: float = Field(
        default=2.0,
        gt=0,
        description="Supplement requests within this window become one (一次反馈).",
    )
    erase_after_days: float | None = Field(
        default=180.0,
        gt=0,
        description="A finished case keeps its personal data this many days, then the case "
        "agent erases it (form, materials, outputs, holder pseudonym); unset: only on "
        "request (onething case erase).",
    )
    crypto_suite: Literal["aes", "sm"] = Field(
        default="aes",
        description="Cipher suite of personal values on Kafka: aes (AES-256-GCM, HMAC-SHA256 "
        "pseudonyms) or sm (the national SM4-GCM, HMAC-SM3 pseudonyms).",
    )
    region: str = Field(default="national", description="Catalogue region this deployment serves.")
    log_format: str = Field(
        default="auto", pattern="^(auto|json|console)$", description="auto: JSON unless a TTY."
    )
    log_level: str = Field(default="info", description="structlog/stdlib level name.")

    @property
    def resolved_controller_port(self) -> int:
        return self.controller_port or self.broker_port + 1

    @property
    def internal_port(self) -> int:
        """The broker's mutual-TLS listener (inter-broker traffic and the launcher's own
        bootstrap of SCRAM credentials): the port after the controller's."""
        return self.resolved_controller_port + 1

    @property
    def secured(self) -> bool:
        return self.security == "on"

    @field_validator("streams_store")
    @classmethod
    def _memory_store_only(cls, value: str) -> str:
        if not value.startswith("memory://"):
            raise ValueError(
                f"ONETHING_STREAMS_STORE={value!r} is not supported: use memory:// (the tables "
                "are written once per batch; Faust's RocksDB store files a write under the "
                "partition of the current event, not of its key)"
            )
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
