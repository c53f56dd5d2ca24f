"""`onething dlq list|show|replay`: the bus's dead letters, for an operator."""

from __future__ import annotations

import asyncio
import json

import typer
from rich.console import Console
from rich.table import Table

from deploy.dlq_admin import (
    DeadLetter,
    counts,
    dead_letter_topics,
    read_dead_letters,
    replay,
)
from topology.kafka_access import kafka_access
from topology.settings import Settings, get_settings

dlq_app = typer.Typer(help="Dead letters: count them, read one (masked), replay them after a fix.")
_out = Console()

PREFIX = typer.Option(
    None, "--prefix", help="Topic prefix of the bus; default ONETHING_TOPIC_PREFIX."
)


def _letters(prefix: str | None, topic: str | None = None) -> tuple[Settings, list[DeadLetter]]:
    settings = get_settings()
    if prefix:
        settings = settings.model_copy(update={"topic_prefix": prefix})
    access = kafka_access(settings, "admin")

    async def read() -> list[DeadLetter]:
        topics = await dead_letter_topics(access, settings.topic_prefix)
        if topic is not None:
            topics = [t for t in topics if t in (topic, f"{topic}.dlq")]
        return await read_dead_letters(access, topics)

    return settings, asyncio.run(read())


@dlq_app.command("list")
def list_cmd(
    prefix: str | None = PREFIX,
    records: bool = typer.Option(False, "--records", help="One line per dead letter."),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
) -> None:
    """Dead letters per topic and reason (the latest reason text, masked)."""
    _, letters = _letters(prefix)
    if as_json:
        rows = [{"topic": t, "reason": r, "count": n} for (t, r), n in counts(letters).items()]
        _out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if not letters:
        _out.print("no dead letters")
        return
    if records:
        table = Table("dead letter", "reason", "origin", "message")
        for letter in letters:
            table.add_row(letter.ref, letter.reason, letter.origin,
                          letter.error("exception.message")[:80])  # fmt: skip
    else:
        latest = {(letter.topic, letter.reason): letter for letter in letters}
        table = Table("topic", "reason", "count", "latest message")
        for (topic, reason), count in sorted(counts(letters).items()):
            message = latest[(topic, reason)].error("exception.message")[:80]
            table.add_row(topic, reason, str(count), message)
    _out.print(table)


@dlq_app.command()
def show(
    ref: str = typer.Argument(..., help="topic:partition:offset, as `dlq list --records` prints"),
    prefix: str | None = PREFIX,
) -> None:
    """One dead letter: origin, reason and what it holds, personal data masked."""
    letter = _find(prefix, ref)
    _out.print_json(json.dumps(letter.describe(), ensure_ascii=False))


@dlq_app.command("replay")
def replay_cmd(
    refs: list[str] = typer.Argument(None, help="Dead letters (topic:partition:offset)."),
    topic: str | None = typer.Option(None, "--topic", help="Every dead letter of this topic."),
    reason: str | None = typer.Option(None, "--reason", help="Only those with this reason."),
    prefix: str | None = PREFIX,
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be replayed."),
) -> None:
    """Send dead letters back to the topic they first arrived on (after the fix). Replaying
    one that was applied before changes nothing: every handler of the bus is idempotent."""
    if not refs and topic is None:
        _out.print("[red]name dead letters (topic:partition:offset) or --topic[/]")
        raise typer.Exit(2)
    settings, letters = _letters(prefix, topic)
    chosen = [x for x in letters if (not refs or x.ref in refs)
              and (reason is None or x.reason == reason)]  # fmt: skip
    missing = set(refs or ()) - {x.ref for x in chosen}
    if missing:
        _out.print(f"[red]no such dead letter: {', '.join(sorted(missing))}[/] "
                   "(`onething dlq list --records` lists them)")  # fmt: skip
        raise typer.Exit(1)
    for letter in chosen:
        _out.print(f"{'would replay' if dry_run else 'replaying'} {letter.ref} -> {letter.origin}"
                   f" ({letter.reason})", highlight=False)  # fmt: skip
    if not dry_run:
        sent = asyncio.run(replay(kafka_access(settings, "admin"), chosen))
        _out.print(f"replayed {sent} dead letter(s)")


def _find(prefix: str | None, ref: str) -> DeadLetter:
    topic = ref.rsplit(":", 2)[0]
    _, letters = _letters(prefix, topic)
    for letter in letters:
        if letter.ref == ref:
            return letter
    _out.print(f"[red]no dead letter {ref}[/] (`onething dlq list --records` lists them)")
    raise typer.Exit(1)
