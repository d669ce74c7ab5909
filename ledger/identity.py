"""Deterministic identities: the same document, plan or key always gets the same id."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from uuid import UUID

NAMESPACE = UUID("5b0c6a52-8f0e-4d1b-9a57-3c2f4e1d7a90")
_NAMESPACE_BYTES = NAMESPACE.bytes
_VERSION_BITS = (0xF000 << 64) | (0xC000 << 48)  # the version nibble and the variant bits
_VERSION_5 = (5 << 76) | (0x8000 << 48)  # version 5, RFC 4122 variant


def uuid5(name: str) -> UUID:
    """`uuid.uuid5(NAMESPACE, name)`, the same id in half the time: an import asks for millions
    (a filing's, its plan's, its plan keys'), and the standard one imports hashlib and builds
    the namespace's bytes on every call."""
    digest = hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()
    return UUID(int=int.from_bytes(digest[:16]) & ~_VERSION_BITS | _VERSION_5)


def document_digest(data: bytes) -> str:
    """sha256 of a document with CRLF/CR line endings made LF, so a copy saved on another
    system is still the same filing."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")).hexdigest()


@lru_cache(maxsize=1 << 12)  # a dataset import asks for each filing's id three times (duplicate check, events, validation)
def filing_id(digest: str) -> UUID:
    return uuid5(f"filing:{digest}")


@lru_cache(maxsize=1 << 16)  # a group looks each key up twice; uuid5 costs more than the rest of a look-up
def plan_key_id(key: str) -> UUID:
    return uuid5(f"plan-key:{key}")


@lru_cache(maxsize=1 << 16)
def new_plan_id(key: str) -> UUID:
    return uuid5(f"plan:{key}")


def normalise_name(name: str) -> str:
    """Letters and digits only: '401 (k)' and '401(K)', 'Inc.' and 'INC' compare equal."""
    return "".join(re.findall(r"[a-z0-9]+", name.lower()))


def ein_key(ein: str, plan_number: str) -> str:
    return f"ein:{ein}/{plan_number or '001'}"


def plan_keys(name: str, ein: str, plan_number: str) -> list[str]:
    """The keys a filing names its plan by, strongest first."""
    keys = []
    if ein:
        keys.append(ein_key(ein, plan_number))
    if name:
        keys.append(f"name:{normalise_name(name)}")
    return keys
