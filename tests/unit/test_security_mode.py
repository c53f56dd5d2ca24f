"""`--insecure` switches one command, and every process it starts, to PLAINTEXT; without it
every command runs secured."""

from __future__ import annotations

import pytest
from rich.console import Console
from typer.testing import CliRunner

from deploy.cli import app
from deploy.security_mode import security_label, settings_for
from deploy.supervisor import settings_env
from topology.settings import get_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def clean_mode(monkeypatch: pytest.MonkeyPatch):
    # Set first, so the teardown restores the variable even when the test under way sets it.
    monkeypatch.setenv("ONETHING_SECURITY", "on")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_without_the_flag_a_command_runs_secured_and_says_nothing(clean_mode):
    console = Console(record=True, width=200)
    settings = settings_for(False, console)
    assert settings.secured
    assert console.export_text() == ""
    assert security_label(settings) == "SASL_SSL + SCRAM-SHA-512, ACLs"


def test_the_flag_reaches_the_children_and_warns(clean_mode):
    console = Console(record=True, width=200)
    settings = settings_for(True, console)
    assert not settings.secured
    assert not get_settings().secured
    assert settings_env(settings)["ONETHING_SECURITY"] == "off"
    assert "security off" in console.export_text()
    assert security_label(settings) == "PLAINTEXT (insecure)"


@pytest.mark.parametrize("command", [["demo"], ["up"], ["bench"], ["broker", "start"]])
def test_the_commands_that_start_a_bus_offer_the_flag(command):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--insecure" in result.output
