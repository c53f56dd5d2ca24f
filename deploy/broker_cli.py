"""`onething broker start|stop|status|logs|fetch`: the local Kafka broker."""

from __future__ import annotations

import typer
from rich.console import Console

from deploy.broker import Broker
from deploy.broker.jars import fetch_jars, jars_size
from deploy.security_mode import insecure_option, settings_for
from topology.settings import get_settings

broker_app = typer.Typer(help="Run the project's own single-node Apache Kafka broker (KRaft).")
_out = Console()


def _broker() -> Broker:
    return Broker(get_settings())


@broker_app.command()
def fetch() -> None:
    """Download the Kafka jars from Maven Central into the state directory (cached)."""
    broker = _broker()
    downloaded = fetch_jars(broker.layout)
    size = jars_size(broker.layout) / 1e6
    verb = "downloaded" if downloaded else "cached"
    version, where = broker.layout.kafka_version, broker.layout.jars
    _out.print(f"Kafka {version} jars {verb}: {size:.1f} MB in {where}")


@broker_app.command()
def start(insecure: bool = insecure_option()) -> None:
    """Start the broker (idempotent) and wait until it answers a metadata request."""
    report = Broker(settings_for(insecure, _out)).start()
    if report.already_running:
        _out.print(f"broker already running on {report.bootstrap}")
    else:
        _out.print(f"broker started on {report.bootstrap} in {report.seconds:.1f}s")


@broker_app.command()
def stop() -> None:
    """Stop the broker and wait for its JVM to exit."""
    _out.print("broker stopped" if _broker().stop() else "broker was not running")


@broker_app.command()
def status() -> None:
    """Is the broker running, and does it answer?"""
    state = _broker().status()
    if not state.running:
        _out.print("broker not running")
        raise typer.Exit(3)
    answer = "answers metadata requests" if state.answers else "does NOT answer yet"
    _out.print(f"broker running (pid {state.pid}) on {state.bootstrap}, {answer}")


@broker_app.command()
def logs(lines: int = typer.Option(50, "--lines", "-n", help="Lines from the end.")) -> None:
    """The tail of the broker's logs."""
    _out.print(_broker().logs(lines), markup=False, highlight=False)
