"""One benchmark run: start the bus, drive the workload, measure, baseline, report."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from rich.console import Console
from rich.progress import Progress

from deploy.acls_admin import remove_bus_acls
from deploy.applicant import bus_producer
from deploy.bench.baseline import aiokafka_baseline, create_topic, kafka_tools_baseline
from deploy.bench.drive import drive, wait_done
from deploy.bench.kafka_facts import OffsetsProbe, by_family, group_lag, log_bytes
from deploy.bench.meter import Meter, MeterConsumer
from deploy.bench.procstats import ProcSample, sample, self_sample
from deploy.bench.stats import case_latencies, stage_latencies, sustained_rate, timeline
from deploy.bench.workload import Submission, national_mix
from deploy.broker import Broker
from deploy.broker.probe import free_port, live_brokers, port_is_free
from deploy.security_mode import security_label
from deploy.supervisor import Component, Supervisor, as_module, bus_components
from deploy.topics_admin import delete_prefix
from deploy.topics_cli import plan_and_apply
from topology.catalog import load_catalog
from topology.kafka_access import KafkaAccess, kafka_access
from topology.sealing import sealer_for
from topology.settings import Settings
from topology.topics import Topics


@dataclass(frozen=True)
class BenchOptions:
    cases: int = 20_000
    rate: float | None = None  # None: closed loop at saturation
    warmup: int = 500
    window: int = 2_000
    dept_latency_ms: float = 0.0
    profile_dir: Path | None = None
    within_s: float = 900.0
    stall_s: float = 60.0
    """Give up once no case has finished for this long (the bus is stalled)."""
    baseline: bool = True
    streams_workers: int = 1


def components(options: BenchOptions) -> list[Component]:
    """The bus's components, each under the profiler when ``--profile`` asks for it."""
    profile_dir = options.profile_dir

    def profiled(name: str, args: tuple[str, ...]) -> tuple[str, ...]:
        if profile_dir is None:
            return as_module(name, args)
        out = profile_dir / f"{name}.txt"
        return (sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out),
                "-m", "deploy", *args)  # fmt: skip

    return bus_components(streams_workers=options.streams_workers, launch=profiled)


def run_settings(settings: Settings, run: str) -> Settings:
    """A run's own bus: its topic prefix, and a free web port if a demo or `onething up`
    serves on the usual one."""
    web_port = settings.streams_web_port
    if not port_is_free(web_port):
        web_port = free_port()
    return settings.model_copy(update={"topic_prefix": run, "streams_web_port": web_port})


async def run_bench(settings: Settings, options: BenchOptions, console: Console) -> dict[str, Any]:
    run = f"bench{uuid.uuid4().hex[:6]}"
    settings = run_settings(settings, run)
    with Progress(console=console) as progress:
        work = national_mix(options.cases, run, sealer_for(settings, "portal"), progress=progress)
    say = Phases(console)
    say("creating the run's topics")
    await plan_and_apply(kafka_access(settings, "admin"), settings, dry_run=False)
    meter = Meter()
    measured = await _run_bus(settings, work, meter, options, console, say)
    report = _report(options, work, meter, measured)
    report["security"] = security_label(settings)
    report["brokers"] = len(await _live_brokers(kafka_access(settings, "admin")))
    report["logs"] = str(measured.logs)
    report["throughput"]["messages_by_topic"] = by_family(measured.ends, run)
    if options.baseline and measured.finished:
        say("measuring the Kafka baseline (aiokafka, then Kafka's perf tools)")
        report["baseline"] = await _baselines(settings, run, measured.after.messages, meter,
                                              report)  # fmt: skip
    say("deleting the run's topics")
    await cleanup_run(kafka_access(settings, "admin"), run)
    say("done")
    return report


@dataclass(frozen=True)
class Measured:
    """What a run of the bus left: done in time?, the window's two ends, offsets and lag."""

    finished: bool
    before: Snapshot
    after: Snapshot
    ends: dict[TopicPartition, int]
    lag: dict[str, int]
    stored_bytes: int | None
    """What the broker holds for the run's topics, changelogs included (None: unknown)."""
    logs: Path
    """Where the components wrote their logs."""


async def _run_bus(
    settings: Settings, work: list[Submission], meter: Meter, options: BenchOptions,
    console: Console, say: Phases,
) -> Measured:  # fmt: skip
    """Start the bus, drive the workload through it while measuring, stop it."""
    run, topics = settings.topic_prefix, Topics(settings.topic_prefix)
    latency = {"ONETHING_SIM_LATENCY_MS": str(options.dept_latency_ms)}
    supervisor = Supervisor(settings, components(options), env=latency)
    consumer = _meter_consumer(settings, topics, meter)
    say("starting streams, certificates and adapters")
    with supervisor:
        await supervisor.wait_ready(within_s=120)
        say("driving the workload")
        await consumer.start()
        pids = _pids(settings, supervisor)
        async with OffsetsProbe(kafka_access(settings, "admin"), run) as probe:
            start = await _snapshot(probe, pids, meter)
            warm = asyncio.create_task(_snapshot_when_warm(probe, pids, meter, options.warmup))
            finished = await _load(settings, topics, work, meter, options, console)
            if not finished:
                say(f"not every case finished: each component's task stacks are in its log "
                    f"under {supervisor.log_dir}")
                supervisor.dump_stacks()
            if warm.done():
                before = warm.result()
            else:  # too few cases ever finished: measure from the start
                warm.cancel()
                before = start
            after = await _snapshot(probe, pids, meter)
            ends = await probe.end_offsets()
        say("reading consumer lag and bytes stored")
        lag = await group_lag(kafka_access(settings, "admin"), run, ends)
        run_topics = sorted({tp.topic for tp in ends})
        stored = await asyncio.to_thread(log_bytes, Broker(settings).layout.jars,
                                         kafka_access(settings, "admin"), run_topics)  # fmt: skip
        await consumer.stop()
        say("stopping the bus")
    return Measured(finished, before, after, ends, lag, stored, supervisor.log_dir)


def _meter_consumer(settings: Settings, topics: Topics, meter: Meter) -> MeterConsumer:
    """Every partition of the lifecycle topics, partition 0 of the departments' topics."""
    whole = [topics.case_events, topics.completions, topics.certificates]
    departments = [topics.department(d.code) for d in load_catalog().departments]
    sampled = [n for d in departments for n in (d.tasks, d.results)]
    admin = kafka_access(settings, "admin")  # it reads every run topic, as the launcher does
    return MeterConsumer(admin, whole, sampled, settings.partitions, meter)


class Phases:
    """One line per phase of a run, with the time since the run began."""

    def __init__(self, console: Console) -> None:
        self.console, self.began = console, time.monotonic()

    def __call__(self, phase: str) -> None:
        self.console.print(f"[dim]{time.monotonic() - self.began:6.1f} s[/] {phase}")


@dataclass(frozen=True)
class Snapshot:
    """The state of a run at one moment: CPU of every process, messages, completions."""

    at: float
    processes: dict[str, ProcSample | None]
    messages: int
    terminal: int


async def _snapshot(probe: OffsetsProbe, pids: dict[str, int], meter: Meter) -> Snapshot:
    at, terminal = time.monotonic(), meter.terminal_count
    processes = {kind: sample(pid) for kind, pid in pids.items()}
    processes["bench-driver"] = self_sample()
    return Snapshot(at, processes, await probe.total(), terminal)


async def _snapshot_when_warm(
    probe: OffsetsProbe, pids: dict[str, int], meter: Meter, warmup: int
) -> Snapshot:
    """The start of the measured window: once ``warmup`` cases are terminal (the broker's JIT
    compiler and the workers' first rebalance are then behind us)."""
    while meter.terminal_count < warmup:  # noqa: ASYNC110 - the meter has no event
        await asyncio.sleep(0.05)
    return await _snapshot(probe, pids, meter)


async def cleanup_run(access: KafkaAccess, run: str) -> None:
    """A bench run's topics (its bus and its baselines) and their ACLs go when it is done."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        await delete_prefix(admin, run)
    finally:
        await admin.close()
    await remove_bus_acls(access, Topics(run))


async def _load(
    settings: Settings, topics: Topics, work: list[Submission], meter: Meter,
    options: BenchOptions, console: Console,
) -> bool:  # fmt: skip
    producer = bus_producer(kafka_access(settings, "portal"), settings.producer_linger_ms)
    await producer.start()
    try:
        with Progress(console=console) as progress:
            submitted = await drive(producer, topics.applications, work, meter, options.rate,
                                    options.window, progress, options.stall_s)  # fmt: skip
            if not submitted:
                return False
            return await wait_done(meter, work, progress, options.within_s, options.stall_s)
    finally:
        await producer.stop()


async def _live_brokers(access: KafkaAccess) -> set[int]:
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        return await live_brokers(admin)
    finally:
        await admin.close()


def _pids(settings: Settings, supervisor: Supervisor) -> dict[str, int]:
    pids = {name: process.pid for name, process in supervisor.processes.items()}
    broker = Broker(settings)
    for node in broker.node_ids:
        pid = broker.pid(node)
        if pid is not None:
            pids["kafka-broker" if broker.size == 1 else f"kafka-broker-{node}"] = pid
    return pids


def _report(
    options: BenchOptions, work: list[Submission], meter: Meter, measured: Measured
) -> dict[str, Any]:
    cases = [meter.cases[item.case_id] for item in work]
    submitted = sum(1 for case in cases if case.submitted_ms)
    unfinished = [item.case_id for item, case in zip(work, cases, strict=True)
                  if case.submitted_ms and not case.terminal]  # fmt: skip
    extra_certificates = [
        item.case_id for item, case in zip(work, cases, strict=True)
        if len(case.certificates) > item.certificates
    ]  # fmt: skip
    before, after = measured.before, measured.after
    window_cases = max(after.terminal - before.terminal, 1)
    window_s = max(after.at - before.at, 1e-9)
    return {
        "options": {"cases": options.cases, "rate": options.rate or "max",
                    "warmup": options.warmup, "dept_latency_ms": options.dept_latency_ms,
                    "streams_workers": options.streams_workers},
        "finished": measured.finished,
        "window": {"seconds": round(window_s, 2), "terminal_cases": window_cases,
                   "note": "CPU and bus messages/s are measured after the warmup completions"},
        "cases": {"submitted": submitted, "not_submitted": len(work) - submitted,
                  "completed": sum(case.terminal == "BundleCompleted" for case in cases),
                  "not_terminal": len(unfinished), "extra_certificates": len(extra_certificates)},
        "throughput": {
            "completed_cases_per_s": round(sustained_rate(cases, options.warmup), 1),
            "bus_messages": after.messages,
            "bus_messages_per_s": round((after.messages - before.messages) / window_s, 1),
            "messages_per_case": round(after.messages / max(len(work), 1), 1),
        },
        "latency": case_latencies(cases),
        "stages": stage_latencies(cases),
        "terminal_per_second": timeline(cases),
        "consumer_lag": measured.lag,
        "processes": _processes(before, after, window_cases),
        "bus_bytes": measured.stored_bytes,
        "mean_record_bytes": _mean_record_bytes(measured, meter),
        "failures": {"not_terminal_sample": unfinished[:10],
                     "extra_certificates_sample": extra_certificates[:10]},
    }  # fmt: skip


def _mean_record_bytes(measured: Measured, meter: Meter) -> int:
    """Bytes per bus message as the broker stores them (changelogs' case states of ~5 KB
    included); the meter's sample of event values if the broker's figure is unknown."""
    messages = sum(measured.ends.values())
    if measured.stored_bytes and messages:
        return round(measured.stored_bytes / messages)
    return round(meter.value_bytes / max(meter.records, 1))


def _processes(before: Snapshot, after: Snapshot, window_cases: int) -> dict[str, Any]:
    """CPU per 1,000 cases over the window, and peak RSS, per process kind."""
    processes = {}
    for kind, end in after.processes.items():
        start = before.processes.get(kind)
        if end is None or start is None:
            continue
        cpu = end.cpu_s - start.cpu_s
        processes[kind] = {"cpu_s": round(cpu, 2),
                           "cpu_s_per_1000_cases": round(cpu * 1000 / window_cases, 2),
                           "peak_rss_mb": round(end.peak_rss_mb, 1)}  # fmt: skip
    return processes


async def _baselines(
    settings: Settings, run: str, messages: int, meter: Meter, report: dict[str, Any]
) -> dict[str, Any]:
    size = max(1, report["mean_record_bytes"])
    count, linger = max(messages, 1), settings.producer_linger_ms
    admin = kafka_access(settings, "admin")
    aio = await aiokafka_baseline(admin, f"{run}.baseline.aiokafka", count,
                                  size, settings.partitions, linger)  # fmt: skip
    layout = Broker(settings).layout
    tools_topic = f"{run}.baseline.tools"
    await create_topic(admin, tools_topic, settings.partitions)
    tools = await asyncio.to_thread(kafka_tools_baseline, layout.jars, admin,
                                    tools_topic, count, size, linger)  # fmt: skip
    bus_rate = report["throughput"]["bus_messages_per_s"]
    return {
        "aiokafka": aio.__dict__,
        "kafka_tools": tools.__dict__ if tools else None,
        "bus_to_aiokafka_ratio": round(bus_rate / aio.produce_msgs_s, 3),
    }
