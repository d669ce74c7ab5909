"""The per-plan hash chain: each event names the hash of the one before it."""

from __future__ import annotations

import hashlib


def chain_hash(state: bytes) -> str:
    """The hash of an event as stored; its state includes its position and `prev`."""
    return hashlib.sha256(state).hexdigest()
