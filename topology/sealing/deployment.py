"""The deployment's key store and a process's sealer, from its settings."""

from __future__ import annotations

from topology.sealing.keys import FileKeyStore
from topology.sealing.sealer import Sealer
from topology.settings import Settings


def data_keys(settings: Settings) -> FileKeyStore:
    """The data keys under ``<state dir>/keys/data``, in the configured suite."""
    return FileKeyStore(settings.state_dir / "keys" / "data", settings.crypto_suite)


def sealer_for(settings: Settings, principal: str) -> Sealer:
    """What ``principal`` seals and opens with, in this deployment."""
    return Sealer(data_keys(settings), principal)
