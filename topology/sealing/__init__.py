"""Personal values encrypted to the one principal that may read them (FIT-Connect's end-to-end
idea on Kafka): each value sealed on its own, with authenticated encryption, bound to its
case and field, under the recipient's data key."""

from topology.sealing.applications import sealed_application, sealed_supplement
from topology.sealing.deployment import data_keys, sealer_for
from topology.sealing.groups import (
    APPLICANT,
    APPLICANT_FIELDS,
    APPLICATION,
    FORM,
    OUTPUTS,
    PREREQUISITES,
    open_group,
    seal_group,
    unknown_groups,
)
from topology.sealing.keys import DataKey, FileKeyStore, KeyStore, MemoryKeyStore, UnknownKeyError
from topology.sealing.sealer import Sealer, SealError, seal_context
from topology.sealing.suites import SUITES, Suite

__all__ = [
    "APPLICANT",
    "APPLICANT_FIELDS",
    "APPLICATION",
    "FORM",
    "OUTPUTS",
    "PREREQUISITES",
    "SUITES",
    "DataKey",
    "FileKeyStore",
    "KeyStore",
    "MemoryKeyStore",
    "SealError",
    "Sealer",
    "Suite",
    "UnknownKeyError",
    "data_keys",
    "open_group",
    "seal_context",
    "seal_group",
    "sealed_application",
    "sealed_supplement",
    "sealer_for",
    "unknown_groups",
]
