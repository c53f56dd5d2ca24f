"""The demo's sample cases against the catalogue: each regional case runs its region's bundle,
and every case the demo expects to run is accepted at intake."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deploy.scenarios import demo_scenarios
from streams.case.intake import Accepted, check_application
from topology.catalog import load_catalog

pytestmark = pytest.mark.unit


def test_regional_cases_run_the_regions_own_bundles() -> None:
    regional = [s.application for s in demo_scenarios("t") if "regional" in s.tags]
    ran = {(app.region, app.bundle_code) for app in regional}
    assert ("daxinganling", load_catalog("daxinganling").bundle("退休").code) in ran
    assert ("daxinganling", "employee_retirement") not in ran  # the inherited national bundle


def test_every_case_but_the_refused_one_passes_intake() -> None:
    today = datetime.now(UTC).date()
    for scenario in demo_scenarios("t"):
        outcome = check_application(scenario.application, today)
        if scenario.expect == "refused":
            assert not isinstance(outcome, Accepted), scenario.title
        else:
            assert isinstance(outcome, Accepted), (scenario.title, outcome)
