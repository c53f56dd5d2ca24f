"""`onething demo`: the main job. Starts what it needs, runs the bus, stops what it started."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from deploy.broker import Broker
from deploy.smoke import round_trip
from topology.logs import configure_logging
from topology.settings import get_settings

_out = Console()


def register_demo(app: typer.Typer) -> None:
    app.command(name="demo")(demo)


def demo(
    keep_broker: bool = typer.Option(False, help="Leave the broker running afterwards."),
) -> None:
    """Run the demo on the local broker, then stop every process it started."""
    configure_logging()
    broker = Broker(get_settings())
    report = broker.start()
    how = "reused" if report.already_running else "started"
    _out.print(f"broker on {report.bootstrap} ({how})")
    try:
        smoke = asyncio.run(round_trip(report.bootstrap))
        _out.print(
            f"round trip on {smoke.topic}: sent {smoke.sent}, received {smoke.received} "
            f"in {smoke.seconds:.2f}s"
        )
        if smoke.received != smoke.sent:
            raise typer.Exit(1)
    finally:
        if not (report.already_running or keep_broker):
            broker.stop()
            _out.print("broker stopped")
