"""The whole bus on the real broker: from one application to one set of certificates."""

from __future__ import annotations

import random
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from deploy.streams_cli import request_erasure
from streams.issuance.signing import load_public_key, verify
from tests.e2e.conftest import SILENT_DEPARTMENT
from tests.unit.streams.harness import report
from topology.catalog import load_catalog
from topology.codec import default_codec
from topology.events import (
    ApplicationRefused,
    BundleCompleted,
    BundleRejected,
    CaseErased,
    DeadlineReached,
    ItemStatus,
    ItemStatusReported,
    ItemTaskCancelled,
    ItemTaskDispatched,
    SupplementRequested,
)
from topology.kafka_access import kafka_access
from topology.samples import Flaws, sample_application

pytestmark = pytest.mark.e2e

NATIONAL = load_catalog()


def new_case(bundle: str, flaws: Flaws | None = None, tag: str = "c"):
    case_id = f"{tag}-{bundle}-{uuid.uuid4().hex[:6]}"
    return sample_application(NATIONAL, NATIONAL.bundle(bundle), case_id,
                              random.Random(case_id), flaws)  # fmt: skip


def phase(bus, case_id):
    return bus.observer.seen.cases[case_id].phase


def events(bus, case_id, kind):
    return [e for _, e in bus.observer.seen.cases[case_id].events if isinstance(e, kind)]


NON_DEFAULT_SITUATIONS = {"employee_retirement": {"retirement_type": "early"},
                          "posthumous_affairs": {"death_type": "abnormal"}}  # fmt: skip
"""提前退休 and 非正常死亡: the situations that are not a bundle's default."""


async def answer_silent_department(bus, case_id: str) -> None:
    """Approve the case's tasks for the silent department as that department would: on its
    own results topic, with the outputs its item declares."""

    def silent_tasks(seen):
        return [t for t in events(bus, case_id, ItemTaskDispatched)
                if t.department == SILENT_DEPARTMENT]  # fmt: skip

    await bus.wait(lambda seen: silent_tasks(seen), 60, f"a {SILENT_DEPARTMENT} task")
    codec = default_codec()
    producer = AIOKafkaProducer(**kafka_access(bus.settings, "admin").aiokafka(), acks="all")
    await producer.start()
    try:
        for task in silent_tasks(bus.observer.seen):
            item = NATIONAL.bundle(task.bundle_code).item(task.item_code)
            answer = report(task, ItemStatus.APPROVED,
                            outputs={o.code: f"E2E-{o.code}" for o in item.outputs})  # fmt: skip
            await producer.send(bus.topics.department(SILENT_DEPARTMENT).results,
                                codec.encode(answer), key=case_id.encode())  # fmt: skip
        await producer.flush()
    finally:
        await producer.stop()


async def test_every_national_bundle_completes_with_its_certificates(bus):
    """All 13 national bundles, and the two non-default situations, end to end."""
    apps = [new_case(b.code, tag="all") for b in NATIONAL.bundles]
    apps += [new_case(code, Flaws(situations=chosen), tag="sit")
             for code, chosen in NON_DEFAULT_SITUATIONS.items()]  # fmt: skip
    assert len({a.bundle_code for a in apps}) == 13
    for app in apps:
        await bus.portal.submit(app)
    await bus.portal.flush()
    ids = [a.case_id for a in apps]
    for app in apps:
        if SILENT_DEPARTMENT in {i.department for i in NATIONAL.bundle(app.bundle_code).items}:
            await answer_silent_department(bus, app.case_id)

    def certified(seen):
        if not seen.finished(ids):
            return False
        due = [(c, t) for c in ids for e in events(bus, c, BundleCompleted)
               for t in e.certificate_types]  # fmt: skip
        return all(pair in seen.certificates for pair in due)

    await bus.wait(certified, 90, "every bundle completed and certified")
    key = load_public_key(bus.settings.state_dir / "keys" / "issuer-ed25519.pub.pem")
    for app in apps:
        assert phase(bus, app.case_id) == "completed", app.bundle_code
        [done] = events(bus, app.case_id, BundleCompleted)
        bundle = NATIONAL.bundle(app.bundle_code)
        items = bundle.applicable_items(None, app.situations)
        assert set(done.certificate_types) == {t for i in items for t in i.certificate_types()}
        assert {r.item_code for r in done.results} == {i.code for i in items}
    situational = {a.case_id: a for a in apps if a.situations}
    for case_id, app in situational.items():
        default = NATIONAL.bundle(app.bundle_code).applicable_items()
        [done] = events(bus, case_id, BundleCompleted)
        assert {r.item_code for r in done.results} != {i.code for i in default}, app.situations
    assert set(bus.observer.seen.audit.duplicates(set(ids)).values()) == {0}
    issued = [e for e in bus.observer.seen.certificate_events if e.case_id in set(ids)]
    assert issued
    assert all(verify(event, key) is None for event in issued)


async def test_results_delivered_again_in_reverse_complete_once(bus):
    app = new_case("newborn_birth", tag="dup")
    await bus.portal.submit(app)
    await bus.portal.flush()
    await bus.wait(lambda seen: seen.cases[app.case_id].phase == "completed", 30, "completion")
    results = events(bus, app.case_id, ItemStatusReported)
    codec = default_codec()
    # As admin: the test plays the broker redelivering what the departments said.
    producer = AIOKafkaProducer(**kafka_access(bus.settings, "admin").aiokafka(), acks="all")
    await producer.start()
    try:
        for result in reversed(results):
            await producer.send(bus.topics.department(result.department).results,
                                codec.encode(result), key=app.case_id.encode())  # fmt: skip
        await producer.flush()
    finally:
        await producer.stop()
    [done] = events(bus, app.case_id, BundleCompleted)
    types = list(done.certificate_types)
    await bus.wait(lambda seen: all((app.case_id, t) in seen.certificates for t in types), 30)
    # A bounded wait for any second completion or certificate the redelivery might cause:
    duplicated = await bus.observer.wait_for(
        lambda seen: seen.event_ids[done.event_id] > 1, within_s=3.0
    )
    assert duplicated, "the case re-announces its completion with the same event id"
    # Whatever the issuer does with the re-announced completion shows within the same bound.
    doubled = await bus.observer.wait_for(
        lambda seen: any(seen.audit.duplicates({app.case_id}).values()), within_s=3.0
    )
    assert not doubled, bus.observer.seen.audit.duplicates({app.case_id})


async def test_refusal_lists_every_problem_at_once(bus):
    flaws = Flaws(invalid_fields=("mother_id", "father_id"), missing_fields=("newborn_birth_date",))
    app = new_case("newborn_birth", flaws, tag="ref")
    await bus.portal.submit(app)
    await bus.portal.flush()
    await bus.wait(lambda seen: seen.cases[app.case_id].phase == "refused", 30, "refusal")
    [refused] = events(bus, app.case_id, ApplicationRefused)
    fields = {p.field for p in refused.problems}
    assert {"form.mother_id", "form.father_id", "form.newborn_birth_date"} <= fields


async def test_supplements_from_two_departments_become_one_request(bus):
    # 医保, 人社 and 公积金 all read the kinship proof: an unreadable one makes several ask.
    app = new_case("posthumous_affairs", Flaws(unreadable_materials=("kinship_proof",)), tag="sup")
    await bus.portal.submit(app)
    await bus.portal.flush()
    await bus.wait(lambda seen: seen.cases[app.case_id].phase == "awaiting_applicant", 30,
                   "a supplement request")  # fmt: skip
    [request] = events(bus, app.case_id, SupplementRequested)
    assert len({s.department for s in request.supplements}) >= 2
    answered = tuple(
        m.model_copy(update={"sha256": "c" * 64, "version": 2})
        for m in app.materials if m.material_code in {s.code for s in request.supplements}
    )  # fmt: skip
    await bus.portal.supplement(app.case_id, answered)
    await bus.portal.flush()
    await bus.wait(lambda seen: seen.cases[app.case_id].phase == "completed", 30, "completion")
    assert len(events(bus, app.case_id, SupplementRequested)) == 1


async def test_rejected_item_rejects_the_bundle_and_cancels_the_rest(bus):
    """The fire inspection goes to the silent department, so it is still in flight when the
    advertising approval is refused for a forged sign design: its task must be cancelled."""
    bundle = "enterprise_operation_permit"
    app = new_case(bundle, Flaws(forged_materials=("sign_design",)), tag="rej")
    await bus.portal.submit(app)
    await bus.portal.flush()
    await bus.wait(lambda seen: seen.cases[app.case_id].phase == "rejected", 30, "rejection")
    [rejected] = events(bus, app.case_id, BundleRejected)
    assert rejected.item_code == "outdoor_advertising_approval"
    assert "sign_design" in rejected.reason
    assert events(bus, app.case_id, BundleCompleted) == []
    assert bus.observer.seen.certificates.keys().isdisjoint(
        {(app.case_id, t) for t in NATIONAL.bundle(bundle).certificate_types()}
    )
    dispatched = {t.item_code for t in events(bus, app.case_id, ItemTaskDispatched)}
    answered = {r.item_code for r in events(bus, app.case_id, ItemStatusReported)
                if r.status in (ItemStatus.APPROVED, ItemStatus.REJECTED)}  # fmt: skip
    in_flight = dispatched - answered
    assert "fire_safety_inspection" in in_flight
    await bus.wait(
        lambda seen: in_flight <= {c.item_code for c in events(bus, app.case_id,
                                                               ItemTaskCancelled)},
        10, "every task still in flight cancelled",
    )  # fmt: skip


async def test_deadline_fires_with_no_traffic(bus):
    app = new_case("enterprise_operation_permit", tag="late")  # its 消防 item gets no answer
    await bus.portal.submit(app)
    await bus.portal.flush()

    def overdue(seen):
        return any(e.level.value == "OVERDUE" and e.department == SILENT_DEPARTMENT
                   for e in events(bus, app.case_id, DeadlineReached))  # fmt: skip

    await bus.wait(overdue, 45, f"an overdue {SILENT_DEPARTMENT} item")
    assert phase(bus, app.case_id) == "accepted"


async def test_a_finished_case_is_erased_on_request(bus):
    """`onething case erase`: the case agent reduces a completed case and says so."""
    app = new_case("newborn_birth", tag="erase")
    await bus.portal.submit(app)
    await bus.portal.flush()
    await bus.wait(lambda seen: seen.finished([app.case_id]), 60, "the case completed")
    await request_erasure(bus.settings, app.case_id, "申请人要求删除")
    await bus.wait(lambda _: events(bus, app.case_id, CaseErased), 30, "the case erased")
    [erased] = events(bus, app.case_id, CaseErased)
    assert "申请人要求删除" in erased.reason
    url = f"http://127.0.0.1:{bus.settings.streams_web_port}/cases/{app.case_id}/"
    async with httpx.AsyncClient(timeout=10.0) as client:
        view = (await client.get(url)).json()
    assert view["phase"] == "completed"
    assert view["timeline"][-1]["event"] == "erased"
