"""`onething acls plan | apply`: the ACLs topology declares per principal, their diff against
the broker's (or, offline, against a list), and applying it: idempotent, `--prune` removes
what this bus's topology no longer declares."""

from __future__ import annotations

import asyncio
import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from deploy.acls_admin import AclAdminError, plan_and_apply_acls
from deploy.acls_plan import AclChange, plan, summary
from topology.acls import AclBinding, bus_acls
from topology.acls_text import from_rows, kafka_acls_text, markdown_table, to_rows
from topology.catalog import all_catalogs
from topology.kafka_access import KafkaAccessError, kafka_access
from topology.principals import department_codes
from topology.settings import get_settings
from topology.topics import Topics

acls_app = typer.Typer(help="Kafka ACLs rendered from topology: least privilege per principal.")
_out = Console()
_err = Console(stderr=True)
GENERIC = "<department>"
PLAINTEXT = (
    "error: security is off (ONETHING_SECURITY=off): the PLAINTEXT broker has no authorizer, "
    "so it keeps no ACLs.\nfix: run `onething acls plan --offline`, or start the broker secured."
)


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def declared_acls(topics: Topics) -> list[AclBinding]:
    """Every binding of the bus, for every region's departments (one bus serves them all)."""
    return bus_acls(topics, department_codes(all_catalogs()))


def security_md_table() -> str:
    """The table of deploy/SECURITY.md: the default prefix, one department standing for all."""
    return markdown_table(bus_acls(Topics("onething"), [GENERIC]))


def _render(bindings: list[AclBinding], fmt: Format) -> str:
    if fmt is Format.json:
        return json.dumps(to_rows(bindings), indent=2, ensure_ascii=False) + "\n"
    if fmt is Format.markdown:
        return markdown_table(bindings)
    return kafka_acls_text(bindings)


def _print_changes(changes: list[AclChange]) -> None:
    for change in changes:
        b = change.binding
        sign = "+" if change.action == "add" else "-"
        typer.echo(f"{sign} {b.principal} {b.permission} {b.operation} {b.resource_type} "
                   f"{b.pattern_type} {b.resource_name}")  # fmt: skip
    typer.echo(summary(changes))


@acls_app.command("plan")
def plan_cmd(
    offline: bool = typer.Option(False, "--offline", help="From topology alone, no broker."),
    existing: Path | None = typer.Option(
        None, "--existing", help="With --offline: diff against these bindings (JSON rows)."
    ),
    prune: bool = typer.Option(
        False, "--prune", help="Also remove what topology no longer declares."
    ),
    principal: str | None = typer.Option(None, "--principal", "-p", help="Only this principal."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, json or markdown."),
    generic: bool = typer.Option(
        False, "--generic", help="One department <department> for all (deploy/SECURITY.md)."
    ),
) -> None:
    """The declared ACLs (per principal), or what would change against --existing."""
    if not offline:
        _print_changes(_live(prune=prune, dry_run=True, principal=principal))
        return
    topics = Topics(get_settings().topic_prefix)
    desired = bus_acls(topics, [GENERIC]) if generic else declared_acls(topics)
    if principal:
        desired = [b for b in desired if b.principal == f"User:{principal}"]
        if not desired:
            _err.print(f"error: no ACLs for principal {principal!r}", markup=False)
            raise typer.Exit(1)
    if existing is None:
        typer.echo(_render(desired, fmt), nl=False)
        return
    have = from_rows(json.loads(existing.read_text(encoding="utf-8")))
    if principal:
        have = [b for b in have if b.principal == f"User:{principal}"]
    _print_changes(plan(desired, have, topics=topics, prune=prune))


@acls_app.command("apply")
def apply_cmd(
    prune: bool = typer.Option(
        False, "--prune", help="Also remove what topology no longer declares."
    ),
) -> None:
    """Make the broker's ACLs what topology declares; a second run changes nothing."""
    _print_changes(_live(prune=prune, dry_run=False))


def _live(*, prune: bool, dry_run: bool, principal: str | None = None) -> list[AclChange]:
    settings = get_settings()
    if not settings.secured:
        _err.print(PLAINTEXT, markup=False, highlight=False)
        raise typer.Exit(2)
    topics = Topics(settings.topic_prefix)
    desired = declared_acls(topics)
    try:
        admin = kafka_access(settings, "admin")
        changes = asyncio.run(
            plan_and_apply_acls(admin, topics, desired, prune=prune, dry_run=dry_run)
        )
    except (AclAdminError, KafkaAccessError) as error:
        _err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if principal:
        changes = [c for c in changes if c.binding.principal == f"User:{principal}"]
    return changes
