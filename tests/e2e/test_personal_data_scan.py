"""The scan: a whole bus of its own (streams, certificates and every adapter as processes,
all logging to files) runs generated applications of every national bundle; then every
record of every topic of the run (keys, values, headers) and every log file is read, and
none holds a generated personal value in clear."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from deploy.applicant import ApplicantPortal
from deploy.broker.probe import free_port
from deploy.observer import Observer
from deploy.supervisor import Supervisor, bus_components
from deploy.topics_cli import plan_and_apply
from topology.catalog import Bundle, load_catalog
from topology.events import (
    ApplicantKind,
    ApplicationRefused,
    ApplicationSubmitted,
    BundleCompleted,
)
from topology.kafka_access import kafka_access
from topology.samples import Flaws, sample_application
from topology.sealing import sealer_for
from topology.settings import Settings
from topology.topics import Topics

pytestmark = pytest.mark.e2e
NATIONAL = load_catalog()
WAIT_S = 120.0


def personal_values(app: ApplicationSubmitted) -> set[str]:
    """What a person typed that the catalogue calls personal: the applicant block of a
    person (a company's name and credit code are public), and personal form fields that
    name someone (an enum option, 自主就业, is shared by many and names nobody)."""
    form = {v for code, v in app.form.items()
            if (spec := NATIONAL.field(code)).personal and spec.kind != "enum"}  # fmt: skip
    person = app.applicant.kind == ApplicantKind.PERSON
    applicant = {app.applicant.name, app.applicant.id_number, app.applicant.phone or ""}
    return {value for value in form | (applicant if person else set()) if len(value) >= 2}


def first_personal_id(bundle: Bundle) -> str | None:
    return next((code for item in bundle.items for code in item.fields
                 if NATIONAL.field(code).kind == "citizen_id"), None)  # fmt: skip


def public_values(app: ApplicationSubmitted) -> set[str]:
    """Values of fields that are not personal: in clear by design, wherever they recur."""
    return {v for code, v in app.form.items() if not NATIONAL.field(code).personal}


async def every_record(settings: Settings, prefix: str) -> Iterator[bytes]:
    """Key, value and header bytes of every record on every topic of the run, read as admin
    from the start to the end offsets taken once the bus has stopped."""
    access = kafka_access(settings, "admin")
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        names = sorted(t for t in await admin.list_topics() if t.startswith(prefix))
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    parts = [TopicPartition(t["topic"], p["partition"]) for t in described
             for p in t["partitions"]]  # fmt: skip
    consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    found: list[bytes] = []
    try:
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        left = {tp: end for tp, end in ends.items() if end > 0}
        async with asyncio.timeout(WAIT_S):
            while left:
                for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                    for record in records:
                        parts_ = [record.key or b"", record.value or b""]
                        parts_ += [value for _, value in record.headers]
                        found += [tp.topic.encode() + b"\x00" + part for part in parts_]
                    if records and records[-1].offset + 1 >= left.get(tp, 0):
                        left.pop(tp, None)
    finally:
        await consumer.stop()
    assert len(names) > 20, f"the run's topics: {names}"
    return iter(found)


async def test_no_personal_value_is_in_clear_on_any_topic_or_in_any_log(
    kafka_bootstrap, client_properties, tmp_path
):
    prefix = f"scan{uuid.uuid4().hex[:8]}"
    settings = Settings(
        kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix, workday_seconds=1.0,
        supplement_window_s=1.0, streams_web_port=free_port(), state_dir=tmp_path,
        kafka_client_properties=client_properties,
    )  # fmt: skip
    topics = Topics(prefix)
    await plan_and_apply(kafka_access(settings, "admin"), settings, dry_run=False)
    apps = [
        sample_application(NATIONAL, bundle, case_id, random.Random(case_id))
        for n in range(2)
        for bundle in NATIONAL.bundles
        if (case_id := f"scan-{n}-{bundle.code}")
    ]
    # And refusals (一次告知): a wrong check digit in a personal field is named, not echoed.
    apps += [
        sample_application(NATIONAL, bundle, case_id, random.Random(case_id),
                           Flaws(invalid_fields=(field,)))
        for bundle in NATIONAL.bundles[:5]
        if (field := first_personal_id(bundle)) and (case_id := f"scan-refused-{bundle.code}")
    ]  # fmt: skip
    departments = sorted({i.department for b in NATIONAL.bundles for i in b.items})
    supervisor = Supervisor(settings, bus_components(adapters=True))
    observer = Observer(kafka_access(settings, "admin"), topics, departments)
    portal = ApplicantPortal(kafka_access(settings, "portal"), topics,
                             sealer_for(settings, "portal"))  # fmt: skip
    supervisor.start()
    try:
        await supervisor.wait_ready()
        await observer.start()
        await portal.start()
        for app in apps:
            await portal.submit(app)
        await portal.flush()
        ids = [app.case_id for app in apps]
        assert await observer.wait_for(lambda seen: seen.finished(ids), WAIT_S), (
            f"not every case finished: {observer.seen.phases()}"
        )
        assert len(observer.seen.events_of(BundleCompleted)) >= len(apps) // 2
        assert len(observer.seen.events_of(ApplicationRefused)) >= 3
    finally:
        await portal.stop()
        await observer.stop()
        supervisor.stop()

    public = {value for app in apps for value in public_values(app)}
    secrets = {value: app.case_id for app in apps for value in personal_values(app) - public}
    assert len(secrets) > 3 * len(apps), "every application has personal values"
    records = list(await every_record(settings, prefix))
    folder = Path(settings.state_dir, "logs", prefix)
    logs = sorted(await asyncio.to_thread(lambda: [*folder.glob("*.log")]))
    assert {p.stem for p in logs} >= {"streams", "certificates", "adapters"}
    texts = [*records, *[path.name.encode() + b"\x00" + await asyncio.to_thread(path.read_bytes)
                         for path in logs]]
    assert all(texts), "the run wrote records and logs"
    leaks = sorted({(case, value) for value, case in secrets.items()
                    if any(value.encode() in text for text in texts)})  # fmt: skip
    where = {v: sorted({t.split(b"\x00")[0].decode() for t in texts if v.encode() in t})
             for _, v in leaks}  # fmt: skip
    assert leaks == [], f"personal values in clear: {leaks[:10]} ({len(leaks)} in all), in {where}"
