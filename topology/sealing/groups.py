"""A record's personal values sealed together: one sealed group per kind of value and
recipient (an application's applicant block and its form, a task's form fields and its
prerequisite outputs, a result's outputs), so each record pays one nonce, one tag and one
key id, not one per value. A group is the JSON of its values, bound to its case, its scope
(``application``, or the item it belongs to) and its key."""

from __future__ import annotations

import json
from collections.abc import Mapping

from topology.events import Sealed
from topology.sealing.sealer import Sealer, SealError, seal_context

APPLICATION = "application"
"""The scope of what belongs to the case as a whole: the applicant block and the form."""
APPLICANT, FORM, PREREQUISITES, OUTPUTS = "applicant", "form", "prerequisites", "outputs"
"""The keys of a record's ``sealed`` map."""
APPLICANT_FIELDS = ("name", "id_number", "phone")
"""What the ``applicant`` group holds: the applicant block's personal fields."""


def group_context(case_id: str, scope: str, key: str) -> bytes:
    return seal_context(case_id, f"{scope}/{key}")


def seal_group(
    sealer: Sealer, values: Mapping[str, str], recipient: str, case_id: str, scope: str, key: str
) -> Sealed:
    """``values`` sealed to ``recipient`` as one group."""
    text = json.dumps(dict(values), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return sealer.seal(text, recipient, group_context(case_id, scope, key))


def open_group(
    sealer: Sealer, sealed: Sealed, case_id: str, scope: str, key: str
) -> dict[str, str]:
    """The values of a group sealed to this sealer's principal; raises SealError."""
    text = sealer.open(sealed, group_context(case_id, scope, key))
    values = json.loads(text)
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in values.items()
    ):
        raise SealError(f"{scope}/{key}: the sealed group is not a map of text values")
    return values


def unknown_groups(sealed: Mapping[str, Sealed], *known: str) -> list[str]:
    """Keys of ``sealed`` that are none of ``known``, for refusals that name them."""
    return sorted(set(sealed) - set(known))
