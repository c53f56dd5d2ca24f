"""`onething demo` (the main job) and `onething up`: the bus on the local broker."""

from __future__ import annotations

import asyncio
import signal

import typer
from rich.console import Console

from deploy.broker import Broker
from deploy.demo import run_demo
from deploy.security_mode import insecure_option, security_label, settings_for
from deploy.supervisor import Supervisor, bus_components
from deploy.topics_cli import plan_and_apply
from topology.kafka_access import kafka_access
from topology.logs import configure_logging
from topology.settings import Settings

_out = Console()
DEMO_WORKDAY_SECONDS = 2.0


def register_demo(app: typer.Typer) -> None:
    app.command(name="demo")(demo)
    app.command(name="up")(up)


def demo(
    keep_broker: bool = typer.Option(False, help="Leave the broker running afterwards."),
    within: float = typer.Option(120.0, help="Seconds the sample load may take."),
    keep_topics: bool = typer.Option(False, help="Keep this run's topics (for inspection)."),
    insecure: bool = insecure_option(),
) -> None:
    """Run every national bundle and every path of a case through the bus, then stop all."""
    configure_logging()
    settings = settings_for(insecure, _out)
    if settings.workday_seconds is None:  # so that the overdue case passes its deadline
        settings = settings.model_copy(update={"workday_seconds": DEMO_WORKDAY_SECONDS})
    with LocalBroker(settings) as bootstrap:
        settings = settings.model_copy(update={"kafka_bootstrap": bootstrap})
        ok = asyncio.run(run_demo(settings, _out, within, keep_topics))
    _out.print("[green]demo passed[/]" if ok else "[red]demo failed[/]")
    if not ok:
        raise typer.Exit(1)


def up(insecure: bool = insecure_option()) -> None:
    """Run the whole bus (streams, certificates, every adapter) until Ctrl-C."""
    configure_logging()
    settings = settings_for(insecure, _out)
    with LocalBroker(settings) as bootstrap:
        settings = settings.model_copy(update={"kafka_bootstrap": bootstrap})
        asyncio.run(plan_and_apply(kafka_access(settings, "admin"), settings, dry_run=False))
        with Supervisor(settings, bus_components()) as supervisor:
            asyncio.run(supervisor.wait_ready())
            _out.print(f"bus up on {bootstrap}, prefix {settings.topic_prefix}; Ctrl-C stops it")
            _wait_for_signal(supervisor)


def _wait_for_signal(supervisor: Supervisor) -> None:
    stopping = asyncio.Event()

    async def wait() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        while not stopping.is_set():
            supervisor.check_alive()
            await asyncio.sleep(0.5)

    asyncio.run(wait())


class LocalBroker:
    """The local broker, started if needed and stopped afterwards only if we started it."""

    def __init__(self, settings: Settings) -> None:
        self.broker = Broker(settings)
        self.label = security_label(settings)
        self.started = False

    def __enter__(self) -> str:
        report = self.broker.start()
        self.started = not report.already_running
        state = "started" if self.started else "reused"
        _out.print(f"broker on {report.bootstrap} ({state}; {self.label})")
        return report.bootstrap

    def __exit__(self, *_: object) -> None:
        if self.started:
            self.broker.stop()
            _out.print("broker stopped")
