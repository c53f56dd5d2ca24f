"""SCRAM credentials per principal: generated, 0600, rotated with a previous, never shown."""

import json
import logging
import stat
from datetime import UTC, datetime

import pytest

from deploy.security.credentials import CredentialsError, CredentialStore, new_password
from topology.secret import Secret

pytestmark = pytest.mark.unit


def store_at(tmp_path) -> CredentialStore:
    return CredentialStore(tmp_path / "security" / "credentials.json")


def test_a_created_password_is_random_and_the_file_0600(tmp_path):
    store = store_at(tmp_path)
    tax = store.create("tax").current.password
    health = store.create("health").current.password
    assert tax != health
    assert len(tax.reveal()) >= 40
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert CredentialStore(store.path).entry("tax").current.password == tax


def test_rotation_keeps_the_previous_password_until_dropped(tmp_path):
    store = store_at(tmp_path)
    first = store.create("tax").current.password
    rotated = store.rotate("tax")
    assert rotated.previous is not None
    assert rotated.previous.password == first
    assert rotated.current.password != first
    second = rotated.current.password
    assert store.rotate("tax").previous.password == second  # the first is forgotten
    assert CredentialStore(store.path).drop_previous("tax").previous is None
    assert CredentialStore(store.path).entry("tax").previous is None


def test_a_secret_never_prints_itself(caplog):
    secret = new_password()
    caplog.set_level(logging.INFO)
    logging.getLogger("t").info("credential %s %r", secret, secret)
    assert secret.reveal() not in caplog.text
    assert secret.reveal() not in f"{secret} {secret!r} {[secret]}"
    assert Secret("a") == Secret("a") != Secret("b")


def test_a_malformed_file_raises_without_the_password(tmp_path):
    store = store_at(tmp_path)
    password = store.create("tax").current.password.reveal()
    data = json.loads(store.path.read_text())
    del data["principals"]["tax"]["current"]["created"]
    store.path.write_text(json.dumps(data))
    store.path.chmod(0o600)
    with pytest.raises(CredentialsError) as raised:
        CredentialStore(store.path)
    assert "tax" in str(raised.value)
    chain = [raised.value, raised.value.__cause__, raised.value.__context__]
    assert not any(password in repr(e) for e in chain if e is not None)


def test_a_file_others_can_read_is_refused(tmp_path):
    store = store_at(tmp_path)
    store.create("tax")
    store.path.chmod(0o644)
    with pytest.raises(CredentialsError, match="readable by others"):
        CredentialStore(store.path)


def test_create_twice_and_unknown_rotations_are_refused(tmp_path):
    store = store_at(tmp_path)
    store.create("tax", now=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(CredentialsError, match="rotate"):
        store.create("tax")
    with pytest.raises(CredentialsError, match="principals create health"):
        store.rotate("health")
