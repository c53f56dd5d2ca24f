"""`onething bench`: the benchmark as a product feature (see deploy/bench/)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from deploy.bench.run import BenchOptions, run_bench
from deploy.demo_cli import LocalBroker
from deploy.security_mode import insecure_option, settings_for
from topology.logs import configure_logging

_out = Console()


def bench(
    cases: int = typer.Option(20_000, help="Cases to submit (national mix of 13 bundles)."),
    rate: str = typer.Option("max", help="Cases/s, or 'max' for a closed loop at saturation."),
    warmup: int = typer.Option(500, help="Completions left out of the sustained rate."),
    window: int = typer.Option(2_000, help="Open cases at most, with --rate max."),
    dept_latency: float = typer.Option(0.0, "--dept-latency", help="Simulator latency, ms."),
    bootstrap: str | None = typer.Option(None, help="Use this broker instead of the local one."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the report as JSON here."),
    profile: Path | None = typer.Option(None, help="Write a pyinstrument profile per process."),
    baseline: bool = typer.Option(True, help="Measure the Kafka baseline in the same run."),
    stall_after: float = typer.Option(
        60.0, min=1.0, help="Give up, with every component's task stacks in its log, once no "
        "case has finished for this many seconds.",
    ),
    streams_workers: int = typer.Option(
        0, min=0, help="Streams workers sharing the case partitions; 0: one per core, at most "
        "one per partition.",
    ),
    nodes: int = typer.Option(
        1, "--nodes", min=1, max=9, help="KRaft nodes of the local cluster (3: three replicas, "
        "min.insync.replicas=2); ignored with --bootstrap.",
    ),
    insecure: bool = insecure_option(),
) -> None:
    """Throughput, latency and footprint of the bus, beside Kafka's own limit."""
    configure_logging()
    settings = settings_for(insecure, _out).model_copy(update={"broker_nodes": nodes})
    workers = streams_workers or _per_core(settings.partitions)
    options = BenchOptions(cases=cases, rate=None if rate == "max" else float(rate),
                           warmup=min(warmup, cases // 4), window=window,
                           dept_latency_ms=dept_latency, profile_dir=profile,
                           baseline=baseline, stall_s=stall_after,
                           streams_workers=workers)  # fmt: skip
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
    if bootstrap:
        report = asyncio.run(run_bench(settings.model_copy(update={"kafka_bootstrap": bootstrap}),
                                       options, _out))  # fmt: skip
    else:
        with LocalBroker(settings) as local:
            report = asyncio.run(run_bench(settings.model_copy(update={"kafka_bootstrap": local}),
                                           options, _out))  # fmt: skip
    _print(report)
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    counts = report["cases"]
    if counts["not_terminal"] or counts["extra_certificates"] or counts["not_submitted"]:
        _out.print("[red]bench failed: cases not submitted (the bus stalled), without a terminal "
                   f"state, or with extra certificates; the components' logs are in "
                   f"{report['logs']}[/]")
        raise typer.Exit(1)


def _per_core(partitions: int) -> int:
    """A streams worker per core (more than one: one Python process holding every partition
    was bound by its own interpreter lock — streams/PERFORMANCE.md), at most one per partition."""
    return max(1, min(os.cpu_count() or 1, partitions))


def _print(report: dict[str, Any]) -> None:
    table = Table("measure", "value", title="onething bench")
    throughput, latency = report["throughput"], report["latency"]
    rows: list[tuple[str, object]] = [
        ("security", report["security"]),
        ("brokers", report["brokers"]),
        ("cases submitted / completed", f"{report['cases']['submitted']} / "
                                        f"{report['cases']['completed']}"),
        ("completed cases/s (sustained)", throughput["completed_cases_per_s"]),
        ("bus messages/s", throughput["bus_messages_per_s"]),
        ("messages per case", throughput["messages_per_case"]),
        ("bytes per message (as stored)", report["mean_record_bytes"]),
        ("messages by topic", ", ".join(f"{k} {v}" for k, v in
                                        throughput.get("messages_by_topic", {}).items())),
        ("measured window", f"{report['window']['seconds']} s, "
                            f"{report['window']['terminal_cases']} cases after warmup"),
    ]  # fmt: skip
    for name, figures in {**latency, **report["stages"]}.items():
        rows.append((name, " ".join(f"{k} {v:.0f}" for k, v in figures.items() if k != "n")))
    for kind, figures in report["processes"].items():
        rows.append((f"process {kind}", ", ".join(f"{k} {v}" for k, v in figures.items())))
    for name, value in report.get("baseline", {}).items():
        rows.append((f"baseline {name}", json.dumps(value) if isinstance(value, dict) else value))
    lag = report["consumer_lag"]
    behind = {group: n for group, n in lag.items() if n}
    rows.append(("consumer lag at end", f"{sum(lag.values())} in {len(lag)} groups"
                 + (f" ({json.dumps(behind)})" if behind else "")))  # fmt: skip
    for name, value in rows:
        table.add_row(name, str(value))
    _out.print(table)
