"""`onething catalog list|show|check` through typer's runner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from deploy.catalog_cli import catalog_app

pytestmark = pytest.mark.unit
runner = CliRunner()


def test_list_json_has_every_bundle() -> None:
    args = ["list", "--region", "jincheng_chengqu", "--format", "json"]
    result = runner.invoke(catalog_app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["fingerprint"]
    rows = {row["code"]: row for row in body["bundles"]}
    assert rows["personal_elderly_care"]["batch"] == "探索拓展"
    assert rows["enterprise_opening"]["lead_department"] == "administrative_approval"


def test_show_resolves_a_chinese_name_in_a_region() -> None:
    result = runner.invoke(catalog_app, ["show", "--region", "guangdong", "新生儿出生"])
    assert result.exit_code == 0, result.output
    assert "户口登记（出生登记）" in result.output
    assert "城乡居民社会保险费申报" in result.output


def test_show_json_lists_items_in_dependency_order() -> None:
    result = runner.invoke(catalog_app, ["show", "公民身后", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    order = [item["code"] for item in body["items"]]
    assert order.index("hukou_cancellation") < order.index("driving_licence_cancellation")
    assert "死亡证明" in body["certificate_types"]


def test_show_unknown_bundle_fails_with_close_matches() -> None:
    result = runner.invoke(catalog_app, ["show", "newborn"])
    assert result.exit_code == 1


def test_check_reports_ok_for_every_region() -> None:
    result = runner.invoke(catalog_app, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK") == 5
