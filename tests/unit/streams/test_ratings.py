"""好差评: a case is rated once, and only once it is completed; the ratings aggregator (under
Faust's test_context()) counts each case once per bundle and lead department, whatever the
event ids of the ratings it reads."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from streams.case.state import CasePhase
from streams.runtime.app import StreamsConfig
from streams.runtime.ratings import RatingsAggregator
from streams.runtime.worker import build_streams
from tests.unit.streams.feed import offline_producer
from tests.unit.streams.harness import CaseRun, approve_all, report, submit, supplement
from topology.codec import default_codec
from topology.events import (
    EvaluationRequested,
    EvaluationSubmitted,
    ItemStatus,
    Rating,
    WithdrawalRequested,
    derive_event_id,
)
from topology.samples import Flaws
from topology.settings import Settings

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def rating_request(run, cause: str = "rate", rating: Rating = Rating.SATISFIED):
    return EvaluationRequested(event_id=derive_event_id(run.state.case_id, cause),
                               case_id=run.state.case_id, occurred_at=run.now, rating=rating,
                               comment="很方便")  # fmt: skip


def test_a_completed_case_is_rated_once_and_the_rating_goes_to_the_lead():
    run = submit("newborn_birth")
    approve_all(run)
    run.send(rating_request(run))
    run.send(rating_request(run, "rate-again", Rating.VERY_DISSATISFIED))
    [rating] = run.of(EvaluationSubmitted)
    assert (rating.rating, rating.comment) == (Rating.SATISFIED, "很方便")
    assert (rating.lead_department, rating.bundle_code) == (
        run.state.lead_department, "newborn_birth")
    assert run.state.rating is Rating.SATISFIED
    assert run.state.timeline[-1].detail == "already rated once"


def in_flight() -> CaseRun:
    return submit("newborn_birth")


def awaiting_applicant() -> CaseRun:
    run = submit("newborn_birth")
    run.send(supplement(run.open_tasks()[0], "resident_id_card"))
    run.tick(run.policy.supplement_window)
    return run


def rejected() -> CaseRun:
    run = submit("newborn_birth")
    run.send(report(run.open_tasks()[0], ItemStatus.REJECTED, reason="材料不符"))
    return run


def withdrawn() -> CaseRun:
    run = submit("employee_hiring")
    run.send(WithdrawalRequested(event_id=derive_event_id(run.state.case_id, "withdraw"),
                                 case_id=run.state.case_id, occurred_at=run.now,
                                 reason="不再需要"))  # fmt: skip
    return run


def refused() -> CaseRun:
    return submit("newborn_birth", Flaws(invalid_fields=("mother_id",)))


NOT_COMPLETED = {
    CasePhase.ACTIVE: in_flight,
    CasePhase.AWAITING_APPLICANT: awaiting_applicant,
    CasePhase.REJECTED: rejected,
    CasePhase.WITHDRAWN: withdrawn,
    CasePhase.REFUSED: refused,
}


@pytest.mark.parametrize("phase", list(NOT_COMPLETED))
def test_a_case_not_completed_is_not_rated(phase):
    run = NOT_COMPLETED[phase]()
    assert run.state.phase == phase
    run.send(rating_request(run))
    assert run.of(EvaluationSubmitted) == []
    assert run.state.rating is None
    assert run.state.timeline[-1].event == "evaluation_refused"


@pytest.fixture
async def ratings(tmp_path, monkeypatch) -> AsyncIterator[tuple[RatingsAggregator, object]]:
    built = build_streams(StreamsConfig(Settings(state_dir=tmp_path, topic_prefix="unitrate"),
                                        web_enabled=False))  # fmt: skip
    built.app.finalize()
    # The totals table is keyed by bundle|department (use_partitioner).
    offline_producer(monkeypatch, built.app)
    async with built.ratings.agent.test_context() as agent:
        yield built.ratings, agent


async def deliver(agent, rating: EvaluationSubmitted) -> None:
    await agent.put(key=rating.case_id.encode(), value=default_codec().encode(rating))


def totals(aggregator: RatingsAggregator) -> dict[str, dict[str, int]]:
    return {key.decode(): json.loads(raw) for key, raw in aggregator.totals.items()}


def submitted(case_id: str, cause: str, rating: Rating) -> EvaluationSubmitted:
    return EvaluationSubmitted(event_id=derive_event_id(case_id, cause), case_id=case_id,
                               occurred_at=NOW, rating=rating, lead_department="health",
                               bundle_code="newborn_birth")  # fmt: skip


async def test_a_case_rated_twice_under_different_event_ids_counts_once(ratings):
    aggregator, agent = ratings
    rng = random.Random(13)
    kept: Counter[str] = Counter()
    for n in range(8):
        case_id = f"case-rate-{n}"
        first = submitted(case_id, "evaluation", rng.choice(list(Rating)))
        other = submitted(case_id, "evaluation-again", rng.choice(list(Rating)))
        kept[first.rating.value] += 1
        for record in (first, first, other):  # redelivered, then under another id
            await deliver(agent, record)
    assert totals(aggregator) == {"newborn_birth|health": dict(kept)}


async def test_what_the_cases_publish_is_counted_once_per_completed_case(ratings):
    """Cases driven through the machine, each asked to rate twice under different ids and
    the first request redelivered; cases not completed asked too: every rating record they
    publish reaches the aggregator, which counts each completed case once."""
    aggregator, agent = ratings
    rng = random.Random(29)
    kept: Counter[tuple[str, str]] = Counter()
    runs: list[tuple[CaseRun, bool]] = [(make(), False) for make in NOT_COMPLETED.values()]
    for seed, bundle in enumerate(["newborn_birth", "employee_hiring", "enterprise_opening"]):
        run = submit(bundle, seed=seed)
        approve_all(run)
        runs.append((run, True))
    for run, completed in runs:
        first, second = rng.choice(list(Rating)), rng.choice(list(Rating))
        for request in (rating_request(run, "rate", first), rating_request(run, "rate", first),
                        rating_request(run, "rate-again", second)):  # fmt: skip
            run.send(request)
        if completed:
            kept[(f"{run.state.bundle_code}|{run.state.lead_department}", first.value)] += 1
        for rating in run.of(EvaluationSubmitted):
            await deliver(agent, rating)
    expected: dict[str, dict[str, int]] = {}
    for (key, value), count in kept.items():
        expected.setdefault(key, {})[value] = count
    assert totals(aggregator) == expected
