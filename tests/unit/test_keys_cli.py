"""`onething keys rotate NAME` adds a key to a ring and the old one still opens;
`onething keys list` shows which key seals."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from deploy.cli import app
from topology.sealing import FileKeyStore, Sealer, seal_context
from topology.settings import get_settings

pytestmark = pytest.mark.unit
HERE = seal_context("case-1", "form.applicant_name")


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("ONETHING_STATE_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_rotation_from_the_command_line_keeps_old_values_readable(state):
    keys = FileKeyStore(state / "keys" / "data")
    old = Sealer(keys, "portal").seal("测试甲乙", "streams", HERE)
    result = CliRunner().invoke(app, ["keys", "rotate", "streams"])
    assert result.exit_code == 0, result.output
    assert "streams/aes256gcm/2" in result.output
    listed = CliRunner().invoke(app, ["keys", "list"], env={"COLUMNS": "200"})
    assert "streams/aes256gcm/1, streams/aes256gcm/2" in listed.output
    fresh = FileKeyStore(state / "keys" / "data")
    assert fresh.active("streams").key_id == "streams/aes256gcm/2"
    assert Sealer(fresh, "streams").open(old, HERE) == "测试甲乙"


def test_an_unknown_principal_is_refused(state):
    result = CliRunner().invoke(app, ["keys", "rotate", "nobody"])
    assert result.exit_code == 1
    assert "no principal 'nobody'" in result.output
    assert not (state / "keys" / "data" / "nobody").exists()
