"""`onething chaos`: the fault storm as a product feature (see deploy/chaos/)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from deploy.chaos.run import RECOVERY_TARGET_S, ChaosOptions, run_chaos
from deploy.demo_cli import LocalBroker
from deploy.security_mode import insecure_option, settings_for
from topology.logs import configure_logging

_out = Console()


def chaos(
    cases: int = typer.Option(10_000, min=1, help="Cases to submit (national mix of 13 bundles)."),
    faults: int = typer.Option(25, min=0, help="Faults in the storm; every kind in turn."),
    seed: int = typer.Option(1, help="Seed of the fault schedule: the same seed, the same storm."),
    rate: float | None = typer.Option(
        None, min=0.1, help="Cases/s; default: spread the cases over the whole storm."
    ),
    nodes: int = typer.Option(3, "--nodes", min=1, max=9, help="KRaft nodes of the cluster."),
    within: float = typer.Option(
        600.0, min=1.0, help="Seconds after the storm for every case to become terminal."
    ),
    poison: int = typer.Option(
        0, min=0, help="Bad records per consumed topic (random bytes, truncated, corrupted, "
        "unknown fingerprints, wrong types, unknown cases, oversized): each must be "
        "dead-lettered with its reason, and nothing may crash.",
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write the report as JSON here."),
    insecure: bool = insecure_option(),
) -> None:
    """SIGKILL and SIGSTOP streams workers, the certificate service, the adapters and broker
    nodes at seeded moments while cases flow; exit 1 on any lost case or duplicate."""
    configure_logging()
    # Its own clients lose a broker on purpose: their connection errors are the storm, not news.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    settings = settings_for(insecure, _out).model_copy(update={"broker_nodes": nodes})
    options = ChaosOptions(cases=cases, faults=faults, seed=seed, rate=rate, within_s=within,
                           poison=poison)  # fmt: skip
    with LocalBroker(settings) as bootstrap:
        settings = settings.model_copy(update={"kafka_bootstrap": bootstrap})
        report = asyncio.run(run_chaos(settings, options, _out))
    _print(report)
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    if not report["passed"]:
        _out.print(f"[red]chaos failed: {report['cases']['lost']} case(s) lost, duplicates "
                   f"{json.dumps(report['duplicates'])}; logs in {report['logs']}[/]")  # fmt: skip
        raise typer.Exit(1)


def _print(report: dict[str, Any]) -> None:
    cases, recovery, end = report["cases"], report["recovery"], report["end"]
    table = Table("measure", "value", title="onething chaos")
    lag = end["consumer_lag"]
    rows: list[tuple[str, object]] = [
        ("security / brokers", f"{report['security']} / {report['brokers']}"),
        ("cases submitted / terminal / lost",
         f"{cases['submitted']} / {cases['terminal']} / {cases['lost']}"),
        ("by terminal state", ", ".join(f"{k} {v}" for k, v in cases["by_state"].items())),
        ("applications the portal sent again", cases["resent_by_portal"]),
        *(("  lost", f"{lost['case_id']} {lost['phase']} {' '.join(lost['open_items'])}; "
           f"seen {' '.join(lost['seen'])}; streams holds {lost.get('held_by_streams')}")
          for lost in cases["lost_cases"]),
        ("duplicates", ", ".join(f"{k} {v}" for k, v in report["duplicates"].items())),
        *(("  second certificate", f"{d['case_id']} {d['certificate_type']}: "
           + "; ".join(d["signed"])) for d in report["second_certificates"]),
        ("amplification (records per fact)",
         ", ".join(f"{k} {v}" for k, v in report["amplification"].items() if v != 1.0)
         or "1.0 everywhere"),
        ("faults", len(report["faults"])),
    ]  # fmt: skip
    for kind, entry in report["by_kind"].items():
        rows.append((f"  {kind}", f"{entry['kills']} kills, {entry['pauses']} pauses, recovery "
                     f"p50 {entry['recovery_p50_s']} s, max {entry['recovery_max_s']} s"))
    rows += [
        ("recovery p50 / max", f"{recovery['p50_s']} s / {recovery['max_s']} s "
         f"({recovery['over_target']} over {RECOVERY_TARGET_S:.0f} s)"),
        ("crashed on their own, restarted", ", ".join(report["crashed_and_restarted"]) or "none"),
        ("restarts that failed, tried again", ", ".join(report["failed_restarts"]) or "none"),
        ("under-replicated partitions at end", end["under_replicated_partitions"]),
        ("consumer lag at end", f"{sum(lag.values())} in {len(lag)} groups"),
        *_poison_rows(report.get("poison")),
        *((("dead letters (no poison sent)", ", ".join(f"{k}: {v}" for k, v in
            report["dead_letters"].items()) or "none"),) if "dead_letters" in report else ()),
        ("result", "passed" if report["passed"] else "FAILED"),
    ]  # fmt: skip
    for name, value in rows:
        table.add_row(name, str(value))
    _out.print(table)


def _poison_rows(poison: dict[str, Any] | None) -> list[tuple[str, object]]:
    if not poison:
        return []
    missing = sum(poison["missing"].values())
    return [("poison sent / dead-lettered / missing",
             f"{poison['sent']} to {poison['topics']} topics / {poison['dead_lettered']} / "
             f"{missing}"),
            ("poison by reason", ", ".join(f"{k} {v}" for k, v in poison["reasons"].items()))]
