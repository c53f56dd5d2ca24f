"""`onething adapter new|list`: the scaffold's own test passes and its code imports only the
public API; installed adapters listed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from adapters.discovery import installed_adapters
from deploy.cli import app

pytestmark = pytest.mark.unit


def test_new_adapter_package_passes_its_generated_contract_test(tmp_path):
    result = CliRunner().invoke(app, ["adapter", "new", "demo_dept", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "onething-adapter-demo-dept"
    handlers = (root / "onething_adapter_demo_dept" / "handlers.py").read_text()
    assert 'router.forwards("example_item")' in handlers
    sources = "".join(path.read_text() for path in root.rglob("*.py"))
    imported = {line.split()[1] for line in sources.splitlines()
                if line.startswith(("from adapters", "import adapters"))}
    assert imported <= {"adapters", "adapters.simulator", "adapters.testing.contract"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout


def test_new_adapter_for_a_catalogue_department_has_a_handler_per_item(tmp_path):
    result = CliRunner().invoke(app, ["adapter", "new", "fire_rescue", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    handlers = (tmp_path / "onething-adapter-fire-rescue" / "onething_adapter_fire_rescue"
                / "handlers.py").read_text()
    assert 'router.forwards("fire_safety_inspection")' in handlers


def test_every_national_department_has_an_installed_adapter():
    installed = installed_adapters()
    national = {"public_security", "tax", "hr_social_security", "medical_insurance",
                "housing_fund", "market_regulation", "health", "disease_control",
                "civil_affairs", "natural_resources", "housing_construction",
                "disabled_persons_federation", "veterans_affairs", "armed_forces",
                "fire_rescue", "energy", "water_utility", "gas_utility"}
    assert national <= set(installed)
    result = CliRunner().invoke(app, ["adapter", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "public_security" in result.output
