"""Checkable identifiers: 公民身份号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Validation lets intake refuse malformed applications; generation gives test data and the
reference simulators valid numbers without using anyone's real data.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import date, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Real administrative-division prefixes (province/city/county level), not people's data.
_AREA_CODES = ("110101", "310104", "440106", "440304", "232700", "140502", "320830", "510107")


def citizen_id_check_char(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def citizen_id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident ID number, or None when it is."""
    if len(value) != 18:
        return f"18 characters expected, got {len(value)}"
    if value[:17].isdigit() and value[17] == "x":
        return "the check character is an upper-case X"
    if not value[:17].isdigit() or value[17] not in "0123456789X":
        return "17 digits then a digit or X expected"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"birth date {value[6:14]} is not a calendar date"
    expected = citizen_id_check_char(value[:17])
    if value[17] != expected:
        return f"check digit should be {expected}"
    return None


def is_citizen_id(value: str) -> bool:
    return citizen_id_problem(value) is None


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character over the 31-symbol alphabet."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code, or None when it is."""
    if len(value) != 18:
        return f"18 characters expected, got {len(value)}"
    bad = sorted({c for c in value if c not in _USCC_ALPHABET})
    if bad:
        return f"characters {''.join(bad)!r} are outside the GB 32100 alphabet"
    if not value[2:8].isdigit():
        return "characters 3-8 must be the registration area code"
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return f"check character should be {expected}"
    return None


def is_uscc(value: str) -> bool:
    return uscc_problem(value) is None


def make_citizen_id(rng: random.Random, born: date | None = None) -> str:
    """A generated, valid resident ID number (fictitious person)."""
    if born is None:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 70))
    first17 = f"{rng.choice(_AREA_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + citizen_id_check_char(first17)


def make_uscc(rng: random.Random, area: str | None = None) -> str:
    """A generated, valid unified social credit code (fictitious company)."""
    organisation = "".join(rng.choice(_USCC_ALPHABET) for _ in range(9))
    first17 = f"91{area or rng.choice(_AREA_CODES)}{organisation}"
    return first17 + uscc_check_char(first17)


def holder_reference(key: bytes, id_number: str, digest: str = "sha256") -> str:
    """The pseudonym of a holder's 公民身份号码 or 统一社会信用代码: HMAC-SHA256 (or HMAC-SM3
    with the national suite), hex, under the bus's holder key. A bare hash of an ID number
    is reversed in seconds by trying every number of an area and birth year; without the key
    there is nothing to try."""
    if digest == "sm3":
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(id_number.encode())
        return mac.finalize().hex()
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()
