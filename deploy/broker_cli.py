"""`onething broker start|stop|status|logs|fetch`: the local Kafka cluster (one node or
several on loopback)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from deploy.broker import Broker
from deploy.broker.jars import fetch_jars, jars_size
from deploy.security_mode import insecure_option, settings_for
from topology.settings import get_settings

broker_app = typer.Typer(
    help="Run the project's own Apache Kafka cluster (KRaft): one node, or several on loopback."
)
_out = Console()

NODE = typer.Option(None, "--node", help="Only this node (1..N); default: every node.")


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
def start(
    insecure: bool = insecure_option(),
    nodes: int | None = typer.Option(
        None, "--nodes", min=1, max=9, envvar="ONETHING_BROKER_NODES",
        help="KRaft nodes on loopback (combined controller and broker); with 3 or more, "
        "topics get 3 replicas and min.insync.replicas=2. Default: as formatted, or 1.",
    ),
    node: int | None = NODE,
) -> None:
    """Start the cluster (idempotent) and wait until it answers with every node."""
    settings = settings_for(insecure, _out)
    if nodes is not None:
        settings = settings.model_copy(update={"broker_nodes": nodes})
    report = Broker(settings).start(node)
    size = f"{report.nodes} nodes" if report.nodes > 1 else "1 node"
    if report.already_running:
        _out.print(f"broker already running on {report.bootstrap} ({size})")
    else:
        _out.print(f"broker started on {report.bootstrap} ({size}) in {report.seconds:.1f}s")


@broker_app.command()
def stop(node: int | None = NODE) -> None:
    """Stop the cluster (or one node) and wait for the JVMs to exit."""
    _out.print("broker stopped" if _broker().stop(node) else "broker was not running")


@broker_app.command()
def status(node: int | None = NODE) -> None:
    """Is each node running, and does it answer? Exit code 3 when any node is down."""
    state = _broker().status()
    shown = [n for n in state.nodes if node is None or n.node_id == node]
    table = Table("node", "address", "pid", "state", title=f"broker: {len(state.nodes)} node(s)")
    for each in shown:
        answer = "answers" if each.answers else "does NOT answer yet"
        table.add_row(str(each.node_id), each.bootstrap, str(each.pid or "-"),
                      answer if each.running else "not running")  # fmt: skip
    _out.print(table)
    if not shown or not all(each.running for each in shown):
        raise typer.Exit(3)


@broker_app.command()
def logs(
    lines: int = typer.Option(50, "--lines", "-n", help="Lines from the end."),
    node: int | None = NODE,
) -> None:
    """The tail of each node's logs (or one node's)."""
    _out.print(_broker().logs(lines, node), markup=False, highlight=False)
