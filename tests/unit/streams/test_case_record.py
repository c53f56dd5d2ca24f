"""What a case keeps of itself: each item pinned as the catalogue described it at intake
(built once and shared by the cases that pin it), and where each item stands."""

from __future__ import annotations

import pytest

from streams.case import admission
from streams.case.state import RunStatus
from tests.unit.streams.harness import report, submit
from topology.catalog import load_catalog
from topology.events import ItemStatus

pytestmark = pytest.mark.unit


@pytest.fixture
def nothing_pinned_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pinned items are built anew, not found among those other tests built."""
    monkeypatch.setattr(admission, "_PLANNED", {})


@pytest.mark.usefixtures("nothing_pinned_yet")
@pytest.mark.parametrize("bundle_code", ["newborn_birth", "enterprise_opening"])
def test_each_item_is_pinned_as_the_catalogue_describes_it(bundle_code):
    run = submit(bundle_code)
    catalog = load_catalog()
    plan = run.state.plan
    for item in catalog.bundle(bundle_code).items:
        pinned = plan[item.code]
        assert (pinned.code, pinned.name, pinned.department) == (
            item.code, item.name, item.department
        )  # fmt: skip
        assert pinned.prerequisites == [p for p in item.prerequisite_codes if p in plan]
        assert pinned.inputs == [f"{p.item}.{o}" for p in item.prerequisites if p.item in plan
                                 for o in p.outputs]  # fmt: skip
        assert pinned.fields == list(item.fields)
        assert pinned.personal == [f for f in item.fields if catalog.field(f).personal]
        assert pinned.materials == list(item.materials)
        assert pinned.certificate_types == list(item.certificate_types())
        assert (pinned.time_limit_days, pinned.optional) == (item.time_limit_days, item.optional)


@pytest.mark.usefixtures("nothing_pinned_yet")
def test_cases_under_one_catalogue_share_their_pinned_items():
    one, other = submit("newborn_birth", seed=1), submit("newborn_birth", seed=2)
    assert all(one.state.plan[code] is other.state.plan[code] for code in one.state.plan)


@pytest.mark.parametrize("status", [ItemStatus.RECEIVED, ItemStatus.IN_PROGRESS])
def test_a_progress_note_marks_the_item_in_progress(status):
    run = submit("newborn_birth")
    (task,) = run.open_tasks()
    run.send(report(task, status))
    assert run.changed
    assert run.state.runs[task.item_code].status == RunStatus.IN_PROGRESS
    assert run.state.timeline[-1].event == status.value.lower()
