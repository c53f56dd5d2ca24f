"""`make mutation`'s score: verdicts counted per package from `mutmut results --all true`."""

from __future__ import annotations

import pytest

from tests.support.mutation_score import report, tally

pytestmark = pytest.mark.unit
RESULTS = """\
    streams.case.intake.x__items__mutmut_1: survived
    streams.case.intake.x__items__mutmut_2: killed
    streams.case.machine.xǁTransitionǁx__mutmut_3: timeout
    streams.case.machine.x_tick__mutmut_4: not checked
    streams.caseload.x_f__mutmut_1: killed
    adapters.sdk.http.x_send__mutmut_1: no tests
some other line
"""


def test_verdicts_are_counted_per_package_and_timeouts_are_kills():
    counts = tally(RESULTS.splitlines(), ["streams.case", "adapters.sdk"])
    assert dict(counts["streams.case"]) == {"survived": 1, "killed": 1, "timeout": 1,
                                            "not checked": 1}  # fmt: skip
    assert dict(counts["adapters.sdk"]) == {"no tests": 1}


def test_the_score_is_killed_over_checked():
    rows = report(tally(RESULTS.splitlines(), ["streams.case", "adapters.sdk"]))
    case, sdk = rows[1].split(), rows[2].split()
    assert case[:5] == ["streams.case", "2", "3", "4", "66.7%"]
    assert sdk[:5] == ["adapters.sdk", "0", "1", "1", "0.0%"]
