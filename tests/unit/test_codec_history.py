"""Old writer schemas from ``avro/history`` decode under the current reader schema."""

from __future__ import annotations

import copy
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastavro import parse_schema, schemaless_writer

from topology.codec import Codec, SchemaMismatch
from topology.codec.schemas import AVRO_DIR_ENV, default_avro_dir, load_schema
from topology.events import ItemStatus, ItemStatusReported

pytestmark = pytest.mark.unit
NOW = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
EVENT_ID = "6f1c1c56-5a4e-5a43-9b7f-0c5a4a0e9b11"


def _tmp_avro(tmp_path: Path, version: str, schema: dict[str, Any]) -> Path:
    root = tmp_path / "avro"
    shutil.copytree(default_avro_dir(), root, ignore=shutil.ignore_patterns("history"))
    target = root / "history" / "ItemStatusReported" / f"{version}.avsc"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(schema), encoding="utf-8")
    return root


def _without(*names: str) -> dict[str, Any]:
    schema = copy.deepcopy(load_schema(default_avro_dir() / "ItemStatusReported.avsc").raw)
    schema["fields"] = [f for f in schema["fields"] if f["name"] not in names]
    return schema


def _single_object(path: Path, record: dict[str, Any]) -> bytes:
    old = load_schema(path, path.stem)
    body = io.BytesIO()
    schemaless_writer(body, parse_schema(old.raw), record)
    return old.header + body.getvalue()


def _old_record(**extra: Any) -> dict[str, Any]:
    return {"event_id": EVENT_ID, "case_id": "case-9", "occurred_at": NOW,
            "item_code": "hukou_registration", "department": "public_security", "attempt": 2,
            "status": "APPROVED", "outputs": {"citizen_id": "11010520240101001X"},
            "handled_at": NOW, **extra}


def test_v1_lacking_later_optional_fields_decodes_under_current(tmp_path: Path) -> None:
    root = _tmp_avro(tmp_path, "v1", _without("reason", "supplements"))
    data = _single_object(root / "history/ItemStatusReported/v1.avsc", _old_record())
    event = Codec.load(root).decode_as(data, ItemStatusReported, topic="t", offset=5)
    assert event.status is ItemStatus.APPROVED
    assert event.attempt == 2
    assert event.reason is None
    assert event.supplements == ()
    assert event.outputs == {"citizen_id": "11010520240101001X"}


def test_writer_that_cannot_resolve_is_a_schema_mismatch(tmp_path: Path) -> None:
    root = _tmp_avro(tmp_path, "v1", _without("item_code"))
    record = _old_record()
    del record["item_code"]
    data = _single_object(root / "history/ItemStatusReported/v1.avsc", record)
    with pytest.raises(SchemaMismatch, match=r"offset=11\).*ItemStatusReported v1"):
        Codec.load(root).decode(data, topic="t", partition=0, offset=11)


def test_current_bytes_are_unknown_to_a_codec_without_that_version(tmp_path: Path) -> None:
    root = _tmp_avro(tmp_path, "v1", _without("reason"))
    data = _single_object(root / "history/ItemStatusReported/v1.avsc", _old_record(supplements=[]))
    assert Codec.load(root).decode(data).case_id == "case-9"
    with pytest.raises(Exception, match="unknown writer schema"):
        Codec.load().decode(data, topic="t")


def test_avro_dir_can_be_overridden_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AVRO_DIR_ENV, str(tmp_path))
    assert default_avro_dir() == tmp_path
