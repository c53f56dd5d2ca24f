"""`onething streams run`, `onething certificates run|verify`, `onething case <id>`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from deploy.applicant import bus_producer
from deploy.readiness import mark_ready
from deploy.revocations import RevocationUnknownError, find_revocation
from streams.issuance.signing import load_public_key, verify
from streams.runtime.app import StreamsConfig
from streams.runtime.worker import build_issuance, build_streams, run_worker
from topology.codec import cloudevent_headers, default_codec
from topology.events import CaseErasureRequested, CertificateIssued, derive_event_id
from topology.kafka_access import KafkaAccessError, kafka_access
from topology.logs import configure_logging
from topology.settings import Settings, get_settings
from topology.topics import Topics

streams_app = typer.Typer(help="The Faust stream processors (intake, dispatch, join, deadlines).")
certificates_app = typer.Typer(help="The reference e-certificate service (统一发证).")
_out = Console()


@streams_app.command("run")
def run_streams(
    web_port: int | None = typer.Option(None, help="Status web port (ONETHING_STREAMS_WEB_PORT)."),
    loglevel: str | None = typer.Option(None, help="Faust log level (default ONETHING_LOG_LEVEL)."),
) -> None:
    """Run a streams worker until Ctrl-C (SIGTERM stops it gracefully)."""
    configure_logging()
    settings = get_settings()
    port = web_port or settings.streams_web_port
    app = build_streams(StreamsConfig(settings, web_port=port)).app
    run_worker(app, loglevel or faust_level(settings.log_level), mark_ready)


@certificates_app.command("run")
def run_certificates(loglevel: str | None = typer.Option(None, help="Faust log level.")) -> None:
    """Run the certificate service until Ctrl-C."""
    configure_logging()
    settings = get_settings()
    app, _ = build_issuance(settings)
    run_worker(app, loglevel or faust_level(settings.log_level), mark_ready)


def faust_level(level: str) -> str:
    """Faust's names for log levels."""
    return {"warning": "warn", "critical": "crit"}.get(level.lower(), level.lower())


@certificates_app.command("verify")
def verify_certificate(
    path: Path = typer.Argument(..., help="A CertificateIssued event, Avro single-object bytes."),
    public_key: Path | None = typer.Option(None, help="Issuer public key PEM."),
    offline: bool = typer.Option(
        False, "--offline", help="Check the signature only, not whether it was revoked."
    ),
) -> None:
    """Verify a certificate's Ed25519 signature and payload digest, and that it is not
    revoked (read from the bus's certificates topic). Exit 1: invalid or revoked; 2:
    revocation could not be checked."""
    settings = get_settings()
    key_path = public_key or settings.state_dir / "keys" / "issuer-ed25519.pub.pem"
    event = default_codec().decode_as(path.read_bytes(), CertificateIssued, topic=str(path))
    problem = verify(event, load_public_key(key_path))
    if problem:
        _out.print(f"[red]INVALID[/] {event.certificate_number}: {problem}")
        raise typer.Exit(1)
    what = f"{event.certificate_type} {event.certificate_number} (key {event.key_id})"
    if offline:
        _out.print(f"[green]valid signature[/] {what}; revocation not checked (--offline)")
        return
    topic = Topics(settings.topic_prefix).certificates
    try:
        access = kafka_access(settings, "certificates")
        revoked = asyncio.run(find_revocation(access, topic, event.certificate_number))
    except (RevocationUnknownError, KafkaAccessError) as error:
        _out.print(f"[yellow]signature valid, revocation unknown[/] {what}: {error}; "
                   "fix: start the broker, or pass --offline to check the signature only")
        raise typer.Exit(2) from None
    if revoked is not None:
        _out.print(f"[red]REVOKED[/] {what} at {revoked.occurred_at.isoformat()}: "
                   f"{revoked.reason}")  # fmt: skip
        raise typer.Exit(1)
    _out.print(f"[green]valid[/] {what}, not revoked")


async def request_erasure(settings: Settings, case_id: str, reason: str) -> None:
    """Publish a CaseErasureRequested for ``case_id`` on the bus's admin topic."""
    topics = Topics(settings.topic_prefix)
    request = CaseErasureRequested(
        event_id=derive_event_id(case_id, f"erasure-request:{reason}"), case_id=case_id,
        occurred_at=datetime.now(UTC), reason=reason, requested_by="ops",
    )  # fmt: skip
    producer = bus_producer(kafka_access(settings, "ops"), linger_ms=0)
    await producer.start()
    try:
        headers = cloudevent_headers(request, source="/ops")
        await producer.send_and_wait(topics.admin, default_codec().encode(request),
                                     key=case_id.encode(), headers=headers)  # fmt: skip
    finally:
        await producer.stop()


def show_case(case_id: str, url: str | None = None, as_json: bool = False) -> None:
    """Print a case's state and timeline from the streams worker's web view."""
    settings = get_settings()
    base = url or f"http://127.0.0.1:{settings.streams_web_port}"
    response = httpx.get(f"{base}/cases/{case_id}/", timeout=5.0)
    if response.status_code == 404:
        _out.print(f"[red]no case {case_id}[/]")
        raise typer.Exit(1)
    response.raise_for_status()
    case = response.json()
    if as_json:
        _out.print_json(json.dumps(case, ensure_ascii=False))
        return
    print_case(case)


def print_case(case: dict[str, Any]) -> None:
    bundle = case["bundle"]
    _out.print(f"[bold]{case['case_id']}[/] {bundle['name']} ({bundle['code']}) — "
               f"[bold]{case['phase']}[/], lead {case['lead_department']}")  # fmt: skip
    items = Table("item", "department", "status", "attempt", title="items")
    for code, item in case["items"].items():
        items.add_row(f"{item['name']} ({code})", item["department"], item["status"],
                      str(item["attempt"]))  # fmt: skip
    _out.print(items)
    timeline = Table("at", "event", "item", "detail", title="timeline")
    for entry in case["timeline"]:
        timeline.add_row(entry["at"][11:23], entry["event"], entry.get("item") or "",
                         entry.get("detail") or "")  # fmt: skip
    _out.print(timeline)


def register_streams(app: typer.Typer) -> None:
    app.add_typer(streams_app, name="streams")
    app.add_typer(certificates_app, name="certificates")

    @app.command("case")
    def case(
        words: list[str] = typer.Argument(..., metavar="ID | erase ID"),
        url: str | None = typer.Option(None, help="Streams worker base URL."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
        reason: str = typer.Option("", help="With erase: why, for the audit trail."),
    ) -> None:
        """Show one case (state, items, timeline), or `case erase ID --reason TEXT`: erase a
        finished case's personal data now (the case agent refuses a case in progress)."""
        match words:
            case [case_id]:
                show_case(case_id, url, as_json)
            case ["erase", case_id]:
                if not reason.strip():
                    raise typer.BadParameter("say why, for the audit trail", param_hint="--reason")
                asyncio.run(request_erasure(get_settings(), case_id, reason))
                _out.print(f"erasure of {case_id} requested; the case timeline shows it done")
            case _:
                raise typer.BadParameter("expected: ID, or erase ID", param_hint="ID")
