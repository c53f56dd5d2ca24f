"""`onething principals list|create|rotate|drop-previous|export`: the bus's identities and
their SCRAM credentials. No command takes a password: they are generated, and only `export`
prints one."""

from __future__ import annotations

from enum import StrEnum
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from deploy.broker import Broker, BrokerError
from deploy.security.ca import CaError, ensure_certificates
from deploy.security.client_config import ClientConfig, render
from deploy.security.credentials import CredentialsError, CredentialStore, Entry
from deploy.security.files import SecurityLayout
from deploy.security.provision import write_client_files
from deploy.security.scram import register_scram
from topology.catalog import all_catalogs
from topology.principals import Principal, bus_principals, department_codes, find_principal
from topology.settings import get_settings

principals_app = typer.Typer(help="Kafka principals of the bus and their SCRAM credentials.")
_out = Console()
_err = Console(stderr=True)


class ExportFormat(StrEnum):
    properties = "properties"
    env = "env"
    json = "json"


def declared() -> tuple[Principal, ...]:
    """Every principal of the bus: the services and every region's departments."""
    return bus_principals(department_codes(all_catalogs()))


def _layout() -> SecurityLayout:
    return SecurityLayout(get_settings().state_dir)


def _store() -> CredentialStore:
    try:
        return CredentialStore(_layout().credentials)
    except CredentialsError as error:
        _fail(str(error))


def _fail(message: str) -> NoReturn:
    _err.print(f"error: {message}", markup=False, highlight=False)
    raise typer.Exit(1)


def _principal(name: str) -> Principal:
    try:
        return find_principal(declared(), name)
    except KeyError as error:
        _fail(str(error.args[0]))


def _since(entry: Entry | None) -> tuple[str, str]:
    if entry is None:
        return "-", "-"
    previous = entry.previous.created.strftime("%Y-%m-%d %H:%M") if entry.previous else "-"
    return entry.current.created.strftime("%Y-%m-%d %H:%M"), previous


@principals_app.command("list")
def list_cmd() -> None:
    """Every declared principal, whether it has a credential, and since when (no secrets)."""
    store = _store()
    entries = dict(store)
    table = Table("principal", "kind", "credential since", "previous since (rotation)")
    for principal in declared():
        current, previous = _since(entries.get(principal.name))
        table.add_row(principal.name, principal.kind, current, previous)
    _out.print(table)


@principals_app.command("create")
def create_cmd(
    name: str | None = typer.Argument(None, help="A principal; omit with --all."),
    every: bool = typer.Option(False, "--all", help="Every declared principal without one."),
) -> None:
    """Generate a credential (and the project CA and broker certificate if missing)."""
    if (name is None) == (not every):
        _fail("name one principal, or pass --all")
    store = _store()
    names = (
        [p.name for p in declared() if p.name not in store]
        if every
        else [_principal(str(name)).name]
    )
    try:
        issued = ensure_certificates(_layout())
        for each in names:
            store.create(each)
    except (CredentialsError, CaError) as error:
        _fail(str(error))
    if issued.ca_created or issued.broker_issued:
        _out.print(
            f"certificates in {_layout().root} (broker's until {issued.broker_expires:%Y-%m-%d})"
        )
    _out.print(f"created credentials for {len(names)} principal(s): {', '.join(names) or '-'}")


@principals_app.command("rotate")
def rotate_cmd(name: str = typer.Argument(..., help="The principal.")) -> None:
    """A new password, set on the running broker at once; the old one is kept (previous) in
    the credentials file until `drop-previous`, to roll back."""
    try:
        store = _store()
        store.rotate(_principal(name).name)
        where = _publish(store)
    except (CredentialsError, BrokerError) as error:
        _fail(str(error))
    _out.print(f"rotated {name} ({where}): its clients need the new password when they next "
               f"connect: restart the bus's own, give others `principals export {name}`, "
               f"then `principals drop-previous {name}`")  # fmt: skip


def _publish(store: CredentialStore, *, running: bool = False) -> str:
    """The launcher-kept client files, and the broker's SCRAM credentials when it runs (Kafka
    keeps one SCRAM credential per user and mechanism: the new password replaces the old)."""
    settings = get_settings()
    broker = Broker(settings)
    write_client_files(broker.security, store, broker.bootstrap)
    if not (settings.secured and (running or broker.pid() is not None)):
        return "the broker is not running: it takes the new password when it starts"
    register_scram(broker.security, store, broker.internal_bootstrap, within_s=30.0)
    return "the broker has every principal's current password"


@principals_app.command("register")
def register_cmd() -> None:
    """Set every principal's current password on the broker (over its mutual-TLS port,
    ONETHING_BROKER_PORT + 2): for a broker not started by `onething broker start`, such as
    deploy/docker-compose.yml's. `broker start` does it by itself."""
    try:
        where = _publish(_store(), running=True)
    except (CredentialsError, BrokerError) as error:
        _fail(str(error))
    _out.print(f"registered: {where}")


@principals_app.command("drop-previous")
def drop_previous_cmd(name: str = typer.Argument(..., help="The principal.")) -> None:
    """Forget the previous password once every client of ``name`` uses the current one."""
    try:
        _store().drop_previous(_principal(name).name)
    except CredentialsError as error:
        _fail(str(error))
    _out.print(f"{name}: previous credential dropped")


@principals_app.command("export")
def export_cmd(
    name: str = typer.Argument(..., help="The principal."),
    fmt: ExportFormat = typer.Option(ExportFormat.properties, "--format", "-f"),
    bootstrap: str | None = typer.Option(
        None, "--bootstrap", help="Default ONETHING_KAFKA_BOOTSTRAP."
    ),
) -> None:
    """Print the principal's client configuration, with its current password."""
    layout = _layout()
    try:
        entry = _store().entry(_principal(name).name)
    except CredentialsError as error:
        _fail(str(error))
    if not layout.ca_cert.exists():
        _fail(f"no truststore at {layout.ca_cert}: onething principals create {name}")
    config = ClientConfig(bootstrap or get_settings().kafka_bootstrap, name,
                          entry.current.password, layout.ca_cert)  # fmt: skip
    typer.echo(render(config, fmt.value), nl=False)
