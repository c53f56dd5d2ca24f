"""Kill a worker at an arbitrary moment (SIGKILL: no shutdown, no final commit), start it
again: no case is lost and no certificate is issued twice."""

from __future__ import annotations

import random
import uuid

import pytest

from topology.catalog import load_catalog
from topology.events import BundleCompleted
from topology.samples import sample_application

pytestmark = pytest.mark.e2e

NATIONAL = load_catalog()
BUNDLES = ["newborn_birth", "enterprise_opening", "employee_hiring", "posthumous_affairs"]


async def submit_batch(bus, tag: str, count: int) -> list[str]:
    ids = []
    for n in range(count):
        bundle = NATIONAL.bundle(BUNDLES[n % len(BUNDLES)])
        case_id = f"{tag}-{n}-{uuid.uuid4().hex[:6]}"
        await bus.portal.submit(sample_application(NATIONAL, bundle, case_id,
                                                   random.Random(case_id)))  # fmt: skip
        ids.append(case_id)
    await bus.portal.flush()
    return ids


def all_certified(bus, ids):
    def check(seen):
        if not seen.finished(ids):
            return False
        for case_id in ids:
            for _, event in seen.cases[case_id].events:
                if isinstance(event, BundleCompleted) and any(
                    (case_id, t) not in seen.certificates for t in event.certificate_types
                ):
                    return False
        return True

    return check


@pytest.mark.parametrize("component", ["streams", "certificates"])
async def test_killed_worker_loses_nothing_and_duplicates_nothing(bus, component):
    ids = await submit_batch(bus, f"crash-{component}", 40)
    await bus.wait(lambda seen: sum(seen.cases[c].phase == "completed" for c in ids) >= 5, 60,
                   "the first completions")  # fmt: skip
    bus.supervisor.kill(component)
    more = await submit_batch(bus, f"crash-{component}-during", 10)
    bus.supervisor.restart(component)
    await bus.supervisor.wait_ready(within_s=90)
    if not await bus.observer.wait_for(all_certified(bus, ids + more), 180):
        stuck = {c: bus.observer.seen.cases[c].phase for c in ids + more
                 if bus.observer.seen.cases[c].phase != "completed"}  # fmt: skip
        story = {c: [(type(e).__name__, getattr(e, "item_code", ""), getattr(e, "attempt", ""))
                     for _, e in bus.observer.seen.cases[c].events] for c in stuck}  # fmt: skip
        raise AssertionError(f"unfinished after restart: {story}")
    seen = bus.observer.seen
    for case_id in ids + more:
        assert seen.cases[case_id].phase == "completed", case_id
    assert any(case_id in ids for case_id, _ in seen.certificates)
    duplicates = seen.audit.duplicates(set(ids + more))
    assert set(duplicates.values()) == {0}, f"no second certificate or completion: {duplicates}"
