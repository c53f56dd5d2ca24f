"""The Faust application of the bus: configuration only; processors attach themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import faust
from faust.types.auth import SASLMechanism

from streams.runtime.faust_version import check_faust_version
from streams.runtime.rewind import RewindingTransport
from topology.kafka_access import KafkaAccess, kafka_access
from topology.settings import Settings, producer_options
from topology.topics import Topics


@dataclass(frozen=True)
class StreamsConfig:
    """What a streams worker needs to know beyond the global settings."""

    settings: Settings
    app_id: str = ""
    web_port: int = 6066
    web_enabled: bool = True
    store: str = ""
    tick_interval_s: float = 0.5
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def topics(self) -> Topics:
        return Topics(self.settings.topic_prefix)

    @property
    def resolved_app_id(self) -> str:
        return self.app_id or self.topics.app_id("streams")

    @property
    def principal(self) -> str:
        """Who the app is to the broker: the certificate service, or the case workers."""
        certificates = self.resolved_app_id == self.topics.app_id("certificates")
        return "certificates" if certificates else "streams"


def broker_credentials(access: KafkaAccess) -> faust.SASLCredentials | None:
    """Faust's form of a principal's SCRAM credentials (None: PLAINTEXT)."""
    if access.username is None or access.password is None:
        return None
    return faust.SASLCredentials(
        username=access.username, password=access.password.reveal(),
        mechanism=SASLMechanism.SCRAM_SHA_512, ssl_context=access.ssl_context(),
    )  # fmt: skip


TABLE_TYPES: dict[str, Any] = {"key_type": bytes, "value_type": bytes}
"""Every table holds our own bytes (case id keys, JSON values). Without bytes types Faust
serialises a table's changelog as json and cannot read it back when it recovers the table."""


def create_app(config: StreamsConfig) -> faust.App:
    """A Faust app on the configured brokers; at-least-once, commits after producer flush.
    Refuses a faust-streaming release other than the one the runtime was built against."""
    check_faust_version()
    settings = config.settings
    producer = producer_options(settings.producer_linger_ms)
    datadir = (settings.state_dir / "streams" / config.resolved_app_id).resolve()
    datadir.mkdir(parents=True, exist_ok=True)
    access = kafka_access(settings, config.principal)
    return _App(
        config.resolved_app_id,
        broker=[f"kafka://{host}" for host in access.bootstrap.split(",")],
        broker_credentials=broker_credentials(access),
        store=config.store or settings.streams_store,
        autodiscover=False,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor or 1,
        # `topics apply` creates every topic, changelogs and leader topic included, as admin:
        # the apps' principals may not create topics.
        topic_allow_declare=False,
        table_standby_replicas=0,
        processing_guarantee="at_least_once",
        producer_acks=-1 if producer["acks"] == "all" else int(producer["acks"]),
        # A batch's sends are queued before the producer's sender runs, so they share requests
        # without a linger (streams/PERFORMANCE.md: what a linger costs).
        producer_linger=producer["linger_ms"] / 1000,
        producer_max_batch_size=producer["max_batch_size"],
        consumer_auto_offset_reset="earliest",
        key_serializer="raw",
        value_serializer="raw",
        broker_commit_interval=1.0,
        # A worker killed without leaving its group holds its partitions until the session
        # times out; 15 s (not Faust's 60 s) bounds how long its cases wait after a crash.
        broker_session_timeout=15.0,
        broker_heartbeat_interval=3.0,
        web_enabled=config.web_enabled,
        web_port=config.web_port,
        web_bind="127.0.0.1",
        web_host="127.0.0.1",
        datadir=str(datadir),
        **config.extra,
    )


class _App(faust.App):
    """Faust's app with a consumer that re-reads uncommitted partitions after a rebalance
    (streams/rewind.py)."""

    def _new_transport(self) -> Any:
        return RewindingTransport(self.conf.broker_consumer, self)
