"""A bundle of independent items whose applicant consents to a partial result: a refused item
takes only what needs it along, the rest completes (partial), and nothing left is rejected."""

from __future__ import annotations

import random

import pytest

from streams.case.state import CasePhase, RunStatus
from tests.unit.streams.harness import T0, CaseRun, approve, approve_all, report
from topology.catalog import load_catalog
from topology.events import (
    BundleCompleted,
    BundleRejected,
    ItemStatus,
    ItemTaskCancelled,
    ItemTaskDispatched,
)
from topology.samples import sample_application

pytestmark = pytest.mark.unit
HUKOU_NEEDERS = {"resident_medical_insurance_registration", "social_security_card_application"}


def consenting(partial_consent: bool = True) -> CaseRun:
    """A newborn's bundle (independent items), the applicant consenting to a partial result."""
    catalog = load_catalog()
    app = sample_application(catalog, catalog.bundle("newborn_birth"), "case-partial",
                             random.Random(5), now=T0)  # fmt: skip
    app = app.model_copy(update={"partial_consent": partial_consent})
    run = CaseRun(application=app)
    run.send(app)
    return run


def task_of(run: CaseRun, code: str) -> ItemTaskDispatched:
    return next(t for t in run.open_tasks() if t.item_code == code)


def test_a_refused_item_cancels_what_needs_it_and_the_rest_completes_partially():
    run = consenting()
    run.send(approve(task_of(run, "birth_medical_certificate")))
    run.send(report(task_of(run, "hukou_registration"), ItemStatus.REJECTED, reason="户籍不符"))

    runs = run.state.runs
    assert runs["hukou_registration"].status == RunStatus.REJECTED
    assert runs["hukou_registration"].reason == "户籍不符"
    for code in HUKOU_NEEDERS:
        assert (runs[code].status, runs[code].reason) == (
            RunStatus.CANCELLED, "needs hukou_registration"
        )  # fmt: skip
    assert run.of(BundleRejected) == []
    assert run.state.phase == CasePhase.ACTIVE, "the vaccination certificate is still running"
    assert run.state.timeline[-1].event == "item_rejected"

    approve_all(run)
    (done,) = run.of(BundleCompleted)
    assert done.partial
    assert {r.item_code for r in done.results} == {"birth_medical_certificate",
                                                   "vaccination_certificate"}  # fmt: skip
    assert run.state.timeline[-1].detail == "partial"
    assert not {c.item_code for c in run.of(ItemTaskCancelled)} & HUKOU_NEEDERS, (
        "items never dispatched have no task to cancel"
    )


def test_when_every_item_is_refused_or_cancelled_the_bundle_is_rejected():
    run = consenting()
    first = task_of(run, "birth_medical_certificate")
    run.send(report(first, ItemStatus.REJECTED, reason="出生信息不符"))
    assert {r.status for r in run.state.runs.values()} == {RunStatus.REJECTED,
                                                           RunStatus.CANCELLED}  # fmt: skip
    (rejected,) = run.of(BundleRejected)
    assert (rejected.item_code, rejected.department, rejected.reason) == (
        "birth_medical_certificate", "health", "出生信息不符"
    )  # fmt: skip
    assert run.state.phase == CasePhase.REJECTED
    assert run.of(BundleCompleted) == []


def test_without_consent_one_refused_item_rejects_the_bundle():
    run = consenting(partial_consent=False)
    run.send(approve(task_of(run, "birth_medical_certificate")))
    run.send(report(task_of(run, "hukou_registration"), ItemStatus.REJECTED))
    (rejected,) = run.of(BundleRejected)
    assert (rejected.item_code, rejected.department, rejected.reason) == (
        "hukou_registration", "public_security", "rejected"
    )  # fmt: skip
    assert run.state.phase == CasePhase.REJECTED


def test_the_last_open_item_refused_completes_the_rest_partially():
    run = consenting()
    run.send(approve(task_of(run, "birth_medical_certificate")))
    for task in run.open_tasks():
        if task.item_code != "vaccination_certificate":
            run.send(approve(task))
    for task in run.open_tasks():
        if task.item_code != "vaccination_certificate":
            run.send(approve(task))
    run.send(report(task_of(run, "vaccination_certificate"), ItemStatus.REJECTED))
    (done,) = run.of(BundleCompleted)
    assert done.partial
    assert "vaccination_certificate" not in {r.item_code for r in done.results}
