"""deploy/SECURITY.md: its ACL table is what the code renders, and it says what is not done."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from deploy.acls_cli import security_md_table
from deploy.cli import app
from topology.settings import get_settings

pytestmark = pytest.mark.unit
DOC = Path(__file__).resolve().parents[2] / "deploy" / "SECURITY.md"


def section(text: str) -> str:
    start = text.index("<!-- acls:begin -->\n") + len("<!-- acls:begin -->\n")
    return text[start : text.index("<!-- acls:end -->")]


def test_the_acl_table_is_current():
    assert section(DOC.read_text(encoding="utf-8")) == security_md_table(), (
        "regenerate: onething acls plan --offline --generic -f markdown"
    )


def test_the_documented_command_prints_the_table(monkeypatch):
    monkeypatch.delenv("ONETHING_TOPIC_PREFIX", raising=False)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["acls", "plan", "--offline", "--generic", "-f", "markdown"])
    get_settings.cache_clear()
    assert result.exit_code == 0
    assert result.output == security_md_table()


def test_the_doc_lists_what_is_not_done_yet():
    text = DOC.read_text(encoding="utf-8")
    not_yet = text[text.index("## Not yet") :]
    for part in ("Broker listener", "Authorizer", "Clients", "Encryption", "Retention"):
        assert part in not_yet


def test_the_retention_table_is_current():
    from deploy.security.retention import retention_table

    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- retention:begin -->\n") + len("<!-- retention:begin -->\n")
    assert text[start : text.index("<!-- retention:end -->")] == retention_table(), (
        "regenerate the table with deploy.security.retention.retention_table()"
    )
    assert "| `onething.case.applications.v1` |" in text
    assert "| 30 days |" in text
