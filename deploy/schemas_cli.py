"""`onething schemas list|check|generate|release`: the Avro contracts in ``avro/``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from topology.codec import default_avro_dir
from topology.codec.compat import check_compatibility
from topology.codec.release import drift, generate, release
from topology.codec.schemas import load_current, load_history

schemas_app = typer.Typer(help="Event contracts: Avro schemas, fingerprints, compatibility.")
_out = Console()
_err = Console(stderr=True)

AvroDir = Annotated[
    Path | None,
    typer.Option("--avro-dir", help="Schema folder (default: $ONETHING_AVRO_DIR or repo avro/)."),
]


def _dir(avro_dir: Path | None) -> Path:
    return avro_dir if avro_dir is not None else default_avro_dir()


@schemas_app.command("list")
def list_schemas(avro_dir: AvroDir = None) -> None:
    """Print every record with its CRC-64-AVRO fingerprint and released versions."""
    root = _dir(avro_dir)
    history = load_history(root)
    table = Table("record", "fingerprint", "released", caption="* = same wire form as current")
    for name, schema in load_current(root).items():
        released = ", ".join(
            f"{v.version}{'*' if v.fingerprint == schema.fingerprint else ''}"
            for v in history.get(name, [])
        )
        table.add_row(schema.fullname, schema.fingerprint_hex, released or "-")
    _out.print(table)


@schemas_app.command()
def check(
    avro_dir: AvroDir = None,
    models: Annotated[bool, typer.Option(help="Also check avro/ matches the models.")] = True,
) -> None:
    """Fail unless every schema is FULL_TRANSITIVE compatible with every released version."""
    root = _dir(avro_dir)
    problems = [str(problem) for problem in check_compatibility(root)]
    if models:
        problems += drift(root)
    for problem in problems:
        _err.print(f"[bold red]incompatible:[/] {problem}", markup=True, highlight=False)
    if problems:
        raise typer.Exit(code=1)
    _out.print(f"{root}: every schema is FULL_TRANSITIVE compatible with its history")


@schemas_app.command("generate")
def generate_schemas(avro_dir: AvroDir = None) -> None:
    """Render avro/*.avsc from the event models (the source of truth)."""
    for path in generate(_dir(avro_dir)):
        _out.print(f"wrote {path}")


@schemas_app.command("release")
def release_schemas(avro_dir: AvroDir = None) -> None:
    """Copy each changed schema into avro/history/<Record>/v<N>.avsc."""
    root = _dir(avro_dir)
    problems = check_compatibility(root)
    if problems:
        for problem in problems:
            _err.print(f"incompatible: {problem}", markup=False, highlight=False)
        raise typer.Exit(code=1)
    released = release(root)
    for path in released:
        _out.print(f"released {path}")
    if not released:
        _out.print("nothing changed since the last release")
