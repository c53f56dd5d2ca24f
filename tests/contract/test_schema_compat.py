"""FULL_TRANSITIVE compatibility: the real ``avro/`` passes, incompatible changes fail."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deploy.schemas_cli import schemas_app
from topology.codec import default_avro_dir
from topology.codec.compat import check_compatibility
from topology.codec.release import release

pytestmark = pytest.mark.contract
Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def avro_dir(tmp_path: Path) -> Path:
    """A released copy of the real schemas, free to edit."""
    root = tmp_path / "avro"
    shutil.copytree(default_avro_dir(), root)
    return root


def _edit(root: Path, record: str, change: Edit) -> None:
    path = root / f"{record}.avsc"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")


def _released(root: Path, record: str) -> set[str]:
    return {path.stem for path in (root / "history" / record).glob("v*.avsc")}


def _field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(field for field in schema["fields"] if field["name"] == name)


def _add_required(schema: dict[str, Any]) -> None:
    schema["fields"].append({"name": "priority", "doc": "New, no default.", "type": "int"})


def _drop_symbol(schema: dict[str, Any]) -> None:
    _field(schema, "status")["type"]["symbols"].remove("IN_PROGRESS")


def _add_symbol(schema: dict[str, Any]) -> None:
    _field(schema, "status")["type"]["symbols"].append("SUSPENDED")


def _retype(schema: dict[str, Any]) -> None:
    _field(schema, "attempt").update(type="string", default="1")


def _drop_required(schema: dict[str, Any]) -> None:
    schema["fields"].remove(_field(schema, "department"))


def test_the_real_schemas_are_compatible_with_their_history() -> None:
    assert check_compatibility(default_avro_dir()) == []


@pytest.mark.parametrize(
    ("change", "direction", "field"),
    [
        (_add_required, "backward", "priority"),
        (_drop_symbol, "backward", "status (symbols)"),
        (_add_symbol, "forward", "status (symbols)"),
        (_retype, "backward", "attempt"),
        (_drop_required, "forward", "department"),
    ],
    ids=["new-field-without-default", "removed-symbol", "added-symbol", "retyped", "dropped"],
)
def test_incompatible_changes_are_reported(
    avro_dir: Path, change: Edit, direction: str, field: str
) -> None:
    _edit(avro_dir, "ItemStatusReported", change)
    problems = check_compatibility(avro_dir)
    assert problems, "the change should have been caught"
    released = {("ItemStatusReported", v) for v in _released(avro_dir, "ItemStatusReported")}
    assert {(p.record, p.version) for p in problems} == released
    assert (direction, field) in {(p.direction, p.field) for p in problems}


def test_a_new_optional_field_is_compatible_and_released_as_the_next_version(
    avro_dir: Path,
) -> None:
    def add_optional(schema: dict[str, Any]) -> None:
        field = {"name": "note", "doc": "Optional.", "type": ["null", "string"], "default": None}
        schema["fields"].append(field)

    before = _released(avro_dir, "ItemStatusReported")
    _edit(avro_dir, "ItemStatusReported", add_optional)
    assert check_compatibility(avro_dir) == []
    following = f"v{len(before) + 1}"
    assert release(avro_dir) == [avro_dir / f"history/ItemStatusReported/{following}.avsc"]
    assert release(avro_dir) == []
    _edit(avro_dir, "ItemStatusReported", _add_required)
    assert {p.version for p in check_compatibility(avro_dir)} == {*before, following}


def test_an_unreadable_schema_is_reported(avro_dir: Path) -> None:
    _edit(avro_dir, "ItemStatusReported", lambda schema: _field(schema, "attempt").update(
        type="string"))
    (problem,) = check_compatibility(avro_dir)
    assert problem.direction == "load"
    assert "ItemStatusReported.avsc" in problem.message


def test_a_removed_record_is_reported(avro_dir: Path) -> None:
    (avro_dir / "EvaluationSubmitted.avsc").unlink()
    (problem,) = check_compatibility(avro_dir)
    assert (problem.record, problem.direction) == ("EvaluationSubmitted", "removed")


def test_cli_check_prints_each_incompatibility_and_fails(avro_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(schemas_app, ["check", "--avro-dir", str(avro_dir)])
    assert ok.exit_code == 0, ok.output
    _edit(avro_dir, "ItemStatusReported", _drop_symbol)
    failed = runner.invoke(schemas_app, ["check", "--avro-dir", str(avro_dir), "--no-models"])
    assert failed.exit_code == 1
    assert "ItemStatusReported vs v1 (backward) at status (symbols)" in failed.output


def test_cli_lists_records_with_fingerprints(avro_dir: Path) -> None:
    result = CliRunner().invoke(schemas_app, ["list", "--avro-dir", str(avro_dir)])
    assert result.exit_code == 0, result.output
    assert "io.onething.events.ItemStatusReported" in result.output
