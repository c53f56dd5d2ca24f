"""Data keys: one ring per principal, each key with an id; the newest seals, every one still
in the ring opens (rotation without downtime). The file store under the state directory is
for development and single hosts; an external KMS implements the same `KeyStore` protocol."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from topology.sealing.suites import BY_NAME, SUITES, CipherSuite, Suite
from topology.secret_files import create_private

_KEY_ID = re.compile(
    r"^(?P<principal>[a-z][a-z0-9_.-]*)/(?P<suite>[a-z0-9]+)/(?P<serial>[0-9]{1,9})$"
)
_ACTIVE_TTL_S = 30.0
"""How long a process seals under the key it found newest before looking again, so a rotated
key is taken up by running processes within half a minute."""


class UnknownKeyError(LookupError):
    """A key id that names no key this store holds (never rotated in, or removed)."""


@dataclass(frozen=True)
class DataKey:
    """One key of a principal's ring; ``key_id`` is ``<principal>/<suite>/<serial>``."""

    key_id: str
    principal: str
    suite: CipherSuite
    secret: bytes = field(repr=False)


class KeyStore(Protocol):
    def active(self, principal: str) -> DataKey:
        """The key new values sealed to ``principal`` use."""
        ...

    def get(self, key_id: str) -> DataKey:
        """The key ``key_id`` names; raises UnknownKeyError."""
        ...


def _parse(key_id: str) -> tuple[str, CipherSuite, int]:
    match = _KEY_ID.match(key_id)
    if match is None or match["suite"] not in BY_NAME:
        raise UnknownKeyError(f"{key_id!r} is not a data key id (<principal>/<suite>/<serial>)")
    return match["principal"], BY_NAME[match["suite"]], int(match["serial"])


@dataclass
class FileKeyStore:
    """Keys in ``<root>/<principal>/<suite>-<serial>.key`` (0600 from the first byte), created
    on first use; ``rotate`` adds the next serial."""

    root: Path
    suite: Suite = "aes"
    _keys: dict[str, DataKey] = field(default_factory=dict, repr=False)
    _active: dict[str, tuple[float, DataKey]] = field(default_factory=dict, repr=False)

    def rings(self) -> dict[str, list[str]]:
        """Every principal's key ids, oldest first (the last one seals)."""
        name = SUITES[self.suite].name
        folders = sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []
        return {folder.name: [f"{folder.name}/{name}/{serial}"
                              for serial in self._serials(folder.name)]
                for folder in folders}  # fmt: skip

    def _serials(self, principal: str) -> list[int]:
        name = SUITES[self.suite].name
        found = (re.fullmatch(rf"{name}-([0-9]+)\.key", p.name) for p in self._ring(principal))
        return sorted(int(m[1]) for m in found if m)

    def _ring(self, principal: str) -> list[Path]:
        folder = self.root / principal
        return list(folder.iterdir()) if folder.is_dir() else []

    def _path(self, principal: str, suite: CipherSuite, serial: int) -> Path:
        return self.root / principal / f"{suite.name}-{serial}.key"

    def active(self, principal: str) -> DataKey:
        cached = self._active.get(principal)
        if cached is not None and time.monotonic() - cached[0] < _ACTIVE_TTL_S:
            return cached[1]
        serials = self._serials(principal)
        if not serials:
            return self.rotate(principal)
        key = self.get(f"{principal}/{SUITES[self.suite].name}/{serials[-1]}")
        self._active[principal] = (time.monotonic(), key)
        return key

    def rotate(self, principal: str) -> DataKey:
        """A new newest key for ``principal``; the old ones stay, so what they sealed opens."""
        suite = SUITES[self.suite]
        serial = (self._serials(principal) or [0])[-1] + 1
        while not create_private(self._path(principal, suite, serial),
                                 secrets.token_bytes(suite.key_bytes)):  # fmt: skip
            serial += 1  # another process created this one first: take the next
        key = self.get(f"{principal}/{suite.name}/{serial}")
        self._active[principal] = (time.monotonic(), key)
        return key

    def get(self, key_id: str) -> DataKey:
        key = self._keys.get(key_id)
        if key is None:
            principal, suite, serial = _parse(key_id)
            path = self._path(principal, suite, serial)
            try:
                secret = path.read_bytes()
            except FileNotFoundError:
                raise UnknownKeyError(f"no data key {key_id} under {self.root}") from None
            if len(secret) != suite.key_bytes:
                raise UnknownKeyError(f"{path} holds {len(secret)} bytes, not a {suite.name} key")
            key = self._keys[key_id] = DataKey(key_id, principal, suite, secret)
        return key


@dataclass
class MemoryKeyStore:
    """Keys in memory, for unit tests and in-memory adapters: one per principal, made on use."""

    suite: Suite = "aes"
    _keys: dict[str, DataKey] = field(default_factory=dict, repr=False)

    def active(self, principal: str) -> DataKey:
        suite = SUITES[self.suite]
        key_id = f"{principal}/{suite.name}/1"
        if key_id not in self._keys:
            secret = secrets.token_bytes(suite.key_bytes)
            self._keys[key_id] = DataKey(key_id, principal, suite, secret)
        return self._keys[key_id]

    def get(self, key_id: str) -> DataKey:
        try:
            return self._keys[key_id]
        except KeyError:
            raise UnknownKeyError(f"no data key {key_id} in memory") from None
