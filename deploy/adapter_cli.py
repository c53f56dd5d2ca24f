"""`onething adapter run|list|new` and `onething simulate`: department adapters and their
reference simulators."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.discovery import installed_adapters
from adapters.host import run_adapters
from adapters.scaffold import scaffold
from adapters.sdk.settings import AdapterSettings
from adapters.simulator import ReferenceSimulator, SimulatorSettings
from adapters.simulator.server import serve
from deploy.readiness import mark_ready
from topology.catalog import load_catalog
from topology.logs import configure_logging
from topology.settings import get_settings

adapter_app = typer.Typer(help="Department adapters: run them, list them, scaffold a new one.")
simulate_app = typer.Typer(help="Serve a department's reference simulator over HTTP.")
_out = Console()


def _until_signal(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, _print_task_stacks)  # as Faust's workers do


def _print_task_stacks() -> None:
    """Every task's stack, to the log: what a stalled adapter process is waiting on."""
    for task in asyncio.all_tasks():
        task.print_stack(file=sys.stderr)


@adapter_app.command()
def run(
    departments: Annotated[list[str] | None, typer.Argument(help="Department codes.")] = None,
    all_departments: Annotated[
        bool, typer.Option("--all", help="Every department with items in the region's catalogue.")
    ] = False,
    backend: Annotated[str, typer.Option(help="simulator (in process) or http.")] = "simulator",
    base_url: Annotated[str | None, typer.Option(help="HTTP backend base URL.")] = None,
    report_received: Annotated[bool, typer.Option(help="Publish RECEIVED first.")] = False,
) -> None:
    """Run adapters until Ctrl-C; the batch in hand is finished and committed on the way out."""
    if not departments and not all_departments:
        raise typer.BadParameter("name departments, or pass --all")
    if backend not in ("simulator", "http"):
        raise typer.BadParameter("--backend is simulator or http")
    settings = get_settings()
    configure_logging(settings)
    overrides: dict[str, object] = {"backend": backend, "report_received": report_received}
    if base_url:
        overrides["backend_url"] = base_url
    options = AdapterSettings().model_copy(update=overrides)

    async def main() -> None:
        stop, ready = asyncio.Event(), asyncio.Event()
        _until_signal(stop)
        announce = asyncio.create_task(_mark_when(ready))
        await run_adapters(
            settings,
            None if all_departments else departments,
            simulator=SimulatorSettings(),
            stop=stop,
            ready=ready,
            options=options,
        )
        announce.cancel()

    asyncio.run(main())


async def _mark_when(ready: asyncio.Event) -> None:
    """Tell a supervising parent (demo, bench) that every consumer has its partitions."""
    await ready.wait()
    mark_ready()


@adapter_app.command("list")
def list_adapters() -> None:
    """Installed adapters (entry points ``onething.adapters``) and what they cover."""
    settings = get_settings()
    catalog = load_catalog(settings.region)
    table = Table("department", "name", "items", "missing", "systems", "from")
    for code, adapter in installed_adapters().items():
        binding = adapter.router.bind(catalog)
        try:
            name = catalog.department(code).name
        except LookupError:
            name = "?"
        table.add_row(
            code,
            name,
            str(len(binding.items)),
            ", ".join(binding.missing) or "-",
            ", ".join(binding.systems),
            adapter.source,
        )
    _out.print(table)


@adapter_app.command()
def new(
    department: Annotated[str, typer.Argument(help="Department code, e.g. tax or demo_dept.")],
    directory: Annotated[Path, typer.Option("--dir", help="Where to create it.")] = Path("."),
) -> None:
    """Scaffold an adapter package: handlers, backend Protocol, simulator stub, contract test."""
    root = scaffold(department, load_catalog(get_settings().region), directory)
    _out.print(f"created {root}\nnext: pip install -e {root} && pytest {root}")


@simulate_app.callback(invoke_without_command=True)
def simulate(
    department: Annotated[str, typer.Argument(help="Department code.")],
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8700,
) -> None:
    """Serve POST /v1/acts/{act} like the department's system would (ONETHING_SIM_* knobs)."""
    settings = get_settings()
    configure_logging(settings)
    simulator = ReferenceSimulator(department, SimulatorSettings(), load_catalog(settings.region))

    async def main() -> None:
        stop = asyncio.Event()
        _until_signal(stop)
        runner = await serve(simulator, host, port)
        _out.print(f"{department} simulator on http://{host}:{port}/v1/acts/{{act}}")
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())
