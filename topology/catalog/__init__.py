"""The bundle catalogue (一件事清单): national base list plus regional overlays, as typed data.

from topology.catalog import load_catalog
newborn = load_catalog("guangdong").bundle("新生儿出生")
"""

from __future__ import annotations

from topology.catalog.bundle import Bundle
from topology.catalog.catalog import Catalog
from topology.catalog.errors import CatalogError, Problem
from topology.catalog.loader import (
    DATA_DIR,
    REGIONS,
    all_catalogs,
    load_catalog,
    load_catalog_from,
)
from topology.catalog.models import (
    FIELD_KINDS,
    Department,
    FieldKind,
    FieldSpec,
    Item,
    MaterialSpec,
    OutputSpec,
    Prerequisite,
    Rollout,
    SituationGroup,
    SituationOption,
    SituationRef,
)
from topology.catalog.names import normalise_name

__all__ = [
    "DATA_DIR",
    "FIELD_KINDS",
    "REGIONS",
    "Bundle",
    "Catalog",
    "CatalogError",
    "Department",
    "FieldKind",
    "FieldSpec",
    "Item",
    "MaterialSpec",
    "OutputSpec",
    "Prerequisite",
    "Problem",
    "Rollout",
    "SituationGroup",
    "SituationOption",
    "SituationRef",
    "all_catalogs",
    "load_catalog",
    "load_catalog_from",
    "normalise_name",
]
