"""`onething topics list|plan|apply`: the declared topics against a live broker."""

from __future__ import annotations

import asyncio
import json

import typer
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from rich.table import Table

from deploy.acls_admin import plan_and_apply_acls
from deploy.broker.probe import live_brokers
from deploy.topics_admin import TopicChange, apply, describe_live, plan
from topology.acls import bus_acls
from topology.catalog import all_catalogs, load_catalog
from topology.kafka_access import KafkaAccess, kafka_access
from topology.principals import department_codes
from topology.settings import Settings, get_settings
from topology.topics import Topics, TopicSpec, replication_for

topics_app = typer.Typer(help="Declared Kafka topics: list them, diff them, apply them.")
_out = Console()

BOOTSTRAP = typer.Option(None, "--bootstrap", help="Brokers; default ONETHING_KAFKA_BOOTSTRAP.")


def declared_topics(settings: Settings, brokers: int = 1) -> list[TopicSpec]:
    """Every topic of the bus for the deployment's region, replicated as
    ``ONETHING_REPLICATION_FACTOR`` says or, unset, as a cluster of ``brokers`` allows."""
    catalog = load_catalog(settings.region)
    return Topics(settings.topic_prefix).all(
        [department.code for department in catalog.departments],
        partitions=settings.partitions,
        replication_factor=settings.replication_factor or replication_for(brokers),
    )


async def plan_and_apply(
    access: KafkaAccess, settings: Settings, *, dry_run: bool
) -> list[TopicChange]:
    """The plan against the live broker, applied unless ``dry_run``; returns the plan. On a
    secured broker the bus's ACLs are applied with its topics: the two are one bus."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        specs = declared_topics(settings, len(await live_brokers(admin)))
        changes = plan(specs, await describe_live(admin, [s.name for s in specs]))
        if not dry_run:
            await apply(admin, changes)
    finally:
        await admin.close()
    if access.secured and not dry_run:
        topics = Topics(settings.topic_prefix)
        declared = bus_acls(topics, department_codes(all_catalogs()))
        await plan_and_apply_acls(access, topics, declared)
    return changes


def _admin(settings: Settings, bootstrap: str | None) -> KafkaAccess:
    if bootstrap:
        settings = settings.model_copy(update={"kafka_bootstrap": bootstrap})
    return kafka_access(settings, "admin")


@topics_app.command("list")
def list_topics(as_json: bool = typer.Option(False, "--json", help="JSON output.")) -> None:
    """The declared topics, with partitions and configs."""
    specs = declared_topics(get_settings())
    if as_json:
        rows = [
            {"name": s.name, "partitions": s.partitions, "config": dict(s.config), "doc": s.doc}
            for s in specs
        ]
        _out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("topic", "partitions", "cleanup", "retention (days)", "what")
    for spec in specs:
        days = int(spec.config.get("retention.ms", "0")) // 86_400_000 or "-"
        table.add_row(
            spec.name, str(spec.partitions), spec.config["cleanup.policy"], str(days), spec.doc
        )
    _out.print(table)


@topics_app.command("plan")
def plan_cmd(bootstrap: str | None = BOOTSTRAP) -> None:
    """What `apply` would change on the live broker."""
    settings = get_settings()
    changes = asyncio.run(plan_and_apply(_admin(settings, bootstrap), settings, dry_run=True))
    _print(changes, "would")


@topics_app.command("apply")
def apply_cmd(bootstrap: str | None = BOOTSTRAP) -> None:
    """Create or update the declared topics; a second run changes nothing."""
    settings = get_settings()
    changes = asyncio.run(plan_and_apply(_admin(settings, bootstrap), settings, dry_run=False))
    _print(changes, "did")
    if any(c.action == "impossible" for c in changes):
        raise typer.Exit(1)


def _print(changes: list[TopicChange], verb: str) -> None:
    if not changes:
        _out.print("topics up to date: nothing to change")
        return
    table = Table(
        "topic", "action", "detail", title=f"onething {verb} change {len(changes)} topic(s)"
    )
    for change in changes:
        style = "red" if change.action == "impossible" else ""
        table.add_row(change.topic, change.action, change.detail, style=style)
    _out.print(table)
