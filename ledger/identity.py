"""Deterministic identities: the same document, plan or key always gets the same id."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from uuid import UUID, uuid5

NAMESPACE = UUID("5b0c6a52-8f0e-4d1b-9a57-3c2f4e1d7a90")


def document_digest(data: bytes) -> str:
    """sha256 of a document with CRLF/CR line endings made LF, so a copy saved on another
    system is still the same filing."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")).hexdigest()


@lru_cache(maxsize=1 << 12)  # a dataset import asks for each filing's id three times (duplicate check, events, validation)
def filing_id(digest: str) -> UUID:
    return uuid5(NAMESPACE, f"filing:{digest}")


@lru_cache(maxsize=1 << 16)  # a group looks each key up twice; uuid5 costs more than the rest of a look-up
def plan_key_id(key: str) -> UUID:
    return uuid5(NAMESPACE, f"plan-key:{key}")


@lru_cache(maxsize=1 << 16)
def new_plan_id(key: str) -> UUID:
    return uuid5(NAMESPACE, f"plan:{key}")


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
