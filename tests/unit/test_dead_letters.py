"""Dead letters, built one way on both sides: where the record came from, why it failed, and
never a personal number in clear."""

from __future__ import annotations

import random

import pytest

from topology.catalog import load_catalog
from topology.codec import InvalidEvent, default_codec
from topology.dead_letters import dead_letter_headers
from topology.events import Applicant
from topology.samples import sample_application

pytestmark = pytest.mark.unit

ID = "11010519491231002X"  # a generated number: area 110105, born 1949-12-31, check digit X


def test_the_reason_masks_an_id_number_and_names_the_origin():
    headers = dict(dead_letter_headers(
        [("ce_type", b"io.onething.events.ApplicationSubmitted"),
         ("__connect.errors.exception.message", b"an older reason")],
        ("t.applications", 3, 42), ValueError(f"bad applicant {ID} (phone 13812345678)"),
    ))  # fmt: skip
    reason = headers["__connect.errors.exception.message"].decode()
    assert ID not in reason
    assert "13812345678" not in reason
    assert "110105********002X" in reason
    assert headers["ce_type"] == b"io.onething.events.ApplicationSubmitted", "kept as received"
    assert (headers["__connect.errors.topic"], headers["__connect.errors.partition"],
            headers["__connect.errors.offset"]) == (b"t.applications", b"3", b"42")  # fmt: skip
    assert headers["__connect.errors.exception.class.name"] == b"ValueError"


def test_a_validation_failure_names_the_field_without_its_value():
    """A name over 200 characters passes Avro and fails the model: the reason must not
    repeat it (a mistyped ID number no longer fails the model: intake refuses it)."""
    catalog = load_catalog()
    app = sample_application(catalog, catalog.bundle("newborn_birth"), "case-dl-1",
                             random.Random(5))  # fmt: skip
    long_name = app.applicant.name * 101
    bad = app.model_copy(update={"applicant": Applicant.model_construct(
        kind=app.applicant.kind, name=long_name, id_number=ID, phone=None)})
    codec = default_codec()
    with pytest.raises(InvalidEvent) as failed:
        codec.decode(codec.encode(bad), topic="t", partition=0, offset=7)
    reason = str(failed.value)
    assert "applicant.name" in reason
    assert app.applicant.name not in reason
    assert ID not in reason
