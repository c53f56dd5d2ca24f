"""`onething`: the composition root. Each command group lives in its own module."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from deploy.acls_cli import acls_app
from deploy.adapter_cli import adapter_app, simulate_app
from deploy.bench_cli import bench
from deploy.broker import BrokerError
from deploy.broker_cli import broker_app
from deploy.catalog_cli import catalog_app
from deploy.chaos_cli import chaos
from deploy.demo_cli import register_demo
from deploy.dlq_cli import dlq_app
from deploy.gateway_cli import gateway
from deploy.keys_cli import keys_app
from deploy.principals_cli import principals_app
from deploy.schemas_cli import schemas_app
from deploy.streams_cli import register_streams
from deploy.topics_cli import topics_app
from streams.runtime.faust_version import UnsupportedFaustError

app = typer.Typer(
    name="onething",
    help="onething: one application, every department, one certificate (一件事一次办).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(broker_app, name="broker")
app.add_typer(adapter_app, name="adapter")
app.add_typer(simulate_app, name="simulate")
app.add_typer(catalog_app, name="catalog")
app.add_typer(schemas_app, name="schemas")
app.add_typer(topics_app, name="topics")
app.add_typer(acls_app, name="acls")
app.add_typer(principals_app, name="principals")
app.add_typer(keys_app, name="keys")
app.add_typer(dlq_app, name="dlq")
register_streams(app)
register_demo(app)
app.command(name="bench")(bench)
app.command(name="chaos")(chaos)
app.command(name="gateway")(gateway)

_err = Console(stderr=True)


def main() -> None:
    """Console-script entry: run the CLI, turning known errors into one-line causes and fixes."""
    try:
        app()
    except BrokerError as error:
        _err.print(f"[bold red]error:[/] {error.cause}.\n[bold]fix:[/] {error.fix}")
        if error.detail:
            _err.print(error.detail, markup=False, highlight=False)
        sys.exit(1)
    except UnsupportedFaustError as error:
        _err.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)
