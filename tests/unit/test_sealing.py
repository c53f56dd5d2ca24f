"""Sealed values open only for their recipient, in their own case and place, under a key the
ring still holds; rotation keeps old values readable."""

from __future__ import annotations

import stat

import pytest

from topology.events import Sealed
from topology.sealing import FileKeyStore, MemoryKeyStore, Sealer, SealError, seal_context

pytestmark = pytest.mark.unit

NAME = "测试甲乙"
HERE = seal_context("case-1", "form.applicant_name")


@pytest.mark.parametrize("suite", ["aes", "sm"])
def test_a_value_opens_for_its_recipient_in_its_place(tmp_path, suite):
    keys = FileKeyStore(tmp_path, suite)
    sealed = Sealer(keys, "portal").seal(NAME, "streams", HERE)
    assert NAME.encode() not in sealed.ciphertext
    assert sealed.key_id == f"streams/{'aes256gcm' if suite == 'aes' else 'sm4gcm'}/1"
    assert Sealer(keys, "streams").open(sealed, HERE) == NAME


@pytest.mark.parametrize(
    "place", [seal_context("case-2", "form.applicant_name"), seal_context("case-1", "form.x")]
)
def test_a_value_moved_to_another_case_or_field_does_not_open(place):
    keys = MemoryKeyStore()
    sealed = Sealer(keys, "streams").seal(NAME, "streams", HERE)
    with pytest.raises(SealError, match="does not open") as refused:
        Sealer(keys, "streams").open(sealed, place)
    assert NAME not in str(refused.value)


def test_another_principal_cannot_open_it():
    keys = MemoryKeyStore()
    sealed = Sealer(keys, "streams").seal(NAME, "tax", HERE)
    with pytest.raises(SealError, match="sealed to tax, not to public_security"):
        Sealer(keys, "public_security").open(sealed, HERE)


def test_an_altered_ciphertext_is_refused():
    keys = MemoryKeyStore()
    sealer = Sealer(keys, "streams")
    sealed = sealer.seal(NAME, "streams", HERE)
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(SealError, match="altered"):
        sealer.open(Sealed(key_id=sealed.key_id, nonce=sealed.nonce, ciphertext=flipped), HERE)


def test_rotation_seals_under_the_new_key_and_still_opens_the_old(tmp_path):
    keys = FileKeyStore(tmp_path)
    sealer = Sealer(keys, "streams")
    old = sealer.seal(NAME, "streams", HERE)
    keys.rotate("streams")
    new = sealer.seal(NAME, "streams", HERE)
    assert (old.key_id, new.key_id) == ("streams/aes256gcm/1", "streams/aes256gcm/2")
    restarted = Sealer(FileKeyStore(tmp_path), "streams")  # another process, same ring
    assert restarted.open(old, HERE) == restarted.open(new, HERE) == NAME


def test_an_unknown_key_is_named_and_the_files_are_private(tmp_path):
    keys = FileKeyStore(tmp_path)
    sealed = Sealer(keys, "portal").seal(NAME, "streams", HERE)
    ring = list((tmp_path / "streams").iterdir())
    assert [stat.S_IMODE(p.stat().st_mode) for p in ring] == [0o600]
    ring[0].unlink()
    with pytest.raises(SealError, match="no data key streams/aes256gcm/1"):
        Sealer(FileKeyStore(tmp_path), "streams").open(sealed, HERE)


def test_a_sealed_value_survives_json():
    sealed = Sealer(MemoryKeyStore(), "streams").seal(NAME, "streams", HERE)
    assert Sealed.model_validate_json(sealed.model_dump_json()) == sealed
