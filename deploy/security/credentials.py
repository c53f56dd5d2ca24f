"""SCRAM-SHA-512 passwords per principal, in one 0600 JSON file under the state dir.

Rotation without downtime: ``rotate`` makes a new current password and keeps the old one as
``previous`` (the broker accepts both while clients move), ``drop_previous`` forgets it.
A password is a ``topology.secret.Secret``: no log line or exception shows it.
"""

from __future__ import annotations

import json
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deploy.security.files import write_private
from topology.secret import Secret

MECHANISM = "SCRAM-SHA-512"
_VERSION = 1


class CredentialsError(RuntimeError):
    """The credentials file or a request on it is unusable; never carries a secret."""


def new_password() -> Secret:
    """256 bits from ``secrets``, URL-safe base64 (nothing JAAS or a shell must escape)."""
    return Secret(secrets.token_urlsafe(32))


@dataclass(frozen=True)
class Credential:
    """One password of a principal and when it was made."""

    password: Secret
    created: datetime


@dataclass(frozen=True)
class Entry:
    """A principal's current password and, during a rotation, the previous one."""

    current: Credential
    previous: Credential | None = None


def _dump(credential: Credential | None) -> dict[str, str] | None:
    if credential is None:
        return None
    return {"password": credential.password.reveal(), "created": credential.created.isoformat()}


def _load(raw: Any, name: str, slot: str) -> Credential | None:
    """A credential from its JSON; errors name the principal and slot, never the values."""
    if raw is None and slot == "previous":
        return None
    try:
        created = datetime.fromisoformat(raw["created"])
        password = raw["password"]
    except (TypeError, KeyError, ValueError):
        raise CredentialsError(f"{slot} credential of {name!r} is malformed") from None
    if not isinstance(password, str) or not password or created.tzinfo is None:
        raise CredentialsError(f"{slot} credential of {name!r} is malformed")
    return Credential(Secret(password), created)


class CredentialStore:
    """The file of every principal's credentials; each change rewrites it (0600) at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries = self._read() if path.exists() else {}

    def _read(self) -> dict[str, Entry]:
        mode = self.path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CredentialsError(f"{self.path} is readable by others (mode {mode & 0o777:o}): "
                                   "rotate every credential, then make it 0600")  # fmt: skip
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError:
            raise CredentialsError(f"{self.path} is not JSON") from None
        principals = data.get("principals") if isinstance(data, dict) else None
        if not isinstance(principals, dict):
            raise CredentialsError(f"{self.path} is not a credentials file")
        entries = {}
        for name, raw in principals.items():
            slots = raw if isinstance(raw, dict) else {}
            current = _load(slots.get("current"), name, "current")
            if current is None:
                raise CredentialsError(f"current credential of {name!r} is missing")
            entries[name] = Entry(current, _load(slots.get("previous"), name, "previous"))
        return entries

    def _write(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        principals = {name: {"current": _dump(e.current), "previous": _dump(e.previous)}
                      for name, e in sorted(self._entries.items())}  # fmt: skip
        text = json.dumps({"version": _VERSION, "principals": principals}, indent=2)
        write_private(self.path, (text + "\n").encode())

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[tuple[str, Entry]]:
        return iter(sorted(self._entries.items()))

    def entry(self, name: str) -> Entry:
        if name not in self._entries:
            raise CredentialsError(f"no credential for {name!r}: onething principals create {name}")
        return self._entries[name]

    def create(self, name: str, now: datetime | None = None) -> Entry:
        """A first password for ``name``; refuses one that has a password already."""
        if name in self._entries:
            raise CredentialsError(f"{name!r} has a credential: rotate it instead")
        self._entries[name] = Entry(Credential(new_password(), now or datetime.now(UTC)))
        self._write()
        return self._entries[name]

    def rotate(self, name: str, now: datetime | None = None) -> Entry:
        """A new current password; the current one becomes ``previous`` (one replaced by an
        earlier rotation is forgotten)."""
        fresh = Credential(new_password(), now or datetime.now(UTC))
        self._entries[name] = Entry(fresh, self.entry(name).current)
        self._write()
        return self._entries[name]

    def drop_previous(self, name: str) -> Entry:
        """Forget the previous password once every client uses the current one."""
        self._entries[name] = replace(self.entry(name), previous=None)
        self._write()
        return self._entries[name]
