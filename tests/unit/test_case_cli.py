"""`onething case ID` and `onething case erase ID --reason TEXT`: the words are checked
before anything is sent."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from deploy.cli import app

pytestmark = pytest.mark.unit


def test_erase_needs_a_reason():
    result = CliRunner().invoke(app, ["case", "erase", "case-1"])
    assert result.exit_code == 2
    assert "--reason" in result.output
    assert "audit trail" in result.output


def test_other_words_are_refused_with_the_forms_that_work():
    result = CliRunner().invoke(app, ["case", "forget", "case-1", "now"])
    assert result.exit_code == 2
    assert "expected: ID, or erase ID" in result.output
