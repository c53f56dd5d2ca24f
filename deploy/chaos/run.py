"""One chaos run: start the bus on the local cluster, drive the national mix at a steady rate
through a seeded fault storm, wait until every case is terminal (bounded), and judge the run
from the records: lost cases, duplicates, amplification, recovery, replication and lag."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from rich.console import Console
from rich.progress import Progress

from deploy.applicant import bus_producer
from deploy.bench.kafka_facts import OffsetsProbe, group_lag
from deploy.bench.run import Phases, cleanup_run, run_settings
from deploy.bench.workload import Submission, national_mix
from deploy.broker import Broker
from deploy.chaos.faults import Injector
from deploy.chaos.poison import PoisonMaker, poisoned_topics
from deploy.chaos.schedule import Targets, fault_schedule
from deploy.chaos.storm import FaultOutcome, storm
from deploy.delivery import ConfirmedSender, Outgoing
from deploy.dlq_admin import DeadLetter, counts, dead_letter_topics, read_dead_letters
from deploy.observer import Observation, Observer
from deploy.security_mode import security_label
from deploy.supervisor import Supervisor, bus_components
from deploy.topics_cli import plan_and_apply
from topology.catalog import Catalog, load_catalog
from topology.events import BundleCompleted, Event
from topology.kafka_access import KafkaAccess, kafka_access
from topology.sealing import sealer_for
from topology.settings import Settings
from topology.topics import Topics, dlq_of

RECOVERY_TARGET_S = 30.0
RESTART_TIMEOUT_S = 240.0
_FAULT_SPAN_S = 30.0
_LOST_LISTED = 20
"""About how long one fault takes, calm, down time and restart together: the default rate
spreads the load over the whole storm."""


@dataclass(frozen=True)
class ChaosOptions:
    cases: int = 10_000
    faults: int = 25
    seed: int = 1
    rate: float | None = None
    """Cases per second; None: spread the cases over the storm's expected length."""
    within_s: float = 600.0
    """After the storm: how long every case has to become terminal."""
    recovery_bound_s: float = 90.0
    streams_workers: int = 2
    poison: int = 0
    """Bad records per consumed topic, sent while the load runs."""


async def run_chaos(settings: Settings, options: ChaosOptions, console: Console) -> dict[str, Any]:
    run = f"chaos{uuid.uuid4().hex[:6]}"
    settings = run_settings(settings, run)
    say = Phases(console)
    say("generating the applications")
    work = national_mix(options.cases, run, sealer_for(settings, "portal"))
    say("creating the run's topics")
    await plan_and_apply(kafka_access(settings, "admin"), settings, dry_run=False)
    components = bus_components(streams_workers=options.streams_workers)
    supervisor = Supervisor(settings, components)
    broker = Broker(settings)
    topics = Topics(run)
    departments = [d.code for d in load_catalog().departments]
    observer = Observer(kafka_access(settings, "admin"), topics, departments)
    targets = Targets(streams=tuple(c.name for c in components if c.name.startswith("streams")),
                      brokers=broker.node_ids)  # fmt: skip
    schedule = fault_schedule(options.seed, options.faults, targets)
    rate = options.rate or max(2.0, options.cases / max(1, len(schedule)) / _FAULT_SPAN_S)
    ids = [item.case_id for item in work]
    sent = _Sent()
    say(f"starting the bus: {len(components)} components on {broker.size} broker(s)")
    with supervisor:
        await supervisor.wait_ready(within_s=120)
        await observer.start()
        # A node killed -9 recovers its logs and catches up before it is unfenced: minutes,
        # on two cores shared with two more nodes and the bus.
        patient = settings.model_copy(update={"broker_start_timeout": max(
            settings.broker_start_timeout, RESTART_TIMEOUT_S)})  # fmt: skip
        injector = Injector(supervisor, Broker(patient))
        say(f"driving {options.cases} cases at {rate:.1f}/s through {len(schedule)} faults "
            f"(seed {options.seed})")  # fmt: skip
        load = asyncio.create_task(_submit(settings, topics, work, rate, sent))
        poisoned = poisoned_topics(topics, departments, _served(load_catalog()))
        poisoning = asyncio.create_task(
            _poison(settings, PoisonMaker(topics, options.seed), poisoned, options.poison)
        )
        outcomes, crashed = await storm(
            injector, schedule, observer.seen, settings.partitions,
            lambda: sent.count - _terminal(observer.seen, ids[: sent.count]),
            options.recovery_bound_s, say,
        )  # fmt: skip
        await load
        poison_sent = await poisoning
        say("storm over: waiting until every case is terminal")
        crashed += await _settle(observer, injector, ids, options.within_s, console)
        poison = await _dead_lettered(settings, poison_sent, options.within_s, say)
        say("reading replication and consumer lag")
        end = await _end_state(kafka_access(settings, "admin"), run)
        held = await _held_by_streams(settings, [c for c in ids if not observer.seen.finished([c])])
        admin = kafka_access(settings, "admin")
        stray = {} if options.poison else await _stray_dead_letters(admin, run)
        await observer.stop()
    say("deleting the run's topics")
    await cleanup_run(kafka_access(settings, "admin"), run)
    report = _report(options, rate, ids, observer.seen, outcomes, crashed, end)
    for lost in report["cases"]["lost_cases"]:
        lost["held_by_streams"] = held.get(lost["case_id"])
    if not options.poison:
        report["dead_letters"] = stray
    report["failed_restarts"] = injector.failed_restarts
    report["cases"]["resent_by_portal"] = sent.resent
    if options.poison:
        report["poison"] = poison
        report["passed"] = report["passed"] and not poison["missing"] and not crashed
    report["security"] = security_label(settings)
    report["brokers"] = broker.size
    report["logs"] = str(supervisor.log_dir)
    return report


def _served(catalog: Catalog) -> set[str]:
    """Departments an adapter runs for: those with items (the others' tasks topics have no
    consumer to choke)."""
    return {item.department for bundle in catalog.bundles for item in bundle.items}


class _Sent:
    count = 0
    resent = 0


async def _submit(
    settings: Settings, topics: Topics, work: list[Submission], rate: float, sent: _Sent
) -> None:
    """The portal files ``work`` at ``rate`` per second, whatever is down."""
    producer = bus_producer(kafka_access(settings, "portal"), settings.producer_linger_ms)
    sender = ConfirmedSender(producer)
    await producer.start()
    try:
        began = time.monotonic()
        for n, item in enumerate(work):
            delay = began + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await sender.send(Outgoing(topics.applications, item.value, item.case_id.encode(),
                                       tuple(item.headers)))  # fmt: skip
            sent.count = n + 1
        await sender.flush()
    finally:
        sent.resent = sender.resent
        await producer.stop()


async def _poison(
    settings: Settings, maker: PoisonMaker, poisoned: dict[str, str], per_topic: int
) -> dict[str, int]:
    """``per_topic`` bad records to every consumed topic, a few hundred at a time in turn,
    as admin (who may write anywhere, as a broken or hostile client with a stolen
    credential would); returns how many went to each."""
    if not per_topic:
        return {}
    producer = AIOKafkaProducer(**kafka_access(settings, "admin").aiokafka(), acks="all",
                                linger_ms=20, max_request_size=1 << 20)  # fmt: skip
    await producer.start()
    sent = dict.fromkeys(poisoned, 0)
    try:
        streams = {topic: maker.records(topic, per_topic) for topic in poisoned}
        while streams:
            for topic, records in list(streams.items()):
                for poison in itertools.islice(records, 200):
                    await producer.send(topic, poison.value, key=poison.key)
                    sent[topic] += 1
                if sent[topic] >= per_topic:
                    del streams[topic]
            await producer.flush()
            await asyncio.sleep(0.05)
    finally:
        await producer.stop()
    return sent


async def _dead_lettered(
    settings: Settings, sent: dict[str, int], within_s: float, say: Callable[[str], None]
) -> dict[str, Any]:
    """Until every poison record sent is on its topic's dead-letter companion (bounded),
    reading the dead-letter topics once, from their start."""
    if not sent:
        return {}
    say("waiting until every poison record is dead-lettered")
    found: dict[str, int] = dict.fromkeys(sent, 0)
    reasons: dict[str, int] = {}
    consumer = AIOKafkaConsumer(**kafka_access(settings, "admin").aiokafka(), group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=4 << 20)  # fmt: skip
    await consumer.start()
    try:
        consumer.assign([TopicPartition(dlq_of(topic), 0) for topic in sent])
        deadline = time.monotonic() + within_s
        while any(found[t] < n for t, n in sent.items()) and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    letter = DeadLetter(record.topic, record.partition, record.offset, 0,
                                        record.key, b"", tuple(record.headers))  # fmt: skip
                    if (record.key or b"").startswith(b"poison-") and letter.origin in found:
                        found[letter.origin] += 1
                        reasons[letter.reason] = reasons.get(letter.reason, 0) + 1
    finally:
        await consumer.stop()
    missing = {t: n - found[t] for t, n in sent.items() if found[t] < n}
    return {"topics": len(sent), "sent": sum(sent.values()),
            "dead_lettered": sum(min(found[t], n) for t, n in sent.items()),
            "missing": missing, "reasons": dict(sorted(reasons.items()))}  # fmt: skip


def _terminal(seen: Observation, ids: list[str]) -> int:
    return sum(1 for case_id in ids if seen.finished([case_id]))


def _certified(seen: Observation, case_id: str) -> bool:
    """Terminal, and every certificate its completion made due was seen."""
    case = seen.cases[case_id]
    if not seen.finished([case_id]):
        return False
    due = {t for _, e in case.events if isinstance(e, BundleCompleted)
           for t in e.certificate_types}  # fmt: skip
    return all((case_id, t) in seen.certificates for t in due)


async def _settle(
    observer: Observer, injector: Injector, ids: list[str], within_s: float, console: Console
) -> list[str]:
    """Until every case is terminal with its certificates, or ``within_s``; components that
    crash meanwhile are restarted (and returned)."""
    crashed: list[str] = []
    deadline = time.monotonic() + within_s
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("terminal", total=len(ids))
        while time.monotonic() < deadline:
            done = sum(1 for case_id in ids if _certified(observer.seen, case_id))
            progress.update(task, completed=done)
            if done == len(ids):
                break
            crashed += await injector.revive_crashed()
            await asyncio.sleep(0.5)
    return crashed


async def _stray_dead_letters(access: KafkaAccess, run: str) -> dict[str, int]:
    """Dead letters of a run without poison, per topic and reason: none is expected, and one
    (an answer for a case its worker did not hold) says where a lost case went."""
    letters = await read_dead_letters(access, await dead_letter_topics(access, run))
    return {f"{topic} {reason}": n for (topic, reason), n in sorted(counts(letters).items())}


def _seen(event: Event) -> str:
    """One observed fact of a lost case, without personal data: its type and item."""
    item = getattr(event, "item_code", None)
    return type(event).__name__ + (f"({item})" if item else "")


async def _held_by_streams(settings: Settings, case_ids: list[str]) -> dict[str, Any]:
    """What the case agent holds for each lost case (its status view: phase, each item's
    status and attempt, the last timeline entries), read before the bus stops."""
    held: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=5.0) as client:
        for case_id in case_ids[:_LOST_LISTED]:
            url = f"http://127.0.0.1:{settings.streams_web_port}/cases/{case_id}/"
            try:
                answer = await client.get(url)
            except httpx.HTTPError as error:
                held[case_id] = f"unreadable: {type(error).__name__}"
                continue
            if answer.status_code != 200:
                held[case_id] = f"HTTP {answer.status_code}"
                continue
            view = answer.json()
            items = view["items"].items()
            held[case_id] = {
                "phase": view["phase"],
                "items": {code: f"{i['status']}#{i['attempt']}" for code, i in items},
                "timeline": [f"{t.get('event')}:{t.get('item') or ''}"
                             for t in view["timeline"][-8:]],
            }  # fmt: skip
    return held


async def _end_state(access: KafkaAccess, run: str) -> dict[str, Any]:
    """Under-replicated partitions of the run's topics, and every group's lag."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t.startswith(run)]
        described = await admin.describe_topics(names) if names else []
    finally:
        await admin.close()
    under = sum(1 for topic in described for p in topic["partitions"]
                if len(p["isr"]) < len(p["replicas"]))  # fmt: skip
    async with OffsetsProbe(access, run) as probe:
        ends = await probe.end_offsets()
    lag = await group_lag(access, run, ends)
    return {"under_replicated_partitions": under, "consumer_lag": lag}


def _report(
    options: ChaosOptions, rate: float, ids: list[str], seen: Observation,
    outcomes: list[FaultOutcome], crashed: list[str], end: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    phases: dict[str, int] = {}
    for case_id in ids:
        phase = seen.cases[case_id].phase
        phases[phase] = phases.get(phase, 0) + 1
    terminal = sum(1 for case_id in ids if seen.finished([case_id]))
    duplicates = seen.audit.duplicates(set(ids))
    lost = len(ids) - terminal
    unfinished = [case_id for case_id in ids if not seen.finished([case_id])]
    recoveries = [o.recovery_s for o in outcomes if o.recovery_s is not None and not o.idle]
    return {
        "options": {"cases": options.cases, "faults": options.faults, "seed": options.seed,
                    "rate": round(rate, 2), "streams_workers": options.streams_workers},
        "cases": {"submitted": len(ids), "terminal": terminal, "lost": lost,
                  "by_state": dict(sorted(phases.items())),
                  "lost_cases": [{"case_id": case_id, "phase": seen.cases[case_id].phase,
                                  "open_items": seen.cases[case_id].open_items(),
                                  "seen": [_seen(e) for _, e in seen.cases[case_id].events]}
                                 for case_id in unfinished[:_LOST_LISTED]]},
        "duplicates": duplicates,
        "second_certificates": seen.audit.second_certificates(set(ids))[:_LOST_LISTED],
        "amplification": seen.audit.amplification(),
        "faults": [{"kind": o.fault.kind, "action": o.fault.action, "target": o.fault.target,
                    "at_s": o.at_s, "down_s": o.fault.down_s, "recovery_s": o.recovery_s,
                    "idle": o.idle} for o in outcomes],
        "by_kind": _by_kind(outcomes),
        "recovery": {"p50_s": round(statistics.median(recoveries), 2) if recoveries else None,
                     "max_s": max(recoveries, default=None),
                     "over_target": sum(1 for o in outcomes if not o.idle and (
                         o.recovery_s is None or o.recovery_s > RECOVERY_TARGET_S))},
        "crashed_and_restarted": crashed,
        "end": end,
        "passed": lost == 0 and not any(duplicates.values()),
    }  # fmt: skip


def _by_kind(outcomes: list[FaultOutcome]) -> dict[str, dict[str, Any]]:
    """Kills and pauses per process kind (a pause counts against the kind it hit), with the
    recovery time of each kind's faults."""
    kinds: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        target = outcome.fault.target
        kind = "broker" if target.startswith("broker-") else target.split("-")[0]
        entry = kinds.setdefault(kind, {"kills": 0, "pauses": 0, "recoveries_s": []})
        entry["kills" if outcome.fault.action == "kill" else "pauses"] += 1
        if outcome.recovery_s is not None and not outcome.idle:
            entry["recoveries_s"].append(outcome.recovery_s)
    for entry in kinds.values():
        times = entry.pop("recoveries_s")
        entry["recovery_p50_s"] = round(statistics.median(times), 2) if times else None
        entry["recovery_max_s"] = max(times, default=None)
    return dict(sorted(kinds.items()))
