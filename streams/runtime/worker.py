"""Assemble the streams worker (cases, ratings, status views) and the certificate service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import faust

from streams.case.policy import Clock, Policy, wall_clock
from streams.issuance.issuer import certificate_outputs
from streams.issuance.service import IssuanceService
from streams.issuance.signing import IssuerKey
from streams.runtime.app import StreamsConfig, create_app
from streams.runtime.case_processor import CaseProcessor
from streams.runtime.ratings import RatingsAggregator
from streams.runtime.views import register_views
from topology.catalog import load_catalog
from topology.codec import default_codec
from topology.sealing import sealer_for
from topology.secret_files import load_or_create_secret
from topology.settings import Settings
from topology.topics import Topics
from topology.workdays import WorkCalendar


def policy_from(settings: Settings) -> Policy:
    calendar = WorkCalendar.build(settings.holidays, settings.extra_workdays,
                                  settings.workday_seconds)  # fmt: skip
    holder_key = load_or_create_secret(settings.state_dir / "keys" / "holder-ref.key")
    days = settings.erase_after_days
    erase_after = None if days is None else timedelta(days=days)
    sealer = sealer_for(settings, "streams")
    pseudonyms: Literal["sha256", "sm3"] = "sm3" if settings.crypto_suite == "sm" else "sha256"
    return Policy(calendar=calendar,
                  supplement_window=timedelta(seconds=settings.supplement_window_s),
                  holder_key=holder_key, erase_after=erase_after, sealer=sealer,
                  pseudonym_hash=pseudonyms)  # fmt: skip


@dataclass(frozen=True)
class StreamsWorker:
    app: faust.App
    cases: CaseProcessor
    ratings: RatingsAggregator


def build_streams(
    config: StreamsConfig, policy: Policy | None = None, clock: Clock = wall_clock
) -> StreamsWorker:
    settings = config.settings
    app = create_app(config)
    departments = [d.code for d in load_catalog(settings.region).departments]
    codec = default_codec()
    cases = CaseProcessor(app, config.topics, departments, codec, policy or policy_from(settings),
                          tick_interval_s=config.tick_interval_s, clock=clock)  # fmt: skip
    cases.batch_linger_max_s = settings.streams_batch_ms / 1000
    ratings = RatingsAggregator(app, config.topics, codec)
    register_views(app, cases.table, ratings.totals)
    return StreamsWorker(app, cases, ratings)


def issuer_key(settings: Settings) -> IssuerKey:
    return IssuerKey.load_or_create(settings.state_dir / "keys")


def build_issuance(
    settings: Settings, clock: Clock = wall_clock
) -> tuple[faust.App, IssuanceService]:
    topics = Topics(settings.topic_prefix)
    config = StreamsConfig(settings, app_id=topics.app_id("certificates"), web_enabled=False)
    app = create_app(config)
    certificate_outputs()  # every region's catalogue, read now: not on the first completion
    service = IssuanceService(app, config.topics, default_codec(), issuer_key(settings),
                              clock=clock, sealer=sealer_for(settings, "certificates"))  # fmt: skip
    service.batch_linger_max_s = settings.streams_batch_ms / 1000
    return app, service


class _Worker(faust.Worker):
    """A Faust worker that tells its parent when it serves (tables recovered, agents up)."""

    def __init__(self, app: faust.App, on_ready: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._on_ready = on_ready

    async def on_startup_finished(self) -> None:
        await super().on_startup_finished()
        self._on_ready()


def run_worker(
    app: faust.App, loglevel: str = "warn", on_ready: Callable[[], None] = lambda: None
) -> None:
    """Run a Faust worker in this process until SIGINT/SIGTERM; stops gracefully."""
    _Worker(app, on_ready, loglevel=loglevel, quiet=True).execute_from_commandline()
