"""A case's timeline, as the status view and `onething case show` serve it: one entry per
step, named in snake_case, with the item and its department where the step is an item's."""

from __future__ import annotations

import pytest

from tests.unit.streams.test_fact_ids import (
    completed_with_everything,
    overdue_promise,
    refused,
    rejected,
    withdrawn,
)

pytestmark = pytest.mark.unit
REG, DEADLINES = "establishment_registration", ("warning", "overdue", "escalated")
LATER = ["seal_filing", "invoice_issuance", "enterprise_social_insurance_registration",
         "housing_fund_account_opening"]  # fmt: skip

STORIES = {
    completed_with_everything: [
        ("accepted", None), ("commitment_accepted", None), ("dispatched", REG),
        ("supplement_required", REG), ("supplement_requested", None),
        ("commitment_fulfilled", None), ("supplement_provided", None), ("dispatched", REG),
        *((f"deadline_{level}", None) for level in DEADLINES),
        *((f"deadline_{level}", REG) for level in DEADLINES),
        ("approved", REG), *(("dispatched", code) for code in LATER),
        *(("approved", code) for code in LATER),
        ("completed", None), ("evaluated", None), ("erased", None),
    ],
    rejected: [
        ("accepted", None), ("dispatched", REG), ("approved", REG),
        *(("dispatched", code) for code in LATER), ("rejected", "seal_filing"),
    ],
    withdrawn: [("accepted", None), ("dispatched", "employment_registration"),
                ("withdrawn", None)],
    refused: [("refused", None)],
    overdue_promise: [
        ("accepted", None), ("commitment_accepted", None), ("dispatched", REG),
        ("deadline_warning", None), *((f"deadline_{level}", REG) for level in DEADLINES),
        ("commitment_overdue", None), ("rejected", REG),
    ],
}  # fmt: skip


@pytest.mark.parametrize(("scenario", "story"), STORIES.items(),
                         ids=[scenario.__name__ for scenario in STORIES])  # fmt: skip
def test_the_timeline_tells_the_story_of_the_case(scenario, story):
    run = scenario(1)
    assert [(entry.event, entry.item) for entry in run.state.timeline] == story
    for entry in run.state.timeline:
        expected = run.state.plan[entry.item].department if entry.item else None
        assert entry.department == expected
