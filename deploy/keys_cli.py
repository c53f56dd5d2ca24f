"""`onething keys list|rotate`: the data keys personal values are sealed under, one ring per
principal. Rotation adds the next key of a ring; the old ones stay, so what they sealed
still opens, and running processes seal under the new one within 30 s."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from deploy.principals_cli import declared
from topology.sealing import data_keys
from topology.settings import get_settings

keys_app = typer.Typer(help="Data keys that seal personal values to their recipient.")
_out = Console()
_err = Console(stderr=True)


@keys_app.command("list")
def list_keys() -> None:
    """Every principal's data keys under the state directory; the newest seals."""
    settings = get_settings()
    table = Table("principal", "key ids (oldest first)", "seals with")
    for principal, ids in data_keys(settings).rings().items():
        table.add_row(principal, ", ".join(ids), ids[-1] if ids else "")
    _out.print(table)
    _out.print(f"suite: {settings.crypto_suite} (ONETHING_CRYPTO_SUITE); keys under "
               f"{settings.state_dir / 'keys' / 'data'}", markup=False)  # fmt: skip


@keys_app.command("rotate")
def rotate(name: str = typer.Argument(..., help="The principal whose ring gets a key.")) -> None:
    """Add a new key to NAME's ring; values sealed under the old keys still open."""
    if name not in {p.name for p in declared()}:
        _err.print(f"error: no principal {name!r}; see `onething principals list`", markup=False)
        raise typer.Exit(1)
    key = data_keys(get_settings()).rotate(name)
    _out.print(f"{name}: now sealing under {key.key_id}; older keys stay readable", markup=False)
