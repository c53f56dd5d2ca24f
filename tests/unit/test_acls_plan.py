"""`acls plan`: the diff between declared and existing bindings, and the offline command."""

import json

import pytest
from typer.testing import CliRunner

from deploy.acls_plan import AclChange, plan, summary
from deploy.cli import app
from topology.acls import AclBinding, Operation, PatternType, ResourceType, bus_acls
from topology.acls_text import to_rows
from topology.settings import get_settings
from topology.topics import Topics

pytestmark = pytest.mark.unit
TOPICS = Topics("onething")


def test_nothing_to_do_when_the_broker_matches():
    desired = bus_acls(TOPICS, ["tax"])
    assert plan(desired, desired, topics=TOPICS, prune=True) == []
    assert summary([]) == "ACLs up to date: nothing to change"


def test_missing_bindings_are_added():
    desired = bus_acls(TOPICS, ["tax"])
    changes = plan(desired, desired[1:], topics=TOPICS)
    assert changes == [AclChange("add", desired[0])]


def test_a_removed_department_shows_up_as_prunes_and_only_with_prune():
    before = bus_acls(TOPICS, ["tax", "health"])
    after = bus_acls(TOPICS, ["tax"])
    assert plan(after, before, topics=TOPICS) == []
    removed = plan(after, before, topics=TOPICS, prune=True)
    assert removed
    assert all(change.action == "remove" for change in removed)
    names = {change.binding.resource_name for change in removed}
    assert TOPICS.department("health").tasks in names  # streams' write on health's tasks
    assert {c.binding.principal for c in removed} == {"User:health", "User:streams"}
    assert summary(removed) == f"0 to add, {len(removed)} to remove"


def test_prune_leaves_what_is_not_this_bus():
    other_bus = bus_acls(Topics("elsewhere"), ["tax"])
    cluster = AclBinding("User:x", ResourceType.CLUSTER, PatternType.LITERAL, "kafka-cluster",
                         Operation.IDEMPOTENT_WRITE)  # fmt: skip
    desired = bus_acls(TOPICS, ["tax"])
    assert plan(desired, [*desired, *other_bus, cluster], topics=TOPICS, prune=True) == []


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ONETHING_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("ONETHING_TOPIC_PREFIX", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_a_live_plan_in_the_plaintext_mode_says_there_are_no_acls(cli_env, monkeypatch):
    monkeypatch.setenv("ONETHING_SECURITY", "off")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["acls", "plan"])
    assert result.exit_code == 2
    assert "--offline" in result.output


def test_offline_plan_prints_one_principal(cli_env):
    result = CliRunner().invoke(app, ["acls", "plan", "--offline", "-p", "tax"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# User:tax\n")
    assert "User:public_security" not in result.output


def test_offline_plan_against_an_export_lists_prunes(cli_env):
    stale = bus_acls(TOPICS, ["tax", "retired_department"])
    existing = cli_env / "acls.json"
    existing.write_text(json.dumps(to_rows(stale)))
    args = ["acls", "plan", "--offline", "--existing", str(existing), "--prune"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "- User:retired_department ALLOW READ TOPIC LITERAL" in result.output
    assert "+ User:health ALLOW READ TOPIC LITERAL onething.dept.health.tasks.v1" in result.output
