"""`onething bench` end to end on the real broker: a small run through the CLI, and the JSON
report has every figure issue 6 asks for (the figures themselves are not asserted: speed is
measured by the bench, never by timed tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PERCENTILES = {"p50", "p95", "p99", "max"}


def test_a_small_bench_run_reports_every_figure(kafka_bootstrap: str, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "deploy", "bench", "--cases", "60", "--bootstrap",
         kafka_bootstrap, "--json", str(out)],
        capture_output=True, text=True, timeout=400, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(done.stdout[-3000:] + done.stderr[-3000:] + _logs_digest(out))
    report = json.loads(out.read_text(encoding="utf-8"))

    assert report["cases"] == {"submitted": 60, "not_submitted": 0,
                               "completed": report["cases"]["completed"],
                               "not_terminal": 0, "extra_certificates": 0}  # fmt: skip
    assert report["cases"]["completed"] > 0
    throughput = report["throughput"]
    assert throughput["completed_cases_per_s"] > 0
    assert throughput["bus_messages_per_s"] > 0
    assert {"tasks", "results", "bundle.completions", "certificates"} <= set(
        throughput["messages_by_topic"]
    )
    for name in ("submit_to_completed_ms", "submit_to_certificate_ms"):
        assert set(report["latency"][name]) >= PERCENTILES, name
    stages = {"intake_ms", "dispatch_ms", "department_round_trip_ms", "join_ms", "issuance_ms"}
    assert set(report["stages"]) == stages
    assert all(set(figures) >= PERCENTILES for figures in report["stages"].values())
    assert any(group.endswith("-streams") for group in report["consumer_lag"])
    workers = report["options"]["streams_workers"]
    kinds = {"streams", "certificates", "adapters", "bench-driver",
             *(f"streams-{n}" for n in range(2, workers + 1))}  # fmt: skip
    assert kinds <= set(report["processes"])
    for figures in report["processes"].values():
        assert figures["cpu_s_per_1000_cases"] >= 0
        assert figures["peak_rss_mb"] > 0
    baseline = report["baseline"]
    assert baseline["aiokafka"]["produce_msgs_s"] > 0
    assert baseline["aiokafka"]["messages"] == throughput["bus_messages"]
    # the baseline's records are as large as the bus's stored ones, changelogs included
    assert report["bus_bytes"] > 100 * throughput["bus_messages"]
    assert baseline["aiokafka"]["record_bytes"] == report["mean_record_bytes"]
    assert baseline["bus_to_aiokafka_ratio"] > 0
    assert sum(report["terminal_per_second"]) == 60


def _logs_digest(out: Path) -> str:
    """What a failed run's components logged: their warnings and errors, and their last lines
    (a stalled run has them write their task stacks there first)."""
    if not out.exists():
        return ""
    digest = []
    for log in sorted(Path(json.loads(out.read_text(encoding="utf-8"))["logs"]).glob("*.log")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        flagged = [line for line in lines if "ERROR" in line or "WARNING" in line]
        digest += [f"==== {log.name}", *flagged[:20], "....", *lines[-60:]]
    return "\n".join(digest)
